"""The adversarial objectives against numpy transcriptions of their papers' formulas:
value, and gradient w.r.t. the network outputs (central finite differences of the
transcription, in float64)."""

import numpy as np
import pytest
from keras import ops

from keras_edgan import backend, losses

pytestmark = pytest.mark.backends

RNG = np.random.default_rng(0)
REAL = RNG.normal(size=(16, 1))
FAKE = RNG.normal(size=(16, 1))


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


# Transcriptions, written from the papers (not from keras_edgan's code).

def mmgan_g(fake):  # Goodfellow et al. 2014; EDGAN eq. 2
    return np.mean(np.log(1.0 - sigmoid(fake)))


def lsgan_d(real, fake, a, b):  # Mao et al. 2017, eq. 2
    return 0.5 * np.mean((real - b) ** 2) + 0.5 * np.mean((fake - a) ** 2)


def lsgan_g(fake, c):
    return 0.5 * np.mean((fake - c) ** 2)


def hinge_d(real, fake):  # Miyato et al. 2018, §4
    return -np.mean(np.minimum(0.0, -1.0 + real)) - np.mean(np.minimum(0.0, -1.0 - fake))


def hinge_g(fake):
    return -np.mean(fake)


def rsgan_d(real, fake):  # Jolicoeur-Martineau 2019
    return -np.mean(np.log(sigmoid(real - fake)))


def rsgan_g(real, fake):
    return -np.mean(np.log(sigmoid(fake - real)))


def rasgan_d(real, fake):
    d_real = sigmoid(real - np.mean(fake))
    d_fake = sigmoid(fake - np.mean(real))
    return -np.mean(np.log(d_real)) - np.mean(np.log(1.0 - d_fake))


def rasgan_g(real, fake):
    d_real = sigmoid(real - np.mean(fake))
    d_fake = sigmoid(fake - np.mean(real))
    return -np.mean(np.log(d_fake)) - np.mean(np.log(1.0 - d_real))


# Nowozin et al. 2016, Table 2: output activation g_f and conjugate f*.
F_GAN = {
    "kl": (lambda v: v, lambda t: np.exp(t - 1.0)),
    "reverse_kl": (lambda v: -np.exp(-v), lambda t: -1.0 - np.log(-t)),
    "pearson": (lambda v: v, lambda t: t**2 / 4.0 + t),
    "js": (lambda v: np.log(2.0) - np.log(1.0 + np.exp(-v)), lambda t: -np.log(2.0 - np.exp(t))),
}


def f_gan_d(real, fake, divergence):  # −F of eq. 6
    g, conjugate = F_GAN[divergence]
    return -(np.mean(g(real)) - np.mean(conjugate(g(fake))))


def f_gan_g(fake, divergence):
    g, conjugate = F_GAN[divergence]
    return -np.mean(conjugate(g(fake)))


def as_tensor(x):
    return ops.convert_to_tensor(np.asarray(x, dtype="float32"))


def numeric_gradient(fn, x, h=1e-6):
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (fn(up) - fn(down)) / (2 * h)
    return grad


def assert_matches(loss, reference, inputs):
    """`loss` (keras) and `reference` (numpy) agree in value and in their gradient
    w.r.t. each of `inputs` (a list of float64 arrays)."""
    value = float(ops.convert_to_numpy(loss(*[as_tensor(x) for x in inputs])))
    np.testing.assert_allclose(value, reference(*inputs), rtol=1e-5, atol=1e-6)
    for i in range(len(inputs)):
        def keras_part(x, i=i):
            args = [as_tensor(v) for v in inputs]
            args[i] = x
            return loss(*args)

        def numpy_part(x, i=i):
            args = list(inputs)
            args[i] = x
            return reference(*args)

        grad = ops.convert_to_numpy(backend.input_gradient(keras_part, as_tensor(inputs[i])))
        np.testing.assert_allclose(
            grad, numeric_gradient(numpy_part, inputs[i]), rtol=1e-3, atol=1e-6
        )


def test_minimax_generator_loss_is_eq_2():
    assert_matches(losses.minimax_generator_loss, mmgan_g, [FAKE])


