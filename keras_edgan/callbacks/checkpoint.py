"""Whole-training-state checkpoints, written atomically, the last few kept."""

import glob
import os

import keras


class Checkpoint(keras.callbacks.Callback):
    """Saves the GAN's full state every `every_n_epochs` epochs and at the end.

    The file `logdir/checkpoints/ckpt-STEP.weights.h5` (STEP = generator updates) holds
    both networks, every optimizer's variables (OAdam's previous moments included),
    the noise generator's state and the metric accumulators. It is written to a
    temporary name and renamed, so a crash during a save leaves the previous
    checkpoints intact; only the newest `keep` are kept.
    """

    def __init__(self, logdir, every_n_epochs=1, keep=3):
        super().__init__()
        self.directory = os.path.join(logdir, "checkpoints")
        self.every_n_epochs = every_n_epochs
        self.keep = keep
        self._saved_step = None

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs == 0:
            self.save()

    def on_train_end(self, logs=None):
        if self._saved_step != int(self.model.g_optimizer.iterations):
            self.save()

    def save(self):
        """Writes the checkpoint of the current step; returns its path."""
        os.makedirs(self.directory, exist_ok=True)
        step = int(self.model.g_optimizer.iterations)
        path = os.path.join(self.directory, f"ckpt-{step:07d}.weights.h5")
        temporary = os.path.join(self.directory, f".tmp-ckpt-{step:07d}.weights.h5")
        self.model.save_weights(temporary)
        os.replace(temporary, path)
        self._saved_step = step
        for old in checkpoints(self.directory)[: -self.keep]:
            os.remove(old)
        return path


def checkpoints(directory):
    """The checkpoint files in `directory`, oldest first."""
    return sorted(glob.glob(os.path.join(directory, "ckpt-*.weights.h5")))
