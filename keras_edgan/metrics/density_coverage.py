"""Density and coverage: fidelity and diversity from the real samples' k-NN balls."""

import numpy as np

from keras_edgan.metrics.precision_recall import ball_counts, feature_sets, nearest_neighbor_radii


def density_coverage(real_features, fake_features, k=5, block_size=1024):
    """Density and coverage of Naeem et al. 2020.

    "Reliable Fidelity and Diversity Metrics for Generative Models" (ICML
    2020), §3.2: with real samples X_1..X_N, fake samples Y_1..Y_M and
    B(x, r) the closed Euclidean ball of radius r around x, NND_k(X_i) the
    distance from X_i to its k-th nearest neighbour among the other real samples,

        density  = (1/kM) Σ_j Σ_i 1[Y_j ∈ B(X_i, NND_k(X_i))],
        coverage = (1/N) Σ_i 1[∃ j: Y_j ∈ B(X_i, NND_k(X_i))].

    Unlike precision and recall, both use only the real samples' balls, so a
    few outlying fakes cannot inflate a fake manifold. Density counts how many
    real balls hold each fake: it is 1 in expectation when both sets come from
    one distribution (k/N is the chance that a fresh sample is among a real
    sample's k nearest) and can exceed 1; coverage is the share of real balls
    holding at least one fake, in [0, 1]. The paper uses k = 5. Distances as in
    `precision_recall`, by blocks of `block_size` real samples.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(1000, 16))
    >>> density_coverage(real, real)  # each real ball holds its centre and k neighbours
    {'density': 1.2, 'coverage': 1.0}

    Args:
        real_features: array or tensor (N, d) of real samples' features.
        fake_features: array or tensor (M, d) of generated samples' features.
        k: the neighbour defining each radius; the real set needs more than k samples.
        block_size: real samples whose distances to all fakes are held at a time.

    Returns:
        {"density": float, "coverage": float}.
    """
    real, fake = feature_sets(
        real_features, fake_features, k=k, block_size=block_size, neighbors_in=("real_features",)
    )
    radii = nearest_neighbor_radii(real, k, block_size)
    balls_per_fake, fakes_per_ball = ball_counts(fake, real, radii, block_size)
    return {
        "density": float(balls_per_fake.sum() / (k * len(fake))),
        "coverage": float(np.mean(fakes_per_ball > 0)),
    }
