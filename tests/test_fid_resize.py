"""FID's resize definitions (keras_edgan.evaluation.resize), each against a reference
independent of its implementation, and their place in metric names and cache keys."""

import os

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_edgan import evaluation
from keras_edgan.cli import evaluate

# (input height, input width, output side): up, up to Inception's 299, down, non-square.
SHAPES = [(5, 5, 9), (32, 32, 299), (32, 32, 13), (6, 10, 9)]


def random_pixels(height, width, seed=0, count=2):
    """uint8 pixels and the same images in [-1, 1] as the pipelines give them (x / 127.5 - 1)."""
    pixels = np.random.default_rng(seed).integers(0, 256, (count, height, width, 3), dtype=np.uint8)
    return pixels, (pixels.astype(np.float32) / 127.5 - 1.0)


def linear_weights(source, size):
    """(len(source), size) matrix of linear interpolation at the source coordinates,
    each clamped to [0, size - 1] (beyond the edge, the edge pixel)."""
    source = np.clip(source, 0, size - 1)
    lower = np.floor(source).astype(int)
    upper = np.minimum(lower + 1, size - 1)
    fraction = source - lower
    weights = np.zeros((len(source), size))
    rows = np.arange(len(source))
    np.add.at(weights, (rows, lower), 1 - fraction)
    np.add.at(weights, (rows, upper), fraction)
    return weights


def numpy_bilinear(images, size, half_pixel_centres):
    """Bilinear resize to size×size in float64, from the definitions: output pixel d
    samples the input at (d + ½)·in/out − ½ (half-pixel centres, TF2's tf.image.resize)
    or at d·in/out (TF1's resize_bilinear, align_corners=False), separably in rows
    and columns, without antialiasing."""

    def weights(length):
        destination = np.arange(size, dtype=np.float64)
        scale = length / size
        source = (destination + 0.5) * scale - 0.5 if half_pixel_centres else destination * scale
        return linear_weights(source, length)

    _, height, width, _ = images.shape
    return np.einsum("ph,nhwc,qw->npqc", weights(height), images.astype(np.float64), weights(width))


def pil_bicubic(pixels, size):
    """clean-fid's resize, straight from PIL: each uint8 channel as a float ("F") image,
    Image.BICUBIC to size×size, clipped to [0, 255]."""
    return np.stack([
        np.stack([np.clip(np.asarray(Image.fromarray(image[..., c].astype(np.float32), mode="F")
                                     .resize((size, size), Image.BICUBIC)), 0, 255)
                  for c in range(image.shape[-1])], axis=-1)
        for image in pixels
    ])


# The bilinear definitions run in float32 in TensorFlow, with float32 source coordinates
# (scale in/out rounded, then multiplied): for a coordinate below 32 its error is below
# 32·2⁻²³ ≈ 4e-6 pixel, which moves a value by at most that times the largest step
# between neighbours (255 on the [0, 255] scale, 2 in [-1, 1]): ≈ 1e-3 on [0, 255],
# 8e-6 in [-1, 1], plus float32 rounding of the result (≈ 1e-7). So atol 2e-5 in [-1, 1]
# (2.5e-3 on [0, 255]): a hundred times below what a wrong mapping gives (the
# definitions differ by > 0.1, test_the_definitions_differ).
BILINEAR_ATOL = 2e-5


@pytest.mark.parametrize("height,width,size", SHAPES)
@pytest.mark.parametrize("resize,half_pixel_centres", [("tf2_bilinear", True), ("tf1_bilinear", False)])
def test_bilinear_definitions_match_their_numpy_transcriptions(height, width, size, resize, half_pixel_centres):
    _, images = random_pixels(height, width)
    resized = evaluation.resize_images(images, size, resize).numpy()
    assert resized.shape == (2, size, size, 3) and resized.dtype == np.float32
    expected = numpy_bilinear(images, size, half_pixel_centres)
    np.testing.assert_allclose(resized, expected, rtol=0, atol=BILINEAR_ATOL)


