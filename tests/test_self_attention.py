"""SAGAN's self-attention block against a numpy transcription of Zhang et al. 2019,
eq. 1–3."""

import keras
import numpy as np
import pytest
from keras import ops

from keras_edgan.layers import SelfAttention, SpectralNorm

pytestmark = pytest.mark.backends


def to_numpy(x):
    return ops.convert_to_numpy(x)


def kernel(layer):
    inner = layer.layer if isinstance(layer, SpectralNorm) else layer
    return to_numpy(inner.kernel)[0, 0]  # 1×1 convolution: (in, out)


def test_matches_eq_1_to_3():
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 16)).astype("float32")
    layer = SelfAttention(reduction=4)
    layer(x)
    layer.gamma.assign(0.7)
    got = to_numpy(layer(x))

    convolutions = (layer.query, layer.key, layer.value, layer.projection)
    w_f, w_g, w_h, w_v = (kernel(c) for c in convolutions)
    expected = np.empty_like(x)
    for b in range(2):
        positions = x[b].reshape(12, 16)  # N = H·W positions x_i ∈ R^C
        f, g, h = positions @ w_f, positions @ w_g, positions @ w_h
        s = f @ g.T  # s_ij = f(x_i)ᵀ g(x_j)
        beta = np.exp(s - s.max(axis=0)) / np.exp(s - s.max(axis=0)).sum(axis=0)  # softmax over i
        o = (beta.T @ h) @ w_v  # o_j = v(Σ_i β_{j,i} h(x_i))
        expected[b] = (positions + 0.7 * o).reshape(3, 4, 16)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    assert w_f.shape == (16, 4) and w_v.shape == (4, 16)


def test_starts_as_the_identity():
    x = np.random.default_rng(1).normal(size=(2, 4, 4, 8)).astype("float32")
    np.testing.assert_array_equal(to_numpy(SelfAttention()(x)), x)


def test_spectral_norm_wraps_the_four_convolutions_and_round_trips(tmp_path):
    inputs = keras.Input((4, 4, 16))
    model = keras.Model(inputs, SelfAttention(spectral_norm=True, name="attention")(inputs))
    layer = model.get_layer("attention")
    layer.gamma.assign(0.5)
    x = np.random.default_rng(2).normal(size=(2, 4, 4, 16)).astype("float32")
    model(x, training=True)  # moves each power-iteration vector u
    for convolution in (layer.query, layer.key, layer.value, layer.projection):
        assert isinstance(convolution, SpectralNorm)
    path = tmp_path / "attention.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(to_numpy(loaded(x)), to_numpy(model(x)), rtol=1e-5, atol=1e-6)


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match="`reduction` must be a positive integer"):
        SelfAttention(reduction=0)
    with pytest.raises(ValueError, match="channels-last feature maps"):
        SelfAttention()(np.zeros((2, 8), "float32"))
