"""The gradient term of the Wasserstein divergence (WGAN-div, Wu et al. 2018)."""

from keras import ops

from keras_edgan.losses.input_gradient_norm import (
    random_interpolates,
    squared_input_gradient_norms,
)


def wasserstein_divergence_penalty(critic, real, fake, power=6.0, seed=None):
    """E_{x̂∼r}[‖∇_x̂ f(x̂)‖₂^p], the term k·E[‖∇f‖^p] of the W-divergence.

    Wu, Huang, Thoma, Acharya and Van Gool, "Wasserstein divergence for GANs",
    ECCV 2018: the critic maximizes

        E_{x∼P_r}[f(x)] − E_{x∼P_g}[f(x)] − k·E_{x̂∼r}[‖∇f(x̂)‖^p]

    (the sign convention of keras_edgan's critics, which score real data high),
    a divergence for any r, without a Lipschitz constraint; k = 2 and p = 6 are
    the paper's choices. Here r is uniform on the segments between real and
    generated samples paired by index, as in WGAN-GP. Multiply by k and add to
    the critic's loss.

    Example:
    ```python
    penalty = wasserstein_divergence_penalty(critic, real, fake, seed=seed_generator)
    d_loss = wasserstein_discriminator_loss(critic(real), critic(fake)) + 2.0 * penalty
    ```

    Args:
        critic: a `keras.Model` mapping samples to one score per sample.
        real, fake: tensors of the same shape `(n, ...)`.
        power: p, the exponent of the gradient norm.
        seed: seed of the interpolation weights (see `random_interpolates`).
    """
    squared_norms = squared_input_gradient_norms(critic, random_interpolates(real, fake, seed))
    # ‖g‖^p = (‖g‖²)^(p/2): no square root, whose derivative is infinite at 0.
    return ops.mean(ops.power(squared_norms, 0.5 * power))
