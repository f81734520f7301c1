"""The lens of Sajjadi, Parascandolo, Mehrjou and Schölkopf, "Tempered Adversarial
Networks", ICML 2018, eq. 2–5: its losses and the schedule of its adversarial weight."""

import math

from keras import ops


def lens_weight(t, steps):
    """λ_t of eq. 5: 1 − sin(tπ/2K) for t ≤ K, then 0.

    The weight of the lens's adversarial term falls smoothly from 1 at t = 0 to 0 at
    t = K = `steps`, after which the lens is trained to reconstruct its input alone
    and converges to the identity: the discriminator then sees the real data.

    Args:
        t: the iteration (a Python number or a scalar tensor).
        steps: K, a positive number of iterations.

    Example:
    >>> float(lens_weight(500, 1000))  # 1 − sin(π/4)
    0.2928932...
    """
    t = ops.cast(t, "float32")
    weight = 1.0 - ops.sin(t * (math.pi / (2.0 * steps)))
    return ops.where(ops.less_equal(t, float(steps)), weight, 0.0)


def lens_reconstruction_loss(samples, lensed):
    """L_L^R = ‖X − L(X)‖₂² of eq. 3: the squared Euclidean distance of each sample to
    its image through the lens, summed over the sample's components and averaged
    over the batch.

    Example:
    >>> float(lens_reconstruction_loss(ops.zeros((2, 3)), ops.ones((2, 3))))
    3.0
    """
    difference = ops.reshape(samples - lensed, (ops.shape(samples)[0], -1))
    return ops.mean(ops.sum(ops.square(difference), axis=1))


def lens_loss(discriminator_loss, reconstruction, weight):
    """L_L = λ·L_L^A + L_L^R of eq. 4, with the adversarial term L_L^A = −L_D of eq. 2:
    the lens ascends the discriminator's loss `discriminator_loss` on the lensed real
    data, weighted by `weight` (λ_t, `lens_weight`), while `reconstruction`
    (L_L^R, `lens_reconstruction_loss`) keeps it close to the identity.

    Example:
    >>> float(lens_loss(discriminator_loss=1.5, reconstruction=0.25, weight=0.5))
    -0.5
    """
    return -weight * discriminator_loss + reconstruction
