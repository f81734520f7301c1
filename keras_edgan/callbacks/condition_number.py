"""The generator's mean log condition number in TensorBoard during training (the
curves of Odena et al. 2018, fig. 9 of the memo of five ICML'18 papers)."""

import numpy as np
import tensorflow as tf

from keras_edgan.callbacks import summary
from keras_edgan.callbacks.periodic import PeriodicCallback
from keras_edgan.techniques.conditioning import class_labels
from keras_edgan.techniques.generator_conditioning import (
    generator_condition_number,
    mean_log_condition_number,
)


class ConditionNumber(PeriodicCallback):
    """Logs the mean log condition number of the generator's metric tensor J_zᵀJ_z
    every `every_n_steps` training steps.

    Each evaluation takes the exact Jacobian of the generator (inference mode) at the
    same `samples` latent points, drawn once from the model's noise distribution
    with `seed` (and uniform labels for a conditional GAN), and writes the mean over
    them of log(λ_max/λ_min) as `conditioning/mean_log_condition_number` at step =
    generator updates (`keras_edgan.techniques.generator_condition_number`). It
    costs `latent_dim` Jacobian-vector products per sample, each about three
    generator passes; `history` keeps `(step, value)` pairs.

    Example:
    ```python
    conditioning = keras_edgan.callbacks.ConditionNumber("runs/demo", every_n_steps=500)
    gan.fit(data, epochs=20, steps_per_epoch=100, callbacks=[conditioning])
    ```

    Args:
        logdir: the run's directory (TensorBoard events).
        every_n_steps: how often to evaluate, in training steps.
        samples: latent points per evaluation.
        seed: seed of the latent points (and labels).
        batch_size: rows (a point and a latent direction) per generator call.
    """

    TAG = "conditioning/mean_log_condition_number"

    def __init__(self, logdir, every_n_steps=1000, samples=16, seed=0, batch_size=1024):
        super().__init__(every_n_steps)
        if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
            raise ValueError(f"samples must be a positive integer; got {samples!r}.")
        self.logdir, self.samples, self.seed, self.batch_size = logdir, samples, seed, batch_size
        self.history = []

    def on_period(self):
        self.evaluate()

    def evaluate(self):
        """Measures the generator now, logs the mean log condition number and returns it."""
        gan = self.model
        rng = np.random.default_rng(self.seed)
        z = gan.numpy_noise(self.samples, rng)
        labels = (None if gan.num_classes is None
                  else class_labels(self.samples, gan.num_classes, rng=rng))
        value = mean_log_condition_number(
            generator_condition_number(gan.generator, z, labels, self.batch_size)
        )
        step = gan.generator_step
        writer = summary.writer(self.logdir)  # the run's shared writer
        with writer.as_default():
            tf.summary.scalar(self.TAG, value, step=step)
        writer.flush()
        self.history.append((step, value))
        return value
