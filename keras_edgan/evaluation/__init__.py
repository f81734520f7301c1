"""Evaluating generators: feature extractors, streamed activations, cached real
statistics and named scores (FID, IS, KID with the reference Inception network;
FID[tf1_bilinear], FID[pil_bicubic], ... with another of its resize definitions,
see `keras_edgan.evaluation.resize`).

Example:

>>> from keras_edgan import evaluation
>>> extractor = evaluation.get_extractor("auto", dataset="mnist5k")
>>> real = evaluation.real_statistics(extractor, "mnist5k", 5000, image_size=28)
>>> report = evaluation.evaluate_generator(gan.generator, gan.latent_dim, extractor, real, 5000)
>>> print(report.table())

Held-out real images, disjoint from the statistics' images and scored the same
way, give the real-data floor of each distance:

>>> real_images, held_out = evaluation.held_out_images("mnist5k")
>>> real = evaluation.real_statistics(extractor, "mnist5k", real_images.size, 28, part=real_images.part)
>>> batches = evaluation.real_batches("mnist5k", 28, part=held_out.part)
>>> floor = evaluation.evaluate_images(batches, extractor, real, held_out.size, samples_name="held-out")

The Parzen-window log-likelihood of held-out images under generated ones
(Goodfellow et al. 2014; pixels in [0, 1]):

>>> parzen = evaluation.parzen_evaluation(
...     evaluation.generated_batches(gan.generator, gan.latent_dim, 10_000), 10_000,
...     "generated images", "mnist5k", held_out, image_size=28)
"""

from keras_edgan.evaluation.activations import (
    generated_batches,
    generated_image_size,
    real_batches,
    stream_activations,
    stream_labelled_activations,
)
from keras_edgan.evaluation.cache import CACHE_ENV, cache_directory
from keras_edgan.evaluation.extractor import FeatureExtractor, KerasExtractor
from keras_edgan.evaluation.extractors import EXTRACTORS, get_extractor
from keras_edgan.evaluation.held_out import RealImages, held_out_images
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
from keras_edgan.evaluation.parzen import (
    ParzenEvaluation,
    parzen_evaluation,
    parzen_scores,
)
from keras_edgan.evaluation.real_statistics import (
    RealStatistics,
    check_image_dataset,
    real_statistics,
)
from keras_edgan.evaluation.report import (
    MANIFOLD_METRICS,
    Report,
    evaluate_generator,
    evaluate_images,
    metric_names,
)
from keras_edgan.evaluation.resize import DEFAULT_RESIZE, RESIZE_DEFINITIONS, resize_images

__all__ = [
    "CACHE_ENV",
    "DEFAULT_RESIZE",
    "EXTRACTORS",
    "FeatureExtractor",
    "INCEPTION_ENV",
    "InceptionExtractor",
    "InceptionNotFoundError",
    "KerasExtractor",
    "MANIFOLD_METRICS",
    "ParzenEvaluation",
    "RESIZE_DEFINITIONS",
    "RealImages",
    "RealStatistics",
    "Report",
    "cache_directory",
    "check_image_dataset",
    "evaluate_generator",
    "evaluate_images",
    "generated_batches",
    "generated_image_size",
    "get_extractor",
    "held_out_images",
    "metric_names",
    "mnist_classifier",
    "mnist_classifier_extractor",
    "mnist_held_out_split",
    "parzen_evaluation",
    "parzen_scores",
    "real_batches",
    "real_statistics",
    "resize_images",
    "stream_activations",
    "stream_labelled_activations",
]
