"""Training techniques that compose with every GAN of `keras_edgan.models`.

Each is one argument of `keras_edgan.models.GAN` (see its docstring for what the
sources found about it); this package holds their building blocks: the noise of z and
the truncation trick, noisy labels, instance noise, DiffAugment, experience replay,
feature matching's features, historical averaging, LeCam's moving averages, the
generator's moving average, WGAN's critic schedule, RFGAN's representative features, the contract of class-conditional networks, and the generator's
condition number that Jacobian Clamping lowers. Their losses are in `keras_edgan.losses`.
"""

from keras_edgan.techniques.conditional_commit import commit_if
from keras_edgan.techniques.conditioning import (
    BoundDiscriminator,
    check_conditioning,
    class_labels,
)
from keras_edgan.techniques.critic_schedule import critic_steps
from keras_edgan.techniques.diff_augment import (
    apply_diff_augment,
    diff_augment,
    diff_augment_draws,
    diff_augment_policy,
)
from keras_edgan.techniques.experience_replay import ExperienceReplay, replay_buffer_size
from keras_edgan.techniques.feature_matching import feature_extractor
from keras_edgan.techniques.generator_ema import GeneratorEMA
from keras_edgan.techniques.generator_conditioning import (
    generator_condition_number,
    generator_jacobians,
    jacobian_vector_products,
    mean_log_condition_number,
)
from keras_edgan.techniques.historical_averaging import HistoricalAverage
from keras_edgan.techniques.instance_noise import add_instance_noise, instance_noise_stddev
from keras_edgan.techniques.lecam import LeCamAverages
from keras_edgan.techniques.latent_noise import (
    NOISE_DISTRIBUTIONS,
    latent_noise,
    numpy_latent_noise,
    truncated_normal,
)
from keras_edgan.techniques.noisy_labels import flip_targets
from keras_edgan.techniques.representative_features import (
    autoencoder,
    pretrained_encoder,
    representative_feature_discriminator,
)

__all__ = [
    "BoundDiscriminator",
    "ExperienceReplay",
    "GeneratorEMA",
    "HistoricalAverage",
    "LeCamAverages",
    "NOISE_DISTRIBUTIONS",
    "add_instance_noise",
    "apply_diff_augment",
    "autoencoder",
    "check_conditioning",
    "class_labels",
    "commit_if",
    "critic_steps",
    "diff_augment",
    "diff_augment_draws",
    "diff_augment_policy",
    "feature_extractor",
    "flip_targets",
    "generator_condition_number",
    "generator_jacobians",
    "instance_noise_stddev",
    "jacobian_vector_products",
    "latent_noise",
    "mean_log_condition_number",
    "numpy_latent_noise",
    "pretrained_encoder",
    "replay_buffer_size",
    "representative_feature_discriminator",
    "truncated_normal",
]
