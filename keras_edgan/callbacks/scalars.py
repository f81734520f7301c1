"""The training logs as TensorBoard scalars against generator updates."""

import keras
import tensorflow as tf

from keras_edgan.callbacks import summary


class Scalars(keras.callbacks.Callback):
    """Writes each epoch's logs (d_loss, g_loss, penalties: the epoch's means) to
    TensorBoard at step = number of generator updates, the iteration count of the
    papers, so runs with different `d_steps` or epoch sizes line up.

    Losses go under `losses/`, penalties and everything else under `penalties/`.
    """

    def __init__(self, logdir):
        super().__init__()
        self.logdir = logdir
        self._writer = None

    def on_train_begin(self, logs=None):
        self._writer = summary.writer(self.logdir)

    def on_epoch_end(self, epoch, logs=None):
        step = self.model.generator_step
        with self._writer.as_default():
            for name, value in (logs or {}).items():
                group = "losses" if name.endswith("loss") else "penalties"
                tf.summary.scalar(f"{group}/{name}", float(value), step=step)
        self._writer.flush()
