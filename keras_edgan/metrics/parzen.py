"""The Gaussian Parzen-window log-likelihood of held-out data under generated samples."""

import numpy as np
from scipy.special import logsumexp

from keras_edgan.metrics.precision_recall import feature_sets, squared_distances

_NAMES = ("samples", "generated")


def parzen_log_likelihood(samples, generated, bandwidth, block_size=1024):
    """Mean log-likelihood of `samples` under a Gaussian Parzen window on `generated`.

    Goodfellow et al. 2014, "Generative Adversarial Nets", §5 and Table 1 (the
    protocol of Breuleux et al. 2011): the generator's density is estimated by
    Gaussians of covariance σ²I centred on its n samples g_j, and the held-out
    samples x_i (N of them, d values each) are scored by

        (1/N) Σ_i log (1/n) Σ_j N(x_i; g_j, σ²I)
          = (1/N) Σ_i logsumexp_j(−‖x_i − g_j‖² / 2σ²) − log n − (d/2) log(2πσ²),

    as in the paper's `parzen_ll.py`. Computed in float64 with
    `scipy.special.logsumexp`, `block_size` held-out samples at a time. Choose
    σ on validation data with `parzen_bandwidth`, then score test data. The
    estimate is known to be poor in high dimension (Theis et al. 2016, "A note on
    the evaluation of generative models"): report it only to compare with papers
    that do.

    Example:

    >>> x = np.zeros((1, 2))
    >>> parzen_log_likelihood(x, x, bandwidth=1.0)  # log N(0; 0, I₂) = −log 2π
    -1.8378...

    Args:
        samples: held-out data (N, ...), e.g. test images, flattened to vectors.
        generated: generated samples (n, ...) of the same shape per sample, in
            the same value range.
        bandwidth: σ > 0, in the data's units (the paper's images were in [0, 1]).
        block_size: held-out samples whose distances to all generated ones are
            held at a time (block_size × n float64 values).

    Returns:
        The mean log-likelihood in nats, a Python float.
    """
    return float(np.mean(parzen_log_densities(samples, generated, bandwidth, block_size)))


def parzen_log_densities(samples, generated, bandwidth, block_size=1024):
    """log (1/n) Σ_j N(x_i; g_j, σ²I) for each held-out sample x_i: the terms
    `parzen_log_likelihood` averages.

    Their spread gives the standard error of that mean, which Goodfellow et al.
    report beside it (their `parzen_ll.py`: `ll.std() / sqrt(N)`).

    Example:

    >>> densities = parzen_log_densities(test, generated, sigma)
    >>> densities.mean(), densities.std() / np.sqrt(len(densities))

    Args:
        samples, generated, bandwidth, block_size: as in `parzen_log_likelihood`.

    Returns:
        A float64 array (N,) of log-densities in nats.
    """
    return _log_densities(samples, generated, [bandwidth], block_size)[0]


def parzen_bandwidth(validation, generated, candidates, block_size=1024):
    """The σ of `candidates` maximizing `parzen_log_likelihood(validation, generated, σ)`.

    Goodfellow et al. 2014, §5: "The σ parameter of the Gaussians was obtained
    by cross validation on the validation set"; their code tries
    `np.logspace(-1, 0, 10)` for images in [0, 1] (twice those for images in
    [−1, 1]). The distances are computed once for all candidates. If the best
    σ is the smallest or largest candidate, widen the grid.

    Example:

    >>> sigma = parzen_bandwidth(validation, generated, np.logspace(-1, 0, 10))
    >>> parzen_log_likelihood(test, generated, sigma)

    Args:
        validation: held-out data (N, ...) not used for the final score.
        generated: generated samples (n, ...).
        candidates: the bandwidths to try, positive; ties go to the first.
        block_size: as in `parzen_log_likelihood`.

    Returns:
        The best candidate, a Python float.
    """
    candidates = _bandwidths(candidates)
    scores = _log_densities(validation, generated, candidates, block_size).mean(axis=1)
    return float(candidates[np.argmax(scores)])


def _bandwidths(values):
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or not len(values) or not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(
            f"Bandwidths must be positive finite numbers (a non-empty list); got {values!r}."
        )
    return values


def _log_densities(samples, generated, bandwidths, block_size):
    """The Parzen log-density of each of `samples` (columns) for each of
    `bandwidths` (rows), the distances computed once."""
    bandwidths = _bandwidths(bandwidths)
    x, centres = feature_sets(samples, generated, block_size=block_size, flatten=True, names=_NAMES)
    n, d = centres.shape
    norms = np.einsum("ij,ij->i", centres, centres)
    densities = np.empty((len(bandwidths), len(x)))
    for start in range(0, len(x), block_size):
        distances = squared_distances(x[start : start + block_size], centres, norms)
        for i, sigma in enumerate(bandwidths):
            densities[i, start : start + len(distances)] = logsumexp(
                distances / (-2.0 * sigma**2), axis=1
            )
    return densities - (np.log(n) + 0.5 * d * np.log(2.0 * np.pi * bandwidths**2))[:, None]
