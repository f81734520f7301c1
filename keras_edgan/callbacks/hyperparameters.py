"""The run's configuration in TensorBoard's HParams dashboard."""

import keras
from tensorboard.plugins.hparams import api as hparams_api

from keras_edgan.callbacks import summary


class Hyperparameters(keras.callbacks.Callback):
    """Records `config` as the run's hyperparameters when training begins.

    TensorBoard's HParams dashboard then lists runs side by side with their
    settings and final scalars (losses, FID), so runs can be compared and
    filtered by setting. Values that are not bool, int, float or str are
    written as text; unset ones (None) are left out, so a key keeps one type
    across runs.

    Example:

    ```python
    config = {"model": "edgan", "lr_d": 1e-4, "lr_g": 4e-4, "penalty_weight": 1.0}
    gan.fit(ds, epochs=10, callbacks=[keras_edgan.callbacks.Hyperparameters("runs/a", config)])
    ```

    Args:
        logdir: the run's directory.
        config: a flat dict of setting names to values.
    """

    def __init__(self, logdir, config):
        super().__init__()
        self.logdir = logdir
        self.config = {
            key: value if isinstance(value, (bool, int, float, str)) else str(value)
            for key, value in config.items()
            if value is not None
        }

    def on_train_begin(self, logs=None):
        writer = summary.writer(self.logdir)
        with writer.as_default():
            hparams_api.hparams(self.config)
        writer.flush()
