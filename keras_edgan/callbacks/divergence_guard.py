"""Stops a diverged training run (a NaN or Inf loss or weight) before it is saved."""

import math

import keras
import numpy as np


class TrainingDiverged(RuntimeError):
    """Training produced a non-finite loss or weight; `step` and `quantity` say where."""

    def __init__(self, message, step, quantity):
        super().__init__(message)
        self.step = step
        self.quantity = quantity


class DivergenceGuard(keras.callbacks.Callback):
    """Raises `TrainingDiverged` at the first NaN or Inf in the logs or the model.

    After each batch it checks every logged value (d_loss, g_loss, the penalties:
    running means over the epoch, so one non-finite step makes them non-finite); at
    each epoch end it checks every variable of the model and its optimizers. Raising
    ends `fit` at once: no later callback of the epoch runs and `on_train_end` is not
    called, so nothing of the diverged state is logged or checkpointed when the guard
    comes first in the callback list (`keras_edgan.callbacks.Checkpoint` also refuses
    to save a non-finite state). Weights never recover from a NaN, so continuing
    would only overwrite good checkpoints with useless ones.

    Steps count generator updates (`GAN.generator_updates`), the papers' iterations.

    Example:
    ```python
    guard = keras_edgan.callbacks.DivergenceGuard()
    try:
        gan.fit(ds, epochs=20, callbacks=[guard, keras_edgan.callbacks.Checkpoint("runs/a")])
    except keras_edgan.callbacks.TrainingDiverged as error:
        print(error.step, error.quantity)   # e.g. 1234 d_loss
    ```
    """

    def __init__(self):
        super().__init__()
        self._epoch_start = 0

    def on_epoch_begin(self, epoch, logs=None):
        # JAX keeps the variables in the trainer during an epoch: read the step here.
        self._epoch_start = self.model.generator_step

    def on_train_batch_end(self, batch, logs=None):
        for name, value in (logs or {}).items():
            if not math.isfinite(float(value)):
                step = self._epoch_start + batch + 1
                raise TrainingDiverged(
                    f"Training diverged at step {step}: {name} is {float(value)} (its mean "
                    f"over steps {self._epoch_start + 1}-{step} of this log period). "
                    f"Training stopped; no checkpoint of this state was written. Lower the "
                    f"learning rates (lr_d, lr_g), raise the penalty weights or check the "
                    f"data, then train again.",
                    step=step,
                    quantity=name,
                )

    def on_epoch_end(self, epoch, logs=None):
        name = first_nonfinite(self.model)
        if name is not None:
            step = self.model.generator_step
            raise TrainingDiverged(
                f"Training diverged by step {step}: the variable {name} holds NaN or Inf. "
                f"Training stopped; no checkpoint of this state was written. Lower the "
                f"learning rates (lr_d, lr_g) or check the data, then train again.",
                step=step,
                quantity=name,
            )


def first_nonfinite(model):
    """The path of the first variable of `model` or of its optimizers holding a NaN or
    Inf, or None if all are finite."""
    optimizer_variables = model.optimizer.variables if model.optimizer is not None else []
    for variable in [*model.variables, *optimizer_variables]:
        value = keras.ops.convert_to_numpy(variable)
        if np.issubdtype(value.dtype, np.floating) and not np.isfinite(value).all():
            return variable.path
    return None
