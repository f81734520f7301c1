"""GAN-0GP: the standard GAN with a zero-centred gradient penalty (Thanh-Tung et al. 2019)."""

from keras_edgan.losses.minimax import non_saturating_generator_loss
from keras_edgan.losses.zero_centered_gradient_penalty import zero_centered_gradient_penalty
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN
from keras_edgan.models.logistic import LogisticDiscriminatorLoss


class GAN0GP(LogisticDiscriminatorLoss, GAN):
    """Thanh-Tung, Tran and Venkatesh, "Improving generalization and stability of
    generative adversarial networks", ICLR 2019:

        L_D = −E[log D(x)] − E[log(1 − D(G(z)))] + λ·E_{x̂}[‖∇_x̂ D(x̂)‖²]
        L_G = −E[log D(G(z))]

    with x̂ uniform on the segments between real and generated samples
    (`keras_edgan.losses.zero_centered_gradient_penalty`). D outputs a logit; the
    penalty is on the gradient of that logit. The discriminator should not use
    BatchNormalization.

    Example:
    ```python
    G, D = keras_edgan.architectures.sngan_cnn(image_size=32, spectral_norm=False)
    gan = keras_edgan.models.GAN0GP(G, D, latent_dim=128, gp_weight=10.0)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.9))
    ```

    Args:
        generator, discriminator, latent_dim, d_steps, noise_stddev, seed: see `GAN`.
        gp_weight: λ, the weight of the penalty.
    """

    penalty_names = ("gp",)

    def __init__(self, generator, discriminator, latent_dim, gp_weight=10.0, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.gp_weight = float(gp_weight)

    def critic_penalty(self, real, fake, critic):
        penalty = zero_centered_gradient_penalty(critic, real, fake, seed=self.seed_generator)
        return self.gp_weight * penalty, {"gp": penalty}

    def generator_loss(self, fake_logits, real, fake, critic):
        return non_saturating_generator_loss(fake_logits), {}


registry.register("gan_0gp", GAN0GP)
