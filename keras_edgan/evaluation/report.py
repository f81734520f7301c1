"""Scores of a generator (or of held-out real images) against real statistics,
each named after its extractor."""

import dataclasses

from keras_edgan import metrics
from keras_edgan.evaluation.activations import (
    generated_batches,
    stream_activations,
    stream_labelled_activations,
)


MANIFOLD_METRICS = ("precision", "recall", "density", "coverage")
"""The k-nearest-neighbour scores `manifold_metrics=True` adds: improved precision
and recall (Kynkäänniemi et al. 2019, k=3) and density and coverage (Naeem et al.
2020, k=5), on the same features as the Fréchet distance."""


def metric_names(extractor, manifold_metrics=False, intra_class=False):
    """The names of the Fréchet distance, classifier score and kernel distance
    computed with `extractor`: FID, IS, KID only for the reference Inception
    network, else FD-name, CS-name, KD-name. With `manifold_metrics`, then
    precision-name, recall-name, density-name and coverage-name, named after
    every extractor, Inception included (their papers used VGG-16 features).
    With `intra_class` (a conditional generator), last the intra-class Fréchet
    distance: intra-FID, else intra-FD-name.

    An extractor's `variant` (the reference Inception network's resize
    definition when not the default "tf2_bilinear") ends every name in
    brackets: FID[pil_bicubic], IS[pil_bicubic], KID[pil_bicubic],
    precision-inception[pil_bicubic], ...; the default keeps the plain names.

    Example:

    >>> metric_names(mnist_classifier_extractor())
    ('FD-mnist-classifier', 'CS-mnist-classifier', 'KD-mnist-classifier')
    >>> metric_names(inception_extractor, manifold_metrics=True)[3:]
    ('precision-inception', 'recall-inception', 'density-inception', 'coverage-inception')
    >>> metric_names(InceptionExtractor(resize="tf1_bilinear"))
    ('FID[tf1_bilinear]', 'IS[tf1_bilinear]', 'KID[tf1_bilinear]')
    >>> metric_names(mnist_classifier_extractor(), intra_class=True)[-1]
    'intra-FD-mnist-classifier'
    """
    if extractor.is_reference:
        names = ("FID", "IS", "KID")
    else:
        names = tuple(f"{prefix}-{extractor.name}" for prefix in ("FD", "CS", "KD"))
    if manifold_metrics:
        names += tuple(f"{metric}-{extractor.name}" for metric in MANIFOLD_METRICS)
    if intra_class:
        names += (f"intra-{names[0]}",)
    if extractor.variant is not None:
        names = tuple(f"{name}[{extractor.variant}]" for name in names)
    return names


@dataclasses.dataclass(frozen=True)
class Report:
    """Named scores with the extractor and the sample counts they were computed from.

    Attributes:
        scores: {metric name: value}, e.g. {"FID": 31.2, "IS": 6.1, "KID": 0.02}.
        extractor: the extractor's name.
        real_samples: real images behind the Fréchet and kernel distances (and
            the manifold metrics).
        generated_samples: scored images behind every score.
        samples_name: what the scored images are, the table's column:
            "generated", or "held-out" for real images (`evaluate_images`).
        extractor_weights: which weights the extractor had (e.g. the Inception
            module's file digest), or None.
        resize: how images reached the extractor's input (the Inception
            network's FID resize definition, e.g. "tf2_bilinear"), or None.
        classes: the classes a conditional generator was scored on (the
            intra-class distance compares each class's share of the samples), or
            None.
    """

    scores: dict
    extractor: str
    real_samples: int
    generated_samples: int
    samples_name: str = "generated"
    extractor_weights: str = None
    resize: str = None
    classes: int = None

    def table(self):
        """The scores as an aligned text table with their sample counts."""
        rows = [("metric", "value", "real", self.samples_name)]
        for name, value in self.scores.items():
            # The classifier score uses no real images.
            score = name.split("[")[0] == "IS" or name.startswith("CS-")
            real, generated = "-" if score else str(self.real_samples), str(self.generated_samples)
            if name.startswith("intra-"):
                real, generated = (f"{count} in {self.classes} classes" for count in (real, generated))
            rows.append((name, f"{value:.6g}", real, generated))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        details = [f"{what} {value}" for what, value in
                   (("weights", self.extractor_weights), ("resize", self.resize)) if value]
        details = f" ({'; '.join(details)})" if details else ""
        lines = [f"extractor: {self.extractor}{details}"]
        lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
        return "\n".join(lines)


