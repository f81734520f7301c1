"""The scores of GAN+VER's Tables I and II for samples of the 2-D Gaussian mixtures.

Khorramshahi et al. 2020, §IV-B, after VEEGAN (Srivastava et al. 2017) for Modes, HQ
and KL, and Xu et al. 2018 for WD, MMD and the 1-NN accuracies. The mixtures, their
means and σ = 0.05 are those of `pipelines.gmm`.
"""

import math

import numpy as np
from keras import ops

from keras_edgan.metrics.two_sample import (
    label_kl_divergence,
    maximum_mean_discrepancy,
    nearest_neighbor_scores,
    wasserstein_distance,
)
from pipelines import gmm

HIGH_QUALITY_RADIUS = 3.0
"""A sample is of high quality, and its component detected, within 3σ of a mean."""

HIGH_QUALITY_EXPECTED = 100.0 * (1.0 - math.exp(-HIGH_QUALITY_RADIUS**2 / 2.0))
"""HQ of samples of the mixture itself: P(‖N(0, σ²I₂)‖ ≤ 3σ) = 1 − e^(−9/2) ≈ 98.89 %
(the norm of a 2-D isotropic Gaussian is Rayleigh-distributed; 99.73 % is the 1-D
figure). Components are ≥ 15σ apart, so nearer components add nothing measurable."""


def mode_scores(samples, dataset):
    """Modes and HQ of VEEGAN: components with a sample within 3σ of their mean, and
    the percentage of samples within 3σ of some component's mean.

    Example:
    >>> mode_scores(gmm.means("ring")[:3], "ring")
    {'modes': 3, 'hq': 100.0}
    """
    samples = _points(samples)
    distances = np.linalg.norm(samples[:, None, :] - gmm.means(dataset)[None], axis=-1)
    near = distances <= HIGH_QUALITY_RADIUS * gmm.STDDEV
    return {
        "modes": int(np.sum(near.any(axis=0))),
        "hq": 100.0 * float(np.mean(near.any(axis=1))),
    }


def binned_kl_divergence(real, generated, bin_size=gmm.STDDEV, pseudo_count=0.5):
    """KL(P_real ‖ P_generated) between histograms on square bins of side `bin_size`.

    VER §IV-B: the plane is cut into squares of side σ (edges at multiples of σ), and
    the two samples' histograms on them are compared by `label_kl_divergence`: real
    first, so a generated distribution that misses a region of the real one pays for
    it (mode collapse), and both smoothed by `pseudo_count` on every occupied bin.
    For two samples of one mixture of 2,500 points each it is ≈ 0.09 (ring) and
    ≈ 0.2 (grid): the finite-sample floor of this estimator.
    """
    real, generated = _points(real), _points(generated)
    return label_kl_divergence(
        np.floor(real / bin_size).astype(np.int64),
        np.floor(generated / bin_size).astype(np.int64),
        pseudo_count=pseudo_count,
    )


def gmm_scores(samples, dataset="ring", repeats=5, seed=0):
    """All scores of VER's Tables I/II for generated points of mixture `dataset`.

    The paper's protocol: "we synthesize 2500 random samples from real distribution
    and generate same number of samples from the trained generator for five times
    and do averaging". `samples` (e.g. 12,500 points for 5 × 2,500) is cut into
    `repeats` equal parts; each is compared with as many fresh points of the mixture
    (seeded by `seed` and the repeat), and the scores are averaged.

    Example:
    >>> scores = gmm_scores(gan.generate(5 * 2500), dataset="ring")
    >>> sorted(scores)
    ['ga', 'hq', 'kl', 'mmd', 'modes', 'pr', 'ra', 're', 'ta', 'wd']

    Returns:
        A dict: modes (detected components, averaged over repeats), hq (%), kl
        (`binned_kl_divergence`), wd (`wasserstein_distance`), mmd
        (`maximum_mean_discrepancy`), and ta, ra, ga, pr, re (%, 
        `nearest_neighbor_scores`).
    """
    samples = _points(samples)
    if dataset not in gmm.MIXTURES:
        raise ValueError(
            f"Unknown mixture {dataset!r}; gmm_scores scores samples of "
            f"{', '.join(repr(m) for m in gmm.MIXTURES)}."
        )
    if repeats < 1 or len(samples) % repeats or len(samples) < 2 * repeats:
        raise ValueError(
            f"{len(samples)} samples cannot be cut into repeats={repeats} equal parts of at "
            f"least 2 samples. The paper's protocol is 5 × 2,500: pass 12,500 samples."
        )
    runs = []
    for repeat, part in enumerate(np.split(samples, repeats)):
        real, _ = gmm.sample(dataset, len(part), seed=(seed, repeat))
        runs.append(
            {
                **mode_scores(part, dataset),
                "kl": binned_kl_divergence(real, part),
                "wd": wasserstein_distance(real, part),
                "mmd": maximum_mean_discrepancy(real, part),
                **nearest_neighbor_scores(real, part),
            }
        )
    return {key: float(np.mean([run[key] for run in runs])) for key in runs[0]}


def _points(samples):
    points = np.asarray(ops.convert_to_numpy(samples), dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"Expected 2-D points of shape (n, 2); got shape {points.shape}.")
    return points
