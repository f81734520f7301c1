"""Losses and penalties: pure functions of tensors, each naming its paper and equation."""

from keras_edgan.losses.adaptive_gradient_clipping import adaptive_gradient_clipping
from keras_edgan.losses.c_transform import c_transform
from keras_edgan.losses.conditional_entropy_distance import (
    conditional_entropy_distance,
    discrete_conditional_entropy_distance,
)
from keras_edgan.losses.entropy import entropy
from keras_edgan.losses.f_gan import F_DIVERGENCES, f_gan_discriminator_loss, f_gan_generator_loss
from keras_edgan.losses.feature_matching import feature_matching_loss
from keras_edgan.losses.functional_gradient import approximation_loss, functional_gradient_step
from keras_edgan.losses.gan_qp import gan_qp_discriminator_loss, gan_qp_generator_loss
from keras_edgan.losses.gradient_normalization import (
    gradient_normalized_scores,
    piecewise_gradient_normalized_scores,
)
from keras_edgan.losses.gradient_penalty import gradient_penalty
from keras_edgan.losses.hinge import hinge_discriminator_loss, hinge_generator_loss
from keras_edgan.losses.historical_averaging import historical_averaging_penalty
from keras_edgan.losses.input_gradient_norm import random_interpolates, squared_input_gradient_norms
from keras_edgan.losses.jacobian_clamping import (
    jacobian_clamping_penalty,
    jacobian_quotients,
    latent_perturbation,
)
from keras_edgan.losses.js_divergence import js_divergence
from keras_edgan.losses.least_squares import (
    least_squares_discriminator_loss,
    least_squares_generator_loss,
)
from keras_edgan.losses.mine import (
    donsker_varadhan_bound,
    mine_corrected_objective,
    moving_average_update,
)
from keras_edgan.losses.minimax import (
    minimax_discriminator_loss,
    minimax_generator_loss,
    non_saturating_generator_loss,
    sigmoid_cross_entropy,
)
from keras_edgan.losses.mutual_information import (
    categorical_information_bound,
    categorical_log_likelihood,
    continuous_information_bound,
    gaussian_log_likelihood,
    uniform_categorical_entropy,
)
from keras_edgan.losses.lecam import lecam_penalty
from keras_edgan.losses.relativistic import (
    relativistic_average_discriminator_loss,
    relativistic_average_generator_loss,
    relativistic_discriminator_loss,
    relativistic_generator_loss,
)
from keras_edgan.losses.soft_histogram import soft_histogram, soft_joint_histogram
from keras_edgan.losses.tempered import lens_loss, lens_reconstruction_loss, lens_weight
from keras_edgan.losses.two_step import (
    l1_costs,
    transport_potentials,
    two_step_regression_loss,
    weight_scaling_factor,
)
from keras_edgan.losses.wasserstein import (
    wasserstein_discriminator_loss,
    wasserstein_generator_loss,
)
from keras_edgan.losses.wasserstein_divergence import wasserstein_divergence_penalty
from keras_edgan.losses.zero_centered_gradient_penalty import (
    zero_centered_gradient_penalty,
    zero_centered_penalty,
)

__all__ = [
    "adaptive_gradient_clipping",
    "approximation_loss",
    "c_transform",
    "categorical_information_bound",
    "categorical_log_likelihood",
    "conditional_entropy_distance",
    "continuous_information_bound",
    "discrete_conditional_entropy_distance",
    "donsker_varadhan_bound",
    "entropy",
    "F_DIVERGENCES",
    "f_gan_discriminator_loss",
    "f_gan_generator_loss",
    "feature_matching_loss",
    "functional_gradient_step",
    "gan_qp_discriminator_loss",
    "gan_qp_generator_loss",
    "gaussian_log_likelihood",
    "gradient_normalized_scores",
    "gradient_penalty",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "historical_averaging_penalty",
    "jacobian_clamping_penalty",
    "jacobian_quotients",
    "js_divergence",
    "least_squares_discriminator_loss",
    "least_squares_generator_loss",
    "lens_loss",
    "lens_reconstruction_loss",
    "lens_weight",
    "latent_perturbation",
    "lecam_penalty",
    "l1_costs",
    "mine_corrected_objective",
    "minimax_discriminator_loss",
    "minimax_generator_loss",
    "moving_average_update",
    "non_saturating_generator_loss",
    "piecewise_gradient_normalized_scores",
    "random_interpolates",
    "relativistic_average_discriminator_loss",
    "relativistic_average_generator_loss",
    "relativistic_discriminator_loss",
    "relativistic_generator_loss",
    "sigmoid_cross_entropy",
    "soft_histogram",
    "soft_joint_histogram",
    "squared_input_gradient_norms",
    "transport_potentials",
    "two_step_regression_loss",
    "uniform_categorical_entropy",
    "wasserstein_discriminator_loss",
    "wasserstein_divergence_penalty",
    "wasserstein_generator_loss",
    "weight_scaling_factor",
    "zero_centered_gradient_penalty",
    "zero_centered_penalty",
]
