"""SpectralNorm against numpy transcriptions of Miyato et al.'s Algorithm 1."""

import copy

import keras
import numpy as np
import pytest

from keras_edgan.layers import SpectralNorm

pytestmark = pytest.mark.backends

# (factory of the wrapped layer, input shape without the batch axis)
LAYERS = {
    "dense": (lambda: keras.layers.Dense(5, activation="tanh"), (7,)),
    "conv2d": (
        lambda: keras.layers.Conv2D(4, 3, strides=2, padding="same"),
        (6, 6, 3),
    ),
    "conv2d_transpose": (
        lambda: keras.layers.Conv2DTranspose(
            3, 4, strides=2, padding="same", activation="relu"
        ),
        (4, 4, 2),
    ),
}


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


def normalize(x):
    return x / max(np.linalg.norm(x), 1e-12)


def kernel_matrix(layer, kernel):
    """The kernel as a matrix whose columns are the output channels."""
    if isinstance(layer, keras.layers.Conv2DTranspose):
        kernel = np.moveaxis(kernel, 2, -1)  # (kh, kw, out, in) -> ..., out
    return kernel.reshape(-1, kernel.shape[-1])


def make_wrapped(name, seed=0, power_iterations=1):
    """A built SpectralNorm with numpy-chosen kernel, bias and u."""
    factory, input_shape = LAYERS[name]
    layer = SpectralNorm(factory(), power_iterations=power_iterations)
    layer.build((None,) + input_shape)
    rng = np.random.default_rng(seed)
    inner = layer.layer
    inner.kernel.assign(rng.normal(size=inner.kernel.shape).astype("float32"))
    inner.bias.assign(rng.normal(size=inner.bias.shape).astype("float32"))
    layer.u.assign(normalize(rng.normal(size=layer.u.shape)).astype("float32"))
    x = rng.normal(size=(3,) + input_shape).astype("float32")
    return layer, x


def plain_forward(layer, normalized_kernel, x):
    """The wrapped layer's own forward pass with its kernel set to W/σ."""
    inner = layer.layer
    plain = inner.__class__.from_config(inner.get_config())
    plain.build(x.shape)
    plain.set_weights([normalized_kernel, to_numpy(inner.bias)])
    return to_numpy(plain(x))


def algorithm_1(w, u, iterations):
    """One training update of Miyato et al. (2018), Algorithm 1.

    `w` has the output channels as columns, so Miyato's W is `w.T`.
    Returns the new ũ, ṽ and σ = ũᵀ W ṽ.
    """
    for _ in range(iterations):
        v = normalize(w @ u)
        u = normalize(w.T @ v)
    return u, v, v @ w @ u


