"""LeCam regularization (Tseng et al. 2021): λ·R_LC in the discriminator's loss of
any objective (`lecam_weight`), its moving averages against numpy, in real training
runs."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import losses, models, techniques
from keras_edgan.cli import config as config_lib
from keras_edgan.models import TrainingOptions
from test_r1_penalty import LinearScores  # WGAN's losses, unclipped

pytestmark = pytest.mark.backends

DECAY = 0.99


def test_penalty_against_numpy():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(7, 1)), rng.normal(size=(5, 1))
    alpha_r, alpha_f = 0.8, -0.3
    want = np.mean((real - alpha_f) ** 2) + np.mean((fake - alpha_r) ** 2)
    got = losses.lecam_penalty(ops.convert_to_tensor(real.astype("float32")),
                               ops.convert_to_tensor(fake.astype("float32")), alpha_r, alpha_f)
    np.testing.assert_allclose(float(ops.convert_to_numpy(got)), want, rtol=1e-5)


def numpy_averages(means):
    """The zero-debiased EMA of TF's assign_moving_average after each of `means`."""
    biased, out = 0.0, []
    for t, m in enumerate(means, start=1):
        biased = DECAY * biased + (1 - DECAY) * m
        out.append(biased / (1 - DECAY**t))
    return out


def test_moving_averages_are_debiased_emas_of_the_batch_means():
    rng = np.random.default_rng(0)
    batches = [(rng.normal(1.0, 1.0, (6, 1)), rng.normal(-1.0, 1.0, (6, 1))) for _ in range(5)]
    averages = techniques.LeCamAverages()
    got = [tuple(float(ops.convert_to_numpy(a)) for a in averages.update(
        ops.convert_to_tensor(r.astype("float32")), ops.convert_to_tensor(f.astype("float32"))))
        for r, f in batches]
    want_r = numpy_averages([r.mean() for r, _ in batches])
    want_f = numpy_averages([f.mean() for _, f in batches])
    np.testing.assert_allclose(got, np.stack([want_r, want_f], axis=1), rtol=1e-5)
    np.testing.assert_allclose(got[0], (batches[0][0].mean(), batches[0][1].mean()), rtol=1e-5)
    np.testing.assert_allclose([float(ops.convert_to_numpy(a)) for a in averages.averages],
                               got[-1], rtol=1e-6)


@pytest.mark.parametrize("step", [
    dict(d_steps=2), dict(merged_update=True), dict(d_steps=1, critic_schedule=0),
])
def test_each_discriminator_update_moves_the_averages_and_follows_the_penalised_gradient(step):
    """Per discriminator update, in numpy: the averages take the batch means first,
    then w ← w − lr·(c − mean(x) + λ·∇_w R_LC), R_LC = mean((Xw − α_F)²) + (cᵀw − α_R)²."""
    lam, lr, steps = 0.5, 0.05, 4
    c, w = np.array([0.5, -0.25]), np.array([1.0, -2.0])
    gan = LinearScores(
        keras.Sequential([keras.Input((1,)), keras.layers.Dense(2, kernel_initializer="zeros")]),
        keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, use_bias=False)]),
        latent_dim=1, lecam_weight=lam, **step,
    )
    gan.generator.layers[0].bias.assign(c.astype("float32"))  # G(z) = c
    gan.discriminator.layers[0].kernel.assign(w[:, None].astype("float32"))  # D(x) = wᵀx
    gan.compile(d_optimizer=keras.optimizers.SGD(lr), g_optimizer=keras.optimizers.SGD(0.0))
    size = 4 * gan.minibatches_per_step
    real = np.random.default_rng(0).normal(1.0, 1.0, (steps * size, 2)).astype("float32")
    history = gan.fit(tf.data.Dataset.from_tensor_slices(real).batch(size), epochs=1,
                      verbose=0).history

    sums, t, penalties, d_losses = np.zeros(2), 0, [], []
    for x in np.split(real.astype("float64"), len(real) // 4):
        r, f = x @ w, c @ w
        t += 1
        sums = DECAY * sums + (1 - DECAY) * np.array([r.mean(), f])
        alpha_r, alpha_f = sums / (1 - DECAY**t)
        penalty = np.mean((r - alpha_f) ** 2) + (f - alpha_r) ** 2
        penalties.append(penalty)
        d_losses.append(f - r.mean() + lam * penalty)
        lecam_gradient = 2 * np.mean((r - alpha_f)[:, None] * x, axis=0) + 2 * (f - alpha_r) * c
        w = w - lr * (c - x.mean(axis=0) + lam * lecam_gradient)

    averages = gan.lecam_averages
    assert int(ops.convert_to_numpy(averages.count)) == t == steps * gan.minibatches_per_step
    np.testing.assert_allclose(
        [float(ops.convert_to_numpy(v)) for v in (averages.real_sum, averages.fake_sum)],
        sums, rtol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(gan.discriminator.layers[0].kernel)[:, 0], w,
                               rtol=1e-5)
    per_step = gan.minibatches_per_step  # logged: each step's last D update, without λ
    np.testing.assert_allclose(history["lecam"][0], np.mean(penalties[per_step - 1::per_step]),
                               rtol=1e-5)
    np.testing.assert_allclose(history["d_loss"][0], np.mean(d_losses[per_step - 1::per_step]),
                               rtol=1e-5)


def merged_step(cls, lecam_weight):
    """The generator's and the discriminator's weights after one merged step (both
    gradients at the same weights, on the same noise), and the model."""
    keras.utils.set_random_seed(0)
    networks = (
        keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)]),
        keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="tanh"),
                          keras.layers.Dense(1)]),
    )
    gan = cls(*networks, latent_dim=2, merged_update=True, lecam_weight=lecam_weight, seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
    gan.fit(np.random.default_rng(0).normal(size=(8, 2)).astype("float32"), batch_size=8,
            verbose=0)
    return [[ops.convert_to_numpy(v) for v in network.trainable_variables]
            for network in networks], gan


@pytest.mark.parametrize("cls", [models.NSGAN, models.HingeGAN, models.LSGAN, models.RaGAN])
def test_lecam_changes_the_discriminators_update_of_any_objective_and_not_the_generators(cls):
    (g_plain, d_plain), plain = merged_step(cls, 0.0)
    (g_lecam, d_lecam), regularized = merged_step(cls, 10.0)
    assert "lecam" not in plain.trackers and plain.lecam_averages is None
    assert "lecam" in regularized.trackers
    # Equal up to round-off, which differed once at 1e-6 in a loaded process (TF's
    # kernels need not sum in the same order in two graphs); LeCam's gradient
    # reaching G would move it by about lr·λ·|∇| ≈ 0.1.
    for a, b in zip(g_plain, g_lecam):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    assert any(not np.allclose(a, b) for a, b in zip(d_plain, d_lecam))


def test_bad_weight_and_config_key():
    with pytest.raises(ValueError, match="lecam_weight must be a non-negative number"):
        TrainingOptions(lecam_weight=-0.3)
    config = config_lib.load(None, dict(model="hinge", lecam_weight=0.3, latent_dim=2))
    networks = [keras.Sequential([keras.Input((2,)), keras.layers.Dense(units)])
                for units in (2, 1)]  # G, D
    gan = models.registry.MODELS.build("hinge", *networks, config)
    assert gan.options.lecam_weight == 0.3 and gan.lecam_averages is not None
