"""Evaluating generators: feature extractors, streamed activations, cached real
statistics and named scores (FID, IS, KID with the reference Inception network).

Example:

>>> from keras_edgan import evaluation
>>> extractor = evaluation.get_extractor("auto", dataset="mnist5k")
>>> real = evaluation.real_statistics(extractor, "mnist5k", 5000, image_size=28)
>>> report = evaluation.evaluate_generator(gan.generator, gan.latent_dim, extractor, real, 5000)
>>> print(report.table())
"""

from keras_edgan.evaluation.activations import generated_batches, real_batches, stream_activations
from keras_edgan.evaluation.cache import CACHE_ENV, cache_directory
from keras_edgan.evaluation.extractor import FeatureExtractor, KerasExtractor
from keras_edgan.evaluation.extractors import EXTRACTORS, get_extractor
from keras_edgan.evaluation.inception import (
    INCEPTION_ENV,
    InceptionExtractor,
    InceptionNotFoundError,
)
from keras_edgan.evaluation.mnist import (
    mnist_classifier,
    mnist_classifier_extractor,
    mnist_held_out_split,
)
from keras_edgan.evaluation.real_statistics import (
    RealStatistics,
    check_image_dataset,
    real_statistics,
)
from keras_edgan.evaluation.report import Report, evaluate_generator, metric_names

__all__ = [
    "CACHE_ENV",
    "EXTRACTORS",
    "FeatureExtractor",
    "INCEPTION_ENV",
    "InceptionExtractor",
    "InceptionNotFoundError",
    "KerasExtractor",
    "RealStatistics",
    "Report",
    "cache_directory",
    "check_image_dataset",
    "evaluate_generator",
    "generated_batches",
    "get_extractor",
    "metric_names",
    "mnist_classifier",
    "mnist_classifier_extractor",
    "mnist_held_out_split",
    "real_batches",
    "real_statistics",
    "stream_activations",
]