def kernel_with_spectrum(layer, singular_values, rng):
    """A kernel for `layer` whose matrix has the given singular values."""
    shape = tuple(layer.kernel.shape)
    if isinstance(layer, keras.layers.Conv2DTranspose):
        matrix_shape = (int(np.prod(shape)) // shape[2], shape[2])
    else:
        matrix_shape = (int(np.prod(shape[:-1])), shape[-1])
    left, _ = np.linalg.qr(rng.normal(size=(matrix_shape[0], matrix_shape[1])))
    right, _ = np.linalg.qr(rng.normal(size=(matrix_shape[1],) * 2))
    matrix = left @ np.diag(singular_values) @ right.T
    if isinstance(layer, keras.layers.Conv2DTranspose):
        kh, kw, out, inp = shape
        return np.moveaxis(matrix.reshape(kh, kw, inp, out), -1, 2)
    return matrix.reshape(shape)


@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("power_iterations", [1, 3])
def test_training_call_follows_algorithm_1(name, power_iterations):
    layer, x = make_wrapped(name, power_iterations=power_iterations)
    kernel = to_numpy(layer.layer.kernel)
    u0 = to_numpy(layer.u)
    w = kernel_matrix(layer.layer, kernel.astype("float64"))
    u1, _, sigma = algorithm_1(w, u0.astype("float64"), power_iterations)

    y = to_numpy(layer(x, training=True))

    np.testing.assert_allclose(to_numpy(layer.u), u1, rtol=1e-5, atol=1e-6)
    expected = plain_forward(layer, (kernel / sigma).astype("float32"), x)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
    # W/σ is never written back to the kernel variable.
    np.testing.assert_array_equal(to_numpy(layer.layer.kernel), kernel)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_inference_uses_stored_u_without_updating_it(name):
    layer, x = make_wrapped(name, seed=1)
    for _ in range(3):
        layer(x, training=True)
    kernel = to_numpy(layer.layer.kernel)
    u = to_numpy(layer.u)
    # With the stored u: v = W u/‖W u‖ and σ_u = vᵀ W u = ‖W u‖.
    sigma_u = np.linalg.norm(kernel_matrix(layer.layer, kernel) @ u)

    outputs = [to_numpy(layer(x, training=False)) for _ in range(2)]
    outputs.append(to_numpy(layer(x)))

    np.testing.assert_array_equal(to_numpy(layer.u), u)
    np.testing.assert_array_equal(to_numpy(layer.layer.kernel), kernel)
    expected = plain_forward(layer, kernel / sigma_u, x)
    if name == "dense":
        bias = to_numpy(layer.layer.bias)
        numpy_forward = np.tanh(x @ (kernel / sigma_u) + bias)
        np.testing.assert_allclose(expected, numpy_forward, atol=1e-5)
    for y in outputs:
        np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_sigma_converges_to_largest_singular_value(name):
    layer, x = make_wrapped(name, seed=2)
    out = layer.u.shape[0]
    # σ1 = 3 and σ2/σ1 = 0.8: the power-iteration error in u shrinks as
    # 0.8^(2k), below float32 resolution after 50 steps.
    spectrum = np.linspace(3.0, 0.5, out)
    spectrum[1] = 2.4
    rng = np.random.default_rng(2)
    kernel = kernel_with_spectrum(layer.layer, spectrum, rng)
    layer.layer.kernel.assign(kernel.astype("float32"))
    w = kernel_matrix(layer.layer, to_numpy(layer.layer.kernel))
    np.testing.assert_allclose(
        np.linalg.svd(w, compute_uv=False), np.sort(spectrum)[::-1], rtol=1e-5
    )
    for _ in range(50):
        layer(x, training=True)
    u = to_numpy(layer.u)
    np.testing.assert_allclose(np.linalg.norm(w @ u), 3.0, rtol=1e-5)
    # ...and u is the first right singular vector of w (up to sign).
    top = np.linalg.svd(w)[2][0]
    np.testing.assert_allclose(abs(u @ top), 1.0, rtol=1e-5)


def test_gradient_treats_u_and_v_as_constants():
    """One SGD step of `fit` against the gradient of Algorithm 1."""
    layer, x = make_wrapped("dense", seed=3)
    inner = layer.layer
    inner.activation = keras.activations.linear
    kernel = to_numpy(inner.kernel).astype("float64")
    bias = to_numpy(inner.bias).astype("float64")
    u0 = to_numpy(layer.u).astype("float64")
    targets = np.random.default_rng(4).normal(size=(3, 5)).astype("float32")
    model = keras.Sequential([keras.Input((7,)), layer])
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    model.fit(x, targets, batch_size=3, epochs=1, shuffle=False, verbose=0)

    u1, v, sigma = algorithm_1(kernel, u0, 1)
    y = x @ (kernel / sigma) + bias
    grad_y = 2 * (y - targets) / y.size  # mean squared error
    grad_a = x.T @ grad_y  # gradient with respect to A = W/σ
    # d(W/σ) with σ = vᵀ W u and u, v constant: dσ/dW = v uᵀ.
    grad_w = grad_a / sigma - np.sum(grad_a * kernel) / sigma**2 * np.outer(
        v, u1
    )
    np.testing.assert_allclose(
        to_numpy(inner.kernel), kernel - grad_w, rtol=1e-4, atol=1e-5
    )


class TwoCalls(keras.Model):
    """Calls one SpectralNorm in inference and in training mode per step."""

    def __init__(self):
        super().__init__()
        self.sn = SpectralNorm(keras.layers.Dense(2))

    def call(self, x, training=None):
        return self.sn(x, training=False) + self.sn(x, training=training)


def test_inference_and_training_calls_in_one_training_step():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(4, 3)).astype("float32")
    y = rng.normal(size=(4, 2)).astype("float32")
    model = TwoCalls()
    model(x)
    kernel, u = to_numpy(model.sn.layer.kernel), to_numpy(model.sn.u)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    # The training call updated u and the step changed the kernel; neither
    # may be lost to the inference call that read u first.
    assert not np.allclose(to_numpy(model.sn.u), u)
    assert not np.allclose(to_numpy(model.sn.layer.kernel), kernel)
    assert np.all(np.isfinite(to_numpy(model.sn.layer.kernel)))


