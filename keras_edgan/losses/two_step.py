"""The two-step computation of the minibatch Wasserstein distance (WGAN-TS: Liu, Gu
and Samaras, "A Two-Step Computation of the Exact GAN Wasserstein Distance", ICML
2018; seed 002, §6.2): step 1, a linear program on the minibatch (eq. 7), solved on
the host by scipy; step 2, the regression of the critic onto its solution (eq. 8);
then the weight scaling of eq. 15.

The indices follow the paper: i ∈ I the m real samples y_i, j ∈ J the n generated
samples x_j = G(z_j), c_ij = ‖y_i − x_j‖₁ (Algorithm 1, line 8).
"""

import numpy as np
import scipy.optimize
import scipy.sparse
from keras import ops


def l1_costs(real, fake):
    """c_ij = ‖y_i − x_j‖₁ between the flattened samples, float64 `(m, n)`.

    Example:
    >>> l1_costs(np.zeros((1, 2)), np.array([[1.0, -2.0], [0.5, 0.5]]))
    array([[3., 1.]])
    """
    y = np.asarray(real, dtype=np.float64).reshape(len(real), -1)
    x = np.asarray(fake, dtype=np.float64).reshape(len(fake), -1)
    costs = np.empty((len(y), len(x)))
    for i, row in enumerate(y):  # one row at a time: m·n·d floats at once would not fit
        costs[i] = np.abs(row - x).sum(axis=1)
    return costs


def transport_potentials(costs):
    """Step 1 of WGAN-TS: the linear program of eq. 7 on a cost matrix, and the
    centring of its solution (Algorithm 1, line 9).

        max_T  (1/m) Σ_{i∈I} T_i − (1/n) Σ_{j∈J} T_j
        s.t.   T_i − T_j ≤ c_ij,   ∀ i ∈ I, ∀ j ∈ J                          (7)

        T*_t ← T*_t − (Σ_{k∈I∪J} T*_k) / (m + n),   ∀ t ∈ I ∪ J

    The program is the Kantorovich dual of optimal transport between the uniform
    distributions on the two minibatches: its optimum is their exact Wasserstein-1
    distance under the cost c. Adding a constant to every T leaves the objective and
    the constraints unchanged, so the centring picks the solution of zero mean over
    all m + n points. Solved by HiGHS (`scipy.optimize.linprog`), T free.

    Example:
    >>> potentials, distance = transport_potentials(np.array([[2.0]]))
    >>> potentials, distance  # T_1 − T_2 ≤ 2, centred
    (array([ 1., -1.]), 2.0)

    Args:
        costs: c_ij, shape `(m, n)`: row i the real sample, column j the generated one.

    Returns:
        `(T*, value)`: the centred solution, float64 `(m + n,)`, the m real samples'
        values first; the optimum of eq. 7.
    """
    costs = np.asarray(costs, dtype=np.float64)
    m, n = costs.shape
    # Row (i, j) of the constraints: +1 on T_i, −1 on T_j (variable m + j).
    rows = np.repeat(np.arange(m * n), 2)
    columns = np.stack(
        [np.repeat(np.arange(m), n), m + np.tile(np.arange(n), m)], axis=1
    ).ravel()
    signs = np.tile([1.0, -1.0], m * n)
    constraints = scipy.sparse.csr_matrix((signs, (rows, columns)), shape=(m * n, m + n))
    objective = np.concatenate([np.full(m, -1.0 / m), np.full(n, 1.0 / n)])  # minimized
    result = scipy.optimize.linprog(
        objective, A_ub=constraints, b_ub=costs.ravel(), bounds=(None, None), method="highs"
    )
    if result.status != 0:
        raise RuntimeError(f"The linear program of WGAN-TS (eq. 7) failed: {result.message}")
    potentials = result.x - result.x.mean()
    return potentials, float(potentials[:m].mean() - potentials[m:].mean())


def two_step_regression_loss(real_scores, fake_scores, targets):
    """Step 2 of WGAN-TS, eq. 8: the critic's regression onto the solution T* of eq. 7,

        (1/(m+n)) (Σ_{i∈I} (D(y_i) − T_i)² + Σ_{j∈J} (D(x_j) − T_j)²).

    Example:
    >>> float(two_step_regression_loss(ops.ones((1, 1)), ops.zeros((1, 1)),
    ...                                ops.convert_to_tensor([1.0, 2.0])))  # (0 + 4)/2
    2.0

    Args:
        real_scores: D(y_i), shape `(m, 1)` or `(m,)`.
        fake_scores: D(x_j), shape `(n, 1)` or `(n,)`.
        targets: T*, shape `(m + n,)`, the real samples' values first.
    """
    scores = ops.concatenate(
        [ops.reshape(real_scores, (-1,)), ops.reshape(fake_scores, (-1,))], axis=0
    )
    return ops.mean(ops.square(scores - ops.cast(targets, scores.dtype)))


def weight_scaling_factor(real_scores, fake_scores, costs):
    """β of WGAN-TS's weight scaling, eq. 15:

        β = sup{1, sup{(D(y_i) − D(G(z_j))) / ‖y_i − G(z_j)‖₁ : ‖y_i − G(z_j)‖₁ > 0}},

    the largest violation ratio of the constraints of eq. 13 on the minibatch (1 when
    none is violated). The critic D/β satisfies them all on pairs of distinct points.

    Example:
    >>> float(weight_scaling_factor(ops.convert_to_tensor([[3.0]]),
    ...                             ops.convert_to_tensor([[0.0]]),
    ...                             ops.convert_to_tensor([[2.0]])))  # 3/2
    1.5

    Args:
        real_scores: D(y_i), shape `(m, 1)` or `(m,)`.
        fake_scores: D(G(z_j)), shape `(n, 1)` or `(n,)`.
        costs: ‖y_i − G(z_j)‖₁, shape `(m, n)`.
    """
    differences = ops.reshape(real_scores, (-1, 1)) - ops.reshape(fake_scores, (1, -1))
    costs = ops.cast(costs, differences.dtype)
    positive = ops.greater(costs, 0.0)
    ratios = ops.where(positive, differences / ops.where(positive, costs, 1.0), 1.0)
    return ops.maximum(ops.max(ratios), 1.0)
