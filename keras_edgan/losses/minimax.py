"""The GAN objective of Goodfellow et al. 2014, on discriminator logits.

The discriminator outputs a logit l; D(x) = sigmoid(l). Writing the losses with
softplus (−log σ(l) = softplus(−l), −log(1 − σ(l)) = softplus(l)) is the same
objective without the overflow of log(sigmoid(·)) for saturated logits.
"""

from keras import ops


def sigmoid_cross_entropy(logits, targets):
    """−t·log σ(l) − (1 − t)·log(1 − σ(l)), elementwise, for targets t in [0, 1].

    Example:
    >>> float(sigmoid_cross_entropy(ops.zeros(()), 0.9))  # log 2 for any target
    0.693...
    """
    return targets * ops.softplus(-logits) + (1.0 - targets) * ops.softplus(logits)


def minimax_discriminator_loss(real_logits, fake_logits, real_target=1.0, fake_target=0.0):
    """L_D = −E[log D(x)] − E[log(1 − D(G(z)))] (EDGAN eq. 1 and 9), the sigmoid
    cross-entropy of the real samples against target 1 and of the generated ones
    against target 0.

    Other targets give label smoothing (Salimans et al. 2016, §3.4; the practical
    guide of Garrido et al. 2019, §4.1): a real target α < 1 (one-sided, e.g. 0.9)
    and a fake target β > 0 (two-sided), for which the optimal discriminator is
    D*(x) = (α·p_data(x) + β·p_model(x)) / (p_data(x) + p_model(x)). Targets may be
    tensors of the logits' shape, one per sample (noisy labels flip some of them).

    Example:
    >>> float(minimax_discriminator_loss(ops.zeros((4, 1)), ops.zeros((4, 1))))  # 2 log 2
    1.386...
    """
    return ops.mean(sigmoid_cross_entropy(real_logits, real_target)) + ops.mean(
        sigmoid_cross_entropy(fake_logits, fake_target)
    )


def minimax_generator_loss(fake_logits):
    """L_G1 = E[log(1 − D(G(z)))], the saturating generator loss (EDGAN eq. 2)."""
    return -ops.mean(ops.softplus(fake_logits))


def non_saturating_generator_loss(fake_logits):
    """L_G2 = −E[log D(G(z))], the non-saturating generator loss (EDGAN eq. 3)."""
    return ops.mean(ops.softplus(-fake_logits))
