"""NSGAN: the GAN of Goodfellow et al. 2014 with the non-saturating generator loss."""

from keras_edgan.losses.minimax import non_saturating_generator_loss
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN
from keras_edgan.models.logistic import LogisticDiscriminatorLoss


class NSGAN(LogisticDiscriminatorLoss, GAN):
    """Non-saturating GAN: L_D of EDGAN eq. 1, L_G of eq. 3 (Fedus et al.'s NSGAN).

    Example:
    ```python
    G, D = keras_edgan.architectures.optimized_dcgan(image_size=28, channels=1, width=16)
    gan = keras_edgan.models.NSGAN(G, D, latent_dim=128, d_steps=2)
    gan.compile(d_optimizer=keras_edgan.optimizers.OAdam(1e-4),
                g_optimizer=keras_edgan.optimizers.OAdam(4e-4))
    gan.fit(images.batch(2 * 64, drop_remainder=True), epochs=1)
    ```
    """

    def generator_loss(self, fake_logits, real, fake, critic):
        return non_saturating_generator_loss(fake_logits), {}


registry.register("nsgan", NSGAN)
