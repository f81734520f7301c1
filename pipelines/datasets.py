"""`load`: batched, shuffled, prefetched image datasets in [-1, 1] for GAN training.

Example:

>>> from pipelines import datasets
>>> ds = datasets.load("mnist5k", batch_size=64, seed=0)
>>> ds.element_spec
TensorSpec(shape=(64, 28, 28, 1), dtype=tf.float32, name=None)
>>> images, labels = next(iter(datasets.load("mnist5k", 8, image_size=32, with_labels=True)))
>>> images.shape, labels.dtype
(TensorShape([8, 32, 32, 1]), tf.int32)
"""

import numbers
import re

import tensorflow as tf

from pipelines import catalog, embedded, errors, gmm, preprocessing, tfds_datasets

# Examples held by the shuffle buffer. Records are shuffled before decoding,
# so the buffer holds compressed images (a few MB for CIFAR-10, ~0.3 GB for
# LSUN) while mixing well beyond the files' order, which TFDS also shuffles.
SHUFFLE_BUFFER = 10_000


def load(
    name, batch_size, image_size=None, split=None, data_dir=None, shuffle=True, seed=None, with_labels=False
):
    """Returns dataset `name` as float32 image batches in [-1, 1].

    Images are decoded, centre-cropped where the dataset needs it (celeb_a:
    108x108; lsun/bedroom: the square of the shorter side), resized bilinearly
    (antialiased when downsampling) and scaled by x / 127.5 - 1. Batches are
    (batch_size, image_size, image_size, channels), incomplete last batches
    are dropped, and the dataset is prefetched but not repeated.

    TFDS datasets are read from a prepared data_dir and never downloaded (see
    BUILD.md, "Preparing datasets offline"); under `tfds.testing.mock_data`
    they are the fake examples TFDS makes up, and need no data_dir. "mnist5k"
    is embedded and needs no files. "ring" and "grid" are the 2-D Gaussian
    mixtures of GAN+VER (`pipelines.gmm`): batches of points (batch_size, 2),
    no image arguments.

    Args:
        name: one of `pipelines.DATASETS`.
        batch_size: examples per batch.
        image_size: side of the square output images; None gives
            `info(name).default_size` (the native size, or 32 for celeb_a and
            lsun/bedroom, as in the EDGAN paper).
        split: TFDS split spec ("train", "test", "train[:10%]", "train+test",
            ...); None gives `info(name).train_split` ("unlabelled" for stl10,
            "train" elsewhere). mnist5k has only "train".
        data_dir: root of the prepared TFDS datasets; None reads
            $TFDS_DATA_DIR, else ~/tensorflow_datasets. Unused by mnist5k.
        shuffle: shuffle files and examples, anew on each pass.
        seed: makes the shuffled order the same on every run; None for a
            different order each run.
        with_labels: yield (images, labels) with int32 labels; the split must
            carry class labels.

    Raises:
        ValueError: unknown name or split, bad batch_size or image_size, or
            labels asked of data without them.
        DatasetNotPreparedError: the TFDS dataset is not in the data_dir (and
            TFDS is not mocked).
    """
    meta = catalog.info(name)
    name = meta.name
    _check_positive_int("batch_size", batch_size)
    if image_size is not None:
        _check_positive_int("image_size", image_size)
    split = meta.train_split if split is None else split
    split_names = _split_names(meta, split)
    if with_labels:
        _check_labelled(meta, split, split_names)

    if meta.point_dim is not None:
        if image_size is not None:
            raise ValueError(
                f"image_size={image_size!r} was given, but {name!r} is a dataset of 2-D points, "
                "not images; call load without image_size."
            )
        return gmm.load(name, batch_size, shuffle=shuffle, seed=seed, with_labels=with_labels)
    if meta.source == "embedded":
        examples = embedded.read_split(name, split)
    else:
        examples = tfds_datasets.read_split(name, split, data_dir=data_dir, shuffle_files=shuffle, seed=seed)
    if shuffle:
        examples = examples.shuffle(SHUFFLE_BUFFER, seed=seed, reshuffle_each_iteration=True)

    size = image_size or meta.default_size
    crop = preprocessing.crop_for(name)

    def prepare(example):
        image = preprocessing.preprocess(example["image"], channels=meta.channels, size=size, crop=crop)
        if with_labels:
            return image, tf.cast(example["label"], tf.int32)
        return image

    batches = examples.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
    return batches.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def _check_positive_int(what, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{what} must be a positive int, got {value!r}.")


def _split_names(meta, split):
    """The split names in a TFDS split spec ("train[:10%]+test" -> train, test), checked."""
    if not isinstance(split, str) or not split.strip():
        raise ValueError(f"split must be a non-empty string such as 'train', got {split!r}.")
    names = [re.sub(r"\[.*\]$", "", part.strip()).strip() for part in split.split("+")]
    for part in names:
        if part not in meta.splits:
            raise errors.unknown_choice("split", part, meta.splits, context=f" of dataset {meta.name!r}")
    return names


def _check_labelled(meta, split, split_names):
    if meta.num_classes is None:
        raise ValueError(
            f"with_labels=True, but dataset {meta.name!r} has no class labels; "
            "call load(..., with_labels=False)."
        )
    unlabelled = [s for s in split_names if not meta.has_labels(s)]
    if unlabelled:
        labelled = [s for s in meta.splits if meta.has_labels(s)]
        raise ValueError(
            f"with_labels=True, but split {split!r} of dataset {meta.name!r} has no labels "
            f"(in {', '.join(unlabelled)}); use a labelled split ({', '.join(labelled)}) "
            "or with_labels=False."
        )