def effective_spectral_norm(layer):
    """Largest singular value of W/σ_u, σ_u from the stored u (numpy)."""
    w = kernel_matrix(layer.layer, to_numpy(layer.layer.kernel))
    sigma_u = np.linalg.norm(w @ to_numpy(layer.u))
    return np.linalg.svd(w / sigma_u, compute_uv=False)[0]


def small_model():
    inputs = keras.Input((8, 8, 2))
    h = SpectralNorm(
        keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="relu"),
        name="sn_conv",
    )(inputs)
    h = SpectralNorm(
        keras.layers.Conv2DTranspose(3, 4, strides=2, padding="same"),
        name="sn_conv_transpose",
    )(h)
    h = keras.layers.Flatten()(h)
    outputs = SpectralNorm(keras.layers.Dense(2), name="sn_dense")(h)
    return keras.Model(inputs, outputs)


def sn_layers(model):
    return [layer for layer in model.layers if isinstance(layer, SpectralNorm)]


def test_fit_keeps_effective_kernels_at_spectral_norm_one():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(32, 8, 8, 2)).astype("float32")
    y = rng.normal(size=(32, 2)).astype("float32")
    model = small_model()
    kernels_before = []
    for sn in sn_layers(model):
        # Start from σ2/σ1 = 0.8 and a random u: the power iteration, one
        # step per training step, must find and then track the top singular
        # vector while Adam moves the kernel.
        spectrum = np.linspace(2.0, 0.2, sn.u.shape[0])
        spectrum[1] = 1.6
        kernel = kernel_with_spectrum(sn.layer, spectrum, rng)
        sn.layer.kernel.assign(kernel.astype("float32"))
        sn.u.assign(normalize(rng.normal(size=sn.u.shape)).astype("float32"))
        kernels_before.append(to_numpy(sn.layer.kernel))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    model.fit(x, y, batch_size=8, epochs=13, shuffle=False, verbose=0)  # 52

    for sn, before in zip(sn_layers(model), kernels_before):
        assert not np.allclose(to_numpy(sn.layer.kernel), before, atol=1e-3)
        # σ_u <= σ_max for a unit u, so the ratio is >= 1; one power
        # iteration per step keeps it within 0.01% of 1.
        assert 1 - 1e-5 <= effective_spectral_norm(sn) <= 1 + 1e-4


def test_save_load_round_trip(tmp_path):
    keras.utils.set_random_seed(6)
    x = np.random.default_rng(6).normal(size=(4, 8, 8, 2)).astype("float32")
    model = small_model()
    for _ in range(3):
        model(x, training=True)  # moves every u away from its initial value
    path = tmp_path / "spectral_norm.keras"
    model.save(path)
    loaded = keras.models.load_model(path)

    for original, restored in zip(sn_layers(model), sn_layers(loaded)):
        assert isinstance(restored, SpectralNorm)
        assert type(restored.layer) is type(original.layer)
        np.testing.assert_array_equal(
            to_numpy(restored.u), to_numpy(original.u)
        )
    np.testing.assert_array_equal(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0)
    )


def test_get_config_round_trip():
    layer = SpectralNorm(
        keras.layers.Conv2D(8, 3, use_bias=False),
        power_iterations=2,
        epsilon=1e-6,
        name="sn",
    )
    config = layer.get_config()
    assert config["power_iterations"] == 2
    assert config["epsilon"] == 1e-6
    # Wrapper.from_config pops "layer" from the dict it is given.
    restored = SpectralNorm.from_config(copy.deepcopy(config))
    assert isinstance(restored.layer, keras.layers.Conv2D)
    assert restored.layer.filters == 8
    assert not restored.layer.use_bias
    assert restored.get_config() == config


def test_rejects_unsupported_layers():
    with pytest.raises(TypeError, match="Dense, Conv2D or Conv2DTranspose"):
        SpectralNorm(keras.layers.Conv1D(4, 3))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"power_iterations": 0}, "power_iterations"),
        ({"power_iterations": 1.5}, "power_iterations"),
        ({"epsilon": 0.0}, "epsilon"),
    ],
)
def test_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SpectralNorm(keras.layers.Dense(3), **kwargs)
