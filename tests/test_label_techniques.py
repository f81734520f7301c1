"""Label smoothing and noisy labels: the targets of the logistic discriminator loss
(Salimans et al. 2016, §3.4; the practical guide of Garrido et al. 2019, §4.1, §4.5)."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops
from scipy.stats import norm

from keras_edgan import losses, models


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def cross_entropy(logits, targets):
    """−t log D − (1 − t) log(1 − D), D = sigmoid(logits), averaged: the reference."""
    d = sigmoid(np.asarray(logits, "float64"))
    return np.mean(-targets * np.log(d) - (1.0 - targets) * np.log(1.0 - d))


def tiny_networks(generator_bias=0.3):
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([
        keras.Input((3,)),
        keras.layers.Dense(2, kernel_initializer="zeros",
                           bias_initializer=keras.initializers.Constant(generator_bias)),
    ])
    discriminator = keras.Sequential([
        keras.Input((2,)),
        keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant([[1.5], [-0.5]])),
    ])
    return generator, discriminator


@pytest.mark.parametrize("real_target, fake_target", [(1.0, 0.0), (0.9, 0.0), (0.9, 0.1)])
def test_minimax_loss_is_the_cross_entropy_with_the_targets(real_target, fake_target):
    rng = np.random.default_rng(0)
    real_logits, fake_logits = rng.normal(size=(2, 16, 1)).astype("float32")
    loss = losses.minimax_discriminator_loss(real_logits, fake_logits, real_target, fake_target)
    expected = cross_entropy(real_logits, real_target) + cross_entropy(fake_logits, fake_target)
    np.testing.assert_allclose(float(loss), expected, rtol=1e-5)


def test_smoothed_targets_reach_the_loss_of_every_logistic_model():
    rng = np.random.default_rng(1)
    real_logits, fake_logits = rng.normal(size=(2, 8, 1)).astype("float32")
    for cls in (models.NSGAN, models.MMGAN, models.EDGAN, models.JSPenaltyGAN):
        gan = cls(*tiny_networks(), latent_dim=3, real_target=0.9, fake_target=0.1)
        assert gan.discriminator_targets(real_logits, fake_logits) == (0.9, 0.1)
        loss = gan.discriminator_loss(real_logits, fake_logits, None, None, None)
        expected = cross_entropy(real_logits, 0.9) + cross_entropy(fake_logits, 0.1)
        np.testing.assert_allclose(float(loss), expected, rtol=1e-5, err_msg=cls.__name__)


def test_noisy_labels_flip_the_given_fraction_from_the_seeded_stream():
    gan = models.NSGAN(*tiny_networks(), latent_dim=3, real_target=0.9, flip_rate=0.2, seed=4)
    real_logits = ops.zeros((20_000, 1))
    fake_logits = ops.ones((20_000, 1))
    state = ops.convert_to_numpy(gan.seed_generator.state).copy()
    real_targets, fake_targets = (
        ops.convert_to_numpy(t) for t in gan.discriminator_targets(real_logits, fake_logits)
    )
    # A flipped target is the other class's target, in the given fraction.
    assert set(np.unique(real_targets)) == {np.float32(0.9), np.float32(0.0)}
    assert set(np.unique(fake_targets)) == {np.float32(0.0), np.float32(0.9)}
    np.testing.assert_allclose(np.mean(real_targets == 0.0), 0.2, atol=0.01)
    np.testing.assert_allclose(np.mean(fake_targets == np.float32(0.9)), 0.2, atol=0.01)
    assert np.mean((real_targets == 0.0) & (fake_targets == np.float32(0.9))) < 0.06  # independent

    # The loss draws the same targets from the same stream state.
    gan.seed_generator.state.assign(state)
    loss = gan.discriminator_loss(real_logits, fake_logits, None, None, None)
    expected = cross_entropy(np.zeros((20_000, 1)), real_targets) + cross_entropy(
        np.ones((20_000, 1)), fake_targets
    )
    np.testing.assert_allclose(float(loss), expected, rtol=1e-5)


@pytest.mark.backends
@pytest.mark.parametrize("flip_rate", [0.0, 0.25])
def test_fit_trains_the_discriminator_on_the_smoothed_and_flipped_targets(flip_rate):
    real = np.random.default_rng(2).normal(size=(8, 2)).astype("float32")
    w = np.array([[1.5], [-0.5]], "float32")
    fake_logits = np.full((8, 2), 0.3, "float32") @ w  # G's output is its bias, 0.3

    def make_gan():
        return models.NSGAN(*tiny_networks(), latent_dim=3, real_target=0.9, fake_target=0.1,
                            flip_rate=flip_rate, seed=0)

    # The step draws the D update's noise, then the targets: replay the same draws.
    probe = make_gan()
    probe.sample_noise(8)
    real_targets, fake_targets = (
        np.broadcast_to(ops.convert_to_numpy(t), (8, 1))
        for t in probe.discriminator_targets(ops.zeros((8, 1)), ops.zeros((8, 1)))
    )
    if flip_rate:
        assert (real_targets != np.float32(0.9)).any() or (fake_targets != np.float32(0.1)).any()

    gan = make_gan()
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0))
    history = gan.fit(tf.data.Dataset.from_tensors(real), epochs=1, verbose=0).history
    expected = cross_entropy(real @ w, real_targets) + cross_entropy(fake_logits, fake_targets)
    np.testing.assert_allclose(history["d_loss"][0], expected, rtol=1e-5)


@pytest.mark.parametrize("real_target, fake_target", [(0.9, 0.0), (0.9, 0.2)])
def test_trained_discriminator_is_the_guide_optimal_discriminator(real_target, fake_target):
    """p_data = N(0, 1), p_model = N(1, 1) (G(z) = z + 1 held fixed); D is a logit per
    bin, so its optimum on bin b is (α·P_data(b) + β·P_model(b)) / (P_data(b) + P_model(b))
    (guide §4.1; one-sided: β = 0, α·p_data / (p_data + p_model))."""
    edges = np.linspace(-2.0, 3.0, 11)
    keras.utils.set_random_seed(0)
    x = keras.Input((1,))
    bins = keras.layers.CategoryEncoding(len(edges) + 1, output_mode="one_hot")(
        keras.layers.Discretization(bin_boundaries=list(edges))(x)
    )
    table = keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")
    # A frozen zero path from x keeps the generator's (zero) gradient defined.
    frozen = keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros", trainable=False)
    discriminator = keras.Model(x, keras.layers.Add()([table(bins), frozen(x)]))
    generator = keras.Sequential([
        keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="ones")
    ])
    gan = models.NSGAN(generator, discriminator, latent_dim=1, real_target=real_target,
                       fake_target=fake_target, seed=0)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 50, 0.5)
    gan.compile(d_optimizer=keras.optimizers.Adam(schedule), g_optimizer=keras.optimizers.SGD(0.0))
    real = np.random.default_rng(0).normal(size=(200 * 4096, 1)).astype("float32")
    gan.fit(tf.data.Dataset.from_tensor_slices(real).batch(4096), epochs=1, verbose=0)

    d = sigmoid(ops.convert_to_numpy(table.kernel)[1:-1, 0])  # inner bins
    p_data, p_model = np.diff(norm.cdf(edges)), np.diff(norm.cdf(edges - 1.0))
    optimal = (real_target * p_data + fake_target * p_model) / (p_data + p_model)
    np.testing.assert_allclose(d, optimal, atol=0.015)
    assert np.max(np.abs(d - p_data / (p_data + p_model))) > 0.05  # not the unsmoothed optimum


@pytest.mark.parametrize("cls", [models.WGAN, models.HingeGAN, models.LSGAN, models.RGAN,
                                 models.WGANGP])
@pytest.mark.parametrize("option", [dict(real_target=0.9), dict(fake_target=0.1),
                                    dict(flip_rate=0.05)])
def test_models_without_a_logistic_loss_refuse_the_targets(cls, option):
    with pytest.raises(ValueError, match="logistic .* NSGAN"):
        cls(*tiny_networks(), latent_dim=3, **option)


@pytest.mark.parametrize("option", [dict(real_target=1.2), dict(real_target=0.1, fake_target=0.2),
                                    dict(fake_target=-0.1), dict(flip_rate=0.5)])
def test_bad_targets_are_clear_errors(option):
    with pytest.raises(ValueError, match="fake_target < real_target|flip_rate"):
        models.NSGAN(*tiny_networks(), latent_dim=3, **option)
