"""Adaptive gradient clipping of MINE (Belghazi et al. 2018, §5.1), used by VER to
bound the generator's mutual-information gradient by its adversarial gradient."""

from keras import ops


def global_norm(gradients):
    """‖g‖₂ over all tensors of a list of gradients, as one flat vector."""
    return ops.sqrt(sum(ops.sum(ops.square(g)) for g in gradients))


def adaptive_gradient_clipping(gradients, reference_gradients):
    """Rescales `gradients` to g·min(1, ‖g_ref‖ / ‖g‖) (global norms).

    MI has no upper bound, so its gradient can swamp the adversarial one; MINE
    clips it to at most the adversarial gradient's norm:
    g_G = g_adv + λ·min(‖g_adv‖, ‖g_MI‖)·g_MI / ‖g_MI‖.
    This function returns min(‖g_adv‖, ‖g_MI‖)·g_MI / ‖g_MI‖ for
    `gradients` = g_MI and `reference_gradients` = g_adv; its norm never exceeds
    ‖g_adv‖.

    Example:
    >>> clipped = adaptive_gradient_clipping([ops.ones((2,)) * 3.0], [ops.ones((2,))])
    >>> [round(float(v), 4) for v in clipped[0]]
    [1.0, 1.0]
    """
    norm = global_norm(gradients)
    reference = global_norm(reference_gradients)
    scale = ops.minimum(1.0, reference / ops.maximum(norm, 1e-12))
    return [g * scale for g in gradients]
