"""WGAN: the Wasserstein GAN with weight clipping (Arjovsky, Chintala and Bottou 2017)."""

from keras import ops

from keras_edgan.losses.wasserstein import (
    wasserstein_discriminator_loss,
    wasserstein_generator_loss,
)
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN


class WGAN(GAN):
    """Arjovsky, Chintala and Bottou, "Wasserstein GAN", ICML 2017, Algorithm 1:

        L_D = E[f(G(z))] − E[f(x)],   then w ← clip(w, −c, c)
        L_G = −E[f(G(z))]

    After every critic update, every trainable weight of the critic (kernels,
    biases, normalization scales and offsets) is clipped to [−c, c], a crude way
    to keep f K-Lipschitz. The paper's settings: c = 0.01, RMSProp with learning
    rate 5e-5 for both networks, n_critic = 5 critic updates per generator
    update, minibatch 64.

    Example:
    ```python
    G, D = keras_edgan.architectures.dcgan(image_size=32)
    gan = keras_edgan.models.WGAN(G, D, latent_dim=128, clip_value=0.01, d_steps=5)
    gan.compile(d_optimizer=keras.optimizers.RMSprop(5e-5),
                g_optimizer=keras.optimizers.RMSprop(5e-5))
    ```

    Args:
        generator, discriminator, latent_dim, noise_stddev, seed: see `GAN`.
        clip_value: c, the bound of the critic's weights.
        d_steps: critic updates per generator update (n_critic).
    """

    default_options = {"d_steps": 5}

    def __init__(self, generator, discriminator, latent_dim, clip_value=0.01, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        if not float(clip_value) > 0:
            raise ValueError(
                f"clip_value must be positive, the bound c of the critic's weights; "
                f"got {clip_value!r}. The paper uses 0.01."
            )
        self.clip_value = float(clip_value)

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return wasserstein_discriminator_loss(real_logits, fake_logits)

    def generator_loss(self, fake_logits, real, fake, critic):
        return wasserstein_generator_loss(fake_logits), {}

    def after_discriminator_update(self):
        for variable in self.discriminator.trainable_variables:
            variable.assign(ops.clip(variable, -self.clip_value, self.clip_value))


registry.register("wgan", WGAN)