def evaluate_generator(
    generator, latent_dim, extractor, real, num_samples, noise_stddev=1.0, batch_size=100, seed=0,
    noise_distribution="normal", manifold_metrics=False, num_classes=None, noise=None,
):
    """Scores `num_samples` images of `generator` against `real` statistics.

    A conditional generator (`num_classes`) is asked for every class in turn
    (equal shares, ± 1), and scored also by the intra-class Fréchet distance
    against `real.labels` (`real_statistics(..., with_labels=True)`).

    Example:

    >>> real = real_statistics(extractor, "mnist5k", 5000, image_size=28)
    >>> report = evaluate_generator(gan.generator, gan.latent_dim, extractor, real, 5000)
    >>> print(report.table())

    Args:
        generator: a Keras model mapping noise (n, latent_dim) to images in [-1, 1].
        latent_dim: size of the noise.
        extractor: the `FeatureExtractor` that computed `real`.
        real: `RealStatistics` of the real images.
        num_samples: generated images to score.
        noise_stddev: standard deviation of the noise.
        noise_distribution: "normal" or "uniform" (U[−1, 1]), the GAN's.
        batch_size: images per generator and extractor call.
        seed: seed of the noise; the same seed gives the same samples.
        manifold_metrics: also score precision, recall, density and coverage
            (`MANIFOLD_METRICS`) against `real.features`.
        num_classes: the classes of a conditional generator (taking `[z, y]`);
            None for an unconditional one.
        noise: a function `(n, rng)` → generator inputs (a GAN's `numpy_noise`)
            in place of z of `noise_distribution` (`generated_batches`).

    Returns:
        A `Report`.
    """
    batches = generated_batches(
        generator, latent_dim, num_samples, noise_stddev, batch_size, seed, noise_distribution,
        num_classes, noise,
    )
    if num_classes is None:
        return evaluate_images(batches, extractor, real, num_samples,
                               manifold_metrics=manifold_metrics)
    if real.labels is None:
        raise ValueError(
            "A conditional generator's intra-class Fréchet distance needs the real images' "
            "labels: compute the real statistics with real_statistics(..., with_labels=True)."
        )
    features, logits, labels = stream_labelled_activations(extractor, batches, num_samples)
    scores = _scores(features, logits, extractor, real, manifold_metrics)
    intra = metric_names(extractor, intra_class=True)[-1]
    scores[intra] = metrics.intra_class_frechet_distance(real.features, real.labels, features, labels)
    return Report(scores, extractor.name, real.count, num_samples, "generated", extractor.weights,
                  extractor.resize, num_classes)


def evaluate_images(batches, extractor, real, num_samples, samples_name="generated",
                    manifold_metrics=False):
    """Scores the first `num_samples` images of `batches` against `real` statistics.

    Example (the real-data floor, see `held_out_images`):

    >>> batches = real_batches("mnist5k", 28, part="held-out")
    >>> report = evaluate_images(batches, extractor, real, 1000, samples_name="held-out")

    Args:
        batches: an iterable of image batches (n, H, W, C) in [-1, 1].
        extractor: the `FeatureExtractor` that computed `real`.
        real: `RealStatistics` of the real images.
        num_samples: images to score.
        samples_name: what the images are, for the report's table.
        manifold_metrics: also score precision, recall, density and coverage
            (`MANIFOLD_METRICS`) against `real.features`.

    Returns:
        A `Report`.
    """
    features, logits = stream_activations(extractor, batches, num_samples)
    return Report(_scores(features, logits, extractor, real, manifold_metrics), extractor.name,
                  real.count, num_samples, samples_name, extractor.weights, extractor.resize)


def _scores(features, logits, extractor, real, manifold_metrics):
    """{name: value} of the scores of `evaluate_images`."""
    mean, covariance = metrics.moments(features)
    frechet, score, kernel, *manifold = metric_names(extractor, manifold_metrics)
    scores = {
        frechet: metrics.frechet_distance_from_moments(*real.moments, mean, covariance),
        score: metrics.classifier_score(logits),
        kernel: metrics.kernel_distance(real.features, features),
    }
    if manifold_metrics:
        values = {
            **metrics.precision_recall(real.features, features),
            **metrics.density_coverage(real.features, features),
        }
        scores.update((name, values[key]) for name, key in zip(manifold, MANIFOLD_METRICS))
    return scores
