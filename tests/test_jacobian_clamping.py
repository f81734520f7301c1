"""Jacobian Clamping (Odena et al. 2018, Algorithm 1) and the generator's condition
number (the memo's eq. 13–15), against numpy references."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import callbacks, losses, models, techniques
from keras_edgan.cli import config as config_lib
from keras_edgan.cli.train import train
from keras_edgan.models import TrainingOptions
from test_resume import scalars


def numpy_penalty(g_z, g_z_perturbed, delta, lambda_min, lambda_max):
    """Algorithm 1, lines 6–9, per example, then the batch mean."""
    n = len(g_z)
    q = (np.linalg.norm((g_z - g_z_perturbed).reshape(n, -1), axis=1)
         / np.linalg.norm(delta.reshape(n, -1), axis=1))
    return np.mean((np.maximum(q, lambda_max) - lambda_max) ** 2
                   + (np.minimum(q, lambda_min) - lambda_min) ** 2)


def test_penalty_is_the_formula_of_algorithm_1():
    rng = np.random.default_rng(0)
    g_z = rng.normal(size=(64, 4, 4, 3)).astype("float32")
    # Quotients spread below λ_min, inside [λ_min, λ_max] and above λ_max.
    direction = rng.normal(size=g_z.shape)
    direction /= np.linalg.norm(direction.reshape(64, -1), axis=1)[:, None, None, None]
    q = np.exp(rng.uniform(np.log(0.05), np.log(60.0), 64))
    delta = rng.normal(size=(64, 8)).astype("float32")
    epsilon = np.linalg.norm(delta, axis=1)
    g_z_perturbed = (g_z + (q * epsilon)[:, None, None, None] * direction).astype("float32")
    assert (q < 1).any() and ((q > 1) & (q < 20)).any() and (q > 20).any()

    for lambda_min, lambda_max in [(1.0, 20.0), (0.5, 0.5), (0.0, 3.0)]:
        got = losses.jacobian_clamping_penalty(g_z, g_z_perturbed, delta, lambda_min, lambda_max)
        want = numpy_penalty(g_z, g_z_perturbed, delta, lambda_min, lambda_max)
        np.testing.assert_allclose(float(got), want, rtol=1e-4)
    np.testing.assert_allclose(
        ops.convert_to_numpy(losses.jacobian_quotients(g_z, g_z_perturbed, delta)), q, rtol=1e-4
    )
    with pytest.raises(ValueError, match="0 ≤ λ_min ≤ λ_max"):
        losses.jacobian_clamping_penalty(g_z, g_z_perturbed, delta, 2.0, 1.0)


def test_perturbations_have_norm_epsilon_and_uniform_directions():
    delta = ops.convert_to_numpy(
        losses.latent_perturbation((20_000, 3), 0.5, seed=keras.random.SeedGenerator(0))
    )
    np.testing.assert_allclose(np.linalg.norm(delta, axis=1), 0.5, rtol=1e-5)
    # Uniform on the sphere of radius ε: mean 0, covariance ε²/d I.
    np.testing.assert_allclose(delta.mean(axis=0), 0.0, atol=0.01)
    np.testing.assert_allclose(np.cov(delta.T), np.eye(3) * 0.25 / 3, atol=0.005)
    again = losses.latent_perturbation((20_000, 3), 0.5, seed=keras.random.SeedGenerator(0))
    np.testing.assert_array_equal(ops.convert_to_numpy(again), delta)


def test_quotient_along_an_eigenvector_is_the_square_root_of_its_eigenvalue():
    """Eq. 15, exact for a linear G(z) = Wz at any ε."""
    w = np.random.default_rng(1).normal(size=(5, 3))
    eigenvalues, eigenvectors = np.linalg.eigh(w.T @ w)
    z = np.random.default_rng(2).normal(size=(3, 3))
    delta = 0.3 * eigenvectors.T  # row k: ε·v_k
    q = losses.jacobian_quotients(
        (z @ w.T).astype("float32"), ((z + delta) @ w.T).astype("float32"),
        delta.astype("float32"),
    )
    np.testing.assert_allclose(ops.convert_to_numpy(q), np.sqrt(eigenvalues), rtol=1e-5)


def linear_generator(w, output_shape=None):
    """G(z) = Wz (reshaped to `output_shape`)."""
    layers = [keras.Input((w.shape[1],)), keras.layers.Dense(w.shape[0], use_bias=False)]
    if output_shape:
        layers.append(keras.layers.Reshape(output_shape))
    generator = keras.Sequential(layers)
    generator.layers[0].kernel.assign(w.T.astype("float32"))
    return generator


@pytest.mark.backends
def test_condition_number_of_a_linear_generator_is_its_eigenvalue_ratio():
    w = np.random.default_rng(0).normal(size=(12, 4)) * np.array([1.0, 3.0, 0.2, 1.5])
    generator = linear_generator(w, (2, 2, 3))
    z = np.random.default_rng(1).normal(size=(5, 4)).astype("float32")
    eigenvalues = np.linalg.eigvalsh(w.T @ w)
    jacobians = techniques.generator_jacobians(generator, z, batch_size=8)  # 2 points a call
    np.testing.assert_allclose(jacobians, np.broadcast_to(w, (5, 12, 4)), rtol=1e-5, atol=1e-6)
    condition = techniques.generator_condition_number(generator, z)
    np.testing.assert_allclose(condition, eigenvalues[-1] / eigenvalues[0], rtol=1e-4)
    assert techniques.mean_log_condition_number(condition) == pytest.approx(
        np.log(eigenvalues[-1] / eigenvalues[0]), rel=1e-4
    )
    # Fewer outputs than latent dimensions: λ_min = 0.
    assert np.isinf(techniques.generator_condition_number(linear_generator(w[:3]), z)).all()


@pytest.mark.backends
def test_jacobian_of_a_two_layer_network_is_its_chain_rule():
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([
        keras.Input((3,)), keras.layers.Dense(6, activation="tanh"), keras.layers.Dense(5),
    ])
    z = np.random.default_rng(0).normal(size=(7, 3)).astype("float32")
    w1, b1, w2, _ = (ops.convert_to_numpy(v).astype("float64") for v in generator.weights)
    slopes = 1.0 - np.tanh(z @ w1 + b1) ** 2  # (n, hidden)
    want = np.einsum("ho,nh,jh->noj", w2, slopes, w1)  # J[n, o, j] = Σ_h W2[h,o] s[n,h] W1[j,h]
    np.testing.assert_allclose(techniques.generator_jacobians(generator, z), want,
                               rtol=1e-5, atol=1e-6)
    singular = np.linalg.svd(want, compute_uv=False)
    np.testing.assert_allclose(techniques.generator_condition_number(generator, z),
                               (singular[:, 0] / singular[:, -1]) ** 2, rtol=1e-3)


def test_a_conditional_generator_is_differentiated_at_each_points_label():
    z_in, y_in = keras.Input((2,)), keras.Input((), dtype="int32")
    scale = keras.layers.Embedding(3, 1, name="scale")(y_in)
    scaled = keras.layers.Multiply()([z_in, scale])
    generator = keras.Model([z_in, y_in], keras.layers.Dense(3, use_bias=False, name="w")(scaled))
    generator.get_layer("scale").embeddings.assign(np.array([[1.0], [2.0], [5.0]], "float32"))
    w = ops.convert_to_numpy(generator.get_layer("w").kernel).T
    labels = np.array([0, 2, 1], "int32")
    jacobians = techniques.generator_jacobians(generator, np.ones((3, 2), "float32"), labels)
    np.testing.assert_allclose(jacobians, np.array([1.0, 5.0, 2.0])[:, None, None] * w,
                               rtol=1e-6)


class ClampingOnly(models.GAN):
    """No adversarial term: G's loss is Jacobian Clamping's alone, D's is 0."""

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return 0.0 * (ops.mean(real_logits) + ops.mean(fake_logits))

    def generator_loss(self, fake_logits, real, fake, critic):
        return 0.0 * ops.mean(fake_logits), {}


