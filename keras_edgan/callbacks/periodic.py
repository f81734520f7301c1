"""Callbacks that act every N training steps of a GAN."""

import keras


class PeriodicCallback(keras.callbacks.Callback):
    """A callback acting every `every_n_steps` training steps (`GAN.training_steps`,
    the model's step counter): `on_period` runs at the end of each `fit` epoch in
    which the count passed a multiple of `every_n_steps`. `train`'s epochs are its
    log periods, so an interval shorter than one acts once per period.

    Example:
    ```python
    class Announce(PeriodicCallback):
        def on_period(self):
            print("step", self.model.training_steps)

    gan.fit(data, epochs=10, steps_per_epoch=100, callbacks=[Announce(every_n_steps=200)])
    ```
    """

    def __init__(self, every_n_steps=1):
        super().__init__()
        if isinstance(every_n_steps, bool) or not isinstance(every_n_steps, int) or (
            every_n_steps < 1
        ):
            raise ValueError(
                f"every_n_steps must be a positive integer (training steps between two "
                f"actions of {type(self).__name__}); got {every_n_steps!r}."
            )
        self.every_n_steps = every_n_steps
        self._epoch_start = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = self.model.training_steps

    def on_epoch_end(self, epoch, logs=None):
        every = self.every_n_steps
        if self.model.training_steps // every > self._epoch_start // every:
            self.on_period()

    def on_period(self):
        """What the callback does every `every_n_steps` steps."""
        raise NotImplementedError
