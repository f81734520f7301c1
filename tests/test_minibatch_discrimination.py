"""MinibatchDiscrimination against a numpy transcription of Salimans et al. §3.2."""

import copy

import keras
import numpy as np
import pytest

from keras_edgan import backend
from keras_edgan.layers import MinibatchDiscrimination

pytestmark = pytest.mark.backends


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


def minibatch_features(f, t):
    """§3.2 written out: M_i = f(x_i)·T, c_b = exp(−‖M_i,b − M_j,b‖_1),
    o(x_i)_b = Σ_j c_b(x_i, x_j) over the whole minibatch; returns [f, o]."""
    n, (_, num_kernels, _) = len(f), t.shape
    m = np.einsum("ia,abc->ibc", f, t)
    o = np.zeros((n, num_kernels))
    for i in range(n):
        for j in range(n):
            for b in range(num_kernels):
                o[i, b] += np.exp(-np.sum(np.abs(m[i, b] - m[j, b])))
    return np.concatenate([f, o], axis=1)


def make_layer(feature_shape, num_kernels=4, kernel_dim=3, seed=0):
    layer = MinibatchDiscrimination(num_kernels, kernel_dim)
    layer.build((None, *feature_shape))
    rng = np.random.default_rng(seed)
    # Large enough that distances are O(1): no c_b is ~0 or ~1 by accident.
    layer.kernel.assign(rng.normal(scale=0.3, size=layer.kernel.shape).astype("float32"))
    return layer


@pytest.mark.parametrize("feature_shape", [(7,), (2, 2, 3)])
def test_matches_section_3_2(feature_shape):
    layer = make_layer(feature_shape)
    x = np.random.default_rng(1).normal(size=(5, *feature_shape)).astype("float32")
    flat = x.reshape(5, -1).astype("float64")  # rank > 2: flattened to f(x_i) ∈ R^A
    expected = minibatch_features(flat, to_numpy(layer.kernel).astype("float64"))
    y = to_numpy(layer(x))
    assert y.shape == (5, flat.shape[1] + 4)
    assert tuple(layer.compute_output_shape((None, *feature_shape))) == (None, y.shape[1])
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


def test_collapsed_batch_scores_n_and_spread_batch_scores_one():
    layer = make_layer((6,))
    rng = np.random.default_rng(2)
    collapsed = np.repeat(rng.normal(size=(1, 6)), 8, axis=0).astype("float32")
    np.testing.assert_allclose(to_numpy(layer(collapsed))[:, 6:], 8.0, rtol=1e-6)
    # Far-apart examples: only the j = i term of the paper's sum is left.
    spread = (100.0 * rng.normal(size=(8, 6))).astype("float32")
    np.testing.assert_allclose(to_numpy(layer(spread))[:, 6:], 1.0, atol=1e-6)


def test_gradient_matches_finite_differences():
    layer = make_layer((3,), num_kernels=2, kernel_dim=2, seed=3)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 3)).astype("float32")
    weights = rng.normal(size=(4, 3 + 2)).astype("float32")

    def loss(t):
        return np.sum(weights * minibatch_features(x.astype("float64"), t))

    def loss_fn():
        return keras.ops.sum(keras.ops.convert_to_tensor(weights) * layer(x)), None

    _, _, (grad,) = backend.value_and_grad(loss_fn, [layer.kernel])
    t = to_numpy(layer.kernel).astype("float64")
    expected = np.zeros_like(t)
    for index in np.ndindex(t.shape):
        step = np.zeros_like(t)
        step[index] = 1e-6
        expected[index] = (loss(t + step) - loss(t - step)) / 2e-6
    assert np.abs(expected).min() > 1e-4  # every entry of T matters
    np.testing.assert_allclose(to_numpy(grad), expected, rtol=1e-3, atol=1e-5)


def test_save_load_round_trip(tmp_path):
    keras.utils.set_random_seed(4)
    inputs = keras.Input((4, 4, 2))
    h = keras.layers.Dense(5)(keras.layers.Flatten()(inputs))
    h = MinibatchDiscrimination(6, 3, name="minibatch")(h)
    model = keras.Model(inputs, keras.layers.Dense(1)(h))
    x = np.random.default_rng(4).normal(size=(6, 4, 4, 2)).astype("float32")
    path = tmp_path / "minibatch.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.get_layer("minibatch"), MinibatchDiscrimination)
    np.testing.assert_array_equal(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0)
    )


def test_get_config_round_trip():
    layer = MinibatchDiscrimination(
        128, 5, kernel_regularizer="l2", kernel_constraint="non_neg", name="mbd"
    )
    config = layer.get_config()
    assert config["num_kernels"] == 128 and config["kernel_dim"] == 5
    restored = MinibatchDiscrimination.from_config(copy.deepcopy(config))
    assert restored.get_config() == config


@pytest.mark.parametrize(
    "args", [(0, 5), (128, 0), (128.0, 5), (True, 5)], ids=str
)
def test_rejects_bad_arguments(args):
    with pytest.raises(ValueError, match="positive integer"):
        MinibatchDiscrimination(*args)


def test_rejects_unknown_feature_shape():
    with pytest.raises(ValueError, match="known feature dimensions"):
        MinibatchDiscrimination(4, 2)(keras.Input((None, 3)))
