"""Feature extractors, streamed activations, cached real statistics, named reports."""

import hashlib
import logging
import os
import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_edgan import callbacks, evaluation, metrics


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    # One cache per test session, so the MNIST classifier is trained once.
    return str(tmp_path_factory.getbasetemp() / "keras_edgan_cache")


class Module(tf.Module):
    """A SavedModel with the reference Inception module's interface."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    @tf.function(input_signature=[tf.TensorSpec([None, 299, 299, 3], tf.float32)])
    def __call__(self, images):
        pool_3, logits = self.model(images, training=False)
        return {"pool_3": pool_3, "logits": logits}


@pytest.fixture(scope="module")
def random_inception(tmp_path_factory):
    """InceptionV3 with random weights (no download), saved like the TF-Hub module."""
    keras.utils.set_random_seed(0)
    network = keras.applications.InceptionV3(weights=None, classes=1008, classifier_activation=None)
    model = keras.Model(network.input, [network.get_layer("avg_pool").output, network.outputs[0]])
    path = str(tmp_path_factory.mktemp("inception"))
    tf.saved_model.save(Module(model), path)
    return path, model


def pil_resize(images):
    """Bilinear resize to 299 with PIL, an implementation independent of TensorFlow's."""
    return np.stack([
        np.stack([np.asarray(Image.fromarray(image[..., c], mode="F").resize((299, 299), Image.BILINEAR))
                  for c in range(image.shape[-1])], axis=-1)
        for image in images
    ])


