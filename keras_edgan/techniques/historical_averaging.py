"""The running mean of a network's past weights, for historical averaging (Salimans,
Goodfellow, Zaremba, Cheung, Radford and Chen 2016, "Improved techniques for training
GANs", §3.3)."""

import keras
from keras import ops


class HistoricalAverage(keras.layers.Layer):
    """(1/t) Σᵢ θᵢ for each weight θ of a network, over the values θ₁ … θ_t it had at
    the start of each of its updates so far (the current one included).

    The means are non-trainable variables, saved with the model and carried in the
    state of a jit-compiled step. `update` folds the current weights in; the penalty
    is `keras_edgan.losses.historical_averaging_penalty(weights, average.means)`.

    Example:
    ```python
    average = HistoricalAverage(discriminator.trainable_variables)
    average.update(discriminator.trainable_variables)  # at the start of each update
    penalty = historical_averaging_penalty(
        [v.value for v in discriminator.trainable_variables], average.means
    )
    ```

    Args:
        variables: the weights to average (only their shapes are read here).
    """

    def __init__(self, variables, **kwargs):
        super().__init__(**kwargs)
        self.means = [
            self.add_weight(shape=v.shape, initializer="zeros", trainable=False, name=f"mean_{i}")
            for i, v in enumerate(variables)
        ]
        self.count = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False, name="count"
        )
        self.built = True

    def update(self, variables):
        """Adds the current values of `variables` to the running means."""
        count = self.count.value + 1
        for mean, variable in zip(self.means, variables):
            t = ops.cast(count, mean.dtype)
            mean.assign(mean.value + (variable.value - mean.value) / t)
        self.count.assign(count)
