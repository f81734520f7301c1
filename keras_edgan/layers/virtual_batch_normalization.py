"""Virtual batch normalization (Salimans et al. 2016, §3.4)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_edgan")
class VirtualBatchNormalization(keras.layers.Layer):
    """Normalizes each example with the statistics of a reference batch and itself.

    Salimans, Goodfellow, Zaremba, Cheung, Radford and Chen, "Improved
    Techniques for Training GANs", NeurIPS 2016, §3.4: "each example x is
    normalized based on the statistics collected on a reference batch of
    examples that are chosen once and fixed at the start of training, and on
    x itself". The reference batch travels in the same call as the examples:
    the first `reference_size` = N rows of every input are the reference
    batch, the other rows the examples. Per feature (channel), with means
    over the batch and spatial axes:

    - reference rows: μ_ref = E_ref[x], ν_ref = E_ref[x²], their own
      statistics;
    - example i: with w = 1/(N+1), μᵢ = w·E_i[x] + (1−w)·μ_ref and
      νᵢ = w·E_i[x²] + (1−w)·ν_ref, E_i the mean over example i's spatial
      axes (for inputs of rank 2, the example itself);

    and every row becomes γ·(x − μ)/sqrt(ν − μ² + ε) + β, γ and β learned
    per feature. An example's output depends only on itself and the
    reference batch, never on the other examples of its batch; the layer
    computes the same thing in training and in inference and keeps no moving
    statistics. The reference statistics are recomputed in every call from
    the current weights, as the method requires (as in the VBN code of
    OpenAI's improved-gan and TF-GAN's `features.VBN`, which compute them in
    the graph of every step). Some copies of that code, and the guide's
    wording ("the union of the reference batch and the current batch"), mix
    the reference with the whole current batch instead of x alone; this
    layer follows the paper.

    Use `keras_edgan.layers.ReferenceBatch` to feed the reference batch: it
    stores the reference inputs of a network with these layers, prepends
    them to every call and strips their rows from the output, so the network
    keeps its ordinary input and output shapes. Called directly, the layer
    treats the first `reference_size` rows of its input as the reference.
    `ReferenceBatchNormalization` is the method VBN improves on: the examples
    normalized with the reference statistics alone.

    The practical guide (seed 003, §4.4) found VBN gave better images than
    batch normalization in a conditional DCGAN on CIFAR-10, on the condition
    that the reference batch carries the current batch's labels (fixed noise,
    current labels): with random reference labels the generator ignored the
    classes. It also saw saturated images in some generated batches, which it
    attributes to implementation details rather than to VBN.

    Example:

    ```python
    layer = VirtualBatchNormalization(reference_size=64)
    reference = keras.random.normal((64, 8, 8, 32))
    examples = keras.random.normal((16, 8, 8, 32))
    y = layer(keras.ops.concatenate([reference, examples]))  # (80, 8, 8, 32)
    examples_normalized = y[64:]
    ```

    Args:
        reference_size: N, the number of leading rows of each input that
            form the reference batch.
        axis: The feature (channel) axis, normalized separately. Defaults to
            `-1`; use `1` for `channels_first` images.
        epsilon: Added to the variance. Defaults to `1e-5`, as in
            improved-gan's VBN code.
        center: Whether to add the offset β.
        scale: Whether to multiply by the scale γ.
        beta_initializer, gamma_initializer: Initializers of β and γ, any
            `keras.initializers.get` identifier (improved-gan's code draws
            γ from N(1, 0.02²)).
        beta_regularizer, gamma_regularizer, beta_constraint,
            gamma_constraint: Regularizers and constraints of β and γ.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).
    """

    def __init__(
        self,
        reference_size,
        axis=-1,
        epsilon=1e-5,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if (
            isinstance(reference_size, bool)
            or not isinstance(reference_size, int)
            or reference_size < 1
        ):
            raise ValueError(
                f"{type(self).__name__}: `reference_size` must be a positive "
                f"integer, the number of reference rows at the start of each input. "
                f"Received: reference_size={reference_size!r}."
            )
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(
                f"{type(self).__name__}: `axis` must be one integer, the feature "
                f"axis. Received: axis={axis!r}."
            )
        if not epsilon > 0:
            raise ValueError(
                f"{type(self).__name__}: `epsilon` must be positive. Received: "
                f"epsilon={epsilon!r}. Use a small constant such as 1e-5."
            )
        self.reference_size = reference_size
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = keras.initializers.get(beta_initializer)
        self.gamma_initializer = keras.initializers.get(gamma_initializer)
        self.beta_regularizer = keras.regularizers.get(beta_regularizer)
        self.gamma_regularizer = keras.regularizers.get(gamma_regularizer)
        self.beta_constraint = keras.constraints.get(beta_constraint)
        self.gamma_constraint = keras.constraints.get(gamma_constraint)

    def build(self, input_shape):
        rank = len(input_shape)
        if rank < 2 or not -rank < self.axis < rank or self.axis % rank == 0:
            raise ValueError(
                f"{type(self).__name__}: axis={self.axis} is not a feature axis of "
                f"inputs of shape {input_shape}: it must name a non-batch axis of "
                "inputs of rank 2 or more."
            )
        self._feature_axis = self.axis % rank
        features = input_shape[self._feature_axis]
        if features is None:
            raise ValueError(
                f"{type(self).__name__}: the feature axis {self.axis} of inputs "
                f"of shape {input_shape} must have a known size."
            )
        batch = input_shape[0]
        if batch is not None and batch < self.reference_size:
            raise ValueError(
                f"{type(self).__name__}: inputs of shape {input_shape} have fewer "
                f"rows than reference_size={self.reference_size}. The first "
                f"{self.reference_size} rows of each input must be the reference batch: "
                "wrap the network in keras_edgan.layers.ReferenceBatch."
            )
        self.gamma = (
            self.add_weight(
                name="gamma",
                shape=(features,),
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
            )
            if self.scale
            else None
        )
        self.beta = (
            self.add_weight(
                name="beta",
                shape=(features,),
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
            )
            if self.center
            else None
        )

    def call(self, inputs):
        x = inputs
        if keras.backend.standardize_dtype(x.dtype) in ("float16", "bfloat16"):
            x = ops.cast(x, "float32")  # moments in half precision lose too much
        rank = len(x.shape)
        spatial = tuple(a for a in range(1, rank) if a != self._feature_axis)
        reference, examples = x[: self.reference_size], x[self.reference_size :]

        reference_mean, reference_variance = _moments(reference, (0, *spatial))
        mean, variance = self._example_moments(
            examples, spatial, reference_mean, reference_variance
        )
        outputs = ops.concatenate(
            [
                self._normalize(reference, reference_mean, reference_variance),
                self._normalize(examples, mean, variance),
            ],
            axis=0,
        )
        return ops.cast(outputs, inputs.dtype)

    def _example_moments(self, examples, spatial, reference_mean, reference_variance):
        """The mean and variance that normalize the example rows: per example, the
        mixture of its own statistics (over `spatial`) with weight 1/(N+1) and the
        reference batch's."""
        if spatial:
            example_mean, example_variance = _moments(examples, spatial)
        else:
            example_mean, example_variance = examples, ops.zeros_like(examples)
        w = 1.0 / (self.reference_size + 1.0)
        mean = w * example_mean + (1.0 - w) * reference_mean
        # ν − μ² of the mixture, written as pooled variances of the two parts
        # instead of a difference of mean squares, which cancels in float32.
        variance = (
            w * example_variance
            + (1.0 - w) * reference_variance
            + w * (1.0 - w) * ops.square(example_mean - reference_mean)
        )
        return mean, variance

    def _normalize(self, x, mean, variance):
        outputs = (x - mean) * ops.rsqrt(variance + self.epsilon)
        shape = [1] * len(x.shape)
        shape[self._feature_axis] = -1
        if self.gamma is not None:
            outputs = outputs * ops.reshape(ops.cast(self.gamma, x.dtype), shape)
        if self.beta is not None:
            outputs = outputs + ops.reshape(ops.cast(self.beta, x.dtype), shape)
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "reference_size": self.reference_size,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": keras.initializers.serialize(self.beta_initializer),
            "gamma_initializer": keras.initializers.serialize(self.gamma_initializer),
            "beta_regularizer": keras.regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": keras.regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": keras.constraints.serialize(self.beta_constraint),
            "gamma_constraint": keras.constraints.serialize(self.gamma_constraint),
        }


def _moments(x, axis):
    """Mean and variance over `axis`, kept as size-1 axes.

    Not `ops.var`, which torch warns about for a batch without examples.
    """
    mean = ops.mean(x, axis=axis, keepdims=True)
    return mean, ops.mean(ops.square(x - mean), axis=axis, keepdims=True)
