"""The GAN trained with the hinge loss (Lim and Ye 2017; SNGAN, SAGAN)."""

from keras_edgan.losses.hinge import hinge_discriminator_loss, hinge_generator_loss
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN


class HingeGAN(GAN):
    """The hinge version of the adversarial loss (Miyato et al. 2018, §4):

        L_D = E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))]
        L_G = −E[D(G(z))]

    The discriminator's output is an unbounded score. `SNGAN` and `SAGAN` are this
    objective with their papers' defaults.

    Example:
    ```python
    G, D = keras_edgan.architectures.sngan_cnn(image_size=32)
    gan = keras_edgan.models.HingeGAN(G, D, latent_dim=128, d_steps=5)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.9))
    ```
    """

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return hinge_discriminator_loss(real_logits, fake_logits)

    def generator_loss(self, fake_logits, real, fake, critic):
        return hinge_generator_loss(fake_logits), {}


registry.register("hinge", HingeGAN)
