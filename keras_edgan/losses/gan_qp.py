"""The GAN-QP objective (Su 2018): a quadratic potential instead of a Lipschitz
constraint on the critic."""

from keras import ops


def gan_qp_discriminator_loss(real_scores, fake_scores, real, fake, penalty_weight=10.0):
    """L_D = E[−Δ + Δ² / (2λ·d(x_r, x_f))], Δ = T(x_r) − T(x_f).

    Su, "GAN-QP: a novel GAN framework without gradient vanishing and Lipschitz
    constraint", arXiv:1811.07296, 2018: the critic maximizes
    E[T(x_r, x_f) − T(x_f, x_r) − (T(x_r, x_f) − T(x_f, x_r))² / (2λ·d(x_r, x_f))]
    over pairs of a real and a generated sample; with a critic of one argument
    (Su's experiments) T(x_r, x_f) − T(x_f, x_r) = T(x_r) − T(x_f) = Δ. The
    quadratic term keeps Δ near λ·d instead of letting it grow without bound.
    Real and generated samples are paired by index, and d is their L1 distance
    averaged over the elements of a sample, so that λ does not depend on the
    image size.

    Example:
    >>> scores, samples = ops.zeros((4, 1)), ops.ones((4, 2))
    >>> float(gan_qp_discriminator_loss(scores, scores, samples, -samples))
    0.0

    Args:
        real_scores, fake_scores: the critic's outputs T on real and generated
            samples, one per sample.
        real, fake: the samples themselves, of the same shape `(n, ...)`.
        penalty_weight: λ, the scale of the quadratic potential (10 in Su's
            experiments).
    """
    difference = ops.reshape(real_scores - fake_scores, (-1,))
    distance = ops.mean(ops.abs(ops.reshape(real - fake, (ops.shape(real)[0], -1))), axis=1)
    # A generated sample equal to its real partner has no defined potential.
    distance = ops.maximum(distance, 1e-12)
    return ops.mean(-difference + ops.square(difference) / (2.0 * penalty_weight * distance))


def gan_qp_generator_loss(real_scores, fake_scores):
    """L_G = E[T(x_r) − T(x_f)] (Su 2018): the generator raises the critic's score
    of its samples relative to their real partners."""
    return ops.mean(real_scores) - ops.mean(fake_scores)
