"""Gradient normalization of a critic: GN-GAN (Wu et al. 2021) and GraN-GAN (Bhaskara
et al. 2022)."""

from keras import ops


def gradient_normalized_scores(scores, input_gradients):
    """f̂(x) = f(x) / (‖∇ₓ f(x)‖₂ + |f(x)|), per sample.

    Wu, Shuai, Tam and Chiu, "Gradient normalization for generative adversarial
    networks", ICCV 2021: dividing the critic by its
    input-gradient norm makes it piecewise K-Lipschitz with K ≤ 1 without any
    constraint on its weights, and the |f(x)| term bounds f̂ in [−1, 1]. The
    gradients must be those of `scores` w.r.t. the samples (e.g. from
    `keras_edgan.backend.input_gradient`), differentiable when f̂ is trained.

    Example:
    >>> scores = ops.convert_to_tensor([[3.0], [-1.0]])
    >>> grads = ops.convert_to_tensor([[4.0, 0.0], [0.0, 1.0]])
    >>> [round(float(s), 4) for s in ops.reshape(gradient_normalized_scores(scores, grads), (-1,))]
    [0.4286, -0.5]

    Args:
        scores: the critic's outputs f(x), shape `(n, 1)` or `(n,)`.
        input_gradients: ∇ₓ f(x), shape `(n, ...)`.

    Returns:
        f̂(x), of the shape of `scores`.
    """
    norms = ops.sqrt(_squared_norms(scores, input_gradients) + 1e-12)
    return scores / (norms + ops.abs(scores))


def piecewise_gradient_normalized_scores(scores, input_gradients, epsilon=1.0):
    """D̂(x) = D(x)·‖∇ₓD(x)‖₂ / (‖∇ₓD(x)‖₂² + ε), per sample.

    GraN (Bhaskara, Aumentado-Armstrong, Jepson and Levinshtein, "GraN-GAN: Piecewise
    gradient normalization for generative adversarial networks", WACV 2022), the
    row GraN-GAN of seed 001's objective table. Where D is piecewise linear (ReLU or
    LeakyReLU networks), D̂ = D/‖∇D‖ on each linear piece up to ε, whose gradient has
    norm ≤ 1 there: a piecewise 1-Lipschitz critic without constraints on the weights.
    Unlike GN-GAN's f̂, D̂ is unbounded. ε keeps D̂ finite where the gradient vanishes;
    the seed gives no value (`GraNGAN` says why its default is 1).

    Example:
    >>> scores = ops.convert_to_tensor([[3.0], [-1.0]])
    >>> grads = ops.convert_to_tensor([[4.0, 0.0], [0.0, 1.0]])
    >>> [round(float(s), 4) for s in ops.reshape(
    ...     piecewise_gradient_normalized_scores(scores, grads, epsilon=0.0), (-1,))]
    [0.75, -1.0]

    Args:
        scores: the critic's outputs D(x), shape `(n, 1)` or `(n,)`.
        input_gradients: ∇ₓD(x), shape `(n, ...)`, differentiable when D̂ is trained.
        epsilon: ε > 0.

    Returns:
        D̂(x), of the shape of `scores`.
    """
    squared = _squared_norms(scores, input_gradients)
    # As in gradient_normalized_scores: differentiable where a gradient vanishes.
    return scores * ops.sqrt(squared + 1e-12) / (squared + epsilon)


def _squared_norms(scores, input_gradients):
    """‖∇ₓD(x)‖₂² per sample, in the shape of `scores`."""
    flat = ops.reshape(input_gradients, (ops.shape(input_gradients)[0], -1))
    return ops.reshape(ops.sum(ops.square(flat), axis=1), ops.shape(scores))
