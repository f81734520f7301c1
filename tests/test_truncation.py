"""BigGAN's truncation trick (Brock et al. 2019, §3.1) in `GAN.generate`: components of z
beyond the threshold are drawn again, not clipped."""

import keras
import numpy as np
import pytest
from scipy.stats import truncnorm

from keras_edgan import models, techniques


def identity_gan(noise_stddev=1.0, noise_distribution="normal"):
    """A GAN whose generator returns z itself, so samples show the noise."""
    keras.utils.set_random_seed(0)
    generator = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(4, kernel_initializer="identity")]
    )
    discriminator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    return models.NSGAN(generator, discriminator, latent_dim=4, noise_stddev=noise_stddev,
                        noise_distribution=noise_distribution)


@pytest.mark.parametrize("threshold", [0.5, 1.0, 2.0])
def test_truncated_normal_is_the_resampled_normal(threshold):
    z = techniques.truncated_normal(np.random.default_rng(0), (100_000,), threshold)
    assert np.abs(z).max() <= threshold
    reference = truncnorm(-threshold, threshold)
    np.testing.assert_allclose(z.std(), reference.std(), rtol=0.01)
    # Resampled, not clipped: no mass piles up at the threshold.
    edge = np.mean(np.abs(z) > 0.99 * threshold)
    np.testing.assert_allclose(edge, reference.cdf(-0.99 * threshold) * 2, atol=0.003)


@pytest.mark.backends
def test_generate_truncates_in_units_of_the_noise_stddev():
    gan = identity_gan(noise_stddev=0.5)
    samples = gan.generate(5000, seed=3, truncation=1.0)
    assert np.abs(samples).max() <= 0.5 + 1e-6
    np.testing.assert_allclose(samples.std(), 0.5 * truncnorm(-1, 1).std(), rtol=0.03)
    np.testing.assert_array_equal(samples, gan.generate(5000, seed=3, truncation=1.0))
    untruncated = gan.generate(5000, seed=3)
    assert np.abs(untruncated).max() > 1.0
    np.testing.assert_allclose(untruncated.std(), 0.5, rtol=0.03)


def test_truncation_needs_normal_noise_and_a_positive_threshold():
    with pytest.raises(ValueError, match="undefined for noise_distribution='uniform'"):
        identity_gan(noise_distribution="uniform").generate(4, truncation=1.0)
    with pytest.raises(ValueError, match="positive threshold"):
        identity_gan().generate(4, truncation=0.0)
