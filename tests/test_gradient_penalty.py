"""WGAN-GP: the gradient penalty against closed forms, its gradient w.r.t. the critic,
the Wasserstein losses and the WGANGP model's objective (eq. 3 of Gulrajani et al.)."""

import keras
import numpy as np
import pytest
from keras import ops

from keras_edgan import backend, losses, models

pytestmark = pytest.mark.backends


def linear_critic(w):
    critic = keras.Sequential([keras.Input((len(w),)), keras.layers.Dense(1)])
    critic.layers[0].kernel.assign(np.asarray(w, "float32")[:, None])
    return critic


def squared_norm_critic(dim):
    """f(x) = Σ x², whose input gradient 2x is known everywhere."""
    return keras.Sequential(
        [keras.Input((dim,)), keras.layers.Lambda(lambda x: ops.sum(x * x, axis=1, keepdims=True))]
    )


def test_linear_critic_penalty_is_closed_form():
    w = np.array([0.3, -1.2, 2.0], "float32")
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(2, 16, 3)).astype("float32")
    penalty = losses.gradient_penalty(linear_critic(w), real, fake, seed=1)
    np.testing.assert_allclose(float(penalty), (np.linalg.norm(w) - 1.0) ** 2, rtol=1e-5)


def test_penalty_at_real_equal_fake_uses_the_gradient_there():
    x = np.random.default_rng(1).normal(size=(32, 4)).astype("float32")
    penalty = losses.gradient_penalty(squared_norm_critic(4), x, x, seed=0)
    expected = np.mean((2.0 * np.linalg.norm(x, axis=1) - 1.0) ** 2)
    np.testing.assert_allclose(float(penalty), expected, rtol=1e-5)


def test_interpolation_weight_is_uniform_per_sample():
    # f(x) = x² on a real point 0 and a fake point 1: x̂ = 1 − ε, |∇f(x̂)| = 2(1 − ε), so
    # the penalty is E[(1 − 2ε)²] = 1/3 for ε ~ U[0, 1] (1 for ε ≡ 0 or 1).
    n = 20_000
    penalty = losses.gradient_penalty(
        squared_norm_critic(1), np.zeros((n, 1), "float32"), np.ones((n, 1), "float32"),
        seed=keras.random.SeedGenerator(3),
    )
    assert abs(float(penalty) - 1.0 / 3.0) < 0.01


def test_penalty_is_differentiable_in_the_critic_weights():
    w = np.array([0.5, 2.0], "float32")
    critic = linear_critic(w)
    real, fake = np.random.default_rng(2).normal(size=(2, 8, 2)).astype("float32")

    def loss_fn():
        return losses.gradient_penalty(critic, real, fake, seed=0), None

    _, _, grads = backend.value_and_grad(loss_fn, [critic.layers[0].kernel])
    norm = np.linalg.norm(w)
    expected = 2.0 * (norm - 1.0) * w / norm  # d/dw (‖w‖ − 1)²
    np.testing.assert_allclose(ops.convert_to_numpy(grads[0])[:, 0], expected, rtol=1e-4)


def test_wasserstein_losses():
    real, fake = np.array([[1.0], [3.0]]), np.array([[0.5], [-0.5]])
    assert float(losses.wasserstein_discriminator_loss(real, fake)) == pytest.approx(0.0 - 2.0)
    assert float(losses.wasserstein_generator_loss(fake)) == pytest.approx(0.0)


def test_wgan_gp_discriminator_loss_is_eq_3():
    w = np.array([2.0, 0.0], "float32")
    critic = linear_critic(w)
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    gan = models.WGANGP(generator, critic, latent_dim=2, gp_weight=10.0)
    rng = np.random.default_rng(3)
    real, fake = rng.normal(size=(2, 8, 2)).astype("float32")
    loss = gan.discriminator_loss(critic(real), critic(fake), real, fake)
    expected = np.mean(fake @ w) - np.mean(real @ w) + 10.0 * (2.0 - 1.0) ** 2
    np.testing.assert_allclose(float(loss), expected, rtol=1e-5)
    assert gan.d_steps == 5


def test_wgan_gp_trains_on_every_backend():
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"),
                               keras.layers.Dense(1)])
    gan = models.WGANGP(generator, critic, latent_dim=2, d_steps=2, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    # The Wasserstein objective and the penalty ignore the output bias: compare kernels.
    kernels = [layer.kernel for layer in critic.layers]
    before = [ops.convert_to_numpy(v).copy() for v in kernels]
    real = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    history = gan.fit(real, batch_size=32, epochs=1, verbose=0).history
    assert np.isfinite(history["d_loss"]).all() and np.isfinite(history["g_loss"]).all()
    assert int(gan.d_optimizer.iterations) == 4 and int(gan.g_optimizer.iterations) == 2
    assert all(not np.allclose(ops.convert_to_numpy(v), b) for v, b in zip(kernels, before))
