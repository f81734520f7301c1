"""The self-attention block of SAGAN (Zhang, Goodfellow, Metaxas and Odena, 2019)."""

import keras
from keras import ops

from keras_edgan.layers.spectral_norm import SpectralNorm


@keras.saving.register_keras_serializable(package="keras_edgan")
class SelfAttention(keras.layers.Layer):
    """Adds to each position of a feature map a learned mix of all positions.

    Zhang, Goodfellow, Metaxas and Odena, "Self-attention generative
    adversarial networks", ICML 2019, §3, eq. 1–3. For the N = H·W positions
    xᵢ ∈ R^C of a channels-last feature map, with 1×1 convolutions
    f(x) = W_f x, g(x) = W_g x, h(x) = W_h x (C/k channels each, k =
    `reduction`, 8 in the paper) and v(x) = W_v x (back to C channels):

        s_ij = f(xᵢ)ᵀ g(xⱼ),   β_{j,i} = exp(s_ij) / Σᵢ exp(s_ij)
        o_j = v(Σᵢ β_{j,i} h(xᵢ))
        y_j = γ·o_j + x_j

    γ is a learned scalar initialized to 0, so the block starts as the
    identity and the network learns how much non-local evidence to use. The
    convolutions have no bias, as in eq. 1–2; with `spectral_norm=True` each is
    wrapped in `SpectralNorm`, as in SAGAN's generator and discriminator.

    Example:

    ```python
    attention = SelfAttention(reduction=8, spectral_norm=True)
    y = attention(keras.random.normal((4, 16, 16, 64)), training=True)  # (4, 16, 16, 64)
    ```

    Args:
        reduction: k, the ratio of the input channels to the channels of f,
            g and h (at least 1 channel).
        spectral_norm: Whether the four convolutions are spectrally
            normalized.
        kernel_initializer: Initializer of the convolutions' kernels.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).
    """

    def __init__(
        self, reduction=8, spectral_norm=False, kernel_initializer="glorot_uniform", **kwargs
    ):
        super().__init__(**kwargs)
        if isinstance(reduction, bool) or not isinstance(reduction, int) or reduction < 1:
            raise ValueError(
                f"SelfAttention: `reduction` must be a positive integer (the paper uses "
                f"8). Received: reduction={reduction!r}."
            )
        self.reduction = reduction
        self.spectral_norm = bool(spectral_norm)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def _convolution(self, filters, name):
        layer = keras.layers.Conv2D(
            filters,
            1,
            use_bias=False,
            kernel_initializer=self.kernel_initializer.__class__.from_config(
                self.kernel_initializer.get_config()
            ),
            name=f"{name}_conv" if self.spectral_norm else name,
        )
        return SpectralNorm(layer, name=name) if self.spectral_norm else layer

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(
                f"SelfAttention expects channels-last feature maps (batch, height, "
                f"width, channels) with known channels. Received: input_shape={input_shape}."
            )
        channels = input_shape[-1]
        inner = max(1, channels // self.reduction)
        self.query = self._convolution(inner, "query")
        self.key = self._convolution(inner, "key")
        self.value = self._convolution(inner, "value")
        self.projection = self._convolution(channels, "projection")
        for layer in (self.query, self.key, self.value):
            layer.build(input_shape)
        self.projection.build((*input_shape[:-1], inner))
        self.gamma = self.add_weight(shape=(), initializer="zeros", name="gamma")

    def call(self, inputs, training=None):
        shape = ops.shape(inputs)
        positions = shape[1] * shape[2]

        def flat(layer):
            features = layer(inputs, training=training)
            return ops.reshape(features, (shape[0], positions, ops.shape(features)[-1]))

        f, g, h = flat(self.query), flat(self.key), flat(self.value)
        # scores[b, j, i] = s_ij = f(x_i)ᵀ g(x_j); softmax over i gives β_{j,i}.
        scores = ops.matmul(g, ops.transpose(f, (0, 2, 1)))
        attended = ops.matmul(ops.softmax(scores, axis=-1), h)
        attended = ops.reshape(attended, (shape[0], shape[1], shape[2], ops.shape(h)[-1]))
        return inputs + self.gamma * self.projection(attended, training=training)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "reduction": self.reduction,
                "spectral_norm": self.spectral_norm,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            }
        )
        return config
