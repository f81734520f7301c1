"""Zero-centred gradient penalties: R1 on real data (Mescheder, Geiger and Nowozin
2018) and GAN-0GP's on the paths between real and generated samples (Thanh-Tung,
Tran and Venkatesh 2019)."""

from keras import ops

from keras_edgan.losses.input_gradient_norm import (
    random_interpolates,
    squared_input_gradient_norms,
)


def zero_centered_penalty(critic, samples):
    """E[‖∇ₓ D(x)‖₂²] over `samples`: the gradient pushed towards 0 where they lie.

    On real samples this is R1 (Mescheder, Geiger and Nowozin, "Which training
    methods for GANs do actually converge?", ICML 2018):
    R1 = (γ/2)·E_{x~P_data}[‖∇ₓ D(x)‖²] added to the discriminator's loss makes
    the GAN's training dynamics locally convergent, whatever the objective. The
    GAN survey's energy-model view (Zheng, "从能量模型视角理解生成对抗网络") reaches
    the same term: real data should sit at minima of the energy D, so
    λ·E_{x~P_data}[‖∇ₓ D(x)‖²] is added to D's loss (λ = γ/2). At points between
    real and generated samples it is GAN-0GP's penalty
    (`zero_centered_gradient_penalty`).

    Example:
    ```python
    d_loss = minimax_discriminator_loss(D(real), D(fake)) + (10.0 / 2) * (
        zero_centered_penalty(D, real))  # R1 with γ = 10
    ```

    Args:
        critic: a `keras.Model` (or `BoundDiscriminator`) mapping samples to one
            logit per sample; its samples must not interact (no BatchNormalization),
            or the gradient is not per sample.
        samples: a tensor `(n, ...)`.
    """
    return ops.mean(squared_input_gradient_norms(critic, samples))


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
    return zero_centered_penalty(critic, random_interpolates(real, fake, seed))
