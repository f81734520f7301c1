"""xICFG (Johnson and Zhang 2018; seed 002 §4): the functional gradient step against a
numpy gradient, its direction, the approximation loss against numpy, the equivalence
with the GAN's generator gradient for T = 1 (eq. 11–12) on the loss functions and
through a training step, the stage's structure, the loop of approximator updates, and
the model's options."""

import keras
import numpy as np
import pytest
from keras import ops

from keras_edgan import backend, losses, models
from keras_edgan.cli import config as config_lib


def critic_network(dim=3, hidden=5, seed=0):
    """D(x) = v·tanh(Wx + c) + d, whose input gradient numpy computes in closed form."""
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((dim,)), keras.layers.Dense(hidden, activation="tanh"), keras.layers.Dense(1)
    ])


def numpy_critic(network, x):
    """`(D(x), ∇ₓD(x))` of `critic_network` in numpy."""
    (w, c), (v, d) = [[ops.convert_to_numpy(t) for t in layer.weights]
                      for layer in network.layers]
    h = np.tanh(x @ w + c)
    return (h @ v + d)[:, 0], ((1.0 - h ** 2) * v[:, 0]) @ w.T


@pytest.mark.backends
@pytest.mark.parametrize("scaling", ["constant", "gan"])
def test_functional_step_is_x_plus_eta_s_grad_d(scaling):
    critic = critic_network()
    x = np.random.default_rng(1).normal(size=(8, 3)).astype("float32")
    eta = 0.3
    moved = ops.convert_to_numpy(losses.functional_gradient_step(critic, x, eta, scaling))
    logits, gradient = numpy_critic(critic, x.astype("float64"))
    s = np.ones_like(logits) if scaling == "constant" else 1.0 / (1.0 + np.exp(-logits)) / eta
    np.testing.assert_allclose(moved, x + eta * s[:, None] * gradient, rtol=1e-5, atol=1e-6)


def test_a_small_functional_step_raises_the_discriminator_by_eta_times_the_squared_gradient():
    """The step ascends D: D(x + η∇D) − D(x) = η‖∇D‖² + O(η²), so the samples move
    towards where D takes them for data."""
    critic = critic_network(seed=3)
    x = np.random.default_rng(2).normal(size=(16, 3)).astype("float32")
    eta = 1e-3
    moved = losses.functional_gradient_step(critic, x, eta)
    before, gradient = numpy_critic(critic, x.astype("float64"))
    after, _ = numpy_critic(critic, ops.convert_to_numpy(moved).astype("float64"))
    first_order = eta * np.sum(gradient ** 2, axis=1)
    assert np.all(first_order > 0)
    np.testing.assert_allclose(after - before, first_order, rtol=0.05)


def test_approximation_loss_is_half_the_mean_squared_distance():
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(6, 4, 4, 2)), rng.normal(size=(6, 4, 4, 2))
    expected = 0.5 * np.mean(np.sum((a - b).reshape(6, -1) ** 2, axis=1))
    assert float(losses.approximation_loss(a, b)) == pytest.approx(expected, rel=1e-6)


def test_unknown_scaling_is_refused():
    with pytest.raises(ValueError, match="scaling must be one of"):
        losses.functional_gradient_step(critic_network(), np.zeros((2, 3), "float32"), 0.1,
                                        "unit")


def generator_network(latent_dim=2, dim=3, seed=1):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((latent_dim,)), keras.layers.Dense(4, activation="tanh"),
        keras.layers.Dense(dim),
    ])


def gradients(loss_fn, network):
    _, _, grads = backend.value_and_grad(lambda: (loss_fn(), None),
                                         network.trainable_variables)
    return [ops.convert_to_numpy(g) for g in grads]


@pytest.mark.backends
def test_one_step_then_distillation_gives_the_gan_generator_gradient():
    """Eq. 11–12: at G̃ = G, ∇θ ½‖G̃(z) − (G(z) + η·s·∇D(G(z)))‖² =
    −η·s·Σⱼ[∇D]ⱼ ∂G_j/∂θ; with s = σ(D)/η that is ∇θ log(1 − σ(D(G(z)))), the
    generator gradient of Goodfellow et al.; with s = 1 it is ∇θ(−η·D(G(z)))."""
    generator, critic = generator_network(), critic_network(seed=5)
    z = np.random.default_rng(6).normal(size=(10, 2)).astype("float32")
    eta = 0.4

    def distillation(scaling):
        def loss():
            fake = generator(z)
            target = ops.stop_gradient(
                losses.functional_gradient_step(critic, fake, eta, scaling)
            )
            return losses.approximation_loss(fake, target)
        return gradients(loss, generator)

    gan = gradients(lambda: losses.minimax_generator_loss(critic(generator(z))), generator)
    linear = gradients(lambda: -eta * ops.mean(critic(generator(z))), generator)
    for got, expected in zip(distillation("gan"), gan):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)
    for got, expected in zip(distillation("constant"), linear):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)
    assert max(np.abs(g).max() for g in gan) > 1e-3  # a gradient, not zeros


