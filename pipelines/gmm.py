"""The 2-D Gaussian mixtures of GAN+VER (Khorramshahi et al. 2020, §IV-A), after
VEEGAN and PacGAN: `ring`, 8 components evenly spaced on the circle of radius 1, and
`grid`, 25 components on the 5×5 lattice {−4, −2, 0, 2, 4}², a square of side 8.
Components are equally likely, with isotropic standard deviation σ = 0.05. The
training set is 100,000 points drawn once with a fixed seed, so every run (and every
backend) trains on the same points.

Example:

>>> from pipelines import gmm
>>> gmm.means("ring").shape, gmm.means("grid").shape
((8, 2), (25, 2))
>>> points, components = gmm.sample("grid", 5, seed=0)
>>> points.shape, points.dtype, components.shape
((5, 2), dtype('float32'), (5,))
"""

import functools
import itertools

import numpy as np

from pipelines import errors

STDDEV = 0.05
"""σ of every component (VER §IV-A)."""

TRAIN_EXAMPLES = 100_000
"""Points in the training set (VER §IV-A: 1e5 training samples)."""

# The training set's seed; evaluation draws fresh points with seeds of its own.
_TRAIN_SEED = 20200531

_MEANS = {
    "ring": np.array(
        [[np.cos(2 * np.pi * k / 8), np.sin(2 * np.pi * k / 8)] for k in range(8)]
    ),
    "grid": np.array(list(itertools.product(range(-4, 5, 2), repeat=2)), dtype=float),
}

MIXTURES = tuple(_MEANS)
"""Names of the mixtures."""


def means(name):
    """The component means of mixture `name`, float64 of shape (components, 2)."""
    if name not in _MEANS:
        raise errors.unknown_choice("mixture", name, MIXTURES)
    return _MEANS[name].copy()


def sample(name, n, seed=None):
    """Draws `n` points of mixture `name`: (float32 points (n, 2), int32 components (n,)).

    Each point picks a component uniformly, then adds N(0, σ²I) to its mean.
    `seed` is any `numpy.random.default_rng` seed.
    """
    centres = means(name)
    rng = np.random.default_rng(seed)
    components = rng.integers(len(centres), size=n)
    points = centres[components] + STDDEV * rng.standard_normal((n, 2))
    return points.astype(np.float32), components.astype(np.int32)


@functools.cache
def train_arrays(name):
    """The training set of mixture `name`: 100,000 seeded points and their components."""
    points, components = sample(name, TRAIN_EXAMPLES, seed=(_TRAIN_SEED, MIXTURES.index(name)))
    # The arrays are cached and shared between calls.
    points.flags.writeable = False
    components.flags.writeable = False
    return points, components


def load(name, batch_size, shuffle=True, seed=None, with_labels=False):
    """Batches of training points (batch_size, 2), with int32 components if `with_labels`.

    Incomplete last batches are dropped; the dataset is not repeated.
    """
    import tensorflow as tf  # here: the mixtures' arrays and `info` need no TensorFlow

    points, components = train_arrays(name)
    examples = tf.data.Dataset.from_tensor_slices((points, components) if with_labels else points)
    if shuffle:
        examples = examples.shuffle(TRAIN_EXAMPLES, seed=seed, reshuffle_each_iteration=True)
    return examples.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
