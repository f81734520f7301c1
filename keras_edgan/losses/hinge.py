"""The hinge GAN objective on discriminator outputs (Lim and Ye 2017), used by
SNGAN (Miyato et al. 2018) and SAGAN (Zhang et al. 2019)."""

from keras import ops


def hinge_discriminator_loss(real_scores, fake_scores):
    """L_D = E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))].

    The hinge version of the adversarial loss of Miyato, Kataoka, Koyama and
    Yoshida, "Spectral normalization for generative adversarial networks",
    ICLR 2018 (§4), and of SAGAN (Zhang, Goodfellow, Metaxas and Odena,
    "Self-attention generative adversarial networks", ICML 2019): scores
    above 1 on real and below −1 on generated samples cost nothing.

    Example:
    >>> float(hinge_discriminator_loss(2.0 * ops.ones((4, 1)), -2.0 * ops.ones((4, 1))))
    0.0
    """
    return ops.mean(ops.relu(1.0 - real_scores)) + ops.mean(ops.relu(1.0 + fake_scores))


def hinge_generator_loss(fake_scores):
    """L_G = −E[D(G(z))], the generator's hinge-version loss (Miyato et al. 2018, §4)."""
    return -ops.mean(fake_scores)
