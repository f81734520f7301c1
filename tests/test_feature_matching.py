"""Feature matching (Salimans et al. 2016, §3.1): ‖E f(x) − E f(G(z))‖²₂ as the
generator's loss, f an intermediate layer of the discriminator."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import pipelines
from keras_edgan import backend, losses, models, techniques
from keras_edgan.architectures import registry
from keras_edgan.cli import config as config_lib

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


def features(x):  # f = D's last multi-valued features, in numpy
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


# The datasets of the architectures that do not build CIFAR-10 networks.
DATASETS = {"pacgan_mlp": "ring", "pacgan_mnist": "mnist"}
ARCHITECTURES = [(name, None) for name in registry.ARCHITECTURES.names()] + [
    (name, 10) for name in sorted(registry.CONDITIONAL)
]


def values_per_example(tensor):
    return int(np.prod(tensor.shape[1:]))


@pytest.mark.parametrize(
    "name, num_classes", ARCHITECTURES, ids=[f"{n}-{c or 'plain'}" for n, c in ARCHITECTURES]
)
def test_default_features_are_the_input_of_the_compression_layer(name, num_classes):
    config = dict(config_lib.DEFAULTS, latent_dim=8, width=4, batch_size=4, num_classes=num_classes)
    _, discriminator = registry.ARCHITECTURES.build(
        name, config, pipelines.info(DATASETS.get(name, "cifar10"))
    )
    extractor = techniques.feature_extractor(discriminator)
    # The compression layer is the last with weights; its output is one value per
    # example, from which only reshapes lead to the logit (DCGAN's Flatten).
    compression = [layer for layer in discriminator.layers if layer.weights][-1]
    assert values_per_example(compression.output) == 1
    assert extractor.output is compression.input
    assert values_per_example(extractor.output) > 1

    rng = np.random.default_rng(6)
    inputs = [
        np.arange(4, dtype="int32") % num_classes if "int" in x.dtype
        else rng.uniform(-1, 1, (4, *x.shape[1:])).astype("float32")
        for x in discriminator.inputs
    ]
    f = ops.convert_to_numpy(extractor(inputs[0] if len(inputs) == 1 else inputs))
    assert f.shape == (4, *extractor.output.shape[1:])


def test_default_features_need_one_multi_valued_tensor_before_the_output():
    x, y = keras.Input((3,), name="x"), keras.Input((4,), name="y")
    two = keras.Model(
        [x, y],
        keras.layers.Add()([keras.layers.Dense(1, name="a")(x), keras.layers.Dense(1)(y)]),
        name="two",
    )
    with pytest.raises(ValueError, match="come from 'x', 'y'; one was expected"):
        techniques.feature_extractor(two)
    assert techniques.feature_extractor(two, "a").output_shape == (None, 1)
    linear = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)], name="linear")
    with pytest.raises(ValueError, match="'linear' has no layer between its inputs"):
        techniques.feature_extractor(linear)


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
