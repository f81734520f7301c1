"""LSGAN: the least squares GAN of Mao et al. 2017."""

from keras_edgan.losses.least_squares import (
    least_squares_discriminator_loss,
    least_squares_generator_loss,
)
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN


class LSGAN(GAN):
    """Mao, Li, Xie, Lau, Wang and Smolley, "Least squares generative adversarial
    networks", ICCV 2017, eq. 2:

        L_D = ½·E[(D(x) − b)²] + ½·E[(D(G(z)) − a)²]
        L_G = ½·E[(D(G(z)) − c)²]

    The discriminator's output is an unbounded score (no sigmoid).

    Example:
    ```python
    G, D = keras_edgan.architectures.dcgan(image_size=32)
    gan = keras_edgan.models.LSGAN(G, D, latent_dim=128, a=0.0, b=1.0, c=1.0)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    ```

    Args:
        generator, discriminator, latent_dim, d_steps, noise_stddev, seed: see `GAN`.
        a, b: the discriminator's targets for generated and real samples.
        c: the generator's target for its samples.
    """

    config_names = {"a": "lsgan_a", "b": "lsgan_b", "c": "lsgan_c"}

    def __init__(self, generator, discriminator, latent_dim, a=0.0, b=1.0, c=1.0, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.a, self.b, self.c = float(a), float(b), float(c)

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return least_squares_discriminator_loss(real_logits, fake_logits, a=self.a, b=self.b)

    def generator_loss(self, fake_logits, real, fake, critic):
        return least_squares_generator_loss(fake_logits, c=self.c), {}


registry.register("lsgan", LSGAN)
