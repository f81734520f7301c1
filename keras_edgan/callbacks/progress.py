"""One plain progress line per epoch: step, losses, speed and time left."""

import time

import keras
from absl import logging

from keras_edgan.callbacks.scalars import DESCRIPTIONS

_DIAGNOSTICS = ("discriminator", "optimization")


class Progress(keras.callbacks.Callback):
    """Logs `step 400/2000 (20%) | d_loss 1.21 g_loss 0.93 ced 0.41 | 9.8 steps/s | ETA 2m43s`.

    A line per epoch suits logs and CI better than Keras' redrawn progress bar. It
    shows the losses, penalties and estimates; D's outputs and the gradient norms
    (the `discriminator/` and `optimization/` groups of `Scalars`) are in
    TensorBoard only, to keep the line short.
    `total_steps` counts generator updates (the papers' iterations). The speed is
    measured from the end of the first step, leaving out the tracing of the train
    step and, on resuming, the restoring of the data order.
    """

    def __init__(self, total_steps):
        super().__init__()
        self.total_steps = total_steps
        self._start = None
        self._first_step = 0

    def on_train_begin(self, logs=None):
        self._start = None
        self._first_step = self.model.generator_step + 1

    def on_train_batch_end(self, batch, logs=None):
        if self._start is None:
            self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        step = self.model.generator_step
        elapsed = time.perf_counter() - self._start
        rate = (step - self._first_step) / max(elapsed, 1e-9)
        left = (self.total_steps - step) / rate if rate > 0 else float("inf")
        values = " ".join(
            f"{name} {float(value):.4g}" for name, value in (logs or {}).items()
            if DESCRIPTIONS.get(name, ("other",))[0] not in _DIAGNOSTICS
        )
        logging.info(
            "step %d/%d (%d%%) | %s | %.2f steps/s | ETA %s",
            step, self.total_steps, 100 * step // max(self.total_steps, 1),
            values, rate, _duration(left),
        )


def _duration(seconds):
    if seconds == float("inf"):
        return "?"
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes}m{seconds:02d}s"
