"""The gradient penalty of WGAN-GP (Gulrajani et al. 2017, "Improved training of
Wasserstein GANs", eq. 3 and Algorithm 1)."""

from keras import ops

from keras_edgan.losses.input_gradient_norm import random_interpolates, squared_input_gradient_norms


def gradient_penalty(critic, real, fake, seed=None):
    """E[(‖∇_x̂ f(x̂)‖₂ − 1)²] at x̂ = ε·x + (1 − ε)·x̃, ε ~ U[0, 1] per sample.

    Each real sample is paired by index with a generated one and x̂ is drawn uniformly
    on the segment between them (Gulrajani et al., Algorithm 1, lines 4–7); the norm is
    that of the whole per-sample gradient. Multiply by λ (10 in the paper) and add to
    the critic's loss. Differentiable w.r.t. the critic's weights on every backend
    (`keras_edgan.backend.input_gradient`).

    The penalty assumes per-sample critic outputs: a critic with BatchNormalization
    mixes the samples of a batch (the paper drops it from the critic).

    Example:
    ```python
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    penalty = gradient_penalty(critic, real, fake, seed=keras.random.SeedGenerator(0))
    d_loss = wasserstein_discriminator_loss(critic(real), critic(fake)) + 10.0 * penalty
    ```

    Args:
        critic: a `keras.Model` mapping samples to one score per sample.
        real, fake: tensors of the same shape `(n, ...)`, paired by index.
        seed: seed of ε: an int, a `keras.random.SeedGenerator`, or None.

    Returns:
        The scalar penalty.
    """
    squared_norms = squared_input_gradient_norms(critic, random_interpolates(real, fake, seed))
    # The epsilon keeps the square root differentiable where a gradient vanishes.
    return ops.mean((ops.sqrt(squared_norms + 1e-12) - 1.0) ** 2)