def discriminator():
    return keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])


def clamping_gradient(w, lambda_min=1.0, lambda_max=20.0):
    """dL/dw for G(z) = wz + b in one dimension, where Q = |w|."""
    q = abs(w)
    return np.sign(w) * (2 * (max(q, lambda_max) - lambda_max) + 2 * (min(q, lambda_min) - lambda_min))


def clamping_penalty(w, lambda_min=1.0, lambda_max=20.0):
    q = abs(w)
    return (max(q, lambda_max) - lambda_max) ** 2 + (min(q, lambda_min) - lambda_min) ** 2


@pytest.mark.backends
@pytest.mark.parametrize("merged", [False, True])
@pytest.mark.parametrize("slope, penalty, gradient", [
    (0.5, 0.25, -1.0),    # Q = 0.5 < λ_min = 1: (Q − 1)², dL/dw = 2(Q − 1)
    (-0.5, 0.25, 1.0),    # Q = |w|
    (30.0, 100.0, 20.0),  # Q = 30 > λ_max = 20: (Q − 20)²
    (4.0, 0.0, 0.0),      # inside [λ_min, λ_max]: no penalty
])
def test_the_penalty_is_added_to_the_generator_loss_with_its_weight(slope, penalty, gradient,
                                                                     merged):
    """G(z) = wz + b in one dimension: Q = |w| whatever z and δ, so each generator
    update is w ← w − lr·c·dL/dw exactly, and b gets no gradient."""
    assert (clamping_penalty(slope), clamping_gradient(slope)) == (penalty, gradient)
    weight, lr, steps = 2.0, 0.01, 3
    generator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    generator.layers[0].kernel.assign([[slope]])
    gan = ClampingOnly(generator, discriminator(), latent_dim=1, merged_update=merged,
                       jacobian_clamping=weight, jacobian_clamping_epsilon=0.3, seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(lr), g_optimizer=keras.optimizers.SGD(lr))
    history = gan.fit(np.zeros((8 * steps, 1), "float32"), batch_size=8, epochs=1,
                      verbose=0).history

    slopes = [slope]  # w at the start of each generator update, and after the last
    for _ in range(steps):
        slopes.append(slopes[-1] - lr * weight * clamping_gradient(slopes[-1]))
    np.testing.assert_allclose(ops.convert_to_numpy(generator.layers[0].kernel)[0, 0],
                               slopes[-1], rtol=1e-5)
    # b's gradient is a difference of two sums over the batch's halves, which cancel
    # up to float32 round-off (1e-9 to 1e-7 measured when XLA orders them apart); a
    # real dependence of the penalty on b would move it by about lr·c = 0.02.
    assert abs(float(ops.convert_to_numpy(generator.layers[0].bias)[0])) < 1e-5
    # Logged: the epoch's mean of L, unweighted, and g_loss with c·L.
    logged = np.mean([clamping_penalty(w) for w in slopes[:-1]])
    np.testing.assert_allclose(history["jacobian_clamping"][0], logged, rtol=1e-5)
    np.testing.assert_allclose(history["g_loss"][0], weight * logged, rtol=1e-5)


