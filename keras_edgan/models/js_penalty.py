"""EDGAN's "With-JS-Penalty" baseline: the Jensen–Shannon divergence in place of CED."""

from keras_edgan.losses.js_divergence import js_divergence
from keras_edgan.models import registry
from keras_edgan.models.edgan import EDGAN


class JSPenaltyGAN(EDGAN):
    """The "With-JS-Penalty" network of Tan et al. 2020 (EDGAN), §3.3.2 and Table 5:
    EDGAN with the conditional entropy distance of eq. 10 replaced by the
    Jensen–Shannon divergence between the real and generated minibatches,

        L_G = −E[log D(G(z))] + λ·JS(X_E, X̂_G),

    estimated from the soft histograms of their values
    (`keras_edgan.losses.js_divergence`; `bins`, `bandwidth` and `value_range` as
    for EDGAN; a divergence of the two marginals needs no coupling, so `coupling`
    is refused). `fit` logs the divergence as `js`.

    Example:
    ```python
    G, D = keras_edgan.architectures.optimized_dcgan(image_size=32)
    gan = keras_edgan.models.JSPenaltyGAN(G, D, latent_dim=128, penalty_weight=1.0, d_steps=2)
    ```

    Args: as for `EDGAN`; `penalty_weight` is λ.
    """

    penalty_names = ("js",)
    config_names = {"penalty_weight": "js_weight"}

    def __init__(self, generator, discriminator, latent_dim, coupling=None, **kwargs):
        if coupling is not None:
            raise ValueError(
                f"JSPenaltyGAN compares the marginal value histograms of the two batches, "
                f"which needs no coupling; received coupling={coupling!r}. Leave it unset."
            )
        super().__init__(generator, discriminator, latent_dim, coupling=None, **kwargs)

    def generator_penalty(self, real, fake):
        js = js_divergence(real, fake, **self.ced_options)
        return self.penalty_weight * js, {"js": js}


registry.register("js_penalty", JSPenaltyGAN)
