"""Conditional batch normalization (de Vries et al. 2017; Miyato and Koyama 2018's
generator) against numpy: BN(x)·γ[y] + β[y], with the statistics of the minibatch in
training (and the moving averages they update) and the moving averages in inference."""

import keras
import numpy as np
import pytest
from keras import ops

from keras_edgan.layers import ConditionalBatchNormalization

pytestmark = pytest.mark.backends

CLASSES, CHANNELS = 3, 4


def to_numpy(x):
    return ops.convert_to_numpy(x)


def built_layer(x_shape, axis=-1, momentum=0.9, epsilon=1e-5, seed=0):
    """A CBN layer with random γ and β tables (they start at 1 and 0)."""
    layer = ConditionalBatchNormalization(CLASSES, axis=axis, momentum=momentum, epsilon=epsilon)
    layer.build([x_shape, (x_shape[0],)])
    rng = np.random.default_rng(seed)
    layer.gamma.assign(rng.uniform(0.5, 2.0, (CLASSES, CHANNELS)).astype("float32"))
    layer.beta.assign(rng.normal(size=(CLASSES, CHANNELS)).astype("float32"))
    return layer


def per_class(table, labels, rank, axis):
    """The rows `table[labels]`, shaped to broadcast over x of `rank` along `axis`."""
    shape = [len(labels)] + [1] * (rank - 1)
    shape[axis % rank] = table.shape[1]
    return table[labels].reshape(shape)


@pytest.mark.parametrize("shape, axis", [((6, 5, 5, CHANNELS), -1), ((6, CHANNELS), -1),
                                         ((6, CHANNELS, 5, 5), 1)])
def test_training_uses_the_minibatch_statistics_and_updates_the_moving_ones(shape, axis):
    rng = np.random.default_rng(1)
    x = rng.normal(2.0, 3.0, size=shape).astype("float32")
    labels = np.array([0, 2, 1, 2, 2, 0], "int32")
    momentum, epsilon = 0.9, 1e-5
    layer = built_layer(shape, axis=axis, momentum=momentum, epsilon=epsilon)
    gamma, beta = to_numpy(layer.gamma), to_numpy(layer.beta)

    got = to_numpy(layer([x, labels], training=True))

    rank = len(shape)
    reduce = tuple(a for a in range(rank) if a != axis % rank)
    mean = x.mean(axis=reduce, keepdims=True)
    variance = x.var(axis=reduce, keepdims=True)  # biased, as batch normalization
    expected = ((x - mean) / np.sqrt(variance + epsilon) * per_class(gamma, labels, rank, axis)
                + per_class(beta, labels, rank, axis))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    normalization = layer.normalization
    np.testing.assert_allclose(to_numpy(normalization.moving_mean),
                               (1 - momentum) * mean.reshape(-1), rtol=1e-5)
    np.testing.assert_allclose(to_numpy(normalization.moving_variance),
                               momentum + (1 - momentum) * variance.reshape(-1), rtol=1e-5)


def test_inference_uses_the_moving_statistics():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 3, 3, CHANNELS)).astype("float32")
    labels = np.array([1, 1, 0, 2, 0], "int32")
    layer = built_layer(x.shape, epsilon=1e-3)
    moving_mean = rng.normal(size=CHANNELS).astype("float32")
    moving_variance = rng.uniform(0.5, 3.0, CHANNELS).astype("float32")
    layer.normalization.moving_mean.assign(moving_mean)
    layer.normalization.moving_variance.assign(moving_variance)
    gamma, beta = to_numpy(layer.gamma), to_numpy(layer.beta)

    got = to_numpy(layer([x, labels], training=False))

    expected = ((x - moving_mean) / np.sqrt(moving_variance + 1e-3) * gamma[labels][:, None, None]
                + beta[labels][:, None, None])
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    # Inference leaves the statistics alone.
    np.testing.assert_array_equal(to_numpy(layer.normalization.moving_mean), moving_mean)


