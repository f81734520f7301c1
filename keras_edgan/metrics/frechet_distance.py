"""The Fréchet distance between two sets of activations (FID with Inception's)."""

import numpy as np
from keras import ops
from scipy.linalg import lapack

# Rows of activations turned into float64 at a time: the float64 copy of 50,000
# activations would take 800 MB.
_CHUNK = 4096


def frechet_distance(activations_a, activations_b):
    """Fréchet distance between Gaussians fitted to two sets of activations.

    The Fréchet Inception Distance of Heusel et al. 2017, "GANs Trained by a
    Two Time-Scale Update Rule Converge to a Local Nash Equilibrium" (the
    Fréchet distance of two Gaussians, Dowson & Landau 1982), as written in
    GAN+VER §IV-A (the FID equation):

        d² = |m_a - m_b|² + Tr(C_a + C_b - 2 (C_a C_b)^{1/2}),

    with the sample means m and unbiased sample covariances C, in float64, as in
    TF-GAN's `frechet_classifier_distance_from_activations`. With the pool_3
    activations of the reference Inception network this is the FID; with any
    other extractor, name it after that extractor ("FD-mnist-classifier").

    The trace term uses Tr (C_a C_b)^{1/2} = Σ √λ_i(Lᵀ C_b L) for any factor
    C_a = L Lᵀ: a pivoted Cholesky factor (which also handles the rank-deficient
    covariances of fewer samples than dimensions) and the eigenvalues of one
    symmetric matrix, several times faster than TF-GAN's two SVDs or scipy's
    `sqrtm` (see `python -m keras_edgan.benchmarks.frechet_distance`).

    Example:

    >>> a = np.random.default_rng(0).normal(size=(500, 16))
    >>> frechet_distance(a, a + 1.0)  # shifting every feature by 1 adds d = 16
    16.0...

    Args:
        activations_a: array or tensor of shape (n_a, d), n_a >= 2.
        activations_b: array or tensor of shape (n_b, d), n_b >= 2.

    Returns:
        The squared Fréchet distance, a Python float.
    """
    mean_a, covariance_a = moments(activations_a)
    mean_b, covariance_b = moments(activations_b)
    if mean_a.shape != mean_b.shape:
        raise ValueError(
            f"The two sets of activations have different dimensions: {mean_a.shape[0]} "
            f"and {mean_b.shape[0]}. Compute both with the same feature extractor."
        )
    return frechet_distance_from_moments(mean_a, covariance_a, mean_b, covariance_b)


def frechet_distance_from_moments(mean_a, covariance_a, mean_b, covariance_b):
    """`frechet_distance` from precomputed moments (see `moments`), e.g. cached
    statistics of the real data. Returns a Python float."""
    mean_a, mean_b = np.asarray(mean_a, np.float64), np.asarray(mean_b, np.float64)
    covariance_a = np.asarray(covariance_a, np.float64)
    covariance_b = np.asarray(covariance_b, np.float64)
    factor = _psd_factor(covariance_a)
    # Same nonzero eigenvalues as C_a C_b, but symmetric positive semi-definite:
    # rounding can only leave tiny negative ones, which are zero.
    eigenvalues = np.linalg.eigvalsh(factor.T @ covariance_b @ factor)
    trace_sqrt_product = np.sqrt(np.clip(eigenvalues, 0.0, None)).sum()
    distance = (
        np.sum(np.square(mean_a - mean_b))
        + np.trace(covariance_a)
        + np.trace(covariance_b)
        - 2.0 * trace_sqrt_product
    )
    return float(distance)


def moments(activations):
    """Returns the float64 mean (d,) and unbiased covariance (d, d) of (n, d)
    activations, accumulated in chunks of rows.

    Example:

    >>> mean, covariance = moments(np.eye(3))
    >>> mean.shape, covariance.shape
    ((3,), (3, 3))
    """
    activations = ops.convert_to_numpy(activations)
    if activations.ndim != 2 or activations.shape[0] < 2:
        raise ValueError(
            f"Activations must be a 2-D array (samples, features) with at least 2 "
            f"samples; got shape {activations.shape}. Flatten features to 2-D."
        )
    n, d = activations.shape
    mean = activations.mean(axis=0, dtype=np.float64)
    covariance = np.zeros((d, d))
    for start in range(0, n, _CHUNK):
        centred = activations[start : start + _CHUNK].astype(np.float64) - mean
        covariance += centred.T @ centred
    return mean, covariance / (n - 1)


def _psd_factor(matrix):
    """L with matrix = L Lᵀ, of shape (d, rank), by Cholesky with full pivoting
    (LAPACK's dpstrf), which stops at the numerical rank."""
    lower, pivots, rank, info = lapack.dpstrf(matrix, lower=1)
    if info < 0:
        raise ValueError(f"LAPACK dpstrf rejected argument {-info} of the covariance.")
    factor = np.empty((matrix.shape[0], rank))
    factor[pivots - 1] = np.tril(lower)[:, :rank]
    return factor
