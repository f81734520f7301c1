"""Losses and penalties: pure functions of tensors, each naming its paper and equation."""

from keras_edgan.losses.conditional_entropy_distance import (
    conditional_entropy_distance,
    discrete_conditional_entropy_distance,
)
from keras_edgan.losses.entropy import entropy
from keras_edgan.losses.js_divergence import js_divergence
from keras_edgan.losses.minimax import (
    minimax_discriminator_loss,
    minimax_generator_loss,
    non_saturating_generator_loss,
)
from keras_edgan.losses.soft_histogram import soft_histogram, soft_joint_histogram

__all__ = [
    "conditional_entropy_distance",
    "discrete_conditional_entropy_distance",
    "entropy",
    "js_divergence",
    "minimax_discriminator_loss",
    "minimax_generator_loss",
    "non_saturating_generator_loss",
    "soft_histogram",
    "soft_joint_histogram",
]
