"""Gradient normalization of a critic (GN-GAN, Wu et al. 2021)."""

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
    squared = ops.sum(
        ops.square(ops.reshape(input_gradients, (ops.shape(input_gradients)[0], -1))), axis=1
    )
    # The epsilon keeps the square root differentiable where a gradient vanishes.
    norms = ops.reshape(ops.sqrt(squared + 1e-12), ops.shape(scores))
    return scores / (norms + ops.abs(scores))
