"""The least squares GAN objective (Mao et al. 2017) on discriminator outputs.

The discriminator outputs one unbounded score per sample, regressed onto target
values: b for real data, a for generated data; the generator pulls the scores of
its samples towards c.
"""

from keras import ops


def least_squares_discriminator_loss(real_scores, fake_scores, a=0.0, b=1.0):
    """L_D = ½·E[(D(x) − b)²] + ½·E[(D(G(z)) − a)²] (Mao et al. 2017, eq. 2).

    Mao, Li, Xie, Lau, Wang and Smolley, "Least squares generative adversarial
    networks", ICCV 2017. `a` is the target of generated samples, `b` that of real
    ones. §3.2.2 of the paper gives two choices: (a, b, c) = (−1, 1, 0), under
    which the objective minimizes the Pearson χ² divergence, and (0, 1, 1),
    the 0-1 coding used here by default.

    Example:
    >>> float(least_squares_discriminator_loss(ops.ones((4, 1)), ops.zeros((4, 1))))
    0.0
    """
    return 0.5 * ops.mean(ops.square(real_scores - b)) + 0.5 * ops.mean(
        ops.square(fake_scores - a)
    )


def least_squares_generator_loss(fake_scores, c=1.0):
    """L_G = ½·E[(D(G(z)) − c)²] (Mao et al. 2017, eq. 2); c is the value the
    generator wants the discriminator to believe for its samples."""
    return 0.5 * ops.mean(ops.square(fake_scores - c))
