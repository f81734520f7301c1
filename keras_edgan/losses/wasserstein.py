"""The Wasserstein GAN objective on critic outputs (Arjovsky et al. 2017).

The critic f outputs one unbounded score per sample; the Kantorovich–Rubinstein dual
of the earth mover's distance is E[f(x)] − E[f(G(z))] over 1-Lipschitz f. The critic
maximizes it, the generator minimizes it (VER eq. 8, without the penalty).
"""

from keras import ops


def wasserstein_discriminator_loss(real_scores, fake_scores):
    """L_D = E[f(G(z))] − E[f(x)]: the critic's loss, the negated dual objective.

    Example:
    >>> float(wasserstein_discriminator_loss(ops.ones((4, 1)), ops.zeros((4, 1))))
    -1.0
    """
    return ops.mean(fake_scores) - ops.mean(real_scores)


def wasserstein_generator_loss(fake_scores):
    """L_G = −E[f(G(z))]: the generator's part of the dual objective."""
    return -ops.mean(fake_scores)
