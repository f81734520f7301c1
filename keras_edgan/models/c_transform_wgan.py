"""The c-transform WGAN of seed 001's objective table."""

from keras_edgan.losses.c_transform import c_transform
from keras_edgan.losses.wasserstein import (
    wasserstein_discriminator_loss,
    wasserstein_generator_loss,
)
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN


class CTransformWGAN(GAN):
    """The Wasserstein GAN whose critic's value on generated samples is the c-transform
    of its values on real ones (seed 001, after Mallasto et al. 2019):

        L_D = −(E[D(x)] + E[D^c(G(z))]),   L_G = E[D^c(G(z))],
        D^c(y) = min_i ‖xᵢ − y‖₂ − D(xᵢ) over the real minibatch

    (`keras_edgan.losses.c_transform`). The critic is never evaluated on generated
    samples for the loss: the generator learns through the distances to the real
    points the transform selects. No clipping or gradient penalty: the transform
    keeps D(x) + D^c(y) ≤ ‖x − y‖.

    Example:
    ```python
    G, D = keras_edgan.architectures.dcgan(image_size=32)
    gan = keras_edgan.models.CTransformWGAN(G, D, latent_dim=128, d_steps=5)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9))
    ```
    """

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        # −D^c plays the critic's score on fakes in the Wasserstein form E[s(G(z))] − E[D(x)].
        return wasserstein_discriminator_loss(real_logits, -c_transform(real_logits, real, fake))

    def generator_loss(self, fake_logits, real, fake, critic):
        transformed = c_transform(critic(real, training=True), real, fake)
        return wasserstein_generator_loss(-transformed), {}


registry.register("ctransform_wgan", CTransformWGAN)
