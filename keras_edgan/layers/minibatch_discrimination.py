"""Minibatch discrimination (Salimans et al. 2016, §3.2)."""

import math

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_edgan")
class MinibatchDiscrimination(keras.layers.Layer):
    """Appends to each example's features how close it is to the rest of its batch.

    Salimans, Goodfellow, Zaremba, Cheung, Radford and Chen, "Improved
    Techniques for Training GANs", NeurIPS 2016, §3.2. With f(xᵢ) ∈ R^A the
    features of example i, a trainable tensor T ∈ R^{A×B×C} (B =
    `num_kernels`, C = `kernel_dim`) gives Mᵢ = f(xᵢ)·T ∈ R^{B×C}; then

        c_b(xᵢ, xⱼ) = exp(−‖M_{i,b} − M_{j,b}‖_1),
        o(xᵢ)_b = Σ_{j=1}^{n} c_b(xᵢ, xⱼ),

    and the layer returns [f(xᵢ), o(xᵢ)] ∈ R^{A+B}. As in the paper, the sum
    runs over the whole minibatch of n examples, j = i included, which adds
    the constant 1 to every o(xᵢ)_b. Salimans et al.'s code leaves j = i out
    and adds a learned bias per kernel, offsets that the bias of a following
    dense layer absorbs. Inputs of rank above 2 are flattened to (n, A)
    first, as in that code.

    A discriminator with this layer sees how diverse its minibatch is: a
    collapsed generator produces near-identical examples, whose o(xᵢ) are
    large, unlike those of a batch of real data. Each minibatch must hold
    examples of one kind only (all real or all generated), which
    `keras_edgan.models.GAN` ensures by calling the discriminator on real and
    generated minibatches separately.

    In the practical guide (seed 003, §4.3, a conditional DCGAN on CIFAR-10
    with B = 128, C = 5 after a 256-unit dense layer), the layer gave the best
    images with a dense layer both before and after it, one dense layer on
    either side being somewhat worse; B = 128 added features was the best
    choice for 256 input features, a hyperparameter to tune per dataset.

    Example:

    ```python
    layer = MinibatchDiscrimination(num_kernels=128, kernel_dim=5)
    y = layer(keras.random.normal((64, 256)))  # (64, 256 + 128)
    ```

    Args:
        num_kernels: B, the number of minibatch features appended (the
            guide uses 128).
        kernel_dim: C, the dimension of each kernel's projection M_{i,b}
            (the guide uses 5).
        kernel_initializer: Initializer of T, any `keras.initializers.get`
            identifier. Defaults to N(0, 0.05²), as in Salimans et al.'s code.
        kernel_regularizer, kernel_constraint: Regularizer and constraint
            of T.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).
    """

    def __init__(
        self,
        num_kernels,
        kernel_dim,
        kernel_initializer=None,
        kernel_regularizer=None,
        kernel_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        for arg_name, value in (("num_kernels", num_kernels), ("kernel_dim", kernel_dim)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"MinibatchDiscrimination: {arg_name} must be a positive "
                    f"integer. Received: {arg_name}={value!r}. The guide uses "
                    f"num_kernels=128, kernel_dim=5."
                )
        self.num_kernels = num_kernels
        self.kernel_dim = kernel_dim
        self.kernel_initializer = keras.initializers.get(
            kernel_initializer or keras.initializers.RandomNormal(stddev=0.05)
        )
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)

    def build(self, input_shape):
        features = input_shape[1:]
        if len(features) < 1 or any(d is None for d in features):
            raise ValueError(
                "MinibatchDiscrimination needs inputs of shape (batch, features...) "
                f"with known feature dimensions. Received: input_shape={input_shape}. "
                "Give the model an Input with a fully specified shape."
            )
        self.kernel = self.add_weight(
            name="kernel",
            shape=(math.prod(features), self.num_kernels, self.kernel_dim),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )

    def call(self, inputs):
        features = ops.reshape(inputs, (ops.shape(inputs)[0], -1))
        m = ops.tensordot(features, self.kernel, axes=1)  # (n, B, C)
        # ‖M_{i,b} − M_{j,b}‖_1 for all pairs: (n, n, B).
        distances = ops.sum(
            ops.abs(ops.expand_dims(m, 1) - ops.expand_dims(m, 0)), axis=-1
        )
        closeness = ops.sum(ops.exp(-distances), axis=1)  # o(x_i)_b, (n, B)
        return ops.concatenate([features, closeness], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], math.prod(input_shape[1:]) + self.num_kernels)

    def get_config(self):
        return {
            **super().get_config(),
            "num_kernels": self.num_kernels,
            "kernel_dim": self.kernel_dim,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
            "kernel_constraint": keras.constraints.serialize(self.kernel_constraint),
        }
