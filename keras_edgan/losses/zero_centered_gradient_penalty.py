"""The zero-centred gradient penalty of GAN-0GP (Thanh-Tung, Tran and Venkatesh 2019)."""

from keras import ops

from keras_edgan.losses.input_gradient_norm import (
    random_interpolates,
    squared_input_gradient_norms,
)


def zero_centered_gradient_penalty(critic, real, fake, seed=None):
    """E[‖∇_x̂ D(x̂)‖₂²] at x̂ uniform on the segments between real and generated samples.

    Thanh-Tung, Tran and Venkatesh, "Improving generalization and stability of
    generative adversarial networks", ICLR 2019: pushing the discriminator's
    gradient towards 0 (not 1, as WGAN-GP does) on the paths between the two
    distributions keeps it from overfitting the training samples and makes the
    standard GAN converge. Multiply by λ and add to the discriminator's loss.

    Example:
    ```python
    penalty = zero_centered_gradient_penalty(D, real, fake, seed=seed_generator)
    d_loss = minimax_discriminator_loss(D(real), D(fake)) + 10.0 * penalty
    ```

    Args:
        critic: a `keras.Model` mapping samples to one logit per sample.
        real, fake: tensors of the same shape `(n, ...)`, paired by index.
        seed: seed of the interpolation weights (see `random_interpolates`).
    """
    return ops.mean(squared_input_gradient_norms(critic, random_interpolates(real, fake, seed)))
