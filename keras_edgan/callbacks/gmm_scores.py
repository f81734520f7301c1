"""GAN+VER's mixture scores (Modes, HQ, KL, WD, MMD, 1-NN) in TensorBoard during training."""

import tensorflow as tf

from keras_edgan.callbacks import summary
from keras_edgan.metrics.gmm import gmm_scores
from keras_edgan.callbacks.periodic import PeriodicCallback


class GMMScores(PeriodicCallback):
    """Scores a 2-D generator on its mixture every `every_n_steps` training steps and at
    the end of training.

    Each evaluation draws `repeats × samples` points from the generator (in inference
    mode, fixed noise seed) and runs `keras_edgan.metrics.gmm_scores`; every score is
    written to TensorBoard as `gmm/<name>` at step = generator updates, and kept in
    `history` as `(step, scores)` pairs: the curves of GAN+VER's Fig. 4.

    Example:
    ```python
    scores = keras_edgan.callbacks.GMMScores("runs/grid", dataset="grid", every_n_steps=5)
    gan.fit(pipelines.load("grid", batch_size=64).repeat(), epochs=50, steps_per_epoch=100,
            callbacks=[scores])
    ```

    Args:
        logdir: the run's directory (TensorBoard events).
        dataset: the mixture, "ring" or "grid".
        samples: generated (and real) points per repeat; the paper's 2,500.
        repeats: repeats averaged per evaluation; the paper's tables use 5, one is
            enough to follow training (the exact Wasserstein distance takes ~2 s).
        every_n_steps: how often to evaluate, in training steps.
        seed: seed of the evaluation noise and real points.
    """

    def __init__(self, logdir, dataset, samples=2500, repeats=1, every_n_steps=1, seed=0):
        super().__init__(every_n_steps)
        self.logdir = logdir
        self.dataset = dataset
        self.samples = int(samples)
        self.repeats = int(repeats)
        self.seed = seed
        self.history = []
        self._writer = None

    def on_train_begin(self, logs=None):
        self._writer = summary.writer(self.logdir)

    def on_period(self):
        self.evaluate()

    def on_train_end(self, logs=None):
        if not self.history or self.history[-1][0] != self.model.generator_step:
            self.evaluate()

    def evaluate(self):
        """Scores the generator now, logs the scores and returns them."""
        step = self.model.generator_step
        points = self.model.generate(self.repeats * self.samples, seed=self.seed)
        scores = gmm_scores(points, self.dataset, repeats=self.repeats, seed=self.seed)
        with self._writer.as_default():
            for name, value in scores.items():
                tf.summary.scalar(f"gmm/{name}", value, step=step)
        self._writer.flush()
        self.history.append((step, scores))
        return scores
