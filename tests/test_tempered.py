"""Tempered Adversarial Networks (Sajjadi et al. 2018): the schedule and losses of the
lens (eq. 2–5), what the discriminator sees, the lens's update, and resuming."""

import math
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import callbacks, models
from keras_edgan.cli import config as config_lib
from keras_edgan.losses.tempered import lens_loss, lens_reconstruction_loss, lens_weight

K = 8
X = np.array([[0.5, -0.2], [0.1, 0.3], [-0.4, 0.6], [0.2, 0.2]], "float32")


def numpy_weight(t, steps):
    return 1.0 - np.sin(t * np.pi / (2 * steps)) if t <= steps else 0.0


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def dense(units, kernel, bias):
    layer = keras.layers.Dense(units)
    layer.build((None, np.shape(kernel)[0]))
    layer.set_weights([np.asarray(kernel, "float32"), np.asarray(bias, "float32")])
    return layer


def linear_gan(lens_kernel, lens_bias, d_kernel, d_bias, g_bias=(0.3, -0.1)):
    """A tempered NSGAN of linear networks: L(x) = xW + b, D(x) = x·w + c, G(z) = g."""
    generator = keras.Sequential([keras.Input((2,)), dense(2, np.zeros((2, 2)), g_bias)])
    discriminator = keras.Sequential([keras.Input((2,)), dense(1, d_kernel, d_bias)])
    lens = keras.Sequential([keras.Input((2,)), dense(2, lens_kernel, lens_bias)])
    return models.Tempered(
        models.NSGAN(generator, discriminator, latent_dim=2, d_steps=1),
        lens=lens, lens_steps=K, seed=1,
    )


def train_one_step(gan, d_learning_rate, lens_learning_rate):
    gan.compile(d_optimizer=keras.optimizers.SGD(d_learning_rate),
                g_optimizer=keras.optimizers.SGD(0.1),
                lens_optimizer=keras.optimizers.SGD(lens_learning_rate))
    gan.fit(tf.data.Dataset.from_tensors(X), epochs=1, verbose=0)


@pytest.mark.backends
def test_lens_weight_is_eq_5():
    assert float(lens_weight(0, K)) == 1.0
    assert float(lens_weight(K, K)) == pytest.approx(0.0, abs=1e-7)
    assert float(lens_weight(K + 1, K)) == float(lens_weight(10 * K, K)) == 0.0
    steps = np.arange(0, 2 * K)
    weights = np.array([float(lens_weight(t, K)) for t in steps])
    np.testing.assert_allclose(weights, [numpy_weight(t, K) for t in steps], atol=1e-6)
    assert np.all(np.diff(weights) <= 0)
    tensor_t = ops.convert_to_tensor(3, "int32")
    assert float(lens_weight(tensor_t, 4)) == pytest.approx(1 - math.sin(3 * math.pi / 8))


@pytest.mark.backends
def test_lens_losses_are_eq_3_and_4():
    lensed = X * 0.5 + 0.1
    expected = np.mean(np.sum((X - lensed) ** 2, axis=1))
    assert float(lens_reconstruction_loss(X, lensed)) == pytest.approx(expected, rel=1e-6)
    images = np.random.default_rng(0).uniform(-1, 1, (3, 4, 4, 2)).astype("float32")
    expected = np.mean(np.sum(images.reshape(3, -1) ** 2, axis=1))
    assert float(lens_reconstruction_loss(images, np.zeros_like(images))) == pytest.approx(
        expected, rel=1e-6
    )
    assert float(lens_loss(1.2, 0.3, 0.25)) == pytest.approx(-0.25 * 1.2 + 0.3)


@pytest.mark.backends
def test_the_discriminator_sees_the_real_samples_through_the_lens():
    constant = np.array([0.7, -0.4], "float32")  # the lens maps every sample here
    w, c, g = np.array([[0.5], [1.5]], "float32"), np.array([0.2], "float32"), np.array(
        [0.3, -0.1], "float32"
    )
    gan = linear_gan(np.zeros((2, 2)), constant, w, c, g_bias=g)
    train_one_step(gan, d_learning_rate=0.5, lens_learning_rate=0.0)

    real, fake = constant @ w[:, 0] + c[0], g @ w[:, 0] + c[0]
    # L_D = softplus(−D(L(x))) + softplus(D(G(z))) with every L(x) = constant.
    grad_w = -sigmoid(-real) * constant + sigmoid(fake) * g
    grad_c = -sigmoid(-real) + sigmoid(fake)
    kernel, bias = gan.discriminator.layers[0].get_weights()
    np.testing.assert_allclose(kernel[:, 0], w[:, 0] - 0.5 * grad_w, rtol=1e-5)
    np.testing.assert_allclose(bias, c - 0.5 * grad_c, rtol=1e-5)


