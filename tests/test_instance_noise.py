"""Instance noise: Gaussian noise on what the discriminator sees, annealed linearly."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import models, techniques


def test_stddev_anneals_linearly_to_zero():
    sigma0, steps = 0.3, 100
    for t in (0, 1, 50, 99, 100, 150):
        expected = sigma0 * max(0.0, 1.0 - t / steps)
        np.testing.assert_allclose(
            float(techniques.instance_noise_stddev(t, sigma0, steps)), expected, rtol=1e-6
        )
    assert float(techniques.instance_noise_stddev(10_000, sigma0, 0)) == pytest.approx(sigma0)


def test_added_noise_has_the_given_stddev():
    seed = keras.random.SeedGenerator(0)
    x = ops.full((200, 50), 3.0)
    noise = ops.convert_to_numpy(techniques.add_instance_noise(x, 0.2, seed=seed)) - 3.0
    np.testing.assert_allclose(noise.std(), 0.2, rtol=0.02)
    assert abs(noise.mean()) < 0.005


class SquaredScores(models.GAN):
    """D's loss E[D(x)²] + E[D(G(z))²] and G's E[D(G(z))²]: with D(x) = x and the data
    and G(z) at 0, each is the mean square of the instance noise D sees."""

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return ops.mean(real_logits**2) + ops.mean(fake_logits**2)

    def generator_loss(self, fake_logits, real, fake, critic):
        return ops.mean(fake_logits**2), {}


@pytest.mark.backends
def test_discriminator_and_generator_updates_see_the_annealed_noise():
    keras.utils.set_random_seed(0)
    generator = keras.Sequential(
        [keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="zeros")]
    )
    discriminator = keras.Sequential(
        [keras.Input((1,)), keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")]
    )
    gan = SquaredScores(generator, discriminator, latent_dim=1, instance_noise=0.5,
                        instance_noise_steps=4, seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0))
    zeros = tf.data.Dataset.from_tensors(np.zeros((4096, 1), "float32")).repeat()
    history = gan.fit(zeros, epochs=5, steps_per_epoch=1, verbose=0).history

    sigma = 0.5 * np.maximum(0.0, 1.0 - np.arange(5) / 4)  # t = generator updates so far
    np.testing.assert_allclose(history["d_loss"][:4], 2 * sigma[:4] ** 2, rtol=0.1)
    np.testing.assert_allclose(history["g_loss"][:4], sigma[:4] ** 2, rtol=0.1)
    assert history["d_loss"][4] == history["g_loss"][4] == 0.0  # annealed away


def test_negative_instance_noise_is_a_clear_error():
    generator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    discriminator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="instance_noise must be a non-negative number"):
        models.NSGAN(generator, discriminator, latent_dim=1, instance_noise=-0.1)
    with pytest.raises(ValueError, match="instance_noise_steps must be a non-negative integer"):
        models.NSGAN(generator, discriminator, latent_dim=1, instance_noise=0.1,
                     instance_noise_steps=2.5)
