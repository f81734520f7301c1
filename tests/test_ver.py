"""GAN+VER: MINE against the mutual information of correlated Gaussians, the bias
correction and adaptive clipping, and the VER model on every backend."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st
from keras import ops

from keras_edgan import backend, losses, models
from keras_edgan.cli import config as config_lib


def to_numpy(x):
    return ops.convert_to_numpy(x)


def tiny_networks(latent_dim=2, seed=0):
    keras.utils.set_random_seed(seed)
    generator = keras.Sequential([
        keras.Input((latent_dim,)), keras.layers.Dense(8), keras.layers.BatchNormalization(),
        keras.layers.ReLU(), keras.layers.Dense(2),
    ])
    discriminator = keras.Sequential([
        keras.Input((2,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1),
    ])
    return generator, discriminator


def points(n=64, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 2)).astype("float32")


# MINE alone: closed forms and the correlated-Gaussian benchmark of the MINE paper.


def test_donsker_varadhan_bound_and_corrected_objective_values():
    rng = np.random.default_rng(0)
    joint, marginal = rng.normal(size=(2, 32, 1)).astype("float32")
    bound = joint.mean() - np.log(np.mean(np.exp(marginal)))
    assert float(losses.donsker_varadhan_bound(joint, marginal)) == pytest.approx(bound, rel=1e-5)
    corrected = joint.mean() - np.mean(np.exp(marginal)) / 1.7
    assert float(losses.mine_corrected_objective(joint, marginal, 1.7)) == pytest.approx(corrected, rel=1e-5)
    average = losses.moving_average_update(1.7, marginal, 0.01)
    assert float(average) == pytest.approx(0.99 * 1.7 + 0.01 * np.mean(np.exp(marginal)), rel=1e-6)


@pytest.mark.backends
def test_corrected_objective_has_the_moving_average_gradient():
    # d/dT_marginal,i of the objective is −e^(T_i) / (n · m̄): E[e^T ∇T] / m̄ of MINE §3.2.
    marginal = keras.Variable(np.array([[0.2], [-1.0], [0.5]], "float32"))
    joint = np.zeros((3, 1), "float32")

    def loss_fn():
        return losses.mine_corrected_objective(joint, marginal, 2.0), None

    _, _, (grad,) = backend.value_and_grad(loss_fn, [marginal])
    expected = -np.exp(to_numpy(marginal)) / (3 * 2.0)
    np.testing.assert_allclose(to_numpy(grad), expected, rtol=1e-5)


def test_mine_estimates_the_mutual_information_of_correlated_gaussians():
    # X, Z ∈ R² with corr(Xᵢ, Zᵢ) = r: I(X; Z) = −½ log(1 − r²) per dimension.
    d, r = 2, 0.8
    truth = -0.5 * d * np.log(1.0 - r * r)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)

    def sample(n):
        x = rng.normal(size=(n, d))
        z = r * x + np.sqrt(1.0 - r * r) * rng.normal(size=(n, d))
        return x.astype("float32"), z.astype("float32"), z[rng.permutation(n)].astype("float32")

    statistics = models.mine_statistics_network((d,), d)
    optimizer = keras.optimizers.Adam(1e-3)
    average = keras.Variable(1.0, trainable=False)

    @tf.function
    def step(x, z, z_marginal):
        def loss_fn():
            joint, marginal = statistics([x, z]), statistics([x, z_marginal])
            average.assign(losses.moving_average_update(average, marginal, 0.01))
            return -losses.mine_corrected_objective(joint, marginal, average), None

        _, _, grads = backend.value_and_grad(loss_fn, statistics.trainable_variables)
        optimizer.apply(grads, statistics.trainable_variables)

    for _ in range(1200):
        step(*sample(256))
    x, z, z_marginal = sample(20_000)
    estimate = float(losses.donsker_varadhan_bound(statistics([x, z]), statistics([x, z_marginal])))
    assert abs(estimate - truth) < 0.1 * truth, (estimate, truth)


# Adaptive gradient clipping (MINE §5.1).


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3), min_size=3, max_size=3),
    st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=2),
    st.floats(1e-3, 1e3),
)
def test_clipped_gradient_never_exceeds_the_reference_norm(values, reference_values, scale):
    gradients = [np.array(values[:2], "float32"), np.array(values[2:], "float32") * scale]
    reference = [np.array(reference_values, "float32")]
    clipped = [to_numpy(g) for g in losses.adaptive_gradient_clipping(gradients, reference)]
    norm = np.sqrt(sum(np.sum(g.astype(float) ** 2) for g in gradients))
    reference_norm = np.linalg.norm(np.asarray(reference_values, float))
    clipped_norm = np.sqrt(sum(np.sum(g.astype(float) ** 2) for g in clipped))
    assert clipped_norm <= reference_norm * (1 + 1e-5) + 1e-6
    assert clipped_norm == pytest.approx(min(norm, reference_norm), rel=1e-4, abs=1e-5)
    if norm > 0 and clipped_norm > 0:  # the direction is kept
        cosine = sum(
            np.sum(a.astype(float) * b.astype(float)) for a, b in zip(gradients, clipped)
        ) / (norm * clipped_norm)
        assert cosine == pytest.approx(1.0, abs=1e-4)


# The VER model.


@pytest.mark.backends
def test_ver_step_trains_d_then_t_then_g_and_logs_mi():
    generator, discriminator = tiny_networks()
    gan = models.VER(models.NSGAN(generator, discriminator, latent_dim=2, d_steps=2), seed=1)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    t_before = [to_numpy(v).copy() for v in gan.statistics_network.trainable_variables]
    history = gan.fit(tf.data.Dataset.from_tensor_slices(points()).batch(32), epochs=1, verbose=0).history
    assert set(history) == {
        "d_loss", "g_loss", "mi", "d_adversarial", "g_adversarial", "d_real", "d_fake",
        "p_real", "p_fake", "d_grad_norm", "g_grad_norm",
    }
    assert all(np.isfinite(values).all() for values in history.values())
    assert int(gan.d_optimizer.iterations) == 4
    assert int(gan.g_optimizer.iterations) == int(gan.t_optimizer.iterations) == 2
    assert gan.t_optimizer is not gan.g_optimizer
    assert gan.t_optimizer.get_config()["learning_rate"] == pytest.approx(1e-3)
    assert all(not np.allclose(to_numpy(v), b)
               for v, b in zip(gan.statistics_network.trainable_variables, t_before))
    assert float(to_numpy(gan.marginal_average)) != 1.0


@pytest.mark.backends
def test_clipping_bounds_the_mi_gradient_by_the_adversarial_one():
    # A zero discriminator gives the generator no adversarial gradient, so the
    # clipped MI gradient is zero too: G stays put however large λ is, while T trains.
    generator, discriminator = tiny_networks()
    for variable in discriminator.trainable_variables:
        variable.assign(np.zeros(variable.shape, "float32"))
    gan = models.VER(models.NSGAN(generator, discriminator, latent_dim=2), mi_weight=1e4, seed=1)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(1.0),
                t_optimizer=keras.optimizers.Adam(1e-3))
    g_before = [to_numpy(v).copy() for v in generator.trainable_variables]
    gan.fit(points(), batch_size=16, epochs=1, verbose=0)
    for variable, before in zip(generator.trainable_variables, g_before):
        np.testing.assert_array_equal(to_numpy(variable), before)
    assert int(gan.t_optimizer.iterations) == 4


@pytest.mark.backends
def test_save_and_load_keep_t_its_optimizer_and_the_moving_average(tmp_path):
    def build():
        generator, discriminator = tiny_networks()
        gan = models.VER(models.NSGAN(generator, discriminator, latent_dim=2), seed=1)
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3),
                    t_optimizer=keras.optimizers.Adam(5e-4))
        return gan

    gan = build()
    gan.fit(points(), batch_size=16, epochs=1, verbose=0)
    path = str(tmp_path / "ver.weights.h5")
    gan.save_weights(path)
    restored = build()
    restored.load_weights(path)
    for a, b in zip(gan.statistics_network.weights + gan.t_optimizer.variables,
                    restored.statistics_network.weights + restored.t_optimizer.variables):
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
    assert int(restored.t_optimizer.iterations) == 4
    assert float(to_numpy(restored.marginal_average)) == float(to_numpy(gan.marginal_average))


def test_ver_wraps_edgan_and_logs_its_penalty_too():
    generator, discriminator = tiny_networks()
    gan = models.VER(models.EDGAN(generator, discriminator, latent_dim=2, d_steps=1))
    gan.compile(d_optimizer="adam", g_optimizer="adam")
    history = gan.fit(points(32), batch_size=16, epochs=1, verbose=0).history
    assert set(history) == {
        "d_loss", "g_loss", "ced", "mi", "d_adversarial", "g_adversarial", "d_real", "d_fake",
        "p_real", "p_fake", "d_grad_norm", "g_grad_norm",
    }
    assert gan.penalty_names == ("ced", "mi")


def test_registry_builds_the_papers_four_models():
    expected = {"vgan": (models.NSGAN, None), "wgan_gp": (models.WGANGP, None),
                "vgan_ver": (models.VER, models.NSGAN), "wgan_gp_ver": (models.VER, models.WGANGP)}
    for name, (cls, base) in expected.items():
        config = config_lib.load("ver_ring_vgan", {"latent_dim": 2, "model": name})
        gan = models.registry.MODELS.build(name, *tiny_networks(), config)
        assert type(gan) is cls
        if base is not None:
            assert type(gan.gan) is base and gan.mi_weight == config["mi_weight"]


def test_ver_keeps_the_wrapped_gans_update_hooks():
    """WGAN clips its critic's weights after each update; wrapped in VER it still does."""
    gan = models.VER(models.WGAN(*tiny_networks(), latent_dim=2, d_steps=1, clip_value=0.01))
    gan.compile(d_optimizer=keras.optimizers.SGD(1.0), g_optimizer="adam")
    gan.fit(points(32), batch_size=16, epochs=1, verbose=0)
    for variable in gan.discriminator.trainable_variables:
        assert np.max(np.abs(ops.convert_to_numpy(variable))) <= 0.01 + 1e-7


def test_wrapping_something_else_is_a_clear_error():
    with pytest.raises(TypeError, match="VER wraps a keras_edgan.models.GAN"):
        models.VER(tiny_networks()[0])
    with pytest.raises(ValueError, match="VER adds the statistics network's update"):
        models.VER(models.NSGAN(*tiny_networks(), latent_dim=2, merged_update=True))
    with pytest.raises(ValueError, match="moving_average_rate must be in"):
        models.VER(models.NSGAN(*tiny_networks(), latent_dim=2), moving_average_rate=0.0)
