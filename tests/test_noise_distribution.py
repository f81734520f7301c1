"""The distribution of z: normal N(0, σ²I) or DCGAN's uniform U[−1, 1], the same in
training, `generate` and the sample grids."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import callbacks, models
from keras_edgan.evaluation.activations import generated_batches


class SquaredFakes(models.GAN):
    """D's loss E[D(G(z))²]; with D(x) = x and G(z) = z it is E[z²] of the training noise."""

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return ops.mean(fake_logits**2) + 0.0 * ops.mean(real_logits)

    def generator_loss(self, fake_logits, real, fake, critic):
        return ops.mean(fake_logits), {}


def identity_gan(noise_distribution, cls=models.NSGAN, latent_dim=1, **kwargs):
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(latent_dim, kernel_initializer="identity", use_bias=False),
    ])
    discriminator = keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(1, kernel_initializer="ones", use_bias=False),
    ])
    return cls(generator, discriminator, latent_dim=latent_dim,
               noise_distribution=noise_distribution, seed=0, **kwargs)


@pytest.mark.backends
def test_training_noise_is_uniform_on_minus_one_one():
    z = ops.convert_to_numpy(identity_gan("uniform").sample_noise(100_000))
    assert z.min() >= -1.0 and z.max() <= 1.0
    np.testing.assert_allclose([z.mean(), z.var()], [0.0, 1.0 / 3.0], atol=0.01)

    gan = identity_gan("uniform", cls=SquaredFakes)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0))
    history = gan.fit(tf.data.Dataset.from_tensors(np.zeros((20_000, 1), "float32")),
                      epochs=1, verbose=0).history
    np.testing.assert_allclose(history["d_loss"][0], 1.0 / 3.0, rtol=0.03)  # E[z²], not σ²


@pytest.mark.parametrize("distribution, variance", [("uniform", 1.0 / 3.0), ("normal", 1.0)])
def test_generate_draws_the_model_noise(distribution, variance):
    samples = identity_gan(distribution, latent_dim=3).generate(30_000, seed=1)
    if distribution == "uniform":
        assert -1.0 <= samples.min() and samples.max() <= 1.0
    np.testing.assert_allclose(samples.var(), variance, rtol=0.03)


@pytest.mark.parametrize("distribution", ["uniform", "normal"])
def test_sample_grid_draws_the_model_noise(distribution, tmp_path):
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([  # 2×2 one-channel images holding z / 4
        keras.Input((4,)),
        keras.layers.Dense(4, kernel_initializer=keras.initializers.Identity(0.25), use_bias=False),
        keras.layers.Reshape((2, 2, 1)),
    ])
    discriminator = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
                                      keras.layers.Dense(1)])
    gan = models.NSGAN(generator, discriminator, latent_dim=4, noise_distribution=distribution)
    gan.compile(d_optimizer="sgd", g_optimizer="sgd")
    grid = callbacks.SampleGrid(str(tmp_path), rows=2, columns=3, seed=7)
    grid.set_model(gan)
    grid.on_train_begin()
    z = gan.numpy_noise(6, np.random.default_rng(7))
    np.testing.assert_array_equal(grid.draw(), callbacks.image_grid(
        0.25 * z.reshape(6, 2, 2, 1), rows=2))


def test_unknown_distribution_and_a_stddev_for_uniform_noise_are_clear_errors():
    with pytest.raises(ValueError, match="Unknown noise_distribution 'gaussian'"):
        identity_gan("gaussian")
    with pytest.raises(ValueError, match="applies to 'normal' noise only"):
        identity_gan("uniform", noise_stddev=0.02)


def test_evaluation_draws_the_noise_of_generate():
    gan = identity_gan("uniform", latent_dim=3)
    batches = generated_batches(gan.generator, 3, 250, batch_size=100, seed=5,
                                noise_distribution="uniform")
    np.testing.assert_allclose(np.concatenate(list(batches)), gan.generate(250, seed=5),
                               rtol=1e-6)
