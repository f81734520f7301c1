"""f-GAN: variational divergence minimization (Nowozin, Cseke and Tomioka 2016)."""

from keras_edgan.losses.f_gan import (
    F_DIVERGENCES,
    f_gan_discriminator_loss,
    f_gan_generator_loss,
)
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN


class FGAN(GAN):
    """Nowozin, Cseke and Tomioka, "f-GAN: training generative neural samplers using
    variational divergence minimization", NIPS 2016, eq. 6:

        min_G max_V  E_{x∼P}[g_f(V(x))] − E_z[f*(g_f(V(G(z))))]

    for the f-divergence named by `divergence` ("kl", "reverse_kl", "js",
    "pearson"; `keras_edgan.losses.F_DIVERGENCES`), with g_f and f* from the
    paper's Table 2. The discriminator's output V is unbounded; g_f is applied in
    the losses. `train --model=fgan_kl` (… `fgan_reverse_kl`, `fgan_js`,
    `fgan_pearson`) builds this model with that divergence.

    Example:
    ```python
    G, D = keras_edgan.architectures.dcgan(image_size=32)
    gan = keras_edgan.models.FGAN(G, D, latent_dim=128, divergence="kl")
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    ```

    Args:
        generator, discriminator, latent_dim, d_steps, noise_stddev, seed: see `GAN`.
        divergence: the f-divergence the game minimizes.
    """

    def __init__(self, generator, discriminator, latent_dim, divergence="js", **kwargs):
        if divergence not in F_DIVERGENCES:
            raise ValueError(
                f"Unknown f-divergence {divergence!r}. Choose one of: {', '.join(F_DIVERGENCES)}."
            )
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.divergence = divergence

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return f_gan_discriminator_loss(real_logits, fake_logits, self.divergence)

    def generator_loss(self, fake_logits, real, fake, critic):
        return f_gan_generator_loss(fake_logits, self.divergence), {}


registry.register("fgan_kl", FGAN, divergence="kl")
registry.register("fgan_reverse_kl", FGAN, divergence="reverse_kl")
registry.register("fgan_js", FGAN, divergence="js")
registry.register("fgan_pearson", FGAN, divergence="pearson")