def test_tf1_bilinear_is_the_legacy_asymmetric_mapping():
    """TF1's mapping d·in/out starts on the first input pixel and never reaches the last
    one's centre: 2 → 4 pixels gives a, (a+b)/2, b, b (TF2's gives a, ¾a+¼b, ¼a+¾b, b)."""
    images = np.array([0.0, 1.0], np.float32).reshape(1, 1, 2, 1) * np.ones((1, 2, 1, 1), np.float32)
    tf1 = evaluation.resize_images(images, 4, "tf1_bilinear").numpy()[0, 0, :, 0]
    tf2 = evaluation.resize_images(images, 4, "tf2_bilinear").numpy()[0, 0, :, 0]
    np.testing.assert_allclose(tf1, [0, 0.5, 1, 1], atol=1e-7)
    np.testing.assert_allclose(tf2, [0, 0.25, 0.75, 1], atol=1e-7)


@pytest.mark.parametrize("height,width,size", SHAPES)
def test_pil_bicubic_is_clean_fids_resize_of_the_uint8_pixels(height, width, size):
    pixels, images = random_pixels(height, width, seed=1)
    resized = evaluation.resize_images(images, size, "pil_bicubic").numpy()
    # The same PIL calls on the same uint8 pixels; only the final x / 127.5 - 1 rounds
    # (float32, |x| ≤ 1: below 1.2e-7), so atol 1e-6 in [-1, 1].
    expected = pil_bicubic(pixels, size) / 127.5 - 1.0
    np.testing.assert_allclose(resized, expected, rtol=0, atol=1e-6)
    assert resized.min() >= -1 and resized.max() <= 1  # clipped, as clean-fid clips


def test_pil_bicubic_quantises_to_uint8_first():
    """Off-grid values are rounded to the nearest uint8 pixel before the resize, and the
    pipelines' x / 127.5 - 1 comes back as the stored pixels exactly."""
    pixels, images = random_pixels(7, 7, seed=2)
    np.testing.assert_array_equal(evaluation.resize.to_uint8(images), pixels)
    nudged = images + np.float32(0.3 / 127.5)  # +0.3 of a pixel level: rounds back
    np.testing.assert_array_equal(evaluation.resize.to_uint8(np.clip(nudged, -1, 1)), pixels)
    np.testing.assert_array_equal(
        evaluation.resize_images(np.clip(nudged, -1, 1), 9, "pil_bicubic").numpy(),
        evaluation.resize_images(images, 9, "pil_bicubic").numpy(),
    )
    assert evaluation.resize.to_uint8(np.array([-1.5, -1.0, 1.0, 2.0])).tolist() == [0, 0, 255, 255]


def test_the_definitions_differ():
    """On one 32×32 image resized to 299 the three give visibly different inputs."""
    _, images = random_pixels(32, 32, seed=3, count=1)
    resized = {name: evaluation.resize_images(images, 299, name).numpy()
               for name in evaluation.RESIZE_DEFINITIONS}
    assert set(resized) == {"tf2_bilinear", "tf1_bilinear", "pil_bicubic"}
    names = sorted(resized)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            difference = np.abs(resized[first] - resized[second]).max()
            assert difference > 0.1, (first, second, difference)


def test_unknown_definitions_are_refused():
    with pytest.raises(ValueError, match="'bicubic'.*tf2_bilinear, tf1_bilinear, pil_bicubic"):
        evaluation.resize_images(np.zeros((1, 4, 4, 3), np.float32), 8, "bicubic")


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory):
    """A SavedModel with the reference module's interface whose pool_3 features are
    2048 pixels of its 299×299 input, so they show which resize reached it."""
    module = tf.Module()
    module.__call__ = tf.function(
        lambda images: {
            "pool_3": tf.reshape(images[:, ::6, ::6, :], [tf.shape(images)[0], -1])[:, :2048],
            "logits": tf.reshape(images[:, ::10, ::10, :], [tf.shape(images)[0], -1])[:, :1008],
        },
        input_signature=[tf.TensorSpec([None, 299, 299, 3], tf.float32)],
    )
    path = str(tmp_path_factory.mktemp("inception_stand_in"))
    tf.saved_model.save(module, path)
    return path


def test_the_extractor_resizes_by_its_definition(stand_in):
    _, images = random_pixels(32, 32, seed=4)
    for resize in evaluation.RESIZE_DEFINITIONS:
        features, _ = evaluation.InceptionExtractor(stand_in, resize=resize)(images)
        expected = evaluation.resize_images(images, 299, resize).numpy()[:, ::6, ::6, :]
        np.testing.assert_allclose(features, expected.reshape(2, -1)[:, :2048], atol=1e-6)
    assert evaluation.InceptionExtractor(stand_in).resize == "tf2_bilinear"
    with pytest.raises(ValueError, match="Unknown FID resize definition 'area'"):
        evaluation.InceptionExtractor(stand_in, resize="area")


