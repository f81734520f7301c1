"""Sample-quality metrics of generative models, from activations, logits or samples.

Each is a function of numpy arrays (or tensors) computed in float64 and returning
a Python float (or a small dict of them), so that it runs the same under every
Keras backend. The feature extractors that produce the activations live in
`keras_edgan.evaluation`.
"""

from keras_edgan.metrics.classifier_score import classifier_score
from keras_edgan.metrics.density_coverage import density_coverage
from keras_edgan.metrics.frechet_distance import (
    frechet_distance,
    frechet_distance_from_moments,
    moments,
)
from keras_edgan.metrics.gmm import binned_kl_divergence, gmm_scores, mode_scores
from keras_edgan.metrics.intra_class_frechet_distance import intra_class_frechet_distance
from keras_edgan.metrics.kernel_distance import kernel_distance
from keras_edgan.metrics.minibatch_wasserstein import minibatch_wasserstein
from keras_edgan.metrics.parzen import (
    parzen_bandwidth,
    parzen_log_densities,
    parzen_log_likelihood,
)
from keras_edgan.metrics.precision_recall import precision_recall
from keras_edgan.metrics.two_sample import (
    label_kl_divergence,
    maximum_mean_discrepancy,
    nearest_neighbor_scores,
    wasserstein_distance,
)

__all__ = [
    "binned_kl_divergence",
    "classifier_score",
    "density_coverage",
    "frechet_distance",
    "frechet_distance_from_moments",
    "gmm_scores",
    "intra_class_frechet_distance",
    "kernel_distance",
    "label_kl_divergence",
    "maximum_mean_discrepancy",
    "minibatch_wasserstein",
    "mode_scores",
    "moments",
    "nearest_neighbor_scores",
    "parzen_bandwidth",
    "parzen_log_densities",
    "parzen_log_likelihood",
    "precision_recall",
    "wasserstein_distance",
]
