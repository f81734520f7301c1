"""The intra-class Fréchet distance of a class-conditional generator."""

import numpy as np

from keras_edgan.metrics.frechet_distance import frechet_distance


def intra_class_frechet_distance(real_features, real_labels, generated_features, generated_labels):
    """Mean over classes of the Fréchet distance between the real and the generated
    features of each class.

    Miyato and Koyama 2018, "cGANs with Projection Discriminator", §4: the
    intra-FID, the FID of each class's generated images against that class's real
    images, averaged over the classes. Unlike the Fréchet distance of all samples,
    it sees a generator that draws good images of the wrong class: swapping two
    classes' images leaves the overall distance unchanged and raises this one.
    With an extractor other than the reference Inception network, name it after
    that extractor ("intra-FD-mnist-classifier").

    Example:

    >>> real = np.random.default_rng(0).normal(size=(1000, 8))
    >>> labels = np.arange(1000) % 10
    >>> intra_class_frechet_distance(real, labels, real, labels)  # the same sets
    0.0...

    Args:
        real_features: array (n_r, d).
        real_labels: int array (n_r,), the class of each real row.
        generated_features: array (n_g, d).
        generated_labels: int array (n_g,), the class each generated row was
            asked for.

    Returns:
        A float: the mean of the classes' Fréchet distances, over the classes
        present in the real labels.

    Raises:
        ValueError: mismatched lengths, or a class with fewer than 2 real or
            generated rows (its covariance is undefined).
    """
    real_labels = np.asarray(real_labels).reshape(-1)
    generated_labels = np.asarray(generated_labels).reshape(-1)
    for features, labels, what in ((real_features, real_labels, "real"),
                                   (generated_features, generated_labels, "generated")):
        if len(features) != len(labels):
            raise ValueError(
                f"{len(features)} {what} feature rows but {len(labels)} {what} labels: give "
                f"one class label per row."
            )
    classes = np.unique(real_labels)
    distances = []
    for k in classes:
        real_k, generated_k = real_features[real_labels == k], generated_features[generated_labels == k]
        if min(len(real_k), len(generated_k)) < 2:
            raise ValueError(
                f"Class {k} has {len(real_k)} real and {len(generated_k)} generated rows; the "
                f"intra-class Fréchet distance needs at least 2 of each for every class of the "
                f"real labels ({len(classes)} classes). Score more samples, balanced over the "
                f"classes."
            )
        distances.append(frechet_distance(real_k, generated_k))
    return float(np.mean(distances))
