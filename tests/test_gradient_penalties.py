"""Penalties on the critic's input gradient, and WGAN's weight clipping.

WGAN-GP (Gulrajani et al.): the gradient penalty against closed forms, its gradient
w.r.t. the critic, the Wasserstein losses and the WGANGP model's objective (eq. 3).
The other input-gradient penalties and the models that add them to the discriminator
loss, checked on critics whose gradient is known in closed form. WGAN's weight
clipping, which bounds the critic without a penalty."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import backend, losses, models

pytestmark = pytest.mark.backends


# WGAN-GP: (‖∇ₓ f(x̂)‖ − 1)² at random interpolates x̂ of real and fake points.


def linear_critic_with_kernel(w):
    """f(x) = w·x on vectors of len(w) features, bias 0: ∇ₓ f = w everywhere."""
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
    penalty = losses.gradient_penalty(linear_critic_with_kernel(w), real, fake, seed=1)
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
    critic = linear_critic_with_kernel(w)
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
    critic = linear_critic_with_kernel(w)
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    gan = models.WGANGP(generator, critic, latent_dim=2, gp_weight=10.0)
    rng = np.random.default_rng(3)
    real, fake = rng.normal(size=(2, 8, 2)).astype("float32")
    bound = gan.critic(None)
    loss = gan.discriminator_loss(critic(real), critic(fake), real, fake, bound)
    term, logged = gan.critic_penalty(real, fake, bound)
    expected = np.mean(fake @ w) - np.mean(real @ w) + 10.0 * (2.0 - 1.0) ** 2
    np.testing.assert_allclose(float(loss) + float(term), expected, rtol=1e-5)
    np.testing.assert_allclose(float(logged["gp"]), (2.0 - 1.0) ** 2, rtol=1e-5)
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


# The other penalties, on the linear critic f(x) = w·flatten(x) + b of |w| = 2.6…

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
    """The adversarial term is the unpenalized loss; `critic_penalty` gives the
    weighted penalty and logs it unweighted under the model's penalty name."""
    real, fake = samples(seed=1), samples(seed=2)
    cases = [
        (models.GAN0GP(tiny_generator(), linear_critic(), 3, gp_weight=7.0),
         losses.minimax_discriminator_loss, 7.0, NORM**2),
        (models.WGANDiv(tiny_generator(), linear_critic(), 3, k=2.0, p=6.0),
         losses.wasserstein_discriminator_loss, 2.0, NORM**6),
        (models.BiPenaltyGAN(tiny_generator(), linear_critic(), 3, gp_weight=10.0),
         losses.minimax_discriminator_loss, 10.0, (NORM - 1.0) ** 2),
    ]
    for gan, unpenalized, weight, penalty in cases:
        real_logits, fake_logits = logits(gan, real), logits(gan, fake)
        loss = gan.discriminator_loss(real_logits, fake_logits, real, fake, gan.critic(None))
        np.testing.assert_allclose(float(ops.convert_to_numpy(loss)), float(
            ops.convert_to_numpy(unpenalized(real_logits, fake_logits))), rtol=1e-5)
        term, logged = gan.critic_penalty(real, fake, gan.critic(None))
        np.testing.assert_allclose(float(ops.convert_to_numpy(term)), weight * penalty, rtol=1e-4)
        (name, value), = logged.items()
        assert name in gan.penalty_names
        np.testing.assert_allclose(float(ops.convert_to_numpy(value)), penalty, rtol=1e-4)


def test_gn_gan_normalizes_a_linear_critic_in_closed_form():
    gan = models.GNGAN(tiny_generator(), linear_critic(), 3)
    points = samples()
    scores = ops.convert_to_numpy(logits(gan, points))
    critic = gan.critic(None)
    normalized = ops.convert_to_numpy(gan.normalized_scores(critic, points, logits(gan, points)))
    np.testing.assert_allclose(normalized, scores / (NORM + np.abs(scores)), rtol=1e-5)
    # ∇f̂ = w·|w| / (|w| + |f|)², of norm below 1 although |w| = 2.6.
    input_grads = backend.input_gradient(
        lambda x: gan.normalized_scores(critic, x, gan.discriminator(x, training=True)), points
    )
    norms = np.linalg.norm(ops.convert_to_numpy(input_grads), axis=1)
    np.testing.assert_allclose(norms, NORM**2 / (NORM + np.abs(scores[:, 0])) ** 2, rtol=1e-4)
    assert np.all(norms < 1.0)


@pytest.mark.parametrize("epsilon", [1e-4, 1.0])
def test_gran_gan_normalizes_a_linear_critic_in_closed_form(epsilon):
    """GraN's D̂ = D·‖∇D‖/(‖∇D‖² + ε) of a linear critic D = w·x + b, whose input
    gradient is w everywhere: D̂ = D·|w|/(|w|² + ε), and ∇D̂ = w·|w|/(|w|² + ε), of
    norm |w|²/(|w|² + ε) < 1 (nearly 1 for a small ε: D̂ ≈ D/|w|)."""
    gan = models.GraNGAN(tiny_generator(), linear_critic(), 3, epsilon=epsilon)
    points = samples()
    scores = ops.convert_to_numpy(logits(gan, points))
    critic = gan.critic(None)
    normalized = ops.convert_to_numpy(gan.normalized_scores(critic, points, logits(gan, points)))
    np.testing.assert_allclose(normalized, scores * NORM / (NORM**2 + epsilon), rtol=1e-5)
    input_grads = backend.input_gradient(
        lambda x: gan.normalized_scores(critic, x, gan.discriminator(x, training=True)), points
    )
    norms = np.linalg.norm(ops.convert_to_numpy(input_grads), axis=1)
    np.testing.assert_allclose(norms, NORM**2 / (NORM**2 + epsilon), rtol=1e-4)


def test_gran_gan_refuses_a_non_positive_epsilon():
    with pytest.raises(ValueError, match="epsilon must be positive; got 0"):
        models.GraNGAN(tiny_generator(), linear_critic(), 3, epsilon=0)


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
