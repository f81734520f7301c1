"""R1 (Mescheder et al. 2018): (γ/2)·E_x‖∇ₓD(x)‖² on real data, added to the
discriminator's loss of any objective (`r1_weight`), against closed forms."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import losses, models
from keras_edgan.cli import config as config_lib
from keras_edgan.models import TrainingOptions

pytestmark = pytest.mark.backends


def linear_critic(w, bias=0.7):
    """D(x) = wᵀ flatten(x) + b."""
    critic = keras.Sequential([keras.Input(w.shape), keras.layers.Flatten(), keras.layers.Dense(1)])
    critic.layers[-1].kernel.assign(w.reshape(-1, 1).astype("float32"))
    critic.layers[-1].bias.assign([bias])
    return critic


def test_penalty_of_a_linear_critic_is_its_squared_weight_norm():
    w = np.random.default_rng(0).normal(size=(3, 2, 2))
    samples = np.random.default_rng(1).normal(size=(5, 3, 2, 2)).astype("float32")
    penalty = losses.zero_centered_penalty(linear_critic(w), ops.convert_to_tensor(samples))
    np.testing.assert_allclose(float(ops.convert_to_numpy(penalty)), np.sum(w**2), rtol=1e-5)


def test_penalty_of_a_quadratic_critic_is_the_mean_of_its_gradient_norms():
    """D(x) = ‖Vx‖², ∇ₓD = 2VᵀVx: E‖2VᵀVx‖² over the samples."""
    v = np.random.default_rng(0).normal(size=(4, 3))
    critic = keras.Sequential([
        keras.Input((3,)), keras.layers.Dense(4, use_bias=False),
        keras.layers.Lambda(lambda h: ops.sum(h**2, axis=-1, keepdims=True)),
    ])
    critic.layers[0].kernel.assign(v.T.astype("float32"))
    x = np.random.default_rng(1).normal(size=(6, 3))
    want = np.mean(np.sum((2 * x @ v.T @ v) ** 2, axis=1))
    got = losses.zero_centered_penalty(critic, ops.convert_to_tensor(x.astype("float32")))
    np.testing.assert_allclose(float(ops.convert_to_numpy(got)), want, rtol=1e-5)


def test_gan_0gp_penalty_is_the_same_penalty_at_the_interpolates():
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="tanh"),
                               keras.layers.Dense(1)])
    real = ops.convert_to_tensor(np.random.default_rng(0).normal(size=(8, 2)).astype("float32"))
    fake = ops.convert_to_tensor(np.random.default_rng(1).normal(size=(8, 2)).astype("float32"))
    penalty = losses.zero_centered_gradient_penalty(critic, real, fake,
                                                    seed=keras.random.SeedGenerator(3))
    points = losses.random_interpolates(real, fake, seed=keras.random.SeedGenerator(3))
    at_points = losses.zero_centered_penalty(critic, points)
    np.testing.assert_allclose(float(ops.convert_to_numpy(penalty)),
                               float(ops.convert_to_numpy(at_points)), rtol=1e-6)


class LinearScores(models.GAN):
    """WGAN's losses without clipping: with D(x) = wᵀx and G(z) = c constant, D's
    gradient is c − mean(x), exactly."""

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return ops.mean(fake_logits) - ops.mean(real_logits)

    def generator_loss(self, fake_logits, real, fake, critic):
        return -ops.mean(fake_logits), {}


@pytest.mark.parametrize("step", [
    dict(d_steps=2), dict(merged_update=True), dict(d_steps=1, critic_schedule=0),
])
def test_each_discriminator_update_follows_the_penalised_gradient(step):
    """w ← w − lr·(c − mean(x) + γw): R1's gradient of (γ/2)‖w‖² is γw."""
    gamma, lr, steps = 4.0, 0.05, 3
    constant = np.array([0.5, -0.25], "float32")
    generator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(
        2, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(constant))])
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, use_bias=False)])
    w = np.array([[1.0], [-2.0]], "float32")
    critic.layers[0].kernel.assign(w)
    gan = LinearScores(generator, critic, latent_dim=1, r1_weight=gamma, **step)
    # G's lr 0: the fakes stay c (a committed or discarded update alike).
    gan.compile(d_optimizer=keras.optimizers.SGD(lr), g_optimizer=keras.optimizers.SGD(0.0))
    size = 4 * gan.minibatches_per_step
    real = np.random.default_rng(0).normal(size=(steps * size, 2)).astype("float32")
    history = gan.fit(tf.data.Dataset.from_tensor_slices(real).batch(size), epochs=1,
                      verbose=0).history

    w = w[:, 0].astype("float64")
    r1, d_losses = [], []
    for minibatch in np.split(real.astype("float64"), len(real) // 4):
        r1.append(np.sum(w**2))
        d_losses.append(constant @ w - np.mean(minibatch @ w) + gamma / 2 * np.sum(w**2))
        w = w - lr * (constant - minibatch.mean(axis=0) + gamma * w)
    np.testing.assert_allclose(ops.convert_to_numpy(critic.layers[0].kernel)[:, 0], w,
                               rtol=1e-5)
    per_step = gan.minibatches_per_step  # logged: each step's last D update, E‖∇D‖² unweighted
    np.testing.assert_allclose(history["r1"][0], np.mean(r1[per_step - 1::per_step]), rtol=1e-5)
    np.testing.assert_allclose(history["d_loss"][0], np.mean(d_losses[per_step - 1::per_step]),
                               rtol=1e-5)


@pytest.mark.parametrize("cls", [models.NSGAN, models.HingeGAN, models.LSGAN, models.RaGAN])
def test_r1_changes_the_discriminators_update_of_any_objective_and_not_the_generators(cls):
    """One merged step (both gradients at the same weights, on the same noise) with
    and without R1: the generator's update is the same, the discriminator's is not."""
    def step(r1_weight):
        keras.utils.set_random_seed(0)
        generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
        critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="tanh"),
                                   keras.layers.Dense(1)])
        gan = cls(generator, critic, latent_dim=2, d_steps=1, merged_update=True,
                  r1_weight=r1_weight, seed=0)
        gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
        real = np.random.default_rng(0).normal(size=(8, 2)).astype("float32")
        gan.fit(real, batch_size=8, epochs=1, verbose=0)
        return gan

    plain, penalised = step(0.0), step(10.0)
    assert "r1" not in plain.trackers and "r1" in penalised.trackers
    for a, b in zip(plain.generator.trainable_variables,
                    penalised.generator.trainable_variables):
        np.testing.assert_allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b),
                                   rtol=1e-6, atol=1e-7)
    assert not all(
        np.allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b))
        for a, b in zip(plain.discriminator.trainable_variables,
                        penalised.discriminator.trainable_variables)
    )


def test_bad_weight_and_config_key():
    with pytest.raises(ValueError, match="r1_weight must be a non-negative number"):
        TrainingOptions(r1_weight=-1.0)
    config = config_lib.load(None, dict(model="hinge", r1_weight=10.0, latent_dim=2))
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    assert models.registry.MODELS.build("hinge", generator, critic, config).options.r1_weight == 10.0