def test_starts_as_batch_normalization_without_affine():
    x = np.random.default_rng(3).normal(size=(4, 2, 2, CHANNELS)).astype("float32")
    labels = np.array([0, 1, 2, 1], "int32")
    layer = ConditionalBatchNormalization(CLASSES)
    got = to_numpy(layer([x, labels], training=True))
    np.testing.assert_array_equal(to_numpy(layer.gamma), np.ones((CLASSES, CHANNELS)))
    np.testing.assert_array_equal(to_numpy(layer.beta), np.zeros((CLASSES, CHANNELS)))
    plain = keras.layers.BatchNormalization(center=False, scale=False)
    np.testing.assert_allclose(got, to_numpy(plain(x, training=True)), rtol=1e-5, atol=1e-6)


def test_gradients_reach_only_the_rows_of_the_minibatch_classes():
    x = np.random.default_rng(4).normal(size=(4, CHANNELS)).astype("float32")
    labels = np.array([0, 2, 0, 2], "int32")
    inputs, y = keras.Input((CHANNELS,)), keras.Input((), dtype="int32")
    model = keras.Model([inputs, y], ConditionalBatchNormalization(CLASSES, name="cbn")([inputs, y]))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = [to_numpy(w) for w in (model.get_layer("cbn").gamma, model.get_layer("cbn").beta)]
    model.fit([x, labels], np.ones_like(x), batch_size=4, epochs=1, verbose=0)
    after = [to_numpy(w) for w in (model.get_layer("cbn").gamma, model.get_layer("cbn").beta)]
    for old, new in zip(before, after):
        np.testing.assert_array_equal(old[1], new[1])  # class 1 is not in the minibatch
        assert not np.allclose(old[[0, 2]], new[[0, 2]])


def test_saves_and_loads_with_its_tables_and_statistics(tmp_path):
    x = np.random.default_rng(5).normal(size=(6, 3, 3, CHANNELS)).astype("float32")
    labels = np.array([0, 1, 2, 0, 1, 2], "int32")
    inputs, y = keras.Input((3, 3, CHANNELS)), keras.Input((), dtype="int32")
    layer = ConditionalBatchNormalization(CLASSES, momentum=0.8, epsilon=1e-4,
                                          gamma_initializer="random_uniform", name="cbn")
    model = keras.Model([inputs, y], layer([inputs, y]))
    layer.beta.assign(np.random.default_rng(6).normal(size=(CLASSES, CHANNELS)))
    model([x, labels], training=True)  # moves the moving statistics
    path = tmp_path / "cbn.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    twin = loaded.get_layer("cbn")
    assert isinstance(twin, ConditionalBatchNormalization)
    assert twin.get_config() == layer.get_config()
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
    np.testing.assert_allclose(to_numpy(loaded([x, labels])), to_numpy(model([x, labels])),
                               rtol=1e-6, atol=1e-6)
    assert len(model.weights) == 4  # γ, β, moving mean and variance


@pytest.mark.parametrize("labels, message", [
    (keras.Input((), dtype="float32"), "labels have dtype float32; expected integer"),
    (keras.Input((3,), dtype="int32"), r"one class index per example, shape \(n,\).*\(None, 3\)"),
])
def test_refuses_labels_that_are_not_class_indices(labels, message):
    with pytest.raises(ValueError, match=message):
        ConditionalBatchNormalization(CLASSES)([keras.Input((4, 4, CHANNELS)), labels])


@pytest.mark.parametrize("num_classes", [1, 2.0, True, None])
def test_refuses_a_bad_number_of_classes(num_classes):
    with pytest.raises(ValueError, match="num_classes` must be an integer ≥ 2"):
        ConditionalBatchNormalization(num_classes)


def test_refuses_one_input():
    with pytest.raises(ValueError, match=r"takes two inputs \[x, labels\]"):
        ConditionalBatchNormalization(CLASSES)(keras.Input((4, 4, CHANNELS)))
