"""The GAN objective of Goodfellow et al. 2014, on discriminator logits.

The discriminator outputs a logit l; D(x) = sigmoid(l). Writing the losses with
softplus (−log σ(l) = softplus(−l), −log(1 − σ(l)) = softplus(l)) is the same
objective without the overflow of log(sigmoid(·)) for saturated logits.
"""

from keras import ops


def minimax_discriminator_loss(real_logits, fake_logits):
    """L_D = −E[log D(x)] − E[log(1 − D(G(z)))] (EDGAN eq. 1 and 9).

    Example:
    >>> float(minimax_discriminator_loss(ops.zeros((4, 1)), ops.zeros((4, 1))))  # 2 log 2
    1.386...
    """
    return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))


def minimax_generator_loss(fake_logits):
    """L_G1 = E[log(1 − D(G(z)))], the saturating generator loss (EDGAN eq. 2)."""
    return -ops.mean(ops.softplus(fake_logits))


def non_saturating_generator_loss(fake_logits):
    """L_G2 = −E[log D(G(z))], the non-saturating generator loss (EDGAN eq. 3)."""
    return ops.mean(ops.softplus(-fake_logits))
