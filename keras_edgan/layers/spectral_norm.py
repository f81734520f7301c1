"""Spectral normalization of a wrapped layer's kernel (Miyato et al., 2018)."""

import keras
from keras import ops

_SUPPORTED_LAYERS = (
    keras.layers.Dense,
    keras.layers.Conv2D,
    keras.layers.Conv2DTranspose,
)


def _random_unit_vector(shape, dtype=None):
    """The initial u of Algorithm 1: an isotropic random unit vector."""
    u = keras.initializers.RandomNormal(stddev=1.0)(shape, dtype=dtype)
    return ops.normalize(u, axis=-1)


@keras.saving.register_keras_serializable(package="keras_edgan")
class SpectralNorm(keras.layers.Wrapper):
    """Runs a `Dense`, `Conv2D` or `Conv2DTranspose` layer with kernel W/σ(W).

    Implements spectral normalization, Miyato, Kataoka, Koyama and Yoshida,
    "Spectral Normalization for Generative Adversarial Networks", ICLR 2018:
    the kernel is divided by its largest singular value σ(W) (eq. 8), which
    is estimated by power iteration (Algorithm 1). The kernel is viewed as a
    matrix whose columns are the layer's output channels: `(in, out)` for
    `Dense`, `(kh·kw·in, out)` for `Conv2D`, and, since a `Conv2DTranspose`
    kernel has shape `(kh, kw, out, in)`, `(kh·kw·in, out)` after moving
    its output axis last.

    With W that matrix (the transpose of Miyato's W) and `u` the stored
    estimate of its first right singular vector (a unit vector of size
    `out`, a non-trainable weight named "u"):

    - `training=True`: `power_iterations` times, `v ← W u / ‖W u‖` and
      `u ← Wᵀ v / ‖Wᵀ v‖`; the new `u` is stored.
    - `training=False`: `u` is used as stored, and `v = W u / ‖W u‖`.

    In both cases σ = vᵀ W u, with `u` and `v` treated as constants in the
    gradient, as in Algorithm 1, and the layer returns
    `activation(x ⊛ (W/σ) + bias)`. W/σ is computed in every forward pass
    and never written to the kernel variable, so the wrapped layer's weights
    are only changed by the optimizer, on every backend.

    In EDGAN (Tan et al., 2020, §2.3) the discriminator's penultimate
    (compression) layer is spectrally normalized.

    Example:

    ```python
    x = keras.random.normal((8, 32, 32, 3))
    layer = SpectralNorm(keras.layers.Conv2D(64, 4, strides=2, padding="same"))
    y = layer(x, training=True)  # updates u; y.shape == (8, 16, 16, 64)
    ```

    Args:
        layer: The `keras.layers.Dense`, `keras.layers.Conv2D` or
            `keras.layers.Conv2DTranspose` instance to normalize. Its own
            `call` is not used.
        power_iterations: Power-iteration steps per training call. Defaults
            to `1`, as in the paper: `u` carries over between steps, so the
            estimate converges during training.
        epsilon: Lower bound on the divisors ‖W u‖, ‖Wᵀ v‖ and σ, which
            keeps an all-zero kernel finite. Defaults to `1e-12`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).
    """

    def __init__(self, layer, power_iterations=1, epsilon=1e-12, **kwargs):
        if not isinstance(layer, _SUPPORTED_LAYERS):
            raise TypeError(
                "SpectralNorm wraps keras.layers.Dense, Conv2D or "
                f"Conv2DTranspose layers. Received: {layer!r} of type "
                f"{type(layer).__name__}. Wrap one of the supported layers "
                "instead."
            )
        if (
            isinstance(power_iterations, bool)
            or not isinstance(power_iterations, int)
            or power_iterations < 1
        ):
            raise ValueError(
                "SpectralNorm: `power_iterations` must be an integer >= 1. "
                f"Received: power_iterations={power_iterations!r}."
            )
        if not epsilon > 0:
            raise ValueError(
                "SpectralNorm: `epsilon` must be positive. Received: "
                f"epsilon={epsilon!r}. Use a small constant such as 1e-12."
            )
        super().__init__(layer, **kwargs)
        self.power_iterations = power_iterations
        self.epsilon = epsilon

    def build(self, input_shape):
        super().build(input_shape)
        # The wrapped layer's `call` is bypassed, and with it its input check.
        self.input_spec = self.layer.input_spec
        output_channels = self._kernel_matrix(self.layer.kernel).shape[-1]
        self.u = self.add_weight(
            shape=(output_channels,),
            initializer=_random_unit_vector,
            trainable=False,
            name="u",
        )

    def _kernel_matrix(self, kernel):
        if isinstance(self.layer, keras.layers.Conv2DTranspose):
            kernel = ops.moveaxis(kernel, 2, -1)
        return ops.reshape(kernel, (-1, kernel.shape[-1]))

    def normalized_kernel(self, training=False):
        """Returns W/σ; with `training=True`, first updates `u`."""
        kernel = self.layer.kernel
        w = self._kernel_matrix(kernel)
        w_constant = ops.stop_gradient(w)
        # A copy: a later call's update of u must not alter a value that
        # this call's gradient computation still holds (torch checks this).
        u = ops.stop_gradient(ops.copy(self.u.value))
        if training:
            for _ in range(self.power_iterations):
                v = ops.normalize(
                    ops.matmul(w_constant, u), axis=-1, epsilon=self.epsilon
                )
                u = ops.normalize(
                    ops.matmul(v, w_constant), axis=-1, epsilon=self.epsilon
                )
            self.u.assign(u)
        else:
            v = ops.normalize(
                ops.matmul(w_constant, u), axis=-1, epsilon=self.epsilon
            )
        sigma = ops.sum(v * ops.matmul(w, u))
        return kernel / ops.maximum(sigma, self.epsilon)

    def call(self, inputs, training=None):
        layer = self.layer
        kernel = self.normalized_kernel(training=bool(training))
        if isinstance(layer, keras.layers.Dense):
            outputs = ops.matmul(inputs, kernel)
        elif isinstance(layer, keras.layers.Conv2DTranspose):
            outputs = ops.conv_transpose(
                inputs,
                kernel,
                strides=list(layer.strides),
                padding=layer.padding,
                output_padding=layer.output_padding,
                dilation_rate=layer.dilation_rate,
                data_format=layer.data_format,
            )
        else:
            outputs = ops.conv(
                inputs,
                kernel,
                strides=list(layer.strides),
                padding=layer.padding,
                dilation_rate=layer.dilation_rate,
                data_format=layer.data_format,
            )
        if layer.use_bias:
            bias = layer.bias
            if getattr(layer, "data_format", None) == "channels_first":
                bias = ops.reshape(bias, (1, -1, 1, 1))
            outputs = outputs + bias
        if layer.activation is not None:
            outputs = layer.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "power_iterations": self.power_iterations,
                "epsilon": self.epsilon,
            }
        )
        return config
