"""Ending a training run cleanly on SIGINT (Ctrl-C) or SIGTERM."""

import signal
import threading

import keras


class TrainingInterrupted(Exception):
    """Training stopped on signal `signal_number` after finishing `step`, whose
    checkpoint was saved in `directory`."""

    def __init__(self, signal_number, step, directory):
        self.signal_number, self.step = signal_number, step
        super().__init__(f"Stopped by {signal.Signals(signal_number).name} after finishing "
                         f"step {step}; its checkpoint is in {directory}.")


class StopOnSignal(keras.callbacks.Callback):
    """Ends `fit` cleanly on SIGINT or SIGTERM: the step in progress finishes, the
    callbacks of its end run (a `Checkpoint` saves it at the end of training), and
    `fit` returns; `received` then holds the signal's number. A second signal stops
    at once (KeyboardInterrupt). Handlers are installed for the duration of `fit`,
    and only from the main thread, the one Python delivers signals to.

    Example:
    ```python
    stop = StopOnSignal()
    gan.fit(data, epochs=10, callbacks=[stop, Checkpoint("runs/a")])
    if stop.received:
        print("stopped by", signal.Signals(stop.received).name)
    ```
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        super().__init__()
        self.received = None
        self._previous = {}

    def on_train_begin(self, logs=None):
        if threading.current_thread() is threading.main_thread():
            self._previous = {number: signal.signal(number, self._handle) for number in self.SIGNALS}

    def _handle(self, number, frame):
        if self.received is not None:
            raise KeyboardInterrupt
        self.received = number

    def on_train_batch_end(self, batch, logs=None):
        if self.received is not None:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous = {}
