"""WGAN-TS (Liu, Gu and Samaras 2018; seed 002 §6.2): the linear program of eq. 7
against independent optimal-transport solvers, the centring of its solution, the
regression of eq. 8, the weight scaling of eq. 15 against numpy, the backend's host
function, the model's options, one critic update and a short training run."""

import math
import warnings

import keras
import numpy as np
import pytest
import scipy.stats
import tensorflow as tf
from keras import ops
from scipy.optimize import linear_sum_assignment

from keras_edgan import backend, losses, metrics, models
from keras_edgan.cli import config as config_lib
from keras_edgan.losses.two_step import (
    l1_costs,
    transport_potentials,
    two_step_regression_loss,
    weight_scaling_factor,
)
import test_objective_models as objective_models
from test_objective_models import adam


def assignment_wasserstein(costs):
    """W₁ of the uniform distributions on the rows and the columns of `costs`, by
    `linear_sum_assignment` on the rows and columns repeated to a common size (m·n/g
    each, g = gcd(m, n)): an optimal plan of the repeated problem is a permutation."""
    m, n = costs.shape
    size = m * n // math.gcd(m, n)
    repeated = np.repeat(np.repeat(costs, size // m, axis=0), size // n, axis=1)
    rows, columns = linear_sum_assignment(repeated)
    return repeated[rows, columns].mean()


@pytest.mark.parametrize("m, n, dim", [(1, 1, 3), (2, 2, 1), (5, 5, 4), (16, 16, 2),
                                       (64, 64, 12), (4, 6, 3), (9, 3, 2)])
def test_linear_program_value_is_the_optimal_transport_cost(m, n, dim):
    rng = np.random.default_rng(m * 100 + n)
    real, fake = rng.normal(size=(m, dim)), rng.normal(0.5, 2.0, size=(n, dim))
    costs = l1_costs(real, fake)
    np.testing.assert_allclose(
        costs, np.abs(real[:, None, :] - fake[None, :, :]).sum(axis=-1), rtol=1e-12
    )
    potentials, value = transport_potentials(costs)
    np.testing.assert_allclose(value, assignment_wasserstein(costs), rtol=1e-9)
    # The value is the objective of eq. 7 at T*.
    np.testing.assert_allclose(potentials[:m].mean() - potentials[m:].mean(), value, rtol=1e-9)
    assert metrics.minibatch_wasserstein(real, fake) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("size", [3, 16, 64])
def test_potentials_are_feasible_centred_and_tight_on_the_optimal_plan(size):
    rng = np.random.default_rng(size)
    real, fake = rng.uniform(-1, 1, (size, 5)), rng.uniform(-1, 1, (size, 5))
    costs = l1_costs(real, fake)
    potentials, _ = transport_potentials(costs)
    real_t, fake_t = potentials[:size], potentials[size:]
    scale = costs.max()
    # Dual feasibility: T_i − T_j ≤ c_ij for every pair.
    assert (real_t[:, None] - fake_t[None, :] - costs).max() <= 1e-9 * scale
    # Centring (Algorithm 1, line 9): Σ_k T*_k = 0 over I ∪ J.
    assert abs(potentials.sum()) <= 1e-9 * scale * size
    # Complementary slackness with an optimal plan from the independent solver: the
    # constraint of every transported pair is tight.
    rows, columns = linear_sum_assignment(costs)
    np.testing.assert_allclose(
        real_t[rows] - fake_t[columns], costs[rows, columns], atol=1e-9 * scale
    )


def test_minibatch_wasserstein_of_one_dimensional_samples():
    """In one dimension ‖·‖₁ is |·|: scipy's 1-D Wasserstein distance (sorted
    quantiles, unequal sizes) is a third, independent solver."""
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(12, 1)), rng.exponential(size=(8, 1))
    expected = scipy.stats.wasserstein_distance(x[:, 0], y[:, 0])
    assert metrics.minibatch_wasserstein(x, y) == pytest.approx(expected, rel=1e-9)
    assert metrics.minibatch_wasserstein(y, x) == pytest.approx(expected, rel=1e-9)
    assert metrics.minibatch_wasserstein(x, x) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="at least one sample"):
        metrics.minibatch_wasserstein(x[:0], y)


def test_losses_are_exported():
    assert losses.transport_potentials is transport_potentials
    assert losses.weight_scaling_factor is weight_scaling_factor


