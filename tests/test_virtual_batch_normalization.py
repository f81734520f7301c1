"""VirtualBatchNormalization and ReferenceBatch against Salimans et al. 2016, §3.4."""

import copy

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_edgan import backend, models
from keras_edgan.layers import (
    MinibatchDiscrimination,
    ReferenceBatch,
    VirtualBatchNormalization,
)

pytestmark = pytest.mark.backends

EPSILON = 1e-5


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


def virtual_batch_norm(x, n_ref, gamma, beta, axis=-1, epsilon=EPSILON):
    """§3.4 written out, with the weights of the paper's code: the first n_ref rows
    are the reference batch, normalized with its own mean and mean of squares per
    feature; each other row x with 1/(n_ref+1) of its own statistics and
    n_ref/(n_ref+1) of the reference's."""
    x = np.moveaxis(x.astype("float64"), axis, -1)
    batch_and_spatial = tuple(range(x.ndim - 1))
    reference = x[:n_ref]
    mean_ref = reference.mean(axis=batch_and_spatial)
    mean_sq_ref = (reference**2).mean(axis=batch_and_spatial)
    out = np.empty_like(x)
    for r in range(n_ref):
        out[r] = (x[r] - mean_ref) / np.sqrt(mean_sq_ref - mean_ref**2 + epsilon)
    w = 1.0 / (n_ref + 1.0)
    for i in range(n_ref, len(x)):
        spatial = tuple(range(x[i].ndim - 1))
        mean = w * x[i].mean(axis=spatial) + (1 - w) * mean_ref
        mean_sq = w * (x[i] ** 2).mean(axis=spatial) + (1 - w) * mean_sq_ref
        out[i] = (x[i] - mean) / np.sqrt(mean_sq - mean**2 + epsilon)
    return np.moveaxis(out * gamma + beta, -1, axis)


def make_layer(shape, n_ref, axis=-1, seed=0):
    """A built VBN with random γ, β and a batch of n_ref + 4 rows (offset data, so
    the means matter)."""
    layer = VirtualBatchNormalization(n_ref, axis=axis)
    layer.build((None, *shape))
    rng = np.random.default_rng(seed)
    layer.gamma.assign(rng.uniform(0.5, 2.0, size=layer.gamma.shape).astype("float32"))
    layer.beta.assign(rng.normal(size=layer.beta.shape).astype("float32"))
    x = (3.0 + 2.0 * rng.normal(size=(n_ref + 4, *shape))).astype("float32")
    return layer, x


def numpy_reference(layer, x):
    return virtual_batch_norm(
        x, layer.reference_size, to_numpy(layer.gamma), to_numpy(layer.beta), layer.axis
    )


SHAPES = {"dense": ((5,), -1), "conv": ((3, 3, 4), -1), "channels_first": ((4, 3, 3), 1)}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_matches_section_3_4(name):
    shape, axis = SHAPES[name]
    layer, x = make_layer(shape, n_ref=6, axis=axis)
    y = to_numpy(layer(x))
    np.testing.assert_allclose(y, numpy_reference(layer, x), rtol=1e-4, atol=1e-5)


def test_example_output_independent_of_other_examples_unlike_batch_norm():
    layer, x = make_layer((3, 3, 4), n_ref=6, seed=1)
    y = to_numpy(layer(x))
    # The examples permuted.
    permutation = [0, 1, 2, 3, 4, 5, 9, 7, 6, 8]
    np.testing.assert_allclose(
        to_numpy(layer(x[permutation])), y[permutation], rtol=1e-5, atol=1e-6
    )
    # All examples but the one at row 6 replaced.
    other = x.copy()
    other[7:] = normal(*other[7:].shape, seed=1)
    np.testing.assert_allclose(to_numpy(layer(other))[6], y[6], rtol=1e-5, atol=1e-6)
    # The reference rows followed by that example alone.
    np.testing.assert_allclose(to_numpy(layer(x[:7]))[6], y[6], rtol=1e-5, atol=1e-6)
    batch_norm = keras.layers.BatchNormalization()
    batch_norm.build(x.shape)
    changed = np.abs(
        to_numpy(batch_norm(other, training=True))[6]
        - to_numpy(batch_norm(x, training=True))[6]
    )
    assert changed.max() > 0.1


def test_reference_rows_use_reference_statistics_only():
    layer, x = make_layer((3, 3, 4), n_ref=6, seed=2)
    reference = x[:6].astype("float64")
    standardized = (reference - reference.mean(axis=(0, 1, 2))) / np.sqrt(
        reference.var(axis=(0, 1, 2)) + EPSILON
    )
    expected = standardized * to_numpy(layer.gamma) + to_numpy(layer.beta)
    other = x.copy()
    other[6:] = 10.0 * np.random.default_rng(2).normal(size=other[6:].shape)
    for batch in (x, other, x[:6]):
        np.testing.assert_allclose(
            to_numpy(layer(batch))[:6], expected, rtol=1e-4, atol=1e-5
        )


