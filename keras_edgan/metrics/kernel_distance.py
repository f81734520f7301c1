"""The kernel distance between two sets of activations (KID with Inception's)."""

import numpy as np
from keras import ops


def kernel_distance(activations_a, activations_b, max_block_size=1024):
    """Unbiased squared MMD with the cubic polynomial kernel, by blocks.

    Bińkowski et al. 2018, "Demystifying MMD GANs", §4 and Appendix D (the
    Kernel Inception Distance): with k(x, y) = (xᵀy / d + 1)³,

        KID = E[k(a, a')] + E[k(b, b')] - 2 E[k(a, b)],

    each expectation estimated without the diagonal terms (the unbiased U-statistic).
    As in TF-GAN's `kernel_classifier_distance_from_activations`, both sets are
    cut into the same number of blocks of near-equal size (none larger than
    `max_block_size`) and the per-block estimates are averaged, which keeps the
    cost linear in the number of samples. Blocks assume the activations are in
    random order. Computed in float64. It can be slightly negative when the two
    distributions are equal.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> kernel_distance(rng.normal(size=(500, 8)), rng.normal(size=(500, 8)))  # ~0

    Args:
        activations_a: array or tensor of shape (n_a, d), n_a >= 2 per block.
        activations_b: array or tensor of shape (n_b, d).
        max_block_size: largest number of samples of one set in a block.

    Returns:
        The estimate, a Python float. With the reference Inception network's
        pool_3 activations it is the KID; name it after any other extractor.
    """
    # Cast to float64 block by block: 50,000 × 2048 activations would take 800 MB.
    a = np.asarray(ops.convert_to_numpy(activations_a))
    b = np.asarray(ops.convert_to_numpy(activations_b))
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(
            f"Activations must be 2-D (samples, features) with the same number of "
            f"features; got shapes {a.shape} and {b.shape}."
        )
    blocks = -(-max(len(a), len(b)) // max_block_size)
    if min(len(a), len(b)) < 2 * blocks:
        raise ValueError(
            f"Each of the {blocks} blocks needs at least 2 samples of each set; got "
            f"{len(a)} and {len(b)} samples. Use more samples or a larger max_block_size."
        )
    dimension = a.shape[1]
    estimates = [
        _block_estimate(block_a, block_b, dimension)
        for block_a, block_b in zip(_blocks(a, blocks), _blocks(b, blocks))
    ]
    return float(np.mean(estimates))


def _blocks(x, blocks):
    """`x` cut into `blocks` consecutive blocks, the larger ones last (TF-GAN's cut)."""
    size, larger = divmod(len(x), blocks)
    sizes = [size] * (blocks - larger) + [size + 1] * larger
    return np.split(x, np.cumsum(sizes)[:-1])


def _block_estimate(a, b, dimension):
    a, b = a.astype(np.float64), b.astype(np.float64)

    def kernel(x, y):
        return (x @ y.T / dimension + 1.0) ** 3

    def within(x):
        k = kernel(x, x)
        return (k.sum() - np.trace(k)) / (len(x) * (len(x) - 1))

    return within(a) + within(b) - 2.0 * kernel(a, b).mean()
