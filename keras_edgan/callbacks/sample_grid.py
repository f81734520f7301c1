"""A grid of generated samples from fixed noise, in TensorBoard and as PNG files."""

import os

import keras
import numpy as np
import tensorflow as tf

from keras_edgan.callbacks import summary
from PIL import Image
from keras_edgan.callbacks.periodic import PeriodicCallback


def image_grid(images, rows):
    """Tiles `images` (n, H, W, C) in [-1, 1] into one uint8 image of `rows` rows.

    Example:
    >>> image_grid(np.zeros((6, 28, 28, 1)), rows=2).shape
    (56, 84, 1)
    """
    images = np.asarray(images)
    n, height, width, channels = images.shape
    if n % rows:
        raise ValueError(f"Cannot tile {n} images into {rows} equal rows.")
    columns = n // rows
    pixels = np.clip(np.rint((images + 1.0) * 127.5), 0, 255).astype(np.uint8)
    return (
        pixels.reshape(rows, columns, height, width, channels)
        .transpose(0, 2, 1, 3, 4)
        .reshape(rows * height, columns * width, channels)
    )


def save_png(grid, path):
    """Writes a uint8 grid from `image_grid` as a PNG (grey for one channel)."""
    Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid).save(path)


class SampleGrid(PeriodicCallback):
    """Shows training progress as a grid of samples from the same noise each time.

    Every `every_n_steps` training steps and at the end of training, the model's
    `sampling_generator` (the moving average with `ema`; in inference mode) maps a
    fixed noise batch to images; the grid goes to TensorBoard
    (`samples` image, step = generator updates) and to `logdir/samples/step_NNNNNNN.png`;
    the last one is also written as `logdir/samples.png`.

    For a conditional model (`model.num_classes` set) the grid has one row per class:
    row k shows class k, and each column holds the same noise in every row, so a
    column shows one z across the classes.

    Args:
        logdir: the run's directory.
        rows, columns: shape of the grid (`rows` is the number of classes for a
            conditional model).
        seed: seed of the fixed noise.
        every_n_steps: how often to draw, in training steps.

    Example:
    ```python
    gan.fit(ds, epochs=20, callbacks=[keras_edgan.callbacks.SampleGrid("runs/demo")])
    ```
    """

    def __init__(self, logdir, rows=8, columns=8, seed=0, every_n_steps=1):
        super().__init__(every_n_steps)
        self.logdir = logdir
        self.rows = rows
        self.columns = columns
        self.seed = seed
        self._writer = None
        self._inputs = None
        self._rows = rows

    def on_train_begin(self, logs=None):
        self._last, self._last_step = None, None
        os.makedirs(os.path.join(self.logdir, "samples"), exist_ok=True)
        self._writer = summary.writer(self.logdir)
        num_classes = self.model.num_classes
        self._rows = self.rows if num_classes is None else num_classes
        count = self.rows * self.columns if num_classes is None else self.columns
        noise = self.model.numpy_noise(count, np.random.default_rng(self.seed))
        if num_classes is None:
            self._inputs = noise
        else:  # row k: class k on the columns' noise
            labels = np.repeat(np.arange(num_classes, dtype="int32"), self.columns)
            self._inputs = [
                keras.ops.convert_to_tensor(np.tile(noise, (num_classes, 1))),
                keras.ops.convert_to_tensor(labels),
            ]

    def on_period(self):
        self.draw()

    def on_train_end(self, logs=None):
        step = self.model.generator_step
        grid = self._last if self._last_step == step else self.draw()
        save_png(grid, os.path.join(self.logdir, "samples.png"))

    def draw(self):
        """Generates the grid, logs it, and returns it as a uint8 array."""
        step = self.model.generator_step
        generator = self.model.sampling_generator
        images = keras.ops.convert_to_numpy(generator(self._inputs, training=False))
        grid = image_grid(images, self._rows)
        save_png(grid, os.path.join(self.logdir, "samples", f"step_{step:07d}.png"))
        with self._writer.as_default():
            tf.summary.image("samples", grid[None], step=step)
        self._writer.flush()
        self._last, self._last_step = grid, step  # the end of training draws no step twice
        return grid