def test_inception_extractor_resizes_and_gives_pool3_and_logits(random_inception):
    path, model = random_inception
    grey = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 1)).astype("float32")
    extractor = evaluation.InceptionExtractor(path)
    features, logits = extractor(grey)
    assert features.shape == (2, 2048) and logits.shape == (2, 1008)

    # Reference: grey repeated to RGB, resized by PIL, still in [-1, 1] (no rescaling).
    expected_pool, expected_logits = model(pil_resize(np.repeat(grey, 3, axis=-1)))
    np.testing.assert_allclose(features, expected_pool, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(logits, expected_logits, rtol=1e-3, atol=1e-4)
    assert extractor.name == "inception"
    assert evaluation.metric_names(extractor) == ("FID", "IS", "KID")


def test_inception_from_environment_variable_and_signature(tmp_path, monkeypatch):
    """A SavedModel with only a serving signature works too; the path may come from the env."""
    module = tf.Module()
    module.serve = tf.function(
        lambda images: {"pool_3": tf.tile(tf.reduce_mean(images, axis=[1, 2]), [1, 683])[:, :2048],
                        "logits": tf.zeros([tf.shape(images)[0], 1008])},
        input_signature=[tf.TensorSpec([None, 299, 299, 3], tf.float32, name="images")],
    )
    tf.saved_model.save(module, str(tmp_path), signatures={"serving_default": module.serve})
    monkeypatch.setenv(evaluation.INCEPTION_ENV, str(tmp_path))
    features, logits = evaluation.get_extractor("auto", dataset="cifar10")(np.full((2, 8, 8, 3), 0.5, "float32"))
    np.testing.assert_allclose(features, np.full((2, 2048), 0.5), rtol=1e-6)
    assert logits.shape == (2, 1008)


def saved_outputs(path, pool_size, logit_size):
    """A SavedModel giving constant outputs of the given sizes."""
    module = tf.Module()
    module.__call__ = tf.function(
        lambda images: {"pool_3": tf.zeros([tf.shape(images)[0], pool_size]),
                        "logits": tf.zeros([tf.shape(images)[0], logit_size])},
        input_signature=[tf.TensorSpec([None, 299, 299, 3], tf.float32)],
    )
    tf.saved_model.save(module, str(path))
    return str(path)


def test_outputs_of_other_sizes_than_the_reference_are_refused(tmp_path):
    extractor = evaluation.InceptionExtractor(saved_outputs(tmp_path, 2048, 1000))
    with pytest.raises(ValueError, match=r"outputs \{'pool_3': 2048, 'logits': 1000\}.*not be FID"):
        extractor(np.zeros((1, 8, 8, 3), "float32"))


def test_the_weights_fingerprint_names_the_files_not_the_directory(tmp_path):
    """The SHA-256 of the module's files, checked against hashlib over the same bytes:
    a copy elsewhere has the same fingerprint and cache key, one changed byte another."""
    path = saved_outputs(tmp_path / "a", 2048, 1008)
    copy = str(tmp_path / "b")
    shutil.copytree(path, copy)
    first = evaluation.InceptionExtractor(path)
    assert first.fingerprint == evaluation.InceptionExtractor(copy).fingerprint
    assert first.cache_id == f"inception-{first.fingerprint[:16]}"

    expected = hashlib.sha256()
    for relative in sorted(os.path.relpath(os.path.join(root, name), path)
                           for root, _, names in os.walk(path) for name in names):
        data = open(os.path.join(path, relative), "rb").read()
        expected.update(f"{relative}\0{len(data)}\0".encode() + data)
    assert first.fingerprint == expected.hexdigest()

    variables = os.path.join(copy, "variables", "variables.index")
    data = bytearray(open(variables, "rb").read())
    data[len(data) // 2] ^= 1
    open(variables, "wb").write(bytes(data))
    assert evaluation.inception.fingerprint(copy) != first.fingerprint


def test_a_network_without_pool3_is_rejected(tmp_path):
    module = tf.Module()
    module.__call__ = tf.function(
        lambda images: {"features": images[:, 0, 0, :]},
        input_signature=[tf.TensorSpec([None, 299, 299, 3], tf.float32)],
    )
    tf.saved_model.save(module, str(tmp_path))
    extractor = evaluation.InceptionExtractor(str(tmp_path))
    with pytest.raises(ValueError, match=r"does not output \['pool_3', 'logits'\].*it gives \['features'\]"):
        extractor(np.zeros((1, 8, 8, 3), "float32"))


def test_without_inception_the_error_or_the_substitute_is_explicit(monkeypatch, cache_dir, caplog):
    monkeypatch.delenv(evaluation.INCEPTION_ENV, raising=False)
    with pytest.raises(evaluation.InceptionNotFoundError, match="KERAS_EDGAN_INCEPTION.*BUILD.md"):
        evaluation.get_extractor("inception")
    with pytest.raises(evaluation.InceptionNotFoundError, match="no saved_model.pb"):
        evaluation.InceptionExtractor(cache_dir)
    with pytest.raises(evaluation.InceptionNotFoundError, match="--extractor=mnist-classifier"):
        evaluation.get_extractor("auto", dataset="cifar10")
    with caplog.at_level(logging.WARNING):
        extractor = evaluation.get_extractor("auto", dataset="mnist5k", cache_dir=cache_dir)
    assert "not FID/IS/KID" in caplog.text
    assert extractor.name == "mnist-classifier" and not extractor.is_reference
    assert evaluation.metric_names(extractor) == (
        "FD-mnist-classifier", "CS-mnist-classifier", "KD-mnist-classifier"
    )
    with pytest.raises(ValueError, match="Unknown extractor 'incepton'. Did you mean 'inception'"):
        evaluation.get_extractor("incepton")


def test_mnist_classifier_accuracy_on_held_out_digits(cache_dir):
    (train_x, train_y), (test_x, test_y) = evaluation.mnist_held_out_split()
    assert len(train_x) == 4000 and len(test_x) == 1000
    assert np.all(np.bincount(test_y) == 100)
    model, accuracy = evaluation.mnist_classifier(cache_dir)
    assert accuracy >= 0.95
    predictions = np.argmax(keras.ops.convert_to_numpy(model.predict(test_x, verbose=0)), axis=1)
    assert np.mean(predictions == test_y) == pytest.approx(accuracy, abs=1e-6)
    # The second call reads the cache: same weights, same accuracy.
    cached, cached_accuracy = evaluation.mnist_classifier(cache_dir)
    assert cached_accuracy == accuracy
    np.testing.assert_array_equal(cached.get_layer("logits").get_weights()[0],
                                  model.get_layer("logits").get_weights()[0])


def test_mnist_classifier_frechet_distance_ranks_real_noisy_noise(cache_dir):
    (train_x, _), (test_x, _) = evaluation.mnist_held_out_split()
    extractor = evaluation.mnist_classifier_extractor(cache_dir)
    rng = np.random.default_rng(0)
    noisy = np.clip(test_x + rng.normal(0, 0.5, test_x.shape), -1, 1).astype("float32")
    noise = rng.uniform(-1, 1, test_x.shape).astype("float32")
    reference, _ = extractor(train_x)
    distances = {name: metrics.frechet_distance(reference, extractor(images)[0])
                 for name, images in (("real", test_x), ("noisy", noisy), ("noise", noise))}
    print("FD-mnist-classifier to the 4000 training digits:", distances)
    assert distances["real"] < distances["noisy"] < distances["noise"]
    assert distances["real"] < 0.1 * distances["noise"]


class CountingExtractor(evaluation.FeatureExtractor):
    """Features = per-image mean and std; counts the images it sees."""

    name = "counting"

    def __init__(self):
        self.seen = []

    def __call__(self, images):
        self.seen.append(len(images))
        images = np.asarray(images).reshape(len(images), -1)
        return np.stack([images.mean(1), images.std(1)], 1), images[:, :3]


def test_streaming_takes_exactly_the_requested_images():
    extractor = CountingExtractor()
    batches = (np.full((4, 2, 2, 1), i, "float32") for i in range(100))
    features, logits = evaluation.stream_activations(extractor, batches, 10)
    assert extractor.seen == [4, 4, 2]
    np.testing.assert_array_equal(features[:, 0], [0] * 4 + [1] * 4 + [2] * 2)
    assert logits.shape == (10, 3)
    with pytest.raises(ValueError, match="ran out after 8 of the 9 requested"):
        evaluation.stream_activations(extractor, iter([np.zeros((4, 2, 2, 1))] * 2), 9)


def test_generated_batches_repeat_with_the_seed():
    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])
    first = np.concatenate(list(evaluation.generated_batches(generator, 3, 10, batch_size=4, seed=5)))
    again = np.concatenate(list(evaluation.generated_batches(generator, 3, 10, batch_size=3, seed=5)))
    assert first.shape == (10, 4)
    np.testing.assert_allclose(first, again, rtol=1e-6)


