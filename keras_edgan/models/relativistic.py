"""Relativistic GANs: RGAN (RSGAN) and RaGAN (RaSGAN) of Jolicoeur-Martineau 2019."""

from keras_edgan.losses.relativistic import (
    relativistic_average_discriminator_loss,
    relativistic_average_generator_loss,
    relativistic_discriminator_loss,
    relativistic_generator_loss,
)
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN


class RGAN(GAN):
    """The relativistic standard GAN (RSGAN) of Jolicoeur-Martineau, "The relativistic
    discriminator: a key element missing from standard GAN", ICLR 2019:

        L_D = −E[log sigmoid(C(x_r) − C(x_f))]
        L_G = −E[log sigmoid(C(x_f) − C(x_r))]

    over pairs of a real and a generated sample (paired by index). The generator's
    loss needs the critic's scores of real data: the generator update scores the
    step's last real minibatch.

    Example:
    ```python
    G, D = keras_edgan.architectures.sngan_cnn(image_size=32, spectral_norm=False)
    gan = keras_edgan.models.RGAN(G, D, latent_dim=128)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.999),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.999))
    ```
    """

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return relativistic_discriminator_loss(real_logits, fake_logits)

    def generator_loss(self, fake_logits, real, fake, critic):
        real_logits = critic(real, training=True)
        return relativistic_generator_loss(real_logits, fake_logits), {}


class RaGAN(GAN):
    """The relativistic average standard GAN (RaSGAN) of Jolicoeur-Martineau 2019:

        L_D = −E_{x_r}[log D̄(x_r)] − E_{x_f}[log(1 − D̄(x_f))]
        L_G = −E_{x_f}[log D̄(x_f)] − E_{x_r}[log(1 − D̄(x_r))]

    with D̄(x_r) = sigmoid(C(x_r) − E[C(x_f)]) and D̄(x_f) = sigmoid(C(x_f) − E[C(x_r)]),
    each sample judged against the mean score of the other minibatch.

    Example:
    ```python
    gan = keras_edgan.models.RaGAN(G, D, latent_dim=128)
    ```
    """

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return relativistic_average_discriminator_loss(real_logits, fake_logits)

    def generator_loss(self, fake_logits, real, fake, critic):
        real_logits = critic(real, training=True)
        return relativistic_average_generator_loss(real_logits, fake_logits), {}


registry.register("rgan", RGAN)
registry.register("ragan", RaGAN)
