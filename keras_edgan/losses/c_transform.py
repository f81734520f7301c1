"""The c-transform of a critic on a minibatch (the c-transform WGAN of seed 001)."""

from keras import ops


def c_transform(real_scores, real, samples):
    """D^c(y) = min over the real minibatch xᵢ of c(xᵢ − y) − D(xᵢ), c(u) = ‖u‖₂.

    The row "c-transform WGAN" of seed 001's objective table (after Mallasto, Frellsen,
    Boomsma and Feragen, "(q,p)-Wasserstein GANs: Comparing ground metrics for
    Wasserstein GANs", 2019):

        min_G max_D  E_{x~P_data}[D(x)] + E_{x~P_G}[ min_{x̃~P_data} {c(x̃ − x) − D(x̃)} ],

    the Kantorovich dual of the optimal-transport cost with the critic's c-transform
    in place of −D on generated samples, which makes the pair (D, D^c) feasible
    (D(x̃) + D^c(x) ≤ c(x̃ − x)) without any Lipschitz constraint. The minimum over
    P_data is taken over the real minibatch, as the seed's formula is estimated in
    practice. The seed writes the cost as c(x̃ − x) without fixing c; here it is the
    Euclidean distance, so the objective estimates the Wasserstein-1 distance.

    Example:
    >>> real = ops.convert_to_tensor([[0.0, 0.0], [3.0, 4.0]])
    >>> scores = ops.convert_to_tensor([[1.0], [4.0]])
    >>> samples = ops.convert_to_tensor([[0.0, 0.0]])
    >>> float(c_transform(scores, real, samples)[0])  # min(0 − 1, 5 − 4)
    -1.0

    Args:
        real_scores: D(xᵢ) of the real minibatch, shape `(n, 1)` or `(n,)`.
        real: the real minibatch xᵢ, shape `(n, ...)`.
        samples: the points y to transform at (generated samples), shape `(m, ...)`.

    Returns:
        D^c(y), shape `(m,)`: differentiable in `samples` (the generator's loss) and
        in `real_scores` (the critic's).
    """
    x = ops.reshape(real, (ops.shape(real)[0], -1))
    y = ops.reshape(samples, (ops.shape(samples)[0], -1))
    squared = (
        ops.sum(ops.square(x), axis=1)[:, None]
        + ops.sum(ops.square(y), axis=1)[None, :]
        - 2.0 * ops.matmul(x, ops.transpose(y))
    )
    # Clipped at 0 (round-off) and kept off 0 so that the root stays differentiable.
    costs = ops.sqrt(ops.maximum(squared, 0.0) + 1e-12)
    return ops.min(costs - ops.reshape(real_scores, (-1, 1)), axis=0)
