"""WGAN-div: the Wasserstein divergence GAN (Wu et al. 2018)."""

from keras_edgan.losses.wasserstein import (
    wasserstein_discriminator_loss,
    wasserstein_generator_loss,
)
from keras_edgan.losses.wasserstein_divergence import wasserstein_divergence_penalty
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN


class WGANDiv(GAN):
    """Wu, Huang, Thoma, Acharya and Van Gool, "Wasserstein divergence for GANs",
    ECCV 2018:

        L_D = E[f(G(z))] − E[f(x)] + k·E_{x̂}[‖∇_x̂ f(x̂)‖^p]
        L_G = −E[f(G(z))]

    x̂ uniform on the segments between real and generated samples
    (`keras_edgan.losses.wasserstein_divergence_penalty`). Unlike WGAN-GP's, the
    penalty does not pull the gradient norm towards 1 and needs no Lipschitz
    constraint. As for any gradient penalty, the critic should not use
    BatchNormalization.

    Example:
    ```python
    G, D = keras_edgan.architectures.sngan_cnn(image_size=32, spectral_norm=False)
    gan = keras_edgan.models.WGANDiv(G, D, latent_dim=128, k=2.0, p=6.0, d_steps=5)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.999),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.999))
    ```

    Args:
        generator, discriminator, latent_dim, d_steps, noise_stddev, seed: see `GAN`.
        k, p: weight and exponent of the gradient term (the paper's 2 and 6).
    """

    penalty_names = ("wgan_div",)
    config_names = {"k": "wgan_div_k", "p": "wgan_div_p"}

    def __init__(self, generator, discriminator, latent_dim, k=2.0, p=6.0, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.k, self.p = float(k), float(p)

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return wasserstein_discriminator_loss(real_logits, fake_logits)

    def critic_penalty(self, real, fake, critic):
        penalty = wasserstein_divergence_penalty(
            critic, real, fake, power=self.p, seed=self.seed_generator
        )
        return self.k * penalty, {"wgan_div": penalty}

    def generator_loss(self, fake_logits, real, fake, critic):
        return wasserstein_generator_loss(fake_logits), {}


registry.register("wgan_div", WGANDiv)
