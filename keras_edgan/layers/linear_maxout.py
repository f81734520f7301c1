"""A dense maxout layer (Goodfellow et al. 2013), as in the discriminators of PacGAN's
and VER's 2-D mixture experiments."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_edgan")
class LinearMaxout(keras.layers.Layer):
    """`units` outputs, each the maximum of `pieces` affine functions of the input.

    Goodfellow, Warde-Farley, Mirza, Courville and Bengio, "Maxout Networks",
    ICML 2013, eq. 1: hᵢ(x) = max_{j ∈ [1, k]} (xᵀ W_{·ij} + b_{ij}), with k =
    `pieces`. One kernel of shape `(input_dim, units · pieces)` computes all the
    affine pieces; output i takes the maximum of pieces `i·k … i·k + k − 1`.
    The discriminators of PacGAN (Lin et al. 2018, §5.1) and of GAN+VER
    (Khorramshahi et al. 2020, §IV-C) use three layers of 200 units with 5 pieces.

    Example:

    ```python
    layer = LinearMaxout(200, pieces=5)
    y = layer(keras.random.normal((64, 2)))  # (64, 200)
    ```

    Args:
        units: Number of outputs.
        pieces: Number of affine pieces per output (k).
        use_bias: Whether the pieces have biases.
        kernel_initializer, bias_initializer: Initializers, any
            `keras.initializers.get` identifier.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).
    """

    def __init__(
        self,
        units,
        pieces,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        for arg_name, value in (("units", units), ("pieces", pieces)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"{arg_name} must be a positive integer. Received: "
                    f"{arg_name}={value!r}."
                )
        self.units = units
        self.pieces = pieces
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def build(self, input_shape):
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_shape[-1], self.units * self.pieces),
            initializer=self.kernel_initializer,
        )
        self.bias = (
            self.add_weight(
                name="bias",
                shape=(self.units * self.pieces,),
                initializer=self.bias_initializer,
            )
            if self.use_bias
            else None
        )

    def call(self, inputs):
        pieces = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            pieces = pieces + self.bias
        pieces = ops.reshape(pieces, (*ops.shape(pieces)[:-1], self.units, self.pieces))
        return ops.max(pieces, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "pieces": self.pieces,
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
