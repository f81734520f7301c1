"""GAN-QP: the GAN with a quadratic potential (Su 2018)."""

from keras_edgan.losses.gan_qp import gan_qp_discriminator_loss, gan_qp_generator_loss
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN


class GANQP(GAN):
    """Su, "GAN-QP: a novel GAN framework without gradient vanishing and Lipschitz
    constraint", 2018, with a critic T of one argument:

        L_D = E[−Δ + Δ² / (2λ·d(x_r, x_f))],   Δ = T(x_r) − T(x_f)
        L_G = E[T(x_r) − T(x_f)]

    over pairs of a real and a generated sample (paired by index), d their mean
    absolute difference (`keras_edgan.losses.gan_qp_discriminator_loss`). The
    generator's loss needs the critic's scores of real data: the generator update
    scores the step's last real minibatch.

    Example:
    ```python
    G, D = keras_edgan.architectures.sngan_cnn(image_size=32, spectral_norm=False)
    gan = keras_edgan.models.GANQP(G, D, latent_dim=128, qp_weight=10.0)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    ```

    Args:
        generator, discriminator, latent_dim, d_steps, noise_stddev, seed: see `GAN`.
        qp_weight: λ, the scale of the quadratic potential (10 in Su's experiments).
    """

    def __init__(self, generator, discriminator, latent_dim, qp_weight=10.0, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.qp_weight = float(qp_weight)

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return gan_qp_discriminator_loss(
            real_logits, fake_logits, real, fake, penalty_weight=self.qp_weight
        )

    def generator_loss(self, fake_logits, real, fake, critic):
        real_logits = critic(real, training=True)
        return gan_qp_generator_loss(real_logits, fake_logits), {}


registry.register("gan_qp", GANQP)