@pytest.mark.backends
def test_regression_loss_and_scaling_factor_against_numpy():
    rng = np.random.default_rng(4)
    real_scores, fake_scores = rng.normal(size=(6, 1)), rng.normal(size=(4, 1))
    targets = rng.normal(size=10)
    loss = two_step_regression_loss(
        ops.convert_to_tensor(real_scores, "float32"), ops.convert_to_tensor(fake_scores, "float32"),
        ops.convert_to_tensor(targets, "float32"),
    )
    expected = (((real_scores[:, 0] - targets[:6]) ** 2).sum()
                + ((fake_scores[:, 0] - targets[6:]) ** 2).sum()) / 10
    np.testing.assert_allclose(float(ops.convert_to_numpy(loss)), expected, rtol=1e-5)

    costs = rng.uniform(0.1, 2.0, size=(6, 4))
    costs[0, 0] = 0.0  # a pair of equal points is left out of the supremum
    real_scores[0, 0], fake_scores[0, 0] = 50.0, 0.0
    ratios = [(real_scores[i, 0] - fake_scores[j, 0]) / costs[i, j]
              for i in range(6) for j in range(4) if costs[i, j] > 0]
    beta = weight_scaling_factor(
        *(ops.convert_to_tensor(a, "float32") for a in (real_scores, fake_scores, costs))
    )
    np.testing.assert_allclose(float(ops.convert_to_numpy(beta)), max(1.0, max(ratios)), rtol=1e-5)
    # No violated constraint: β = 1.
    beta = weight_scaling_factor(ops.zeros((6, 1)), ops.ones((4, 1)), ops.convert_to_tensor(costs))
    assert float(ops.convert_to_numpy(beta)) == 1.0


def small_networks(features=3, activation="relu", head=None):
    keras.utils.set_random_seed(1)
    generator = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(features, activation="tanh")]
    )
    discriminator = keras.Sequential([
        keras.Input((features,)),
        keras.layers.Dense(8, activation=activation),
        head or keras.layers.Dense(1),
    ])
    return generator, discriminator


def numpy_critic(discriminator, x):
    (k1, b1), (k2, b2) = [[ops.convert_to_numpy(w).astype(np.float64) for w in layer.weights]
                          for layer in discriminator.layers]
    return np.maximum(x @ k1 + b1, 0.0) @ k2 + b2


@pytest.mark.backends
def test_weight_scaling_divides_the_critic_by_beta():
    gan = models.WGANTS(*small_networks(), 2)
    discriminator = gan.discriminator
    for variable in discriminator.trainable_variables:  # a steep critic: β > 1
        variable.assign(ops.convert_to_numpy(variable) * 5.0)
    rng = np.random.default_rng(5)
    real, fake = rng.normal(size=(7, 3)), rng.normal(size=(5, 3))
    costs = l1_costs(real, fake)
    before_real, before_fake = numpy_critic(discriminator, real), numpy_critic(discriminator, fake)
    expected_beta = max(1.0, ((before_real - before_fake.T) / costs).max())
    assert expected_beta > 1.5

    beta = gan.scale_weights(*(ops.convert_to_tensor(a, "float32") for a in (real, fake, costs)))
    np.testing.assert_allclose(float(ops.convert_to_numpy(beta)), expected_beta, rtol=1e-4)
    after_real, after_fake = numpy_critic(discriminator, real), numpy_critic(discriminator, fake)
    # D_{w/β}(·) = D_w(·)/β, and the constraints of eq. 13 hold, the steepest pair tightly.
    np.testing.assert_allclose(after_real, before_real / expected_beta, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(after_fake, before_fake / expected_beta, rtol=1e-4, atol=1e-6)
    slack = costs - (after_real - after_fake.T)
    assert slack.min() == pytest.approx(0.0, abs=1e-4) and slack.min() > -1e-4
    # Only the output layer changed; β = 1 now leaves it alone.
    beta = gan.scale_weights(*(ops.convert_to_tensor(a, "float32") for a in (real, fake, costs)))
    assert float(ops.convert_to_numpy(beta)) == pytest.approx(1.0, abs=1e-4)


def test_the_scaled_layer_is_the_affine_output_layer():
    assert models.WGANTS(*small_networks(), 2).scaled_layer.name.startswith("dense")
    # DCGAN's critics end with a Conv and a Flatten.
    keras.utils.set_random_seed(0)
    conv = keras.layers.Conv2D(1, 4, name="last_conv")
    discriminator = keras.Sequential([
        keras.Input((4, 4, 1)), keras.layers.Conv2D(2, 1, activation="relu"), conv,
        keras.layers.Flatten(),
    ])
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="tanh"),
                                  keras.layers.Reshape((4, 4, 1))])
    assert models.WGANTS(generator, discriminator, 2).scaled_layer is conv
    with pytest.raises(ValueError, match="Dense or Conv without activation"):
        models.WGANTS(*small_networks(head=keras.layers.Dense(1, activation="sigmoid")), 2)
    unscaled = models.WGANTS(
        *small_networks(head=keras.layers.Dense(1, activation="sigmoid")), 2, weight_scaling=False
    )
    assert unscaled.scaled_layer is None


