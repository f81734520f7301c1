"""Real images held out from the real statistics, to score real data as a generator is scored.

Held-out real images scored against the real statistics, with the same
extractor, metrics and sample counts as generated samples, give the floor of
the Fréchet and kernel distances: what a generator drawing from the data
distribution itself would score (the "Real Datasets" row of EDGAN's Table 6).
The two sets share no image; one on both sides would pull the floor down.

Example:

>>> real, held_out = held_out_images("cifar10")
>>> real.split, held_out.split
('train', 'test')
>>> real, held_out = held_out_images("mnist5k")  # one split: a fixed partition of it
>>> (real.part, real.size), (held_out.part, held_out.size)
(('rest', 4000), ('held-out', 1000))
"""

import dataclasses
import re

import pipelines
from keras_edgan.evaluation.mnist import TEST_PER_CLASS, mnist_held_out_mask

HELD_OUT = "held-out"
REST = "rest"
# Splits held out when none is named, in this order.
HELD_OUT_SPLITS = ("test", "validation")
# Datasets of a single split hold out part of it: {dataset: (mask over the
# split in stored order, True where held out; those images in words)}. mnist5k
# holds out the MNIST classifier's test digits, so they are as new to that
# extractor as generated samples are.
PARTITIONS = {
    "mnist5k": (mnist_held_out_mask, f"the last {TEST_PER_CLASS} digits of each class"),
}


@dataclasses.dataclass(frozen=True)
class RealImages:
    """Real images of a dataset: a split, or one side of a single-split dataset's partition.

    Attributes:
        split: a split spec of the dataset.
        part: None for the whole split; `HELD_OUT` or `REST` for the held-out
            images of the split's partition (`PARTITIONS`) or all the others.
        size: how many images; None for a sliced or summed split spec.
        description: which images, in words, for reports.
    """

    split: str
    part: str | None
    size: int | None
    description: str


def partition_mask(dataset, part):
    """Returns the boolean mask of `part` ("held-out" or "rest") over the
    examples of single-split `dataset`, in stored order."""
    if dataset not in PARTITIONS:
        raise ValueError(
            f"{dataset} has no held-out partition; only {', '.join(PARTITIONS)} have one. "
            f"Hold out another split of {dataset} instead."
        )
    if part not in (HELD_OUT, REST):
        raise ValueError(f"part must be {HELD_OUT!r} or {REST!r}, got {part!r}.")
    held_out = PARTITIONS[dataset][0]()
    return held_out if part == HELD_OUT else ~held_out


def held_out_images(dataset, split=None, held_out_split=None):
    """Returns `(real, held_out)`: two disjoint sets of real images of `dataset`.

    `real` (the real statistics' images) is `split`, default the training
    split; `held_out` is `held_out_split`, default the first of "test" and
    "validation" that `split` does not use. A dataset of a single split
    (mnist5k) is partitioned instead (`PARTITIONS`): `held_out` is its fixed
    held-out part and `real` everything else.

    Args:
        dataset: an image dataset of `pipelines.DATASETS`.
        split: split spec of the real statistics.
        held_out_split: split spec of the held-out images.

    Returns:
        Two `RealImages`.

    Raises:
        ValueError: an unknown split, the two specs share a split, or no split
            is left to hold out.
    """
    meta = pipelines.info(dataset)
    split = split or meta.train_split
    used = _split_names(meta, split)
    if held_out_split is None and meta.name in PARTITIONS:
        if split != meta.train_split:
            raise ValueError(
                f"{meta.name} is partitioned into held-out and real images as a whole "
                f"(split {meta.train_split!r}); got split {split!r}. Drop --split."
            )
        mask, what = PARTITIONS[meta.name]
        held = int(mask().sum())
        return (
            RealImages(split, REST, meta.splits[split] - held, f"{split}, all but {what}"),
            RealImages(split, HELD_OUT, held, f"{split}, {what}"),
        )
    if held_out_split is None:
        free = [name for name in HELD_OUT_SPLITS if name in meta.splits and name not in used]
        if not free:
            raise ValueError(
                f"{meta.name} has no split left to hold out: the real statistics use {split!r} "
                f"and its splits are {', '.join(meta.splits)}. Pass --held_out_split=SPLIT, "
                f"a split that {split!r} does not use, or a narrower --split."
            )
        held_out_split = free[0]
    shared = sorted(set(used) & set(_split_names(meta, held_out_split)))
    if shared:
        raise ValueError(
            f"The held-out split {held_out_split!r} and the real statistics' split {split!r} "
            f"both use {', '.join(shared)}, so the held-out images would not be disjoint from "
            f"the real ones. Pass a --held_out_split that shares no split with --split."
        )
    return (
        RealImages(split, None, meta.splits.get(split), split),
        RealImages(held_out_split, None, meta.splits.get(held_out_split), held_out_split),
    )


def _split_names(meta, split):
    """The split names in a split spec ("train[:10%]+test" -> train, test), checked."""
    names = [re.sub(r"\[.*\]$", "", part.strip()).strip() for part in split.split("+")]
    unknown = [name for name in names if name not in meta.splits]
    if unknown:
        raise ValueError(
            f"Split {split!r} of {meta.name} names unknown split(s) {', '.join(unknown)}; "
            f"its splits are {', '.join(meta.splits)}."
        )
    return names
