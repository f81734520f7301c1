"""Penalties on the critic's input gradient, checked on critics whose gradient is known
in closed form, and WGAN's weight clipping."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import backend, losses, models

pytestmark = pytest.mark.backends

W = np.array([0.6, -1.2, 0.4, 2.0, -0.3, 0.8], dtype="float32")  # |w| = 2.6…
NORM = float(np.linalg.norm(W))


def linear_critic(shape=(6,)):
    """f(x) = w·flatten(x) + b: ∇ₓ f = w everywhere, ‖∇ₓ f‖ = |w|."""
    critic = keras.Sequential(
        [keras.Input(shape), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    critic.layers[-1].kernel.assign(W.reshape(-1, 1))
    critic.layers[-1].bias.assign(np.array([0.3], "float32"))
    return critic


def samples(n=8, shape=(6,), seed=0):
    return ops.convert_to_tensor(
        np.random.default_rng(seed).normal(size=(n, *shape)).astype("float32")
    )


def value_and_weight_gradient(penalty, critic):
    """The penalty and its gradient w.r.t. the critic's kernel."""

    def loss_fn():
        return penalty(), None

    kernel = critic.layers[-1].kernel
    value, _, grads = backend.value_and_grad(loss_fn, [kernel], [])
    return float(ops.convert_to_numpy(value)), ops.convert_to_numpy(grads[0]).reshape(-1)


@pytest.mark.parametrize("shape", [(6,), (3, 2, 1)], ids=["vectors", "images"])
def test_squared_input_gradient_norms_of_a_linear_critic(shape):
    norms = losses.squared_input_gradient_norms(linear_critic(shape), samples(shape=shape))
    np.testing.assert_allclose(ops.convert_to_numpy(norms), np.full(8, NORM**2), rtol=1e-5)


def test_squared_input_gradient_norms_at_the_given_points():
    # f(x) = ½‖x‖² has ∇f(x) = x: the norms are those of the points themselves.
    x = keras.Input((6,))
    critic = keras.Model(x, 0.5 * ops.sum(ops.square(x), axis=1, keepdims=True))
    points = samples()
    np.testing.assert_allclose(
        ops.convert_to_numpy(losses.squared_input_gradient_norms(critic, points)),
        np.sum(ops.convert_to_numpy(points) ** 2, axis=1),
        rtol=1e-5,
    )


def test_random_interpolates_lie_uniformly_on_the_segments():
    real, fake = samples(256, seed=1), samples(256, seed=2)
    points = losses.random_interpolates(real, fake, seed=keras.random.SeedGenerator(3))
    real, fake, points = (ops.convert_to_numpy(t) for t in (real, fake, points))
    epsilon = (points - fake) / (real - fake)  # one ε per sample, for every feature
    np.testing.assert_allclose(epsilon, epsilon[:, :1].repeat(6, axis=1), atol=1e-3)
    epsilon = epsilon[:, 0]
    assert np.all((epsilon >= 0) & (epsilon <= 1))
    # U[0, 1]: mean 1/2, variance 1/12, within 4 standard errors for n = 256.
    assert abs(epsilon.mean() - 0.5) < 4 * np.sqrt(1 / 12 / 256)
    assert abs(epsilon.var() - 1 / 12) < 0.03


def test_zero_centered_penalty_is_the_squared_norm():
    critic = linear_critic()
    value, grad = value_and_weight_gradient(
        lambda: losses.zero_centered_gradient_penalty(critic, samples(seed=1), samples(seed=2)),
        critic,
    )
    np.testing.assert_allclose(value, NORM**2, rtol=1e-5)
    np.testing.assert_allclose(grad, 2.0 * W, rtol=1e-4)  # ∇_w |w|² = 2w


@pytest.mark.parametrize("power", [2.0, 6.0])
def test_wasserstein_divergence_penalty_is_the_norm_to_the_p(power):
    critic = linear_critic()
    value, grad = value_and_weight_gradient(
        lambda: losses.wasserstein_divergence_penalty(
            critic, samples(seed=1), samples(seed=2), power=power
        ),
        critic,
    )
    np.testing.assert_allclose(value, NORM**power, rtol=1e-4)
    # ∇_w |w|^p = p |w|^(p−2) w
    np.testing.assert_allclose(grad, power * NORM ** (power - 2) * W, rtol=1e-4)


