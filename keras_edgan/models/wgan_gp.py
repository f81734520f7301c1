"""WGAN-GP: the Wasserstein GAN with a gradient penalty on the critic."""

from keras_edgan.losses.gradient_penalty import gradient_penalty
from keras_edgan.losses.wasserstein import (
    wasserstein_discriminator_loss,
    wasserstein_generator_loss,
)
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN


class WGANGP(GAN):
    """Gulrajani, Ahmed, Arjovsky, Dumoulin and Courville 2017, "Improved training of
    Wasserstein GANs", eq. 3 and Algorithm 1; the WGAN of VER (eq. 8).

        L_D = E[D(G(z))] − E[D(x)] + λ·E[(‖∇_x̂ D(x̂)‖₂ − 1)²]
        L_G = −E[D(G(z))]

    x̂ lies uniformly on the segment between a real and a generated sample
    (`keras_edgan.losses.gradient_penalty`). The discriminator is a critic: its output
    is an unbounded score, and it should not use BatchNormalization, which couples
    the samples whose gradients the penalty constrains.

    Example:
    ```python
    G, D = keras_edgan.architectures.pacgan_mlp(latent_dim=2)
    gan = keras_edgan.models.WGANGP(G, D, latent_dim=2, d_steps=5)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9))
    gan.fit(pipelines.load("ring", batch_size=5 * 64), epochs=10)
    ```

    Args:
        generator, discriminator, latent_dim, noise_stddev, seed: see `GAN`.
        gp_weight: λ, the weight of the penalty (10 in the paper).
        d_steps: critic updates per generator update (n_critic = 5 in the paper).
    """

    penalty_names = ("gp",)
    default_options = {"d_steps": 5}

    def __init__(self, generator, discriminator, latent_dim, gp_weight=10.0, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.gp_weight = float(gp_weight)

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return wasserstein_discriminator_loss(real_logits, fake_logits)

    def critic_penalty(self, real, fake, critic):
        penalty = gradient_penalty(critic, real, fake, seed=self.seed_generator)
        return self.gp_weight * penalty, {"gp": penalty}

    def generator_loss(self, fake_logits, real, fake, critic):
        return wasserstein_generator_loss(fake_logits), {}


registry.register("wgan_gp", WGANGP)
