"""Sample-based distances between a real and a generated sample: the Wasserstein
distance, the maximum mean discrepancy, the 1-nearest-neighbour two-sample test and
the KL divergence of label histograms,
as defined by Xu et al. 2018 ("An empirical study on evaluation metrics of generative
adversarial networks") and used by GAN+VER (Khorramshahi et al. 2020, §IV-B).

Each function takes two arrays (or tensors) of samples `(n, ...)`, flattens every
sample to a vector, computes in float64 and returns Python floats.
"""

import numpy as np
from keras import ops
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist


def wasserstein_distance(real, generated):
    """The exact 1-Wasserstein distance between two samples of equal size.

    W₁ = min over one-to-one assignments π of (1/n) Σᵢ ‖xᵢ − x̂_π(i)‖₂: between two
    empirical distributions with n equally weighted points each, an optimal transport
    plan is a permutation (Birkhoff), found exactly by `linear_sum_assignment` (about
    2 s for 2,500 points per side here).

    Example:
    >>> wasserstein_distance(np.zeros((3, 2)), np.ones((3, 2)))  # √2
    1.414...
    """
    real, generated = _pair(real, generated)
    if len(real) != len(generated):
        raise ValueError(
            f"The exact assignment needs samples of equal size; got {len(real)} real and "
            f"{len(generated)} generated. Draw as many generated samples as real ones."
        )
    cost = cdist(real, generated)
    rows, columns = linear_sum_assignment(cost)
    return float(cost[rows, columns].mean())


def maximum_mean_discrepancy(real, generated, bandwidth=None):
    """The squared MMD with a Gaussian kernel (the biased V-statistic).

    MMD² = E[k(x, x′)] − 2 E[k(x, x̂)] + E[k(x̂, x̂′)], k(a, b) = exp(−‖a − b‖² / 2h²)
    (VER §IV-B), every expectation a mean over all pairs, diagonals included, so the
    estimate is ≥ 0 and ≈ 0 (a few times 1/n) for two samples of one distribution.
    The default bandwidth follows Xu et al.'s code: h² = the mean squared distance
    between the real samples (all pairs, diagonal included), which adapts the kernel
    to the data's scale.

    Example:
    >>> maximum_mean_discrepancy(np.zeros((4, 2)), np.zeros((4, 2)), bandwidth=1.0)
    0.0

    Args:
        real, generated: samples `(n, ...)` and `(m, ...)`.
        bandwidth: h; `None` for the data-adaptive default.
    """
    real, generated = _pair(real, generated)
    real_real = cdist(real, real, "sqeuclidean")
    squared_bandwidth = real_real.mean() if bandwidth is None else float(bandwidth) ** 2
    if squared_bandwidth <= 0:
        raise ValueError(
            "The kernel bandwidth is 0: all real samples are equal. Pass a positive "
            "bandwidth."
        )

    def kernel_mean(squared_distances):
        return np.exp(-squared_distances / (2.0 * squared_bandwidth)).mean()

    return float(
        kernel_mean(real_real)
        - 2.0 * kernel_mean(cdist(real, generated, "sqeuclidean"))
        + kernel_mean(cdist(generated, generated, "sqeuclidean"))
    )


def nearest_neighbor_scores(real, generated, block_size=1024):
    """The 1-NN leave-one-out two-sample test, in percent: ta, ra, ga, pr, re.

    Every sample of the union of both sets is classified by the set of its nearest
    other sample (Euclidean, itself left out). With real as the positive class:
    TA = accuracy over all samples, RA = accuracy on real samples (= recall, RE),
    GA = accuracy on generated samples, PR = precision (real predictions that are
    real). For two samples of one distribution all are ≈ 50 %; near 100 % the sets
    are told apart (Lopez-Paz & Oquab 2017; Xu et al. 2018). Distances are computed
    `block_size` rows at a time.

    Returns:
        A dict with the keys "ta", "ra", "ga", "pr", "re", each in [0, 100].
    """
    real, generated = _pair(real, generated)
    points = np.concatenate([real, generated])
    is_real = np.arange(len(points)) < len(real)
    nearest = np.empty(len(points), dtype=int)
    for start in range(0, len(points), block_size):
        distances = cdist(points[start : start + block_size], points, "sqeuclidean")
        rows = np.arange(len(distances))
        distances[rows, start + rows] = np.inf
        nearest[start : start + len(distances)] = distances.argmin(axis=1)
    predicted_real = is_real[nearest]
    true_positives = np.sum(predicted_real & is_real)
    return {
        "ta": 100.0 * float(np.mean(predicted_real == is_real)),
        "ra": 100.0 * float(true_positives / len(real)),
        "ga": 100.0 * float(np.mean(~predicted_real[~is_real])),
        "pr": 100.0 * float(true_positives / max(np.sum(predicted_real), 1)),
        "re": 100.0 * float(true_positives / len(real)),
    }


def label_kl_divergence(real_labels, generated_labels, pseudo_count=0.5):
    """KL(P_real ‖ P_generated) between the histograms of two samples of labels.

    Labels are integers, or rows of integers (e.g. the (i, j) of a square bin). The
    real distribution comes first, so labels the generated sample misses (dropped
    modes) cost most. Both histograms are smoothed by adding `pseudo_count` to every
    label that occurs in either sample (0.5: the Krichevsky–Trofimov/Jeffreys
    estimate), so a missing label gives a large but finite term.

    Example:
    >>> round(label_kl_divergence([0, 0, 1, 1], [0, 0, 0, 0]), 4)  # p=(.5,.5), q=(.9,.1)
    0.5108
    """
    real_labels = np.asarray(real_labels).reshape(len(real_labels), -1)
    generated_labels = np.asarray(generated_labels).reshape(len(generated_labels), -1)
    _, index = np.unique(
        np.concatenate([real_labels, generated_labels]), axis=0, return_inverse=True
    )
    index = index.reshape(-1)
    counts_real = np.bincount(index[: len(real_labels)], minlength=index.max() + 1)
    counts_generated = np.bincount(index[len(real_labels) :], minlength=index.max() + 1)
    p = (counts_real + pseudo_count) / (counts_real + pseudo_count).sum()
    q = (counts_generated + pseudo_count) / (counts_generated + pseudo_count).sum()
    return float(np.sum(p * np.log(p / q)))


def _pair(real, generated):
    """Both samples as float64 (n, d) arrays with the same d."""
    real = np.asarray(ops.convert_to_numpy(real), dtype=np.float64)
    generated = np.asarray(ops.convert_to_numpy(generated), dtype=np.float64)
    real = real.reshape(len(real), -1)
    generated = generated.reshape(len(generated), -1)
    if real.shape[1] != generated.shape[1] or not len(real) or not len(generated):
        raise ValueError(
            f"Real and generated samples must be non-empty and of the same shape; got "
            f"{real.shape} and {generated.shape} (flattened)."
        )
    return real, generated
