"""The GAN models: Algorithm 1 of EDGAN, the losses of eq. 1, 3, 9, 10, the API."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import losses, models

pytestmark = pytest.mark.backends


def tiny_networks(latent_dim=3, features=2, seed=0):
    keras.utils.set_random_seed(seed)
    generator = keras.Sequential(
        [keras.Input((latent_dim,)), keras.layers.Dense(features, activation="tanh")]
    )
    discriminator = keras.Sequential(
        [keras.Input((features,)), keras.layers.Dense(1, use_bias=False)]
    )
    return generator, discriminator


class SquaredRealLogits(models.GAN):
    """A GAN whose D loss, mean(D(x)²) on real data only, makes each D update an
    exactly computable function of its own real minibatch."""

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return ops.mean(real_logits**2) + 0.0 * ops.mean(fake_logits)

    def generator_loss(self, fake_logits, real, fake, critic):
        return ops.mean(fake_logits), {}


def test_each_discriminator_update_uses_its_own_minibatch():
    generator, discriminator = tiny_networks()
    gan = SquaredRealLogits(generator, discriminator, latent_dim=3, d_steps=3)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
    real = np.random.default_rng(1).normal(size=(3 * 4, 2)).astype("float32")
    w = ops.convert_to_numpy(discriminator.weights[0]).copy()

    gan.fit(tf.data.Dataset.from_tensors(real), epochs=1, verbose=0)

    for minibatch in np.split(real, 3):  # Algorithm 1: k_D updates in sequence
        logits = minibatch @ w
        w = w - 0.1 * 2.0 * minibatch.T @ logits / len(minibatch)
    np.testing.assert_allclose(ops.convert_to_numpy(discriminator.weights[0]), w, rtol=1e-5)
    assert int(gan.d_optimizer.iterations) == 3
    assert int(gan.g_optimizer.iterations) == 1


def test_generator_update_leaves_discriminator_and_follows_its_gradient():
    generator, discriminator = tiny_networks()
    gan = SquaredRealLogits(generator, discriminator, latent_dim=3, d_steps=1)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.5))
    d_before = ops.convert_to_numpy(discriminator.weights[0]).copy()
    g_before = [ops.convert_to_numpy(v).copy() for v in generator.weights]
    gan.fit(tf.data.Dataset.from_tensors(np.zeros((4, 2), "float32")), epochs=1, verbose=0)
    np.testing.assert_array_equal(ops.convert_to_numpy(discriminator.weights[0]), d_before)
    changed = [
        not np.allclose(ops.convert_to_numpy(v), b) for v, b in zip(generator.weights, g_before)
    ]
    assert all(changed)


def test_nsgan_uses_eq_1_and_eq_3():
    generator, discriminator = tiny_networks()
    gan = models.NSGAN(generator, discriminator, latent_dim=3)
    rng = np.random.default_rng(0)
    real_logits, fake_logits = rng.normal(size=(2, 8, 1)).astype("float32")
    d = lambda t: 1.0 / (1.0 + np.exp(-t))  # noqa: E731
    d_loss = gan.discriminator_loss(real_logits, fake_logits, None, None, None)
    g_loss, penalties = gan.generator_loss(fake_logits, None, None, None)
    expected_d = -np.mean(np.log(d(real_logits))) - np.mean(np.log(1 - d(fake_logits)))
    np.testing.assert_allclose(float(d_loss), expected_d, rtol=1e-5)
    np.testing.assert_allclose(float(g_loss), -np.mean(np.log(d(fake_logits))), rtol=1e-5)
    assert penalties == {}


def test_edgan_generator_loss_is_eq_10():
    generator, discriminator = tiny_networks()
    gan = models.EDGAN(generator, discriminator, latent_dim=3, penalty_weight=2.5)
    rng = np.random.default_rng(0)
    real = ops.convert_to_tensor(rng.uniform(-1, 1, (16, 2)).astype("float32"))
    fake = ops.convert_to_tensor(rng.uniform(-1, 1, (16, 2)).astype("float32"))
    fake_logits = ops.convert_to_tensor(rng.normal(size=(16, 1)).astype("float32"))
    loss, logs = gan.generator_objective(real, fake, None, None, fake_logits)
    ced = losses.conditional_entropy_distance(real, fake)
    adversarial = np.mean(np.log1p(np.exp(-ops.convert_to_numpy(fake_logits))))
    np.testing.assert_allclose(float(loss), adversarial + 2.5 * float(ced), rtol=1e-5)
    np.testing.assert_allclose(float(logs["ced"]), float(ced), rtol=1e-6)
    np.testing.assert_allclose(float(logs["g_adversarial"]), adversarial, rtol=1e-5)
    assert set(logs) == {"ced", "g_adversarial"}


def test_edgan_fit_logs_ced_and_generates():
    generator, discriminator = tiny_networks()
    gan = models.EDGAN(generator, discriminator, latent_dim=3, d_steps=2)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    real = np.random.default_rng(0).uniform(-1, 1, (64, 2)).astype("float32")
    history = gan.fit(
        tf.data.Dataset.from_tensor_slices(real).batch(16, drop_remainder=True),
        epochs=2, verbose=0,
    ).history
    assert set(history) == {
        "d_loss", "g_loss", "ced", "d_adversarial", "g_adversarial", "d_real", "d_fake",
        "p_real", "p_fake", "d_grad_norm", "g_grad_norm",
    }
    assert all(np.isfinite(v).all() for v in history.values())
    assert int(gan.g_optimizer.iterations) == 8 and int(gan.d_optimizer.iterations) == 16
    samples = gan.generate(5, seed=1)
    assert samples.shape == (5, 2) and samples.dtype == np.float32
    np.testing.assert_array_equal(samples, gan.generate(5, seed=1))


def test_a_dataset_of_unknown_size_takes_no_phantom_step():
    """When a dataset of unknown size runs out, TensorFlow's failed read used to let
    the step counters and the noise stream advance: one phantom step per epoch."""

    def trained(filtered):
        generator, discriminator = tiny_networks()
        gan = models.EDGAN(generator, discriminator, latent_dim=3, d_steps=2, seed=0)
        gan.compile(keras.optimizers.SGD(0.01), keras.optimizers.SGD(0.01))
        real = np.random.default_rng(0).uniform(-1, 1, (40, 2)).astype("float32")
        dataset = tf.data.Dataset.from_tensor_slices(real).batch(8)
        if filtered:
            dataset = dataset.filter(lambda x: True)
            assert int(dataset.cardinality()) == tf.data.UNKNOWN_CARDINALITY
        gan.fit(dataset, epochs=2, verbose=0)
        return gan

    known, unknown = trained(False), trained(True)
    assert unknown.generator_step == known.generator_step == unknown.training_steps == 10
    assert int(unknown.d_optimizer.iterations) == 20
    for a, b in zip(known.weights, unknown.weights):
        np.testing.assert_array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(b))


def test_batch_not_divisible_by_d_steps_is_a_clear_error():
    generator, discriminator = tiny_networks()
    gan = models.EDGAN(generator, discriminator, latent_dim=3, d_steps=2)
    gan.compile(d_optimizer="sgd", g_optimizer="sgd")
    with pytest.raises(ValueError, match="cannot be split into d_steps=2"):
        gan.fit(tf.data.Dataset.from_tensors(np.zeros((7, 2), "float32")), verbose=0)


def test_latent_dim_mismatch_is_a_clear_error():
    generator, discriminator = tiny_networks(latent_dim=3)
    with pytest.raises(ValueError, match="latent_dim=5 does not match the generator"):
        models.EDGAN(generator, discriminator, latent_dim=5)


def test_bad_d_steps_and_networks_are_clear_errors():
    generator, discriminator = tiny_networks()
    with pytest.raises(ValueError, match="d_steps must be a positive integer"):
        models.NSGAN(generator, discriminator, latent_dim=3, d_steps=0)
    with pytest.raises(TypeError, match="generator must be a keras.Model"):
        models.NSGAN(lambda z: z, discriminator, latent_dim=3)
