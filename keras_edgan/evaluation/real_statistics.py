"""Activations of real images, computed once per dataset and extractor and cached on disk."""

import dataclasses
import functools
import os
import re

import numpy as np
from absl import logging

import pipelines
from keras_edgan import metrics
from keras_edgan.evaluation.activations import (
    real_batches,
    stream_activations,
    stream_labelled_activations,
)
from keras_edgan.evaluation.cache import cache_directory


@dataclasses.dataclass(frozen=True)
class RealStatistics:
    """The features of `count` real images and their moments (computed once).

    Attributes:
        features: float32 array (count, d), for the kernel distance.
        key: what they were computed from: dataset, split, count, size, extractor.
        labels: int32 array (count,), the class of each image, for the
            intra-class Fréchet distance; None when not asked for.
    """

    features: np.ndarray
    key: str
    labels: np.ndarray = None

    @property
    def count(self):
        return len(self.features)

    @functools.cached_property
    def moments(self):
        """(mean, covariance) in float64, for the Fréchet distance."""
        return metrics.moments(self.features)


def check_image_dataset(dataset):
    """Raises a ValueError if `dataset` holds points, not images (FID, IS and KID
    need images)."""
    meta = pipelines.info(dataset)
    if meta.point_dim is not None:
        raise ValueError(
            f"{meta.name} holds {meta.point_dim}-D points, not images: FID, IS and KID do "
            f"not apply. Its mixture scores come from keras_edgan.callbacks.GMMScores "
            f"(train --eval_every=N)."
        )


def real_statistics(
    extractor, dataset, num_samples, image_size, split=None, data_dir=None,
    cache_dir=None, batch_size=100, part=None, with_labels=False,
):
    """Returns the `RealStatistics` of `num_samples` images of `dataset`.

    They are read from `cache_directory(cache_dir)/real_statistics/KEY.npz`, where
    KEY names the dataset, split (and part), sample count, image size and
    extractor (`extractor.cache_id`), and whether the labels are kept, or computed
    (streamed through `extractor`) and written there.

    Example:

    >>> real = real_statistics(get_extractor("mnist-classifier"), "mnist5k", 5000, image_size=28)
    >>> real.count, real.features.shape
    (5000, (5000, 128))

    Args:
        extractor: a `FeatureExtractor`.
        dataset: a name of `pipelines.DATASETS`.
        num_samples: how many real images; at most the split's size.
        image_size: the side the images are resized to: the generator's.
        split: default: the dataset's training split.
        data_dir: prepared TFDS datasets (see BUILD.md).
        cache_dir: cache root; default $KERAS_EDGAN_CACHE or ~/.cache/keras_edgan.
        batch_size: images per extractor call.
        part: None for the whole split; "rest" (or "held-out") for the images a
            single-split dataset does not hold out (or does), see `held_out_images`.
        with_labels: also keep each image's class (`RealStatistics.labels`), for
            a conditional generator's intra-class Fréchet distance.
    """
    meta = pipelines.info(dataset)
    split = split or meta.train_split
    if with_labels and not meta.has_labels(split):
        raise ValueError(
            f"The intra-class scores of a conditional generator need class labels, and "
            f"{dataset}'s {split} split has none. Score against a labelled split."
        )
    images = split if part is None else f"{split}-{part}"
    labelled = "_labelled" if with_labels else ""
    key = f"{dataset}_{images}_{num_samples}_{image_size}px_{extractor.cache_id}{labelled}"
    path = os.path.join(
        cache_directory(cache_dir), "real_statistics", re.sub(r"[^\w.+-]", "-", key) + ".npz"
    )
    if os.path.isfile(path):
        with np.load(path) as stored:
            return RealStatistics(stored["features"], key,
                                  stored["labels"] if with_labels else None)
    logging.info("Computing real statistics %s (cached in %s).", key, path)
    batches = real_batches(dataset, image_size, split=split, data_dir=data_dir,
                           batch_size=batch_size, part=part, with_labels=with_labels)
    if with_labels:
        features, _, labels = stream_labelled_activations(extractor, batches, num_samples)
        arrays = dict(features=features, labels=labels)
    else:
        features, _ = stream_activations(extractor, batches, num_samples)
        arrays = dict(features=features)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.npz"
    np.savez(temporary, **arrays)
    os.replace(temporary, path)
    return RealStatistics(key=key, **arrays)
