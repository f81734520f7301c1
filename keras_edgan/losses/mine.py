"""MINE, the mutual information neural estimator (Belghazi et al. 2018), as used by
VER (Khorramshahi et al. 2020, eq. 5).

A statistics network T scores pairs (x, z). On a minibatch of joint pairs
(G(zᵢ), zᵢ) and of marginal pairs (G(zᵢ), z_π(i)), π a random permutation, the
Donsker–Varadhan representation gives the lower bound

    I_Θ(X; Z) ≥ E_joint[T] − log E_marginal[e^T].

Its minibatch gradient is biased (the log of a minibatch mean); MINE §3.2 replaces
the denominator of ∇ log E[e^T] = E[e^T ∇T] / E[e^T] by a moving average of E[e^T].
"""

from keras import ops


def donsker_varadhan_bound(joint_scores, marginal_scores):
    """E_joint[T] − log E_marginal[e^T], the MINE estimate of I(X; Z) (VER eq. 5).

    The log-mean-exp is computed stably as logsumexp − log n.

    Example:
    >>> float(donsker_varadhan_bound(ops.ones((4, 1)), ops.zeros((4, 1))))
    1.0
    """
    n = ops.cast(ops.shape(marginal_scores)[0], marginal_scores.dtype)
    log_mean_exp = ops.logsumexp(ops.reshape(marginal_scores, (-1,))) - ops.log(n)
    return ops.mean(joint_scores) - log_mean_exp


def mine_corrected_objective(joint_scores, marginal_scores, marginal_average):
    """E_joint[T] − E_marginal[e^T] / m̄: its gradient is MINE's bias-corrected one.

    With `marginal_average` m̄ held constant (a moving average of E_marginal[e^T],
    MINE §3.2), the gradient is E[∇T] − E[e^T ∇T] / m̄, the gradient of the
    Donsker–Varadhan bound with the minibatch denominator replaced by m̄. Its value is
    not an MI estimate: log `donsker_varadhan_bound` for that. Maximize it.
    """
    average = ops.stop_gradient(ops.convert_to_tensor(marginal_average, joint_scores.dtype))
    return ops.mean(joint_scores) - ops.mean(ops.exp(marginal_scores)) / average


def moving_average_update(average, marginal_scores, rate):
    """(1 − rate)·m̄ + rate·E_marginal[e^T], without gradient: MINE's m̄ after a batch."""
    batch_mean = ops.stop_gradient(ops.mean(ops.exp(marginal_scores)))
    return (1.0 - rate) * average + rate * batch_mean