@pytest.mark.backends
def test_each_example_is_paired_with_its_own_perturbation():
    """G = c·R, R orthogonal: Q = c for every z and δ, so the logged L is (c − λ_max)²
    exactly only if G(z) and G(z + δ) are paired by example and ‖δ‖ is its norm."""
    rotation, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(3, 3)))
    generator = linear_generator(26.0 * rotation)
    gan = ClampingOnly(generator, keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]),
                       latent_dim=3, jacobian_clamping=1.0, jacobian_clamping_epsilon=2.0, seed=3)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0))
    history = gan.fit(np.zeros((16, 3), "float32"), batch_size=8, epochs=2, verbose=0).history
    np.testing.assert_allclose(history["jacobian_clamping"], (26.0 - 20.0) ** 2, rtol=1e-4)


@pytest.mark.backends
def test_a_conditional_gan_clamps_each_example_at_its_own_label():
    """G([z, y]) = s_y·Rz, R orthogonal: Q = s_y, so L is the mean of the penalties of
    the minibatch's labels only if G(z) and G(z + δ) both get each example's label."""
    rotation, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(3, 3)))
    z_in, y_in = keras.Input((3,)), keras.Input((), dtype="int32")
    scale = keras.layers.Embedding(3, 1, name="scale")(y_in)
    rotated = keras.layers.Dense(3, use_bias=False, name="rotation")(
        keras.layers.Multiply()([z_in, scale]))
    generator = keras.Model([z_in, y_in], rotated)
    generator.get_layer("scale").embeddings.assign(np.array([[0.5], [4.0], [25.0]], "float32"))
    generator.get_layer("rotation").kernel.assign(rotation.T.astype("float32"))
    x_in, label_in = keras.Input((3,)), keras.Input((), dtype="int32")
    label_features = keras.layers.Flatten()(keras.layers.Embedding(3, 1)(label_in))
    critic = keras.Model([x_in, label_in], keras.layers.Dense(1)(
        keras.layers.Concatenate()([x_in, label_features])))
    gan = ClampingOnly(generator, critic, latent_dim=3, num_classes=3, jacobian_clamping=1.0,
                       r1_weight=1.0, seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0))
    labels = np.array([0, 1, 2, 2, 2, 1, 0, 2], "int32")
    data = tf.data.Dataset.from_tensors((np.zeros((8, 3), "float32"), labels))
    history = gan.fit(data, epochs=1, verbose=0).history
    want = np.mean([clamping_penalty(s) for s in np.array([0.5, 4.0, 25.0])[labels]])
    np.testing.assert_allclose(history["jacobian_clamping"][0], want, rtol=1e-4)
    assert np.isfinite(history["r1"][0])


