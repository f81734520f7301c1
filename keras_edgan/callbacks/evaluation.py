"""FID, IS and KID (or their named substitutes) in TensorBoard during training."""

import tensorflow as tf
from absl import logging

import pipelines
from keras_edgan import evaluation
from keras_edgan.callbacks import summary
from keras_edgan.callbacks.periodic import PeriodicCallback


class FID(PeriodicCallback):
    """Scores the generator every `every_n_steps` training steps and at the end of training.

    The generator scored is the model's `sampling_generator`: with `ema`, the
    moving average of the trained generator's weights (the setup text says so).

    Each evaluation streams `num_samples` generated images (fixed noise seed, so
    successive numbers differ only by training) through a feature extractor and
    compares them with real statistics computed once and cached on disk. It
    writes three TensorBoard scalars at step = generator updates, named after
    the extractor: `evaluation/FID`, `evaluation/IS`, `evaluation/KID` with the
    reference Inception network, else e.g. `evaluation/FD-mnist-classifier`,
    `evaluation/CS-mnist-classifier`, `evaluation/KD-mnist-classifier`; a text
    summary `evaluation/setup` records the extractor and both sample counts.
    With `manifold_metrics`, four more scalars on the same features:
    `evaluation/precision-NAME`, `recall-NAME`, `density-NAME` and
    `coverage-NAME` (see `keras_edgan.evaluation.MANIFOLD_METRICS`). A conditional
    GAN's generator is asked for every class in turn, and also scored by the
    intra-class Fréchet distance (`evaluation/intra-FID`, else e.g.
    `evaluation/intra-FD-mnist-classifier`) against the real images' labels.
    The reports are also kept in `history` as `(step, Report)` pairs.

    The extractor runs in TensorFlow (Inception) or Keras (classifiers), so the
    callback works under every backend.

    Example:

    ```python
    fid = keras_edgan.callbacks.FID("runs/demo", dataset="mnist5k", num_samples=2000)
    gan.fit(ds, epochs=20, callbacks=[fid])   # offline: FD-mnist-classifier, ...
    ```

    Args:
        logdir: the run's directory (TensorBoard events).
        dataset: the real data, a name of `pipelines.DATASETS`.
        extractor: "auto", "inception", "mnist-classifier" (see
            `keras_edgan.evaluation.get_extractor`) or a `FeatureExtractor`.
        num_samples: generated images per evaluation.
        real_samples: real images of the statistics; default `num_samples`,
            capped at the size of the split.
        every_n_steps: how often to evaluate, in training steps.
        split, data_dir: where the real images come from (see `pipelines.load`).
        inception_path: the reference Inception network's directory; default
            $KERAS_EDGAN_INCEPTION.
        cache_dir: where real statistics and classifiers are cached.
        batch_size: images per generator and extractor call.
        seed: seed of the evaluation noise.
        manifold_metrics: also log improved precision and recall (k=3) and
            density and coverage (k=5) against the real features.
        fid_resize: the reference Inception network's resize definition
            (`keras_edgan.evaluation.resize`; None: "tf2_bilinear"), for an
            extractor given by name.
    """

    def __init__(
        self, logdir, dataset, extractor="auto", num_samples=5000, real_samples=None,
        every_n_steps=1, split=None, data_dir=None, inception_path=None, cache_dir=None,
        batch_size=100, seed=0, manifold_metrics=False, fid_resize=None,
    ):
        super().__init__(every_n_steps)
        if int(num_samples) < 2:
            raise ValueError(
                f"FID needs num_samples >= 2; got num_samples={num_samples!r}."
            )
        evaluation.check_image_dataset(dataset)
        meta = pipelines.info(dataset)
        self.logdir = logdir
        self.dataset = meta.name
        self.split = split or meta.train_split
        self.num_samples = int(num_samples)
        available = meta.splits.get(self.split)
        self.real_samples = int(real_samples or min(self.num_samples, available or self.num_samples))
        self.data_dir = data_dir
        self.cache_dir = cache_dir
        self.batch_size = batch_size
        self.seed = seed
        self.manifold_metrics = bool(manifold_metrics)
        if isinstance(extractor, str):
            extractor = evaluation.get_extractor(
                extractor, self.dataset, inception_path, cache_dir, fid_resize
            )
        self.extractor = extractor
        self.history = []
        self._real = None
        self._writer = None

    def on_train_begin(self, logs=None):
        self._writer = summary.writer(self.logdir)
        generator, conditional = self.model.sampling_generator, self.model.num_classes is not None
        image_size = evaluation.generated_image_size(generator, self.model.latent_dim, conditional)
        self._real = evaluation.real_statistics(
            self.extractor, self.dataset, self.real_samples, image_size=image_size,
            split=self.split, data_dir=self.data_dir, cache_dir=self.cache_dir,
            batch_size=self.batch_size, with_labels=conditional,
        )
        weights = f" (weights {self.extractor.weights})" if self.extractor.weights else ""
        options = self.model.options
        scored = (
            f"the moving average of the generator's weights (ema {options.ema}, "
            f"ema_start {options.ema_start})" if options.ema else "the trained generator"
        )
        with self._writer.as_default():
            tf.summary.text(
                "evaluation/setup",
                f"{scored}; extractor **{self.extractor.name}**{weights}; "
                f"real samples {self._real.count} "
                f"({self.dataset}, {self.split}); generated samples {self.num_samples} "
                f"per evaluation; metrics "
                f"{', '.join(evaluation.metric_names(self.extractor, self.manifold_metrics, conditional))}"
                + (f" (each of the {self.model.num_classes} classes asked for in turn)"
                   if conditional else ""),
                step=self.model.generator_step,
            )
        self._writer.flush()

    def on_period(self):
        self.evaluate()

    def on_train_end(self, logs=None):
        step = self.model.generator_step
        if not self.history or self.history[-1][0] != step:
            self.evaluate()

    def evaluate(self):
        """Scores the generator now, logs the scores and returns the `Report`."""
        step = self.model.generator_step
        report = evaluation.evaluate_generator(
            self.model.sampling_generator, self.model.latent_dim, self.extractor, self._real,
            self.num_samples, batch_size=self.batch_size, seed=self.seed,
            manifold_metrics=self.manifold_metrics, num_classes=self.model.num_classes,
            noise=self.model.numpy_noise,  # the model's own inputs: InfoGAN's hold codes
        )
        with self._writer.as_default():
            for name, value in report.scores.items():
                tf.summary.scalar(f"evaluation/{name}", value, step=step)
        self._writer.flush()
        logging.info(
            "step %d | %s | %d real, %d generated samples", step,
            " ".join(f"{name} {value:.4g}" for name, value in report.scores.items()),
            report.real_samples, report.generated_samples,
        )
        self.history.append((step, report))
        return report