@pytest.mark.parametrize("a, b, c", [(0.0, 1.0, 1.0), (-1.0, 1.0, 0.0), (0.3, -0.7, 2.0)])
def test_least_squares_losses_are_eq_2(a, b, c):
    assert_matches(
        lambda r, f: losses.least_squares_discriminator_loss(r, f, a=a, b=b),
        lambda r, f: lsgan_d(r, f, a, b),
        [REAL, FAKE],
    )
    assert_matches(
        lambda f: losses.least_squares_generator_loss(f, c=c), lambda f: lsgan_g(f, c), [FAKE]
    )


def test_hinge_losses():
    assert_matches(losses.hinge_discriminator_loss, hinge_d, [REAL, FAKE])
    assert_matches(losses.hinge_generator_loss, hinge_g, [FAKE])


def test_relativistic_losses():
    assert_matches(losses.relativistic_discriminator_loss, rsgan_d, [REAL, FAKE])
    assert_matches(losses.relativistic_generator_loss, rsgan_g, [REAL, FAKE])


def test_relativistic_average_losses():
    assert_matches(losses.relativistic_average_discriminator_loss, rasgan_d, [REAL, FAKE])
    assert_matches(losses.relativistic_average_generator_loss, rasgan_g, [REAL, FAKE])


@pytest.mark.parametrize("divergence", sorted(F_GAN))
def test_f_gan_losses_follow_eq_6_and_table_2(divergence):
    assert set(losses.F_DIVERGENCES) == set(F_GAN)
    assert_matches(
        lambda r, f: losses.f_gan_discriminator_loss(r, f, divergence),
        lambda r, f: f_gan_d(r, f, divergence),
        [REAL, FAKE],
    )
    assert_matches(
        lambda f: losses.f_gan_generator_loss(f, divergence),
        lambda f: f_gan_g(f, divergence),
        [FAKE],
    )


def test_f_gan_js_stays_finite_where_its_activation_saturates():
    # g_f(v) → log 2 as v → ∞, where −log(2 − e^t) overflows if computed as written.
    saturated = as_tensor([[40.0], [-40.0]])
    for loss in (
        losses.f_gan_discriminator_loss(saturated, saturated, "js"),
        losses.f_gan_generator_loss(saturated, "js"),
    ):
        assert np.isfinite(float(ops.convert_to_numpy(loss)))


def test_unknown_f_divergence_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown f-divergence 'jensen'.*Choose one of"):
        losses.f_gan_generator_loss(as_tensor([[0.0]]), "jensen")


def test_gan_qp_losses():
    real_x = RNG.normal(size=(16, 3, 2))
    fake_x = RNG.normal(size=(16, 3, 2))
    penalty_weight = 4.0

    def qp_d(real, fake):  # Su 2018, one-argument critic, d = mean |x_r − x_f|
        delta = (real - fake)[:, 0]
        distance = np.abs(real_x - fake_x).reshape(16, -1).mean(axis=1)
        return np.mean(-delta + delta**2 / (2.0 * penalty_weight * distance))

    assert_matches(
        lambda r, f: losses.gan_qp_discriminator_loss(
            r, f, as_tensor(real_x), as_tensor(fake_x), penalty_weight=penalty_weight
        ),
        qp_d,
        [REAL, FAKE],
    )
    assert_matches(losses.gan_qp_generator_loss, lambda r, f: np.mean(r - f), [REAL, FAKE])


def test_gradient_normalized_scores():
    scores = RNG.normal(size=(8, 1))
    gradients = RNG.normal(size=(8, 2, 3))

    def normalized(s, g):  # Wu et al. 2021: f / (‖∇f‖ + |f|)
        norms = np.sqrt((g.reshape(8, -1) ** 2).sum(axis=1, keepdims=True))
        return s / (norms + np.abs(s))

    assert_matches(
        lambda s, g: ops.sum(losses.gradient_normalized_scores(s, g)),
        lambda s, g: np.sum(normalized(s, g)),
        [scores, gradients],
    )
    values = ops.convert_to_numpy(
        losses.gradient_normalized_scores(as_tensor(scores), as_tensor(gradients))
    )
    assert values.shape == (8, 1) and np.all(np.abs(values) < 1.0)