def test_names_and_cache_keys_carry_the_definition(stand_in, tmp_path):
    extractors = {resize: evaluation.InceptionExtractor(stand_in, resize=resize)
                  for resize in evaluation.RESIZE_DEFINITIONS}
    default = extractors["tf2_bilinear"]
    digest = default.fingerprint[:16]
    # The default keeps the names and keys of before the option.
    assert evaluation.metric_names(default) == ("FID", "IS", "KID")
    assert default.cache_id == f"inception-{digest}"
    assert evaluation.metric_names(extractors["pil_bicubic"], manifold_metrics=True) == (
        "FID[pil_bicubic]", "IS[pil_bicubic]", "KID[pil_bicubic]", "precision-inception[pil_bicubic]",
        "recall-inception[pil_bicubic]", "density-inception[pil_bicubic]", "coverage-inception[pil_bicubic]",
    )
    assert evaluation.metric_names(extractors["tf1_bilinear"]) == (
        "FID[tf1_bilinear]", "IS[tf1_bilinear]", "KID[tf1_bilinear]")
    assert extractors["tf1_bilinear"].cache_id == f"inception-{digest}-tf1_bilinear"

    # Statistics computed one way are stored apart from, never read as, another's.
    cache = str(tmp_path)
    keys = {}
    for resize, extractor in extractors.items():
        real = evaluation.real_statistics(extractor, "mnist5k", 6, image_size=28, cache_dir=cache, batch_size=3)
        keys[resize] = real.key
        assert os.path.isfile(os.path.join(cache, "real_statistics", real.key + ".npz"))
    assert keys["tf2_bilinear"] == f"mnist5k_train_6_28px_inception-{digest}"
    assert keys["pil_bicubic"] == f"mnist5k_train_6_28px_inception-{digest}-pil_bicubic"
    assert len(set(keys.values())) == 3
    tf1 = evaluation.real_statistics(extractors["tf1_bilinear"], "mnist5k", 6, image_size=28, cache_dir=cache)
    tf2 = evaluation.real_statistics(default, "mnist5k", 6, image_size=28, cache_dir=cache)
    assert np.abs(tf1.features - tf2.features).max() > 0.01

    # The report names the definition; the classifier score still uses no real images.
    report = evaluation.evaluate_images([np.zeros((4, 28, 28, 1), np.float32)], extractors["pil_bicubic"],
                                        tf2, 4)
    assert list(report.scores) == ["FID[pil_bicubic]", "IS[pil_bicubic]", "KID[pil_bicubic]"]
    assert report.resize == "pil_bicubic"
    lines = report.table().splitlines()
    assert lines[0] == f"extractor: inception (weights sha256:{default.fingerprint}; resize pil_bicubic)"
    assert lines[3].split()[0] == "IS[pil_bicubic]" and lines[3].split()[2] == "-"


def test_only_inception_takes_a_resize(stand_in, monkeypatch):
    monkeypatch.delenv(evaluation.INCEPTION_ENV, raising=False)
    extractor = evaluation.get_extractor("inception", inception_path=stand_in, resize="tf1_bilinear")
    assert extractor.resize == "tf1_bilinear"
    assert evaluation.get_extractor("inception", inception_path=stand_in).resize == "tf2_bilinear"
    # Refused before the classifier is built (or trained): another extractor's scores
    # would not be what the resize asked for.
    for name in ("mnist-classifier", "auto"):
        with pytest.raises(ValueError, match="applies only to the reference Inception.*mnist-classifier"):
            evaluation.get_extractor(name, dataset="mnist5k", resize="tf2_bilinear")
    with pytest.raises(ValueError, match="Unknown FID resize definition"):
        evaluation.get_extractor("inception", inception_path=stand_in, resize="lanczos")
    # The evaluate command passes its --fid_resize along.
    with pytest.raises(ValueError, match="applies only to the reference Inception"):
        evaluate.evaluate_reference("mnist5k", extractor="mnist-classifier", fid_resize="pil_bicubic")