def tiny_generator(features=6, latent_dim=3):
    return keras.Sequential([keras.Input((latent_dim,)), keras.layers.Dense(features)])


def logits(model, x):
    return model.discriminator(x, training=True)


def test_penalized_models_add_their_penalty_to_the_discriminator_loss():
    real, fake = samples(seed=1), samples(seed=2)
    cases = [
        (models.GAN0GP(tiny_generator(), linear_critic(), 3, gp_weight=7.0),
         losses.minimax_discriminator_loss, 7.0 * NORM**2),
        (models.WGANDiv(tiny_generator(), linear_critic(), 3, k=2.0, p=6.0),
         losses.wasserstein_discriminator_loss, 2.0 * NORM**6),
        (models.BiPenaltyGAN(tiny_generator(), linear_critic(), 3, gp_weight=10.0),
         losses.minimax_discriminator_loss, 10.0 * (NORM - 1.0) ** 2),
    ]
    for gan, unpenalized, penalty in cases:
        real_logits, fake_logits = logits(gan, real), logits(gan, fake)
        loss = gan.discriminator_loss(real_logits, fake_logits, real, fake)
        expected = float(ops.convert_to_numpy(unpenalized(real_logits, fake_logits))) + penalty
        np.testing.assert_allclose(float(ops.convert_to_numpy(loss)), expected, rtol=1e-4)


def test_gn_gan_normalizes_a_linear_critic_in_closed_form():
    gan = models.GNGAN(tiny_generator(), linear_critic(), 3)
    points = samples()
    scores = ops.convert_to_numpy(logits(gan, points))
    normalized = ops.convert_to_numpy(gan.normalized_scores(points, logits(gan, points)))
    np.testing.assert_allclose(normalized, scores / (NORM + np.abs(scores)), rtol=1e-5)
    # ∇f̂ = w·|w| / (|w| + |f|)², of norm below 1 although |w| = 2.6.
    input_grads = backend.input_gradient(
        lambda x: gan.normalized_scores(x, gan.discriminator(x, training=True)), points
    )
    norms = np.linalg.norm(ops.convert_to_numpy(input_grads), axis=1)
    np.testing.assert_allclose(norms, NORM**2 / (NORM + np.abs(scores[:, 0])) ** 2, rtol=1e-4)
    assert np.all(norms < 1.0)


class CriticWeightBounds(keras.callbacks.Callback):
    """Records the largest absolute critic weight after every training step."""

    def __init__(self):
        super().__init__()
        self.largest = []

    def on_train_batch_end(self, batch, logs=None):
        self.largest.append(
            max(float(np.abs(ops.convert_to_numpy(v)).max())
                for v in self.model.discriminator.trainable_variables)
        )


def test_weight_clipping_keeps_every_critic_weight_in_bounds_after_each_step():
    keras.utils.set_random_seed(0)
    critic = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
    )
    initial = max(float(np.abs(ops.convert_to_numpy(v)).max()) for v in critic.trainable_variables)
    gan = models.WGAN(tiny_generator(), critic, 3, clip_value=0.05, d_steps=1)
    gan.compile(
        d_optimizer=keras.optimizers.RMSprop(0.1), g_optimizer=keras.optimizers.RMSprop(0.1)
    )
    bounds = CriticWeightBounds()
    data = np.random.default_rng(0).normal(size=(5 * 8, 6)).astype("float32")
    batches = tf.data.Dataset.from_tensor_slices(data).batch(8)
    gan.fit(batches, epochs=1, verbose=0, callbacks=[bounds])
    assert initial > 0.05  # the initial weights exceed c: clipping has work to do
    assert len(bounds.largest) == 5
    np.testing.assert_allclose(bounds.largest, 0.05, rtol=1e-6)  # within c, and some at c


def test_weight_clipping_rejects_a_non_positive_bound():
    with pytest.raises(ValueError, match="clip_value must be positive"):
        models.WGAN(tiny_generator(), linear_critic(), 3, clip_value=0.0)