class FixedPool(models.XICFG):
    """xICFG whose input pool is the given noise, so a test can recompute the stage."""

    def __init__(self, *args, pool_noise, **kwargs):
        super().__init__(*args, **kwargs)
        self.pool_noise = pool_noise

    def sample_noise(self, n):
        assert n == self.pool_noise.shape[0]
        return ops.convert_to_tensor(self.pool_noise)


def fixed_pool_gan(pool_noise, **options):
    return FixedPool(generator_network(), critic_network(seed=5), latent_dim=2,
                     pool_noise=pool_noise, seed=0, **options)


@pytest.mark.backends
def test_a_stage_with_t_1_moves_the_generator_as_the_gans_generator_step():
    """The model's stage with T = 1, s = σ(D)/η and one approximation update on the
    whole pool with SGD: G's weights move by −lr·∇θ log(1 − σ(D(G(z)))) over the pool,
    D being the discriminator after its update of the stage."""
    b, lr = 8, 0.1
    z = np.random.default_rng(7).normal(size=(b, 2)).astype("float32")
    gan = fixed_pool_gan(z, functional_steps=1, functional_scaling="gan",
                         functional_step_size=0.5, pool_minibatches=1, approximator_epochs=1)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.05), g_optimizer=keras.optimizers.SGD(lr))
    before = [ops.convert_to_numpy(v) for v in gan.generator.trainable_variables]
    reference = generator_network()
    real = np.random.default_rng(8).normal(size=(b, 3)).astype("float32")
    gan.fit(real, batch_size=b, epochs=1, verbose=0, shuffle=False)
    for variable, value in zip(reference.trainable_variables, before):
        variable.assign(value)
    expected = gradients(
        lambda: losses.minimax_generator_loss(gan.discriminator(reference(z))), reference
    )
    after = [ops.convert_to_numpy(v) for v in gan.generator.trainable_variables]
    for new, old, gradient in zip(after, before, expected):
        np.testing.assert_allclose(new, old - lr * gradient, rtol=1e-4, atol=1e-6)
    assert int(gan.d_optimizer.iterations) == 1 and int(gan.g_optimizer.iterations) == 1


@pytest.mark.backends
def test_a_stage_runs_t_times_u_discriminator_updates_and_every_approximator_update():
    """T·U discriminator updates, one per real minibatch; epochs × pool minibatches
    approximator updates (run as one loop), which leave G̃ closer to the moved pool
    than it started; one generator step counted per stage."""
    b = 4
    z = np.random.default_rng(9).normal(size=(3 * b, 2)).astype("float32")
    gan = fixed_pool_gan(z, functional_steps=3, d_steps=2, pool_minibatches=3,
                         approximator_epochs=4, functional_step_size=0.5)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.05), g_optimizer=keras.optimizers.Adam(1e-2))
    assert gan.minibatches_per_step == 6
    real = np.random.default_rng(10).normal(size=(2 * 6 * b, 3)).astype("float32")
    history = gan.fit(real, batch_size=6 * b, epochs=1, verbose=0, shuffle=False).history
    assert int(gan.d_optimizer.iterations) == 2 * 6
    assert int(gan.g_optimizer.iterations) == 2 * 3 * 4
    assert gan.generator_step == 2
    assert set(history) >= {"d_loss", "g_loss", "pool_shift", "g_grad_norm", "p_real"}
    assert "g_adversarial" not in history
    assert all(np.isfinite(v).all() for v in history.values())
    assert history["pool_shift"][-1] > 0


@pytest.mark.backends
def test_the_approximation_loop_fits_the_generator_to_its_targets():
    """Many approximator updates on one stage drive ½‖G̃(z) − x_T‖² down: the loop's
    updates reach the weights (on JAX, through the loop's carried state)."""
    b = 4
    z = np.random.default_rng(11).normal(size=(2 * b, 2)).astype("float32")
    gan = fixed_pool_gan(z, functional_steps=1, pool_minibatches=2, approximator_epochs=60,
                         functional_step_size=0.5)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.Adam(3e-2))
    start = ops.convert_to_numpy(gan.generator(z))
    target = ops.convert_to_numpy(
        losses.functional_gradient_step(gan.discriminator, start, 0.5)
    )
    initial = float(losses.approximation_loss(start, target))
    gan.fit(np.zeros((b, 3), "float32"), batch_size=b, epochs=1, verbose=0)
    final = float(losses.approximation_loss(ops.convert_to_numpy(gan.generator(z)), target))
    assert final < 0.1 * initial, (initial, final)


