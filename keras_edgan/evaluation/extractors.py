"""Choosing a feature extractor by name, with an explicit substitute for Inception."""

import os

from absl import logging

from keras_edgan.evaluation.inception import INCEPTION_ENV, InceptionExtractor
from keras_edgan.evaluation.mnist import mnist_classifier_extractor
from keras_edgan.evaluation.resize import DEFAULT_RESIZE, check_resize
from keras_edgan.utils.registry import Registry

EXTRACTORS = Registry("extractor")
EXTRACTORS.register("inception")(
    lambda inception_path, cache_dir, resize=DEFAULT_RESIZE: InceptionExtractor(inception_path, resize)
)
EXTRACTORS.register("mnist-classifier")(lambda inception_path, cache_dir: mnist_classifier_extractor(cache_dir))

# Datasets with a classifier of their own, the offline substitute for Inception.
SUBSTITUTES = {"mnist": "mnist-classifier", "mnist5k": "mnist-classifier"}


def get_extractor(name="auto", dataset=None, inception_path=None, cache_dir=None, resize=None):
    """Returns the feature extractor `name`: "inception", "mnist-classifier" or "auto".

    "auto" is the reference Inception network when a path is given (argument or
    $KERAS_EDGAN_INCEPTION); otherwise, for a dataset with a classifier of its own
    (MNIST), that classifier, with a warning that its numbers are named after it
    (FD-mnist-classifier, not FID); otherwise Inception, which raises
    `InceptionNotFoundError` saying how to provide the network.

    `resize` is the reference Inception network's FID resize definition
    ("tf2_bilinear", the default when None, "tf1_bilinear" or "pil_bicubic";
    see `keras_edgan.evaluation.resize`). Only that network resizes to 299×299
    by a published definition, so for any other extractor (including the one
    "auto" chooses without an Inception network) a `resize` given is refused
    with a ValueError rather than silently ignored: the scores would not be
    what was asked for.

    Example:

    >>> extractor = get_extractor("auto", dataset="mnist5k")  # offline: the MNIST classifier
    >>> extractor.name
    'mnist-classifier'
    """
    if name == "auto":
        name = "inception"  # without a path, it fails saying how to provide one
        if not (inception_path or os.environ.get(INCEPTION_ENV)) and dataset in SUBSTITUTES:
            name = SUBSTITUTES[dataset]
            logging.warning(
                "No Inception network given (--inception_path or $%s): evaluating %s with "
                "the %s extractor; its numbers are named after it, not FID/IS/KID.",
                INCEPTION_ENV, dataset, name,
            )
    EXTRACTORS.check(name)
    if resize is None:
        return EXTRACTORS.build(name, inception_path, cache_dir)
    check_resize(resize)
    if name != "inception":
        raise ValueError(
            f"The FID resize definition (resize={resize!r}, --fid_resize) applies only to the "
            f"reference Inception network, which alone resizes images to 299x299; the {name} "
            f"extractor resizes its own way (bilinear, antialiased, to its input size). Drop "
            f"it, or give the Inception network (--inception_path or ${INCEPTION_ENV})."
        )
    return EXTRACTORS.build(name, inception_path, cache_dir, resize)
