"""Generated 2-D points over the real ones, in TensorBoard and as PNG files."""

import io
import os

import numpy as np
import tensorflow as tf
from matplotlib.figure import Figure
from PIL import Image

from keras_edgan.callbacks import summary
from keras_edgan.callbacks.periodic import PeriodicCallback


def scatter_image(real, generated, title=None, size=4.0, limits=None):
    """A uint8 RGB image (H, W, 3) of `generated` points (blue) over `real` ones (grey),
    like GAN+VER's Fig. 3.

    Example:
    >>> scatter_image(np.zeros((10, 2)), np.ones((10, 2))).shape
    (400, 400, 3)

    Args:
        real, generated: arrays of shape (n, 2).
        title: text above the plot.
        size: side of the square figure in inches (100 pixels per inch).
        limits: `(low, high)` of both axes; default: the real points' range with a
            margin of 10 %.
    """
    real, generated = np.asarray(real), np.asarray(generated)
    if limits is None:
        low, high = real.min(), real.max()
        margin = 0.1 * (high - low) or 1.0
        limits = (low - margin, high + margin)
    figure = Figure(figsize=(size, size), dpi=100)
    axes = figure.subplots()
    axes.scatter(real[:, 0], real[:, 1], s=2, c="0.75", label="real", linewidths=0)
    axes.scatter(generated[:, 0], generated[:, 1], s=2, c="tab:blue", label="generated", linewidths=0)
    axes.set_xlim(*limits)
    axes.set_ylim(*limits)
    axes.set_aspect("equal")
    if title:
        axes.set_title(title, fontsize=9)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return np.asarray(Image.open(buffer).convert("RGB"))


class ScatterPlot(PeriodicCallback):
    """Shows a 2-D generator's progress: its samples over the real distribution.

    Every `every_n_steps` training steps and at the end of training, the generator (in
    inference mode) maps fixed noise to `len(real)` points, drawn over `real`; the
    image goes to TensorBoard (`scatter`, step = generator updates) and to
    `logdir/scatter/step_NNNNNNN.png`; the last one is also `logdir/scatter.png`.

    Example:
    ```python
    real, _ = pipelines.gmm.sample("ring", 2500, seed=0)
    gan.fit(ds, epochs=20, callbacks=[keras_edgan.callbacks.ScatterPlot("runs/ring", real)])
    ```

    Args:
        logdir: the run's directory.
        real: real points, shape (n, 2); as many generated points are drawn.
        seed: seed of the fixed noise.
        every_n_steps: how often to draw, in training steps.
    """

    def __init__(self, logdir, real, seed=0, every_n_steps=1):
        super().__init__(every_n_steps)
        real = np.asarray(real)
        if real.ndim != 2 or real.shape[1] != 2:
            raise ValueError(
                f"ScatterPlot draws 2-D points; `real` has shape {real.shape}, expected (n, 2)."
            )
        self.logdir = logdir
        self.real = real
        self.seed = seed
        self._writer = None

    def on_train_begin(self, logs=None):
        os.makedirs(os.path.join(self.logdir, "scatter"), exist_ok=True)
        self._writer = summary.writer(self.logdir)

    def on_period(self):
        self.draw()

    def on_train_end(self, logs=None):
        image = self.draw()
        Image.fromarray(image).save(os.path.join(self.logdir, "scatter.png"))

    def draw(self):
        """Plots the generator's points now, logs the image and returns it (uint8)."""
        step = self.model.generator_step
        generated = self.model.generate(len(self.real), seed=self.seed)
        image = scatter_image(self.real, generated, title=f"step {step}")
        Image.fromarray(image).save(os.path.join(self.logdir, "scatter", f"step_{step:07d}.png"))
        with self._writer.as_default():
            tf.summary.image("scatter", image[None], step=step)
        self._writer.flush()
        return image