@pytest.mark.backends
@pytest.mark.parametrize("fresh", [True, False])
def test_each_stage_starts_the_approximators_optimizer_afresh(fresh):
    """With one RMSprop update per stage and zeroed averages, each update moves every
    weight by lr·g/√((1−ρ)g²) = lr/√(1−ρ) in magnitude, in the second stage as in the
    first; with the averages carried over, the second stage's steps are smaller
    (lr·g₂/√(ρ(1−ρ)g₁² + (1−ρ)g₂²))."""
    b, lr, rho = 8, 1e-3, 0.9
    z = np.random.default_rng(12).normal(size=(b, 2)).astype("float32")
    gan = fixed_pool_gan(z, functional_steps=1, pool_minibatches=1, approximator_epochs=1,
                         functional_step_size=0.5, fresh_approximator_optimizer=fresh)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0),
                g_optimizer=keras.optimizers.RMSprop(lr, rho=rho, epsilon=1e-12))
    real = np.random.default_rng(13).normal(size=(b, 3)).astype("float32")
    gan.fit(real, batch_size=b, epochs=1, verbose=0)
    before = np.concatenate([ops.convert_to_numpy(v).ravel()
                             for v in gan.generator.trainable_variables])
    gan.fit(real, batch_size=b, epochs=1, verbose=0)
    after = np.concatenate([ops.convert_to_numpy(v).ravel()
                            for v in gan.generator.trainable_variables])
    ratio = np.median(np.abs(after - before)) / (lr / np.sqrt(1.0 - rho))
    if fresh:
        assert ratio == pytest.approx(1.0, rel=1e-3)
    else:
        assert ratio < 0.95


def test_the_discriminator_side_options_compose_with_it():
    """R1, LeCam, label smoothing, experience replay (of pool samples) and the
    generator's moving average train with xICFG and log what they add."""
    b = 4
    gan = fixed_pool_gan(np.random.default_rng(14).normal(size=(2 * b, 2)).astype("float32"),
                         functional_steps=2, pool_minibatches=2, approximator_epochs=1,
                         r1_weight=1.0, lecam_weight=0.1, real_target=0.9,
                         replay_buffer_size=2, ema=0.9)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    real = np.random.default_rng(15).normal(size=(3 * 2 * b, 3)).astype("float32")
    history = gan.fit(real, batch_size=2 * b, epochs=1, verbose=0).history
    assert {"r1", "lecam"} <= set(history)
    assert all(np.isfinite(v).all() for v in history.values())
    assert int(ops.convert_to_numpy(gan.replay.count)) == 2 * 3  # one per discriminator update
    ema = [ops.convert_to_numpy(v) for v in gan.sampling_generator.weights]
    trained = [ops.convert_to_numpy(v) for v in gan.generator.weights]
    assert len(ema) == len(trained) and any(not np.allclose(a, t) for a, t in zip(ema, trained))


def test_a_batch_that_does_not_split_into_t_times_u_minibatches_names_both():
    gan = fixed_pool_gan(np.zeros((4, 2), "float32"), functional_steps=3)
    gan.compile(d_optimizer="sgd", g_optimizer="sgd")
    with pytest.raises(ValueError, match=r"functional_steps × d_steps=3 equal minibatches"):
        gan.fit(np.zeros((8, 3), "float32"), batch_size=8, epochs=1, verbose=0)


@pytest.mark.parametrize("options, message", [
    ({"merged_update": True}, "does not take merged_update"),
    ({"critic_schedule": 10, "d_steps": 5}, "does not take critic_schedule"),
    ({"feature_matching": True}, "does not take feature_matching"),
    ({"jacobian_clamping": 1.0}, "does not take jacobian_clamping"),
    ({"functional_steps": 0}, "functional_steps must be a positive integer"),
    ({"pool_minibatches": 1.5}, "pool_minibatches must be a positive integer"),
    ({"approximator_epochs": True}, "approximator_epochs must be a positive integer"),
    ({"functional_step_size": 0.0}, "functional_step_size is η > 0"),
    ({"functional_scaling": "unit"}, "functional_scaling must be one of"),
])
def test_options_it_cannot_take_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        models.XICFG(generator_network(), critic_network(), latent_dim=2, **options)


def test_the_config_builds_it_with_its_options():
    config = config_lib.load(None, {"model": "xicfg", "latent_dim": 2, "functional_steps": 4,
                                    "functional_step_size": 0.1, "pool_minibatches": 5,
                                    "approximator_epochs": 2, "functional_scaling": "gan",
                                    "fresh_approximator_optimizer": False})
    gan = models.registry.MODELS.build("xicfg", generator_network(), critic_network(), config)
    assert type(gan) is models.XICFG
    assert (gan.functional_steps, gan.functional_step_size, gan.pool_minibatches,
            gan.approximator_epochs, gan.functional_scaling,
            gan.fresh_approximator_optimizer) == (4, 0.1, 5, 2, "gan", False)
    assert gan.minibatches_per_step == 4
