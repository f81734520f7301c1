"""Feature matching (Salimans et al. 2016, §3.1): ‖E f(x) − E f(G(z))‖²₂ as the
generator's loss, f an intermediate layer of the discriminator."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import backend, losses, models, techniques

W1 = np.array([[0.5, -1.0, 0.3], [0.2, 0.4, -0.7]], "float32")
B1 = np.array([0.1, 0.0, -0.2], "float32")
BIAS_G = np.array([0.3, -0.6], "float32")


def networks():
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([  # G(z) = BIAS_G for every z
        keras.Input((3,)),
        keras.layers.Dense(2, kernel_initializer="zeros",
                           bias_initializer=keras.initializers.Constant(BIAS_G)),
    ])
    discriminator = keras.Sequential([
        keras.Input((2,)),
        keras.layers.Dense(3, kernel_initializer=keras.initializers.Constant(W1),
                           bias_initializer=keras.initializers.Constant(B1), name="hidden"),
        keras.layers.ReLU(name="relu"),
        keras.layers.Dense(1, name="logit"),
    ])
    return generator, discriminator


def features(x):  # f = the input of D's last layer, in numpy
    return np.maximum(x @ W1 + B1, 0.0)


def test_loss_is_the_squared_distance_of_the_feature_means():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(16, 5)), rng.normal(size=(8, 5))
    expected = np.sum((real.mean(axis=0) - fake.mean(axis=0)) ** 2)
    np.testing.assert_allclose(
        float(losses.feature_matching_loss(real.astype("float32"), fake.astype("float32"))),
        expected, rtol=1e-5,
    )
    images = rng.normal(size=(4, 2, 2, 3)).astype("float32")  # features of any rank, flattened
    np.testing.assert_allclose(
        float(losses.feature_matching_loss(images, images[:2])),
        np.sum((images.reshape(4, -1).mean(0) - images[:2].reshape(2, -1).mean(0)) ** 2),
        rtol=1e-5,
    )


def test_extractor_takes_the_penultimate_features_or_a_named_layer():
    _, discriminator = networks()
    x = np.random.default_rng(1).normal(size=(5, 2)).astype("float32")
    np.testing.assert_allclose(
        ops.convert_to_numpy(techniques.feature_extractor(discriminator)(x)), features(x), rtol=1e-5
    )
    np.testing.assert_allclose(
        ops.convert_to_numpy(techniques.feature_extractor(discriminator, "hidden")(x)),
        x @ W1 + B1, rtol=1e-5,
    )
    with pytest.raises(ValueError, match="no layer 'nope'. Its layers: hidden, relu, logit"):
        techniques.feature_extractor(discriminator, "nope")


@pytest.mark.backends
def test_generator_loss_is_feature_matching_in_fit():
    real = np.random.default_rng(2).normal(size=(8, 2)).astype("float32")
    gan = models.NSGAN(*networks(), latent_dim=3, feature_matching=True)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0))
    history = gan.fit(tf.data.Dataset.from_tensors(real), epochs=1, verbose=0).history
    expected = np.sum((features(real).mean(axis=0) - features(BIAS_G[None])[0]) ** 2)
    np.testing.assert_allclose(history["g_loss"][0], expected, rtol=1e-5)


def test_edgan_keeps_its_penalty_under_feature_matching():
    real = np.random.default_rng(3).uniform(-1, 1, size=(8, 2)).astype("float32")
    gan = models.EDGAN(*networks(), latent_dim=3, d_steps=1, penalty_weight=2.0,
                       feature_matching="hidden")
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0))
    history = gan.fit(tf.data.Dataset.from_tensors(real), epochs=1, verbose=0).history
    fake = np.broadcast_to(BIAS_G, (8, 2)).astype("float32")
    ced = float(losses.conditional_entropy_distance(real, fake))
    matching = np.sum(((real @ W1 + B1).mean(axis=0) - (BIAS_G @ W1 + B1)) ** 2)
    np.testing.assert_allclose(history["ced"][0], ced, rtol=1e-4)
    np.testing.assert_allclose(history["g_loss"][0], matching + 2.0 * ced, rtol=1e-4)


def test_merged_update_gives_the_generator_the_feature_matching_gradient():
    real = ops.convert_to_tensor(np.random.default_rng(4).normal(size=(8, 2)).astype("float32"))
    gan = models.NSGAN(*networks(), latent_dim=3, feature_matching=True, merged_update=True)
    z = ops.convert_to_tensor(np.random.default_rng(5).normal(size=(8, 3)).astype("float32"))
    extractor = techniques.feature_extractor(gan.discriminator)

    def g_loss_fn():
        fake = gan.generator(z, training=True)
        return losses.feature_matching_loss(extractor(real), extractor(fake)), None

    _, _, expected = backend.value_and_grad(g_loss_fn, gan.generator.trainable_variables)

    gan.sample_noise = lambda n: z
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(1.0))
    before = [ops.convert_to_numpy(v).copy() for v in gan.generator.trainable_variables]
    gan.fit(tf.data.Dataset.from_tensors(ops.convert_to_numpy(real)), epochs=1, verbose=0)
    after = [ops.convert_to_numpy(v) for v in gan.generator.trainable_variables]
    for b, a, g in zip(before, after, expected):
        np.testing.assert_allclose(b - a, ops.convert_to_numpy(g), rtol=1e-4, atol=1e-7)
