"""MMGAN: the GAN of Goodfellow et al. 2014 with its original, saturating generator loss."""

from keras_edgan.losses.minimax import minimax_generator_loss
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN
from keras_edgan.models.logistic import LogisticDiscriminatorLoss


class MMGAN(LogisticDiscriminatorLoss, GAN):
    """Minimax GAN: L_D of EDGAN eq. 1, L_G of eq. 2 (Goodfellow et al. 2014).

    The generator minimizes E[log(1 − D(G(z)))], the value function itself, which
    saturates while the discriminator rejects its samples confidently; `NSGAN` is
    the usual remedy.

    Example:
    ```python
    G, D = keras_edgan.architectures.dcgan(image_size=32)
    gan = keras_edgan.models.MMGAN(G, D, latent_dim=128)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    ```
    """

    def generator_loss(self, fake_logits, real, fake, critic):
        return minimax_generator_loss(fake_logits), {}


registry.register("mmgan", MMGAN)