def test_ver_and_the_critic_schedule_carry_the_penalty():
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    gan = models.VER(models.NSGAN(generator, keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(1)]), latent_dim=2, jacobian_clamping=1.0), seed=1)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    history = gan.fit(np.ones((16, 2), "float32"), batch_size=8, epochs=1, verbose=0).history
    assert {"jacobian_clamping", "mi"} <= set(history) and history["jacobian_clamping"][0] > 0

    wgan = models.WGAN(keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)]),
                       keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]),
                       latent_dim=2, d_steps=1, critic_schedule=0, jacobian_clamping=1.0)
    wgan.compile(d_optimizer=keras.optimizers.SGD(1e-3), g_optimizer=keras.optimizers.SGD(1e-3))
    data = tf.data.Dataset.from_tensors(np.ones((8, 2), "float32")).repeat()
    logged = wgan.fit(data, epochs=1, steps_per_epoch=100, verbose=0).history
    # 100 critic updates, then the one committed generator update: L logged once.
    assert int(wgan.g_optimizer.iterations) == 1 and logged["jacobian_clamping"][0] > 0


@pytest.mark.parametrize("bad, message", [
    (dict(jacobian_clamping=-1.0), "jacobian_clamping must be a non-negative number"),
    (dict(jacobian_clamping_epsilon=0.0), "jacobian_clamping_epsilon .* must be positive"),
    (dict(jacobian_clamping_min=2.0, jacobian_clamping_max=1.0), "must not exceed"),
    (dict(jacobian_clamping_max="20"), "jacobian_clamping_max must be a non-negative number"),
])
def test_bad_values_are_refused_with_what_to_use(bad, message):
    with pytest.raises(ValueError, match=message):
        TrainingOptions(**bad)


def test_config_keys_and_flags_reach_the_model():
    config = config_lib.load(None, dict(model="nsgan", jacobian_clamping=1.0,
                                        jacobian_clamping_max=10.0, latent_dim=2))
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    gan = models.registry.MODELS.build("nsgan", generator, discriminator_2d(), config)
    assert (gan.options.jacobian_clamping, gan.options.jacobian_clamping_max,
            gan.options.jacobian_clamping_min, gan.options.jacobian_clamping_epsilon) == (
        1.0, 10.0, 1.0, 1.0)
    assert config_lib.defaults("edgan")["jacobian_clamping"] == 0.0
    assert config_lib.defaults("edgan")["condition_number_every"] == 0


def discriminator_2d():
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])


@pytest.mark.backends
def test_a_clamped_run_resumes_exactly_and_logs_its_condition_number(tmp_path):
    """`train` with Jacobian Clamping (δ from the model's seeded stream) and the
    condition-number callback: the run resumed after 4 steps equals the straight run."""
    def tiny(**overrides):
        return config_lib.load(None, {
            "width": 4, "latent_dim": 8, "batch_size": 8, "steps": 8, "log_every": 2,
            "sample_every": 4, "checkpoint_every": 2, "jacobian_clamping": 1.0,
            "jacobian_clamping_max": 2.0, "condition_number_every": 2, "eval_every": 0,
            **overrides,
        })

    straight = train(tiny(), str(tmp_path / "straight"))
    train(tiny(steps=4), str(tmp_path / "resumed"))
    resumed = train(tiny(), str(tmp_path / "resumed"))
    for a, b in zip(straight.variables + straight.optimizer.variables,
                    resumed.variables + resumed.optimizer.variables, strict=True):
        np.testing.assert_array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(b))
    logged = scalars(str(tmp_path / "resumed"))
    assert logged == scalars(str(tmp_path / "straight"))
    assert [step for step, _ in logged["penalties/jacobian_clamping"]] == [2, 4, 6, 8]
    condition = logged[callbacks.ConditionNumber.TAG]
    assert [step for step, _ in condition] == [2, 4, 6, 8]
    assert all(np.isfinite(value) and value > 0 for _, value in condition)