def test_gradients_to_gamma_beta_and_inputs():
    layer, x = make_layer((2, 2, 2), n_ref=3, seed=3)
    x = x[:5]  # 3 reference rows, 2 examples
    weights = normal(*x.shape, seed=3)
    gamma, beta = to_numpy(layer.gamma), to_numpy(layer.beta)

    def weighted_outputs(inputs):
        return keras.ops.convert_to_tensor(weights) * layer(inputs)

    _, _, (grad_gamma, grad_beta) = backend.value_and_grad(
        lambda: (keras.ops.sum(weighted_outputs(x)), None), [layer.gamma, layer.beta]
    )
    normalized = virtual_batch_norm(x, 3, 1.0, 0.0)
    np.testing.assert_allclose(
        to_numpy(grad_gamma), np.sum(weights * normalized, axis=(0, 1, 2)), rtol=1e-4
    )
    np.testing.assert_allclose(
        to_numpy(grad_beta), np.sum(weights, axis=(0, 1, 2)), rtol=1e-5
    )

    # Through the reference statistics too: central differences of the numpy form.
    grad_x = backend.input_gradient(
        weighted_outputs, keras.ops.convert_to_tensor(x), layer.variables
    )
    expected = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        step = np.zeros(x.shape)
        step[index] = 1e-6
        plus = virtual_batch_norm(x + step, 3, gamma, beta)
        minus = virtual_batch_norm(x - step, 3, gamma, beta)
        expected[index] = np.sum(weights * (plus - minus)) / 2e-6
    np.testing.assert_allclose(to_numpy(grad_x), expected, rtol=1e-3, atol=1e-4)


def test_save_load_round_trip(tmp_path):
    keras.utils.set_random_seed(4)
    inputs = keras.Input((4, 4, 2))
    h = keras.layers.Conv2D(3, 3, padding="same")(inputs)
    h = VirtualBatchNormalization(5, gamma_initializer="random_normal", name="vbn")(h)
    model = keras.Model(inputs, h)
    x = np.random.default_rng(4).normal(size=(8, 4, 4, 2)).astype("float32")
    path = tmp_path / "vbn.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.get_layer("vbn").reference_size == 5
    np.testing.assert_array_equal(to_numpy(loaded(x)), to_numpy(model(x)))


def test_get_config_round_trip():
    layer = VirtualBatchNormalization(
        64, axis=1, epsilon=1e-3, center=False, gamma_regularizer="l2", name="vbn"
    )
    config = layer.get_config()
    assert config["reference_size"] == 64 and config["axis"] == 1
    restored = VirtualBatchNormalization.from_config(copy.deepcopy(config))
    assert restored.get_config() == config


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"reference_size": 0}, "reference_size"),
        ({"reference_size": 2.0}, "reference_size"),
        ({"reference_size": 4, "axis": (1, 2)}, "axis"),
        ({"reference_size": 4, "epsilon": 0.0}, "epsilon"),
    ],
)
def test_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        VirtualBatchNormalization(**kwargs)


def test_rejects_batch_axis_and_short_batches():
    with pytest.raises(ValueError, match="not a feature axis"):
        VirtualBatchNormalization(4, axis=0).build((None, 3))
    with pytest.raises(ValueError, match="fewer rows than reference_size"):
        VirtualBatchNormalization(4)(np.zeros((3, 2), "float32"))


# ReferenceBatch


def vbn_network(n_ref=4, latent_dim=3, labels=0, name="network"):
    """Dense → VBN → ReLU → Dense → VBN → tanh; with `labels`, inputs [z, y]."""
    z = keras.Input((latent_dim,))
    inputs = [z, keras.Input((labels,))] if labels else z
    h = keras.layers.Concatenate()(inputs) if labels else z
    h = keras.layers.Dense(6)(h)
    h = keras.layers.ReLU()(VirtualBatchNormalization(n_ref)(h))
    h = VirtualBatchNormalization(n_ref)(keras.layers.Dense(2)(h))
    return keras.Model(inputs, keras.layers.Activation("tanh")(h), name=name)


def normal(*shape, seed):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def test_reference_batch_prepends_reference_and_strips_its_rows():
    network = vbn_network()
    z_ref, z = normal(4, 3, seed=5), normal(6, 3, seed=6)
    generator = ReferenceBatch(network, reference=z_ref)
    assert generator.inputs[0].shape == (None, 3)
    assert [v.trainable for v in generator.reference] == [False]
    assert len(generator.trainable_weights) == len(network.trainable_weights)
    y = to_numpy(generator(z))
    expected = to_numpy(network(np.concatenate([z_ref, z])))[4:]
    np.testing.assert_allclose(y, expected, rtol=1e-6)
    # Each example's output depends on itself and the reference only.
    alone = np.concatenate([to_numpy(generator(z[k : k + 1])) for k in range(6)])
    np.testing.assert_allclose(alone, y, rtol=1e-5, atol=1e-6)


