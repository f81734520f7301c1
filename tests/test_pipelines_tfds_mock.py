"""`pipelines.load` under TFDS's own test idiom, `tfds.testing.mock_data` with its default
policy (MockPolicy.AUTO: no metadata files here, so TFDS makes examples up from each
builder's code), for every TFDS dataset of the catalog; and the missing-dataset error
outside mocking, which must stay immediate."""

import os
import time

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

import pipelines
from pipelines import errors

TFDS_NAMES = [name for name in pipelines.DATASETS if pipelines.info(name).source == "tfds"]
LABELLED = [name for name in TFDS_NAMES if pipelines.info(name).num_classes is not None]


@pytest.fixture(autouse=True)
def empty_data_dir(tmp_path, monkeypatch):
    """Points TFDS_DATA_DIR at an empty folder: nothing is prepared, whatever this machine holds."""
    root = tmp_path / "tfds"
    root.mkdir()
    monkeypatch.setenv("TFDS_DATA_DIR", os.fspath(root))
    return root


def labelled_split(meta):
    return next(split for split in meta.splits if meta.has_labels(split))


def test_the_idiom_of_the_tfds_docs():
    with tfds.testing.mock_data(num_examples=16):
        ds = pipelines.load("celeb_a", batch_size=4, image_size=32, split="train")
        images = next(iter(ds))
    assert images.shape == (4, 32, 32, 3) and images.dtype == tf.float32


def test_covers_every_tfds_dataset_of_the_catalog():
    assert set(TFDS_NAMES) == set(pipelines.DATASETS) - {"mnist5k", "ring", "grid"}
    assert set(LABELLED) == {"mnist", "cifar10", "svhn_cropped", "stl10"}


@pytest.mark.parametrize("name", TFDS_NAMES)
@pytest.mark.parametrize("image_size", [None, 24])
def test_mocked_batches(name, image_size, empty_data_dir):
    meta = pipelines.info(name)
    size = image_size or meta.default_size
    with tfds.testing.mock_data(num_examples=10):
        # The default split (stl10: "unlabelled"), and an explicit data_dir that holds nothing.
        ds = pipelines.load(name, batch_size=4, image_size=image_size, data_dir=empty_data_dir, seed=0)
        batches = [batch.numpy() for batch in ds]
    assert ds.element_spec == tf.TensorSpec((4, size, size, meta.channels), tf.float32)
    assert len(batches) == 10 // 4  # mock_data serves num_examples; the leftover 2 are dropped
    images = np.concatenate(batches)
    assert images.dtype == np.float32 and images.shape == (8, size, size, meta.channels)
    assert np.isfinite(images).all()
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert images.std() > 0  # random pixels, not a constant image


@pytest.mark.parametrize("name", LABELLED)
def test_mocked_labels(name):
    meta = pipelines.info(name)
    with tfds.testing.mock_data(num_examples=12):
        ds = pipelines.load(name, batch_size=4, split=labelled_split(meta), with_labels=True, shuffle=False)
        pairs = [(x.numpy(), y.numpy()) for x, y in ds]
    assert ds.element_spec == (
        tf.TensorSpec((4, meta.default_size, meta.default_size, meta.channels), tf.float32),
        tf.TensorSpec((4,), tf.int32),
    )
    assert len(pairs) == 3
    images = np.concatenate([x for x, _ in pairs])
    labels = np.concatenate([y for _, y in pairs])
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert labels.dtype == np.int32 and labels.shape == (12,)
    assert labels.min() >= 0 and labels.max() < meta.num_classes


@pytest.mark.parametrize("name", ["cifar10", "svhn_cropped", "lsun/bedroom"])
def test_mocked_split_specs(name):
    """Slices and sums of splits pass through to TFDS (mock_data serves every split alike)."""
    meta = pipelines.info(name)
    first, second = list(meta.splits)[:2]
    with tfds.testing.mock_data(num_examples=8):
        ds = pipelines.load(name, 4, split=f"{first}[:50%]+{second}", shuffle=False)
        assert len(list(ds)) == 2


def test_mocked_unknown_split_is_still_refused():
    with tfds.testing.mock_data(num_examples=8), pytest.raises(ValueError, match="Did you mean 'train'"):
        pipelines.load("cifar10", 4, split="trian")


# --- outside mocking ---------------------------------------------------------------------


def expected_error(name, data_dir, origin):
    builder = tfds.builder(name, data_dir=os.fspath(data_dir))
    return errors.DatasetNotPreparedError(
        name=name,
        version=str(builder.version),
        data_dir=os.fspath(data_dir),
        data_dir_origin=origin,
        expected_dir=os.path.join(os.fspath(data_dir), name, str(builder.version)),
    )


@pytest.mark.parametrize("name", TFDS_NAMES)
def test_missing_dataset_fails_fast(name, empty_data_dir, monkeypatch):
    """load itself raises (not the first batch), at once, with the message it always had."""

    def no_download(*args, **kwargs):
        raise AssertionError("download_and_prepare was called")

    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", no_download)
    expected = expected_error(name, empty_data_dir, "the TFDS_DATA_DIR environment variable")
    start = time.perf_counter()
    with pytest.raises(pipelines.DatasetNotPreparedError) as caught:
        pipelines.load(name, 8)
    seconds = time.perf_counter() - start
    assert str(caught.value) == str(expected)
    assert caught.value.expected_dir == expected.expected_dir
    assert seconds < 10, f"took {seconds:.1f} s to report a missing dataset"


def test_missing_dataset_keeps_the_reason_tfds_gave():
    with pytest.raises(pipelines.DatasetNotPreparedError) as caught:
        pipelines.load("cifar10", 8)
    assert isinstance(caught.value.__cause__, AssertionError)  # TFDS's "could not find data in ..."
    assert "could not find data" in str(caught.value.__cause__)


def test_missing_dataset_fails_again_after_mocking(empty_data_dir):
    """Leaving mock_data restores the check: nothing is cached from the mocked builder."""
    with tfds.testing.mock_data(num_examples=4):
        next(iter(pipelines.load("cifar10", 4)))
    with pytest.raises(pipelines.DatasetNotPreparedError, match="tfds build cifar10"):
        pipelines.load("cifar10", 4)


def test_partial_copy_is_not_prepared(empty_data_dir):
    """A version folder without dataset_info.json (an interrupted copy) is reported, not read."""
    version = str(tfds.builder("cifar10", data_dir=os.fspath(empty_data_dir)).version)
    (empty_data_dir / "cifar10" / version).mkdir(parents=True)
    with pytest.raises(pipelines.DatasetNotPreparedError, match="tfds build cifar10"):
        pipelines.load("cifar10", 4, data_dir=empty_data_dir)
