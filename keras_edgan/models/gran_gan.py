"""GraN-GAN: the GAN with a piecewise gradient-normalized critic (Bhaskara et al. 2022)."""

from keras_edgan.losses.gradient_normalization import piecewise_gradient_normalized_scores
from keras_edgan.models import registry
from keras_edgan.models.gn_gan import GNGAN


class GraNGAN(GNGAN):
    """Bhaskara, Aumentado-Armstrong, Jepson and Levinshtein, "GraN-GAN: Piecewise
    gradient normalization for generative adversarial networks", WACV 2022, in the
    Wasserstein form of seed 001's objective table:

        D̂(x) = D(x)·‖∇ₓD(x)‖ / (‖∇ₓD(x)‖² + ε)
        L_D = E[D̂(G(z))] − E[D̂(x)]
        L_G = −E[D̂(G(z))]

    (`keras_edgan.losses.piecewise_gradient_normalized_scores`). As GN-GAN, both
    losses see only D̂, which differentiates D twice; no BatchNormalization in the
    discriminator.

    ε: the seed gives no value. With ε → 0, D̂ = D/‖∇D‖ is 1-Lipschitz on each
    linear piece of a ReLU critic but unbounded across pieces, and in this
    Wasserstein form the critic can widen the gap without limit: on the ring of
    `tests/test_objective_models.py` (200 steps, Adam 1e-3/2e-4) the generator
    drifted away with ε = 1e-4 (MMD² 0.86 → 1.49; 3.17 after 600 steps) and with
    ε = 0.1 (→ 1.02), and converged with ε = 1 (→ 0.13, GN-GAN 0.12). So the default
    is 1: normalization where ‖∇D‖ ≫ 1, D̂ ≈ D·‖∇D‖ where the gradient is small.
    (GraN-GAN's paper trains it mostly with the hinge and non-saturating losses.)

    Example:
    ```python
    G, D = keras_edgan.architectures.sngan_cnn(image_size=32, spectral_norm=False)
    gan = keras_edgan.models.GraNGAN(G, D, latent_dim=128, epsilon=1.0)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.9))
    ```

    Args:
        generator, discriminator, latent_dim, d_steps, noise_stddev, seed: see `GAN`.
        epsilon: ε of D̂, > 0.
    """

    config_names = {"epsilon": "gran_epsilon"}

    def __init__(self, generator, discriminator, latent_dim, epsilon=1.0, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        if not epsilon > 0:
            raise ValueError(f"GraN-GAN's epsilon must be positive; got {epsilon!r}.")
        self.epsilon = float(epsilon)

    def normalize(self, scores, gradients):
        return piecewise_gradient_normalized_scores(scores, gradients, self.epsilon)


registry.register("gran_gan", GraNGAN)