def test_reference_is_read_under_jit_and_replaceable():
    network = vbn_network()
    z = normal(6, 3, seed=7)
    generator = ReferenceBatch(network, reference=normal(4, 3, seed=8))
    before = generator.predict(z, batch_size=3, verbose=0)
    new_reference = normal(4, 3, seed=9)
    generator.set_reference(new_reference)
    after = generator.predict(z, batch_size=3, verbose=0)
    expected = to_numpy(network(np.concatenate([new_reference, z])))[4:]
    np.testing.assert_allclose(after, expected, rtol=1e-5, atol=1e-6)
    assert np.abs(after - before).max() > 1e-3


def test_label_aware_reference_takes_current_labels_cyclically():
    network = vbn_network(labels=3)
    z_ref = normal(4, 3, seed=10)
    generator = ReferenceBatch(network, reference=z_ref, label_aware=True)
    assert len(generator.reference) == 1
    for n in (3, 6):  # fewer and more examples than reference rows
        z = normal(n, 3, seed=n)
        y = np.eye(3, dtype="float32")[np.arange(n) % 3][::-1]
        y_ref = y[np.arange(4) % n]
        expected = to_numpy(
            network([np.concatenate([z_ref, z]), np.concatenate([y_ref, y])])
        )[4:]
        np.testing.assert_allclose(
            to_numpy(generator([z, y])), expected, rtol=1e-5, atol=1e-6
        )


def test_multi_input_reference_stores_every_input():
    network = vbn_network(labels=2)
    z_ref, y_ref = normal(4, 3, seed=11), normal(4, 2, seed=12)
    model = ReferenceBatch(network, reference=[z_ref, y_ref])
    z, y = normal(5, 3, seed=13), normal(5, 2, seed=14)
    expected = to_numpy(network([np.concatenate([z_ref, z]), np.concatenate([y_ref, y])]))
    np.testing.assert_allclose(
        to_numpy(model([z, y])), expected[4:], rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("label_aware", [False, True])
def test_reference_batch_save_load_round_trip(tmp_path, label_aware):
    keras.utils.set_random_seed(15)
    network = vbn_network(labels=2 if label_aware else 0)
    z_ref = normal(4, 3, seed=15)
    model = ReferenceBatch(network, reference=z_ref, label_aware=label_aware)
    z = normal(5, 3, seed=16)
    inputs = [z, normal(5, 2, seed=17)] if label_aware else z
    path = tmp_path / "reference_batch.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, ReferenceBatch) and loaded.label_aware == label_aware
    np.testing.assert_array_equal(to_numpy(loaded.reference[0]), z_ref)
    np.testing.assert_array_equal(to_numpy(loaded(inputs)), to_numpy(model(inputs)))


def test_reference_batch_rejects_bad_networks_and_references():
    network = vbn_network()
    with pytest.raises(ValueError, match=r"array of shape \(4, 3\)"):
        ReferenceBatch(network, reference=np.zeros((5, 3)))
    with pytest.raises(ValueError, match="1 array"):
        ReferenceBatch(network, reference=[np.zeros((4, 3))] * 2)
    with pytest.raises(ValueError, match="label_aware=True"):
        ReferenceBatch(network, label_aware=True)
    plain = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="no such layer"):
        ReferenceBatch(plain)
    mixed = keras.Sequential(
        [keras.Input((3,)), VirtualBatchNormalization(4), VirtualBatchNormalization(5)]
    )
    with pytest.raises(ValueError, match=r"\[4, 5\]"):
        ReferenceBatch(mixed)


def test_nsgan_trains_with_reference_batch_generator_and_minibatch_discriminator():
    keras.utils.set_random_seed(18)
    latent_dim, m = 3, 8
    generator = ReferenceBatch(
        vbn_network(n_ref=m, latent_dim=latent_dim, name="generator_network"),
        reference=normal(m, latent_dim, seed=18),
    )
    inputs = keras.Input((2,))
    h = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(8)(inputs))
    h = MinibatchDiscrimination(4, 3)(h)
    discriminator = keras.Model(inputs, keras.layers.Dense(1)(h))
    gan = models.NSGAN(generator, discriminator, latent_dim=latent_dim, d_steps=1)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-4), g_optimizer=keras.optimizers.Adam(1e-4)
    )
    reference = to_numpy(generator.reference[0])
    weights = [to_numpy(v) for v in generator.trainable_weights]
    real = tf.data.Dataset.from_tensor_slices(normal(2 * m, 2, seed=19)).batch(m)

    history = gan.fit(real, epochs=1, verbose=0)

    assert all(np.isfinite(history.history[k][-1]) for k in ("d_loss", "g_loss"))
    assert int(gan.g_optimizer.iterations) == 2
    # The Dense biases are left out: a normalization right after them cancels
    # them, so their gradient is zero.
    changed = {
        v.path: not np.allclose(to_numpy(v), w)
        for v, w in zip(generator.trainable_weights, weights)
        if not v.path.endswith("bias")
    }
    assert len(changed) == 6 and all(changed.values()), changed
    np.testing.assert_array_equal(to_numpy(generator.reference[0]), reference)
    assert gan.generate(5, seed=0).shape == (5, 2)
