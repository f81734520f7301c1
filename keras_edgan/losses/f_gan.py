"""f-GAN objectives (Nowozin, Cseke and Tomioka 2016) on discriminator outputs.

Nowozin, Cseke and Tomioka, "f-GAN: training generative neural samplers using
variational divergence minimization", NIPS 2016. For a convex f with f(1) = 0, the
f-divergence D_f(P‖Q) = ∫ q(x) f(p(x)/q(x)) dx is bounded below by (eq. 6)

    F(θ, ω) = E_{x∼P}[g_f(V_ω(x))] − E_{x∼Q_θ}[f*(g_f(V_ω(x)))],

where V_ω is the discriminator's unbounded output, g_f an output activation that
maps it into the domain of the convex conjugate f* (their Table 2), P the data and
Q_θ the generator's distribution. The discriminator maximizes F, the generator
minimizes it. Each divergence below is written with f*(g_f(v)) simplified so that
it stays finite wherever the activation saturates.
"""

import difflib
import math

from keras import ops


def _kl(v):
    # f(u) = u log u;  g_f(v) = v;  f*(t) = exp(t − 1).
    return v, ops.exp(v - 1.0)


def _reverse_kl(v):
    # f(u) = −log u;  g_f(v) = −exp(−v);  f*(t) = −1 − log(−t) = −1 + v.
    return -ops.exp(-v), v - 1.0


def _pearson(v):
    # f(u) = (u − 1)²;  g_f(v) = v;  f*(t) = t²/4 + t.
    return v, 0.25 * ops.square(v) + v


def _js(v):
    # f(u) = −(u + 1) log((1 + u)/2) + u log u;  g_f(v) = log 2 − log(1 + e^(−v));
    # f*(t) = −log(2 − e^t), which at t = g_f(v) is softplus(v) − log 2.
    return math.log(2.0) - ops.softplus(-v), ops.softplus(v) - math.log(2.0)


_DIVERGENCES = {"kl": _kl, "reverse_kl": _reverse_kl, "js": _js, "pearson": _pearson}

F_DIVERGENCES = tuple(_DIVERGENCES)
"""The divergences of the f-GAN losses: Kullback–Leibler, reverse KL,
Jensen–Shannon and Pearson χ² (Nowozin et al. 2016, Table 2)."""


def f_gan_discriminator_loss(real_logits, fake_logits, divergence="js"):
    """L_D = −F = −E_P[g_f(V(x))] + E_Q[f*(g_f(V(G(z))))] (Nowozin et al. 2016, eq. 6).

    Example:
    >>> v = ops.zeros((4, 1))  # V = 0: D = ½ on both
    >>> float(f_gan_discriminator_loss(v, v, "js"))
    0.0

    Args:
        real_logits, fake_logits: the discriminator's outputs V on real and
            generated samples.
        divergence: one of `F_DIVERGENCES`.
    """
    real_activation, _ = _divergence(divergence)(real_logits)
    _, fake_conjugate = _divergence(divergence)(fake_logits)
    return ops.mean(fake_conjugate) - ops.mean(real_activation)


def f_gan_generator_loss(fake_logits, divergence="js"):
    """L_G = −E_Q[f*(g_f(V(G(z))))]: F of eq. 6 without the term that does not
    depend on the generator (Nowozin et al. 2016), which the generator minimizes."""
    _, fake_conjugate = _divergence(divergence)(fake_logits)
    return -ops.mean(fake_conjugate)


def _divergence(name):
    if name not in _DIVERGENCES:
        close = difflib.get_close_matches(str(name), F_DIVERGENCES, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"Unknown f-divergence {name!r}.{hint} Choose one of: {', '.join(F_DIVERGENCES)}."
        )
    return _DIVERGENCES[name]
