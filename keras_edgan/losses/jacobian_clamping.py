"""Jacobian Clamping (Odena, Buckman, Olsson, Brown, Olah, Raffel and Goodfellow, "Is
Generator Conditioning Causally Related to GAN Performance?", ICML 2018, Algorithm 1;
the memo of five ICML'18 papers, §5, fig. 10)."""

import keras
from keras import ops

DEFAULT_EPSILON = 1.0
"""ε, the norm of the latent perturbation δ."""
DEFAULT_LAMBDA_MIN = 1.0
"""λ_min, the smallest quotient Q the penalty leaves alone."""
DEFAULT_LAMBDA_MAX = 20.0
"""λ_max, the largest quotient Q the penalty leaves alone."""


def latent_perturbation(shape, epsilon=DEFAULT_EPSILON, seed=None):
    """δ of norm ε in a uniformly random direction, one per example (Algorithm 1,
    lines 3–4: δ ~ N(0, I), δ := (δ/‖δ‖)·ε).

    Example:
    ```python
    delta = latent_perturbation((64, 128), 1.0, seed=keras.random.SeedGenerator(0))
    ```

    Args:
        shape: `(n, ...)`, the shape of the latent batch z.
        epsilon: ε, the norm of each example's δ.
        seed: an int, a `keras.random.SeedGenerator`, or None.
    """
    direction = keras.random.normal(shape, seed=seed)
    return float(epsilon) * direction / _norms(direction, keepdims=True)


def jacobian_quotients(g_z, g_z_perturbed, delta):
    """Q = ‖G(z) − G(z + δ)‖ / ‖δ‖ per example, norms over all non-batch axes.

    As ε → 0 with δ along the k-th eigenvector of J_zᵀJ_z, Q → √λ_k (the memo's
    eq. 15): Q samples the Jacobian's singular values in random directions.
    """
    return _norms(g_z - g_z_perturbed) / _norms(delta)


def jacobian_clamping_penalty(
    g_z, g_z_perturbed, delta, lambda_min=DEFAULT_LAMBDA_MIN, lambda_max=DEFAULT_LAMBDA_MAX
):
    """L = (max(Q, λ_max) − λ_max)² + (min(Q, λ_min) − λ_min)², averaged over the batch.

    Odena et al. 2018 find that the condition number of the generator's metric
    tensor J_zᵀJ_z (`keras_edgan.techniques.generator_condition_number`) predicts
    the Inception Score and FID of a run, and penalising it directly needs its
    smallest eigenvalue, which is costly. Jacobian Clamping instead keeps the
    quotient Q = ‖G(z) − G(z')‖/‖z − z'‖ of a random perturbation z' = z + δ,
    ‖δ‖ = ε (`jacobian_quotients`), within [λ_min, λ_max]: 0 inside, quadratic
    outside. Algorithm 1 of the paper (fig. 10 of the memo):

        z ~ p_z;  δ ~ N(0, I);  δ := (δ/‖δ‖)·ε;  z' := z + δ
        Q := ‖G(z) − G(z')‖ / ‖z − z'‖
        L_max = (max(Q, λ_max) − λ_max)²;  L_min = (min(Q, λ_min) − λ_min)²
        L = L_max + L_min, added to the generator's loss.

    Q is compared with λ_min and λ_max directly, as the algorithm does: the
    bounds are on singular values √λ_k of J_z (eq. 15), although the memo's prose
    says the eigenvalues are kept "roughly within [λ_min, λ_max]". The algorithm
    leaves the per-example mean implicit; it is the mean here. The defaults
    λ_min = 1, λ_max = 20 and ε = 1 are the paper's (the memo gives none).

    Example:
    ```python
    delta = latent_perturbation(ops.shape(z), 1.0, seed=seed_generator)
    fake, perturbed = ops.split(G(ops.concatenate([z, z + delta], axis=0)), 2)
    g_loss = non_saturating_generator_loss(D(fake)) + jacobian_clamping_penalty(
        fake, perturbed, delta)
    ```

    Args:
        g_z: G(z), shape `(n, ...)`.
        g_z_perturbed: G(z + δ), the same shape, paired with `g_z` by index.
        delta: δ, shape `(n, latent_dim)` (z + δ − z; its norms are ε).
        lambda_min, lambda_max: the quotients Q may take unpenalised,
            0 ≤ λ_min ≤ λ_max.

    Returns:
        The scalar penalty L.
    """
    if float(lambda_min) > float(lambda_max) or float(lambda_min) < 0:
        raise ValueError(
            f"Jacobian clamping needs 0 ≤ λ_min ≤ λ_max; got λ_min={lambda_min!r}, "
            f"λ_max={lambda_max!r}. The paper uses λ_min=1, λ_max=20."
        )
    q = jacobian_quotients(g_z, g_z_perturbed, delta)
    above = ops.maximum(q, lambda_max) - lambda_max
    below = ops.minimum(q, lambda_min) - lambda_min
    return ops.mean(ops.square(above) + ops.square(below))


def _norms(x, keepdims=False):
    """‖xᵢ‖₂ over the non-batch axes; the epsilon keeps the square root
    differentiable where two outputs coincide."""
    axes = tuple(range(1, len(ops.shape(x))))
    return ops.sqrt(ops.sum(ops.square(x), axis=axes, keepdims=keepdims) + 1e-12)
