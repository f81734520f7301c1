"""Relativistic GAN objectives (Jolicoeur-Martineau 2019) on critic outputs.

Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
standard GAN", ICLR 2019. The critic C outputs an unbounded score; the
discriminator estimates the probability that real data is more realistic than
generated data, sigmoid(C(x_r) − C(x_f)), pairwise (RSGAN) or against the mean
score of the other batch (RaSGAN). −log sigmoid(t) is written softplus(−t), the
same objective without overflow for saturated scores.
"""

from keras import ops


def relativistic_discriminator_loss(real_scores, fake_scores):
    """L_D = −E_{(x_r, x_f)}[log sigmoid(C(x_r) − C(x_f))] (RSGAN).

    Real and generated samples are paired by index.

    Example:
    >>> float(relativistic_discriminator_loss(ops.zeros((4, 1)), ops.zeros((4, 1))))  # log 2
    0.693...
    """
    return ops.mean(ops.softplus(fake_scores - real_scores))


def relativistic_generator_loss(real_scores, fake_scores):
    """L_G = −E_{(x_r, x_f)}[log sigmoid(C(x_f) − C(x_r))] (RSGAN)."""
    return ops.mean(ops.softplus(real_scores - fake_scores))


def relativistic_average_discriminator_loss(real_scores, fake_scores):
    """L_D = −E_{x_r}[log D̄(x_r)] − E_{x_f}[log(1 − D̄(x_f))] (RaSGAN),

    with D̄(x_r) = sigmoid(C(x_r) − E_{x_f}[C(x_f)]) and
    D̄(x_f) = sigmoid(C(x_f) − E_{x_r}[C(x_r)]), the expectations taken over the
    minibatch.
    """
    real_vs_fake = real_scores - ops.mean(fake_scores)
    fake_vs_real = fake_scores - ops.mean(real_scores)
    return ops.mean(ops.softplus(-real_vs_fake)) + ops.mean(ops.softplus(fake_vs_real))


def relativistic_average_generator_loss(real_scores, fake_scores):
    """L_G = −E_{x_f}[log D̄(x_f)] − E_{x_r}[log(1 − D̄(x_r))] (RaSGAN):
    the discriminator's loss with the roles of real and generated data swapped."""
    return relativistic_average_discriminator_loss(fake_scores, real_scores)