@pytest.mark.backends
@pytest.mark.parametrize("t", [0, K // 2, K, K + 1])
def test_the_lens_update_descends_eq_4_with_the_weight_of_eq_5(t):
    W = np.array([[0.9, 0.2], [-0.1, 1.1]], "float32")
    b = np.array([0.05, -0.02], "float32")
    w, c = np.array([[2.0], [-1.0]], "float32"), np.array([0.1], "float32")
    gan = linear_gan(W, b, w, c)
    gan.generator_updates.assign(t)
    train_one_step(gan, d_learning_rate=0.0, lens_learning_rate=0.1)

    # ∂L_L/∂L(x_i) of λ·(−mean softplus(−D(L(x)))) + mean ‖x − L(x)‖²; the fake term of
    # L_D does not depend on the lens. λ = 0 from t = K on: reconstruction alone.
    lensed = X @ W + b
    real = lensed @ w[:, 0] + c[0]
    n = len(X)
    grad_lensed = (numpy_weight(t, K) / n) * sigmoid(-real)[:, None] * w[:, 0] + (
        2.0 / n) * (lensed - X)
    kernel, bias = gan.lens.layers[0].get_weights()
    np.testing.assert_allclose(kernel, W - 0.1 * X.T @ grad_lensed, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(bias, b - 0.1 * grad_lensed.sum(axis=0), rtol=1e-5, atol=1e-7)


def image_gan(lens_steps=K):
    keras.utils.set_random_seed(0)
    shape = (8, 8, 1)
    generator = keras.Sequential([
        keras.Input((4,)), keras.layers.Dense(64), keras.layers.Activation("tanh"),
        keras.layers.Reshape(shape),
    ])
    discriminator = keras.Sequential([
        keras.Input(shape), keras.layers.Conv2D(4, 3, strides=2, padding="same"),
        keras.layers.LeakyReLU(0.2), keras.layers.Flatten(), keras.layers.Dense(1),
    ])
    gan = models.Tempered(
        models.NSGAN(generator, discriminator, latent_dim=4, d_steps=2, seed=2),
        lens_steps=lens_steps, lens_width=4, seed=1,
    )
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2))
    return gan


def image_batches(gan, start, stop):
    size = 4 * gan.minibatches_per_step
    data = np.random.default_rng(0).uniform(-1, 1, (stop * size, 8, 8, 1)).astype("float32")
    return (tf.data.Dataset.from_tensor_slices(data).batch(size, drop_remainder=True)
            .skip(start).take(stop - start))


@pytest.mark.backends
def test_fit_trains_the_default_lens_and_logs_it():
    gan = image_gan(lens_steps=2)
    images = np.random.default_rng(1).uniform(-1, 1, (5, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(ops.convert_to_numpy(gan.apply_lens(images)), images, atol=1e-6)
    history = gan.fit(image_batches(gan, 0, 4), epochs=1, verbose=0).history

    assert {"lens_reconstruction", "lens_weight", "d_loss", "g_loss", "p_real"} <= set(history)
    # The mean of λ_0..λ_3 with K = 2: 1, 1 − sin(π/4), 0, 0.
    assert history["lens_weight"][-1] == pytest.approx((2 - math.sqrt(0.5)) / 4, rel=1e-5)
    assert history["lens_reconstruction"][-1] > 0
    assert int(gan.lens_optimizer.iterations) == int(gan.generator_updates) == 4
    lensed = ops.convert_to_numpy(gan.apply_lens(images))
    assert np.all(np.abs(lensed) <= 1.0) and not np.allclose(lensed, images)


@pytest.mark.backends
def test_resume_equals_training_straight_through(tmp_path):
    steps = 3
    straight = image_gan(lens_steps=4)
    straight.fit(image_batches(straight, 0, 2 * steps), epochs=1, verbose=0)

    first = image_gan(lens_steps=4)
    first.fit(image_batches(first, 0, steps), epochs=1, verbose=0,
              callbacks=[callbacks.Checkpoint(str(tmp_path))])
    resumed = image_gan(lens_steps=4)
    resumed.load_weights(os.path.join(tmp_path, "checkpoints", f"ckpt-{steps:07d}.weights.h5"))
    resumed.fit(image_batches(resumed, steps, 2 * steps), epochs=1, verbose=0)

    assert int(resumed.lens_optimizer.iterations) == 2 * steps
    for a, b in zip(straight.variables + straight.optimizer.variables,
                    resumed.variables + resumed.optimizer.variables):
        np.testing.assert_allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b),
                                   rtol=1e-5, atol=1e-6)


def test_the_registry_builds_a_tempered_gan_from_a_config():
    config = config_lib.load(None, {"model": "tempered_wgan_gp", "lens_steps": 50,
                                    "lens_width": 3, "latent_dim": 2, "d_steps": 1})
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    gan = models.registry.MODELS.build("tempered_wgan_gp", generator, discriminator, config)
    assert (type(gan), type(gan.gan), gan.lens_steps, gan.d_steps) == (
        models.Tempered, models.WGANGP, 50, 1
    )
    assert gan.lens.get_layer("dense0").units == 3
    # The wrapped objective's penalty still reaches D's loss.
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    history = gan.fit(tf.data.Dataset.from_tensors(X), epochs=1, verbose=0).history
    assert history["gp"][-1] > 0


def test_bad_arguments_say_what_to_do():
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(TypeError, match="wraps a keras_edgan.models.GAN"):
        models.Tempered(generator)
    with pytest.raises(ValueError, match="merged_update=False"):
        models.Tempered(models.NSGAN(generator, discriminator, latent_dim=2, merged_update=True))
    gan = models.NSGAN(generator, discriminator, latent_dim=2)
    with pytest.raises(ValueError, match="positive integer"):
        models.Tempered(gan, lens_steps=0)
    with pytest.raises(ValueError, match=r"same shape, \(2,\); it outputs \(3,\)\. Pass a lens"):
        models.Tempered(gan, lens=keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)]))
    with pytest.raises(ValueError, match="images .* or points"):
        models.residual_lens((4, 4))
