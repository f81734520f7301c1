"""EDGAN's "With-Bi-Penalty" baseline: WGAN-GP's gradient penalty on D, CED on G."""

from keras_edgan.losses.gradient_penalty import gradient_penalty
from keras_edgan.models import registry
from keras_edgan.models.edgan import EDGAN


class BiPenaltyGAN(EDGAN):
    """The "With-Bi-Penalty" network of Tan et al. 2020 (EDGAN), §3.3.2 and Table 5:
    EDGAN (eq. 9 and 10) with, in addition, the gradient penalty of WGAN-GP on the
    discriminator,

        L_D = −E[log D(x)] − E[log(1 − D(G(z)))] + λ_GP·E[(‖∇_x̂ D(x̂)‖₂ − 1)²]
        L_G = −E[log D(G(z))] + λ·ρ(X_E, X̂_G),

    with λ_GP = 10 and Lipschitz constant 1 as in WGAN-GP, x̂ uniform between real
    and generated samples (`keras_edgan.losses.gradient_penalty`), the penalty on
    the discriminator's logit. The paper keeps its OptimizedDCGAN discriminator,
    whose BatchNormalization makes the gradient of one sample's logit depend on
    the rest of the batch; keras_edgan does the same, to reproduce the row.

    Example:
    ```python
    G, D = keras_edgan.architectures.optimized_dcgan(image_size=32)
    gan = keras_edgan.models.BiPenaltyGAN(G, D, latent_dim=128, gp_weight=10.0, d_steps=2)
    ```

    Args: as for `EDGAN`, and `gp_weight`, λ_GP.
    """

    penalty_names = ("ced", "gp")

    def __init__(self, generator, discriminator, latent_dim, gp_weight=10.0, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.gp_weight = float(gp_weight)

    def critic_penalty(self, real, fake, critic):
        penalty = gradient_penalty(critic, real, fake, seed=self.seed_generator)
        return self.gp_weight * penalty, {"gp": penalty}


registry.register("bi_penalty", BiPenaltyGAN)