def test_real_statistics_are_cached_by_dataset_split_count_size_and_extractor(tmp_path):
    extractor = CountingExtractor()
    real = evaluation.real_statistics(extractor, "mnist5k", 250, image_size=28, cache_dir=str(tmp_path))
    assert real.key == "mnist5k_train_250_28px_counting" and real.count == 250
    assert sum(extractor.seen) == 250
    assert os.path.isfile(tmp_path / "real_statistics" / "mnist5k_train_250_28px_counting.npz")
    again = evaluation.real_statistics(extractor, "mnist5k", 250, image_size=28, cache_dir=str(tmp_path))
    assert sum(extractor.seen) == 250  # read from disk, not recomputed
    np.testing.assert_array_equal(again.features, real.features)
    evaluation.real_statistics(extractor, "mnist5k", 250, image_size=32, cache_dir=str(tmp_path))
    assert sum(extractor.seen) == 500  # another size is another entry
    with pytest.raises(ValueError, match="ran out after 5000 of the 6000 requested"):
        evaluation.real_statistics(extractor, "mnist5k", 6000, image_size=28, cache_dir=str(tmp_path))


def test_report_names_scores_and_counts():
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16), keras.layers.Reshape((4, 4, 1))])
    extractor = CountingExtractor()
    rng = np.random.default_rng(0)
    real = evaluation.RealStatistics(rng.normal(size=(40, 2)).astype("float32"), key="toy")
    report = evaluation.evaluate_generator(generator, 2, extractor, real, 30, batch_size=7)
    assert list(report.scores) == ["FD-counting", "CS-counting", "KD-counting"]
    assert (report.real_samples, report.generated_samples) == (40, 30)
    table = report.table()
    assert "extractor: counting" in table
    assert table.splitlines()[2].split()[2:] == ["40", "30"]
    assert table.splitlines()[3].split()[2:] == ["-", "30"]  # the classifier score uses no real data

    extractor.weights = "sha256:0123abcd"
    report = evaluation.evaluate_generator(generator, 2, extractor, real, 30, batch_size=7)
    assert report.extractor_weights == "sha256:0123abcd"
    assert report.table().splitlines()[0] == "extractor: counting (weights sha256:0123abcd)"


def test_point_datasets_are_refused_with_the_scores_that_apply():
    with pytest.raises(ValueError, match="ring holds 2-D points, not images.*GMMScores"):
        evaluation.check_image_dataset("ring")
    with pytest.raises(ValueError, match="grid holds 2-D points"):
        callbacks.FID("unused", "grid", extractor=CountingExtractor())
