"""The moving averages of the discriminator's outputs that LeCam regularization
anchors its predictions to (Tseng, Jiang, Liu, Yang and Yang, "Regularizing Generative
Adversarial Networks under Limited Data", CVPR 2021, §3)."""

import keras
from keras import ops

from keras_edgan import backend

LECAM_DECAY = 0.99
"""The decay of the moving averages α_R and α_F (the authors' StyleGAN2 code,
google/lecam-gan `stylegan2/lecam_loss.py`)."""


class LeCamAverages(keras.layers.Layer):
    """α_R and α_F, exponential moving averages of the discriminator's mean output on
    real and on generated samples, one step per discriminator update.

    Each is the zero-debiased average of TensorFlow's `assign_moving_average(...,
    zero_debias=True)`, as in the authors' StyleGAN2 code: after t updates with batch
    means m₁ … m_t, α = (1 − β) Σᵢ β^(t−i) mᵢ / (1 − β^t), β = `decay`, so the first
    update gives the first batch's mean rather than a value pulled towards 0. The
    sums and the count are non-trainable variables, saved with the model.

    Example:
    ```python
    averages = LeCamAverages()
    real_average, fake_average = averages.update(real_logits, fake_logits)
    penalty = keras_edgan.losses.lecam_penalty(real_logits, fake_logits,
                                               real_average, fake_average)
    ```

    Args:
        decay: β, the weight of the past (the authors' 0.99).
    """

    def __init__(self, decay=LECAM_DECAY, **kwargs):
        super().__init__(**kwargs)
        self.decay = float(decay)
        self.real_sum, self.fake_sum = (
            self.add_weight(shape=(), initializer="zeros", dtype="float32", trainable=False,
                            name=name)
            for name in ("real_sum", "fake_sum")
        )
        self.count = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False, name="count"
        )
        self.built = True

    def update(self, real_logits, fake_logits):
        """Folds the means of this update's outputs (without gradient; under
        tf.distribute, the first replica's) into the averages; returns the new
        `(α_R, α_F)`, the ones the authors' code regularizes this update with."""
        count = self.count.value + 1
        self.count.assign(count)
        correction = 1.0 - ops.power(self.decay, ops.cast(count, "float32"))
        averages = []
        for total, logits in ((self.real_sum, real_logits), (self.fake_sum, fake_logits)):
            mean = backend.from_first_replica(
                ops.stop_gradient(ops.mean(ops.cast(logits, "float32")))
            )
            new_total = self.decay * total.value + (1.0 - self.decay) * mean
            total.assign(new_total)
            averages.append(new_total / correction)
        return tuple(averages)

    @property
    def averages(self):
        """The current `(α_R, α_F)` (0 before the first update)."""
        count = ops.cast(self.count.value, "float32")
        correction = ops.maximum(1.0 - ops.power(self.decay, count), 1e-30)
        return self.real_sum.value / correction, self.fake_sum.value / correction
