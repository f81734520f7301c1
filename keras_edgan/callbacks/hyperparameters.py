"""The run's configuration in TensorBoard's HParams dashboard."""

import os

import keras
from tensorboard.plugins.hparams import api as hparams_api

from keras_edgan.callbacks import summary


class Hyperparameters(keras.callbacks.Callback):
    """Records `config` as the run's hyperparameters when training begins.

    TensorBoard's HParams dashboard then lists runs side by side with their
    settings and final scalars (losses, FID), so runs can be compared and
    filtered by setting. Values that are not bool, int, float or str are
    written as text; unset ones (None) are left out, so a key keeps one type
    across runs. The trial is named after the run (its directory's name), and its
    metrics are the run's scalars (the dashboard finds them itself). The
    dashboard orders the columns itself: the settings that differ between the
    runs shown first, then by name. `train` passes the settings that apply to
    the run (`keras_edgan.cli.hyperparameters.comparable_settings`).

    Example:

    ```python
    config = {"model": "edgan", "lr_d": 1e-4, "lr_g": 4e-4, "penalty_weight": 1.0}
    gan.fit(ds, epochs=10, callbacks=[keras_edgan.callbacks.Hyperparameters("runs/a", config)])
    ```

    Args:
        logdir: the run's directory.
        config: a flat dict of setting names to values.
        trial_id: the trial's name in the dashboard (default: the name of `logdir`).
    """

    def __init__(self, logdir, config, trial_id=None):
        super().__init__()
        self.logdir = logdir
        self.trial_id = trial_id or os.path.basename(os.path.normpath(logdir))
        self.config = {
            key: value if isinstance(value, (bool, int, float, str)) else str(value)
            for key, value in config.items()
            if value is not None
        }

    def on_train_begin(self, logs=None):
        writer = summary.writer(self.logdir)
        with writer.as_default():
            hparams_api.hparams(self.config, trial_id=self.trial_id)
        writer.flush()
