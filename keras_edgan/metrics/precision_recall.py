"""Improved precision and recall: k-nearest-neighbour manifolds of two feature sets.

The helpers here (`feature_sets`, `nearest_neighbor_radii`, `ball_counts`) are
shared with density and coverage (`keras_edgan.metrics.density_coverage`).
"""

import numpy as np
from keras import ops


def precision_recall(real_features, fake_features, k=3, block_size=1024):
    """Improved precision and recall of Kynkäänniemi et al. 2019.

    "Improved Precision and Recall Metric for Assessing Generative Models"
    (NeurIPS 2019), §2, eqs. (1)–(3): the manifold of a set Φ is the union of
    the closed balls around each of its feature vectors φ′ with radius
    ‖φ′ − NN_k(φ′)‖₂, the distance to its k-th nearest neighbour in Φ (itself
    left out), and

        f(φ, Φ) = 1 if ‖φ − φ′‖₂ ≤ ‖φ′ − NN_k(φ′)‖₂ for at least one φ′ ∈ Φ, else 0,
        precision = (1/|Φ_g|) Σ_{φ_g ∈ Φ_g} f(φ_g, Φ_r),
        recall    = (1/|Φ_r|) Σ_{φ_r ∈ Φ_r} f(φ_r, Φ_g).

    Precision is the share of generated samples inside the real manifold
    (fidelity); recall is the share of real samples inside the generated
    manifold (diversity). The paper uses k = 3 and VGG-16 features; name the
    scores after the extractor that gave `real_features`. Squared Euclidean
    distances are computed in float64 as ‖a‖² + ‖b‖² − 2aᵀb (matrix products,
    as the paper's code and scikit-learn do), `block_size` rows against a whole
    set at a time.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(1000, 16))
    >>> precision_recall(real, real)
    {'precision': 1.0, 'recall': 1.0}
    >>> precision_recall(real, np.zeros((1000, 16)))  # collapsed: fidelity, no diversity
    {'precision': 1.0, 'recall': 0.0}

    Args:
        real_features: array or tensor (N, d) of real samples' features.
        fake_features: array or tensor (M, d) of generated samples' features.
        k: the neighbour defining each radius; each set needs more than k samples.
        block_size: rows of distances held at a time; memory is about
            block_size × max(N, M) float64 values beside float64 copies of both sets.

    Returns:
        {"precision": float, "recall": float}, each in [0, 1].
    """
    real, fake = feature_sets(real_features, fake_features, k=k, block_size=block_size)
    real_radii = nearest_neighbor_radii(real, k, block_size)
    fake_radii = nearest_neighbor_radii(fake, k, block_size)
    fakes_in_real, _ = ball_counts(fake, real, real_radii, block_size)
    reals_in_fake, _ = ball_counts(real, fake, fake_radii, block_size)
    return {
        "precision": float(np.mean(fakes_in_real > 0)),
        "recall": float(np.mean(reals_in_fake > 0)),
    }


def feature_sets(real_features, fake_features, k=None, block_size=None, flatten=False,
                 names=("real_features", "fake_features"), neighbors_in=None):
    """Both sets as float64 arrays (n, d), after checking them.

    Raises a ValueError naming what was wrong and what was expected: a set that
    is not 2-D (with `flatten`, samples (n, ...) are flattened to vectors first),
    sets of different feature dimensions, NaN or infinite values, (with `k`) a
    set of at most `k` samples, which has no k-th neighbour (only the sets named
    in `neighbors_in`, default both), or a `k` or `block_size` that is not a
    positive integer.
    """
    for name, value in (("k", k), ("block_size", block_size)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1
        ):
            raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    arrays = []
    for name, features in zip(names, (real_features, fake_features)):
        features = np.asarray(ops.convert_to_numpy(features))
        if flatten and features.ndim > 2:
            features = features.reshape(len(features), -1)
        if features.ndim != 2 or not len(features):
            raise ValueError(
                f"{name} must be a non-empty 2-D array (samples, features); got shape "
                f"{features.shape}. Flatten each sample's features to one vector."
            )
        features = features.astype(np.float64)
        bad = np.count_nonzero(~np.isfinite(features))
        if bad:
            raise ValueError(
                f"{name} holds {bad} non-finite values (NaN or ±Inf) among "
                f"{features.size}; expected finite features."
            )
        if k is not None and name in (neighbors_in or names) and len(features) <= k:
            raise ValueError(
                f"k={k} needs more than k samples in {name} (each sample's k-th "
                f"nearest neighbour, itself left out); it has {len(features)}. Use a "
                f"smaller k or more samples."
            )
        arrays.append(features)
    if arrays[0].shape[1] != arrays[1].shape[1]:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same number of features (the "
            f"same extractor); got {arrays[0].shape[1]} and {arrays[1].shape[1]}."
        )
    return arrays


def squared_distances(a, b, b_squared_norms=None):
    """(len(a), len(b)) squared Euclidean distances ‖a‖² + ‖b‖² − 2abᵀ, float64,
    clipped at 0 (round-off can leave tiny negatives)."""
    if b_squared_norms is None:
        b_squared_norms = np.einsum("ij,ij->i", b, b)
    distances = a @ b.T
    distances *= -2.0
    distances += np.einsum("ij,ij->i", a, a)[:, None]
    distances += b_squared_norms[None, :]
    return np.maximum(distances, 0.0, out=distances)


def nearest_neighbor_radii(x, k, block_size=1024):
    """The squared distance of each row of `x` to its k-th nearest other row.

    The row itself is left out (its own distance is set to +inf), so a
    duplicate of a row is a neighbour at distance 0.
    """
    norms = np.einsum("ij,ij->i", x, x)
    radii = np.empty(len(x))
    for start in range(0, len(x), block_size):
        distances = squared_distances(x[start : start + block_size], x, norms)
        rows = np.arange(len(distances))
        distances[rows, start + rows] = np.inf
        radii[start : start + len(distances)] = np.partition(distances, k - 1, axis=1)[:, k - 1]
    return radii


def ball_counts(points, centres, squared_radii, block_size=1024):
    """Membership of `points` in the closed balls B(centre_i, radius_i).

    Returns `(per_point, per_centre)`: integer arrays of how many balls hold
    each point and how many points each ball holds. `squared_radii` are
    squared, as `nearest_neighbor_radii` returns them.
    """
    norms = np.einsum("ij,ij->i", points, points)
    per_point = np.zeros(len(points), np.int64)
    per_centre = np.empty(len(centres), np.int64)
    for start in range(0, len(centres), block_size):
        block = slice(start, start + block_size)
        inside = squared_distances(centres[block], points, norms) <= squared_radii[block, None]
        per_point += inside.sum(axis=0)
        per_centre[block] = inside.sum(axis=1)
    return per_point, per_centre
