"""The distribution of the generator's noise z, and BigGAN's truncation trick."""

import keras
import numpy as np

NOISE_DISTRIBUTIONS = ("normal", "uniform")


def check_noise_distribution(distribution, stddev):
    """Raises a ValueError unless `distribution` is known and `stddev` fits it."""
    if distribution not in NOISE_DISTRIBUTIONS:
        raise ValueError(
            f"Unknown noise_distribution {distribution!r}. Choose one of: "
            f"{', '.join(NOISE_DISTRIBUTIONS)}."
        )
    if not float(stddev) > 0:
        raise ValueError(f"noise_stddev must be positive; got {stddev!r}.")
    if distribution == "uniform" and float(stddev) != 1.0:
        raise ValueError(
            f"noise_stddev={stddev!r} was given with noise_distribution='uniform', whose "
            f"range is fixed to [-1, 1] (DCGAN). noise_stddev applies to 'normal' noise only: "
            f"leave it at 1.0."
        )


def latent_noise(shape, distribution="normal", stddev=1.0, seed=None):
    """z ~ N(0, stddev² I) or z ~ U[−1, 1]^d, drawn with `keras.random`.

    "normal" is EDGAN's (§3.3.1: a standard Gaussian; its Algorithm 1 writes
    N(0, 0.02)); "uniform" on [−1, 1] is DCGAN's (Radford et al. 2016, §4), the
    noise of the DCGAN rows of EDGAN's Tables 1 and 2.

    Example:
    ```python
    z = latent_noise((64, 128), "uniform", seed=keras.random.SeedGenerator(0))
    ```
    """
    if distribution == "uniform":
        return keras.random.uniform(shape, minval=-1.0, maxval=1.0, seed=seed)
    return keras.random.normal(shape, stddev=stddev, seed=seed)


def numpy_latent_noise(rng, shape, distribution="normal", stddev=1.0, truncation=None):
    """The distribution of `latent_noise` drawn from a numpy `Generator`, as float32,
    for sampling outside training (fixed grids, evaluation).

    `truncation` applies BigGAN's truncation trick to normal noise (see
    `truncated_normal`); it is in units of `stddev`.

    Example:
    >>> numpy_latent_noise(np.random.default_rng(0), (2, 3), truncation=0.5).shape
    (2, 3)
    """
    if distribution == "uniform":
        if truncation is not None:
            raise ValueError(
                "The truncation trick resamples Gaussian noise beyond a threshold; it is "
                "undefined for noise_distribution='uniform'. Call without truncation."
            )
        return rng.uniform(-1.0, 1.0, shape).astype("float32")
    if truncation is None:
        return rng.normal(0.0, stddev, shape).astype("float32")
    return (stddev * truncated_normal(rng, shape, truncation)).astype("float32")


def truncated_normal(rng, shape, threshold):
    """Standard normal values, each one drawn again while its magnitude exceeds
    `threshold`: the truncation trick of Brock, Donahue and Simonyan 2019 (BigGAN,
    §3.1). Smaller thresholds trade the variety of the samples for their fidelity.

    Example:
    >>> z = truncated_normal(np.random.default_rng(0), (1000,), 0.5)
    >>> bool(np.abs(z).max() <= 0.5)
    True
    """
    if not float(threshold) > 0:
        raise ValueError(
            f"truncation must be a positive threshold on |z| (BigGAN uses values in "
            f"(0, 2]); got {threshold!r}."
        )
    z = rng.standard_normal(shape)
    outside = np.abs(z) > threshold
    while outside.any():
        z[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(z) > threshold
    return z
