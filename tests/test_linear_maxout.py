"""LinearMaxout against a numpy maxout, its shapes, serialization and errors."""

import keras
import numpy as np
import pytest
from keras import ops

from keras_edgan.layers import LinearMaxout

pytestmark = pytest.mark.backends


def test_matches_numpy_maxout_of_affine_pieces():
    layer = LinearMaxout(3, pieces=4, bias_initializer="random_normal")
    x = np.random.default_rng(0).normal(size=(5, 2)).astype("float32")
    y = ops.convert_to_numpy(layer(x))
    kernel = ops.convert_to_numpy(layer.kernel).reshape(2, 3, 4)
    bias = ops.convert_to_numpy(layer.bias).reshape(3, 4)
    # Goodfellow et al. eq. 1: h_i = max_j (x · W[:, i, j] + b[i, j]).
    expected = np.max(np.einsum("nd,dij->nij", x, kernel) + bias, axis=-1)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)
    assert y.shape == (5, 3)


def test_without_bias_and_on_higher_rank_inputs():
    layer = LinearMaxout(2, pieces=3, use_bias=False)
    x = np.random.default_rng(1).normal(size=(4, 6, 5)).astype("float32")
    y = ops.convert_to_numpy(layer(x))
    kernel = ops.convert_to_numpy(layer.kernel).reshape(5, 2, 3)
    np.testing.assert_allclose(y, np.max(np.einsum("abd,dij->abij", x, kernel), -1), rtol=1e-5, atol=1e-6)
    assert layer.bias is None and layer.compute_output_shape((4, 6, 5)) == (4, 6, 2)


def test_saved_model_reloads_with_the_same_outputs(tmp_path):
    inputs = keras.Input((2,))
    model = keras.Model(inputs, LinearMaxout(4, pieces=5, kernel_initializer="he_normal")(inputs))
    path = str(tmp_path / "maxout.keras")
    model.save(path)
    reloaded = keras.saving.load_model(path)
    x = np.random.default_rng(2).normal(size=(3, 2)).astype("float32")
    np.testing.assert_allclose(ops.convert_to_numpy(reloaded(x)), ops.convert_to_numpy(model(x)))
    config = reloaded.layers[-1].get_config()
    assert (config["units"], config["pieces"], config["use_bias"]) == (4, 5, True)


@pytest.mark.parametrize("units, pieces", [(0, 5), (3, 0), (2.5, 2), (True, 2)])
def test_bad_sizes_are_clear_errors(units, pieces):
    with pytest.raises(ValueError, match="must be a positive integer"):
        LinearMaxout(units, pieces)
