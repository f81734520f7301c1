"""SAGAN: self-attention, spectral normalization in both networks, hinge loss, TTUR
(Zhang et al. 2019)."""

from keras_edgan.models import registry
from keras_edgan.models.hinge import HingeGAN


class SAGAN(HingeGAN):
    """Zhang, Goodfellow, Metaxas and Odena, "Self-attention generative adversarial
    networks", ICML 2019: the hinge loss with networks that have self-attention
    blocks and spectral normalization in the generator as well as in the
    discriminator (`keras_edgan.architectures.sagan`), one discriminator update
    per generator update, and the two time-scale update rule: Adam with
    β1 = 0, β2 = 0.9 and learning rates 4e-4 for the discriminator, 1e-4 for the
    generator. The paper's SAGAN is class-conditional; this one, like EDGAN's
    Table 6 baseline, is unconditional.

    Example:
    ```python
    G, D = keras_edgan.architectures.sagan(image_size=32)
    gan = keras_edgan.models.SAGAN(G, D, latent_dim=128)
    gan.compile(d_optimizer=keras.optimizers.Adam(4e-4, beta_1=0.0, beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))
    ```
    """


registry.register("sagan", SAGAN)
