"""Class-conditional layers of Miyato and Koyama's cGANs with projection discriminator:
conditional batch normalization for the generator (de Vries et al. 2017) and the
projection of the discriminator's features on a class embedding."""

import keras
from keras import ops

from keras_edgan.layers.spectral_norm import SpectralNorm


def _check_num_classes(num_classes, layer):
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(
            f"{layer}: `num_classes` must be an integer ≥ 2, the number of class labels. "
            f"Received: num_classes={num_classes!r}."
        )


def _split_inputs(input_shape, layer):
    """`(x_shape, labels_shape)` of the inputs `[x, labels]`; a ValueError unless the
    labels are one index per example, shape `(n,)`."""
    if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or not all(
        isinstance(shape, (list, tuple)) for shape in input_shape
    ):
        raise ValueError(
            f"{layer} takes two inputs [x, labels], labels the class indices of shape "
            f"(n,). Received inputs of shape {input_shape}."
        )
    x_shape, labels_shape = input_shape
    if len(labels_shape) != 1:
        raise ValueError(
            f"{layer}: labels must be one class index per example, shape (n,). Received "
            f"labels of shape {tuple(labels_shape)}: for one-hot codes pass their argmax; "
            f"for shape (n, 1), reshape to (n,)."
        )
    return x_shape, labels_shape


def _check_label_dtype(labels, layer):
    dtype = keras.backend.standardize_dtype(labels.dtype)
    if "int" not in dtype:
        raise ValueError(
            f"{layer}: labels have dtype {dtype}; expected integer class indices (cast "
            f"them, e.g. keras.ops.cast(labels, 'int32'))."
        )


@keras.saving.register_keras_serializable(package="keras_edgan")
class ConditionalBatchNormalization(keras.layers.Layer):
    """Batch normalization whose scale and offset are chosen by the class label.

    De Vries, Strub, Mary, Larochelle, Pietquin and Courville, "Modulating early
    visual processing by language", NeurIPS 2017 (conditional batch
    normalization), as the class-conditional generator of Miyato and Koyama,
    "cGANs with projection discriminator", ICLR 2018, §3 and their code
    (`CategoricalConditionalBatchNormalization`): for an example x of class y,

        CBN(x, y) = γ_y · (x − μ) / sqrt(σ² + ε) + β_y,

    μ and σ² the per-channel statistics of `keras.layers.BatchNormalization`
    without its own affine (the minibatch's in training, with the moving
    averages updated; the moving averages in inference), and γ_y, β_y the
    rows y of two `(num_classes, channels)` tables (embeddings), initialized
    to 1 and 0: at initialization the layer is plain batch normalization.

    The inputs are `[x, labels]`, labels the int class indices of shape
    `(n,)`. Indices outside `[0, num_classes)` are not checked here (the
    lookup is an error on TensorFlow and PyTorch, NaN on JAX); the GAN models
    of `keras_edgan.models` check the labels of their training data.

    Example:

    ```python
    layer = ConditionalBatchNormalization(num_classes=10)
    x = keras.random.normal((8, 16, 16, 64))
    labels = keras.ops.arange(8) % 10
    y = layer([x, labels], training=True)  # (8, 16, 16, 64)
    ```

    Args:
        num_classes: The number of classes, the rows of γ and β.
        axis: The channel axis. Defaults to `-1`; `1` for `channels_first`.
        momentum, epsilon: Of the batch normalization (Keras' defaults, 0.99
            and 1e-3; SNGAN's networks use 0.9 and 1e-5).
        gamma_initializer, beta_initializer: Initializers of the tables, any
            `keras.initializers.get` identifier. Defaults to ones and zeros.
        gamma_regularizer, beta_regularizer: Regularizers of the tables.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).
    """

    def __init__(
        self,
        num_classes,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        gamma_initializer="ones",
        beta_initializer="zeros",
        gamma_regularizer=None,
        beta_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        _check_num_classes(num_classes, "ConditionalBatchNormalization")
        self.num_classes = num_classes
        self.gamma_initializer = keras.initializers.get(gamma_initializer)
        self.beta_initializer = keras.initializers.get(beta_initializer)
        self.gamma_regularizer = keras.regularizers.get(gamma_regularizer)
        self.beta_regularizer = keras.regularizers.get(beta_regularizer)
        self.normalization = keras.layers.BatchNormalization(
            axis=axis, momentum=momentum, epsilon=epsilon, center=False, scale=False,
            dtype=self.dtype_policy, name="normalization",
        )

    def build(self, input_shape):
        x_shape, _ = _split_inputs(input_shape, "ConditionalBatchNormalization")
        self.normalization.build(x_shape)
        rank = len(x_shape)
        self._channel_axis = self.normalization.axis % rank
        channels = x_shape[self._channel_axis]
        self.gamma = self.add_weight(
            shape=(self.num_classes, channels), initializer=self.gamma_initializer,
            regularizer=self.gamma_regularizer, name="gamma",
        )
        self.beta = self.add_weight(
            shape=(self.num_classes, channels), initializer=self.beta_initializer,
            regularizer=self.beta_regularizer, name="beta",
        )

    def call(self, inputs, training=None):
        x, labels = inputs
        _check_label_dtype(labels, "ConditionalBatchNormalization")
        normalized = self.normalization(x, training=training)
        shape = [-1] + [1] * (len(x.shape) - 1)
        shape[self._channel_axis] = self.gamma.shape[-1]
        gamma = ops.reshape(ops.take(self.gamma, labels, axis=0), shape)
        beta = ops.reshape(ops.take(self.beta, labels, axis=0), shape)
        return normalized * ops.cast(gamma, normalized.dtype) + ops.cast(beta, normalized.dtype)

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes,
            axis=self.normalization.axis,
            momentum=self.normalization.momentum,
            epsilon=self.normalization.epsilon,
            gamma_initializer=keras.initializers.serialize(self.gamma_initializer),
            beta_initializer=keras.initializers.serialize(self.beta_initializer),
            gamma_regularizer=keras.regularizers.serialize(self.gamma_regularizer),
            beta_regularizer=keras.regularizers.serialize(self.beta_regularizer),
        )
        return config


