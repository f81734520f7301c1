"""GN-GAN: the GAN with a gradient-normalized critic (Wu et al. 2021)."""

from keras_edgan import backend
from keras_edgan.losses.gradient_normalization import gradient_normalized_scores
from keras_edgan.losses.wasserstein import (
    wasserstein_discriminator_loss,
    wasserstein_generator_loss,
)
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN


class GNGAN(GAN):
    """Wu, Shuai, Tam and Chiu, "Gradient normalization for generative adversarial
    networks", ICCV 2021, with the Wasserstein-form objective:

        f̂(x) = f(x) / (‖∇ₓ f(x)‖ + |f(x)|)
        L_D = E[f̂(G(z))] − E[f̂(x)]
        L_G = −E[f̂(G(z))]

    The discriminator network computes f; both losses see only the normalized
    critic f̂, which is Lipschitz by construction and bounded in [−1, 1]
    (`keras_edgan.losses.gradient_normalized_scores`). The normalization
    differentiates f twice (through its input gradient), and assumes f scores
    each sample on its own: no BatchNormalization in the discriminator.

    Example:
    ```python
    G, D = keras_edgan.architectures.sngan_cnn(image_size=32, spectral_norm=False)
    gan = keras_edgan.models.GNGAN(G, D, latent_dim=128)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.9))
    ```
    """

    def normalized_scores(self, critic, samples, scores):
        """f̂ of `samples`, whose outputs f of `critic` are `scores`."""
        gradients = backend.input_gradient(
            lambda x: critic(x, training=True), samples, critic.variables
        )
        return self.normalize(scores, gradients)

    def normalize(self, scores, gradients):
        """The normalized critic from its scores f(x) and input gradients ∇ₓf(x)."""
        return gradient_normalized_scores(scores, gradients)

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return wasserstein_discriminator_loss(
            self.normalized_scores(critic, real, real_logits),
            self.normalized_scores(critic, fake, fake_logits),
        )

    def generator_loss(self, fake_logits, real, fake, critic):
        return wasserstein_generator_loss(self.normalized_scores(critic, fake, fake_logits)), {}


registry.register("gn_gan", GNGAN)