def test_options_from_the_config_and_bad_values():
    config = config_lib.load(None, {"latent_dim": 2, "model": "wgan_ts", "regression_steps": 3,
                                    "weight_scaling": False})
    gan = models.registry.MODELS.build("wgan_ts", *small_networks(), config)
    assert type(gan) is models.WGANTS
    assert (gan.regression_steps, gan.weight_scaling, gan.d_steps) == (3, False, 1)
    default = models.WGANTS(*small_networks(), 2)
    assert (default.regression_steps, default.weight_scaling) == (5, True)
    assert default.penalty_names == ("minibatch_wasserstein", "scaling_factor")
    with pytest.raises(ValueError, match="regression_steps must be a positive integer"):
        models.WGANTS(*small_networks(), 2, regression_steps=0)
    with pytest.raises(ValueError, match="does not take merged_update"):
        models.WGANTS(*small_networks(), 2, merged_update=True)
    with pytest.raises(ValueError, match="does not take lecam_weight"):
        models.WGANTS(*small_networks(), 2, lecam_weight=0.3)


@pytest.mark.backends
def test_host_function_runs_numpy_inside_the_backends_step():
    def fn(a, b):
        assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
        return a @ b.T, np.float64(a.sum())

    a = np.arange(6, dtype="float32").reshape(2, 3)
    b = np.ones((4, 3), dtype="float32")
    results = (((2, 4), "float32"), ((), "float32"))

    def call(x, y):
        return backend.host_function(fn, [x, y], results)

    name = keras.backend.backend()
    if name == "tensorflow":
        compiled = tf.function(call)
        assert backend.host_function.supports_jit is False
    elif name == "jax":
        import jax

        compiled = jax.jit(call)
    else:
        compiled = call
    for function in (call, compiled):
        product, total = function(ops.convert_to_tensor(a), ops.convert_to_tensor(b))
        assert tuple(product.shape) == (2, 4) and tuple(total.shape) == ()
        assert ops.convert_to_numpy(product).dtype == np.float32
        np.testing.assert_allclose(ops.convert_to_numpy(product), a @ b.T)
        assert float(ops.convert_to_numpy(total)) == 15.0

    # A step calling it is XLA-compiled only where the backend's host function allows.
    gan = models.WGANTS(*small_networks(), 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TensorFlow: "Model doesn't support jit_compile"
        gan.compile(d_optimizer=adam(1e-3), g_optimizer=adam(1e-3), jit_compile=True)
    assert gan.jit_compile is backend.host_function.supports_jit


@pytest.mark.backends
def test_a_critic_update_logs_the_exact_minibatch_distance_and_keeps_the_constraints():
    gan = models.WGANTS(*small_networks(), 2, regression_steps=2)
    gan.compile(d_optimizer=adam(1e-2), g_optimizer=adam(1e-3))
    for variable in gan.discriminator.trainable_variables:  # steep enough to be scaled
        variable.assign(ops.convert_to_numpy(variable) * 5.0)
    real = np.random.default_rng(6).uniform(-1, 1, (16, 3)).astype("float32")
    loss, penalties = gan.discriminator_update(ops.convert_to_tensor(real), None)
    # The generated minibatch: G of the noise the update drew, kept for the generator.
    fake = ops.convert_to_numpy(gan.generator(gan._critic_noise)).astype(np.float64)
    assert np.isfinite(float(ops.convert_to_numpy(loss)))
    np.testing.assert_allclose(
        float(ops.convert_to_numpy(penalties["minibatch_wasserstein"])),
        metrics.minibatch_wasserstein(real, fake), rtol=1e-5,
    )
    assert float(ops.convert_to_numpy(penalties["scaling_factor"])) > 1.0
    costs = l1_costs(real, fake)
    scores = numpy_critic(gan.discriminator, real.astype(np.float64)), numpy_critic(
        gan.discriminator, fake)
    assert (scores[0] - scores[1].T - costs).max() <= 1e-4


@pytest.mark.backends
def test_training_moves_the_generator_toward_the_ring(monkeypatch):
    """The ring run of `test_objective_models`, itself, with WGAN-TS: the paper's n_c = 1
    and n_r = 5, and the two-time-scale Adam of the other objectives."""
    monkeypatch.setitem(objective_models.OBJECTIVES, "wgan_ts", (
        lambda g, d: models.WGANTS(g, d, objective_models.LATENT), adam(1e-3), adam(2e-4)
    ))
    objective_models.test_training_moves_the_generator_toward_the_ring("wgan_ts")