@keras.saving.register_keras_serializable(package="keras_edgan")
class ClassProjection(keras.layers.Layer):
    """The class term of a projection discriminator: ⟨V̄_y, φ(x)⟩.

    Miyato and Koyama, "cGANs with projection discriminator", ICLR 2018,
    eq. (3): the discriminator's logit is f(x, y) = yᵀ V φ(x) + ψ(φ(x)), φ(x)
    the features below its output layer, ψ that linear output layer, y the
    one-hot label and V a `(num_classes, features)` class embedding. This
    layer computes the first term, the row-wise dot product of the label's
    embedding row and the features, shape `(n, 1)`; add it to ψ(φ(x)), the
    unconditional logit (`keras.layers.Add()([projection, logits])`).

    With `spectral_norm` (their SNGAN-based networks), V̄ = V / σ(V), σ(V) the
    largest singular value of the whole table, estimated by one power
    iteration per training call as in their `SNEmbedID` and in
    `keras_edgan.layers.SpectralNorm`, whose code this layer runs on V (held
    as the kernel of a bias-free `Dense` on the one-hot label: the weights
    `embeddings/kernel` and `u`). Without it, V̄ = V.

    The inputs are `[features, labels]`: features of shape `(n, d)` and the
    int class indices, shape `(n,)` (not range-checked here; the GAN models
    check their data's).

    Example:

    ```python
    features = keras.Input((128,))
    labels = keras.Input((), dtype="int32")
    logits = keras.layers.Dense(1)(features)
    projection = ClassProjection(num_classes=10)([features, labels])
    discriminator_head = keras.Model(
        [features, labels], keras.layers.Add()([projection, logits])
    )
    ```

    Args:
        num_classes: The number of classes, the rows of V.
        spectral_norm: Whether V is divided by its spectral norm. Defaults to
            True.
        embeddings_initializer: Initializer of V. Defaults to Glorot uniform,
            as in the authors' code.
        power_iterations: Power-iteration steps per training call (1).
        **kwargs: Base layer arguments (`name`, `dtype`, ...).
    """

    def __init__(
        self,
        num_classes,
        spectral_norm=True,
        embeddings_initializer="glorot_uniform",
        power_iterations=1,
        **kwargs,
    ):
        super().__init__(**kwargs)
        _check_num_classes(num_classes, "ClassProjection")
        self.num_classes = num_classes
        self.spectral_norm = bool(spectral_norm)
        self.embeddings_initializer = keras.initializers.get(embeddings_initializer)
        self.power_iterations = power_iterations

    def build(self, input_shape):
        features_shape, _ = _split_inputs(input_shape, "ClassProjection")
        if len(features_shape) != 2 or features_shape[-1] is None:
            raise ValueError(
                f"ClassProjection: features must be vectors of known size, shape (n, d). "
                f"Received features of shape {tuple(features_shape)}: flatten or pool "
                f"them first."
            )
        self.embeddings = keras.layers.Dense(
            features_shape[-1], use_bias=False, kernel_initializer=self.embeddings_initializer,
            dtype=self.dtype_policy, name="embeddings",
        )
        if self.spectral_norm:
            self.normalized = SpectralNorm(
                self.embeddings, power_iterations=self.power_iterations,
                dtype=self.dtype_policy, name="spectral_norm",
            )
            self.normalized.build((None, self.num_classes))
        else:
            self.embeddings.build((None, self.num_classes))

    def table(self, training=False):
        """V̄, shape `(num_classes, features)`; with `training` and spectral norm, first
        one power-iteration step."""
        if self.spectral_norm:
            return self.normalized.normalized_kernel(training=training)
        return self.embeddings.kernel

    def call(self, inputs, training=None):
        features, labels = inputs
        _check_label_dtype(labels, "ClassProjection")
        rows = ops.take(self.table(training=bool(training)), labels, axis=0)
        return ops.sum(ops.cast(rows, features.dtype) * features, axis=-1, keepdims=True)

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes,
            spectral_norm=self.spectral_norm,
            embeddings_initializer=keras.initializers.serialize(self.embeddings_initializer),
            power_iterations=self.power_iterations,
        )
        return config
