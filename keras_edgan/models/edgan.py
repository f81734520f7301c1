"""EDGAN: the GAN with a conditional-entropy-distance penalty on the generator."""

from keras_edgan.losses.conditional_entropy_distance import (
    DEFAULT_BANDWIDTH,
    DEFAULT_BINS,
    DEFAULT_COUPLING,
    conditional_entropy_distance,
)
from keras_edgan.losses.coupling import check_coupling
from keras_edgan.losses.minimax import non_saturating_generator_loss
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN
from keras_edgan.models.logistic import LogisticDiscriminatorLoss


class EDGAN(LogisticDiscriminatorLoss, GAN):
    """Tan, Wang, Zhou, Zhang 2020, "GANs based on a penalty of a conditional
    entropy distance" (J. Software), Algorithm 1.

    L_D = −E[log D(x)] − E[log(1 − D(G(z)))]                    (eq. 9)
    L_G = −E[log D(G(z))] + λ ρ(X_E, X̂_G)                         (eq. 10)

    ρ(X, Y) = H(X|Y) + H(Y|X) (eq. 8) between the empirical distributions of a real
    and a generated minibatch, estimated by
    `keras_edgan.losses.conditional_entropy_distance`: the samples paired by
    `coupling`, a soft 2-D histogram of the paired values. The paper does not say
    how the two minibatches are coupled, and it decides what ρ rewards: paired by
    index, two independent batches give ρ ≈ H(X) + H(Y), which a collapsed batch
    lowers; paired with its nearest generated sample, each real sample rewards a
    generated batch that covers the real one (the default; measured numbers in the
    estimator's docstring and in `keras_edgan/benchmarks/README.md`). `fit` logs
    `d_loss`, `g_loss` (which includes λρ) and `ced` (ρ itself).

    Args:
        generator, discriminator, latent_dim, d_steps, ...: see `GAN` and
            `TrainingOptions` (d_steps defaults to 2, the paper's k_D).
        penalty_weight: λ of eq. 10 (the paper's best: 1, Table 3).
        bins: histogram bins per variable of the CED (and JS) estimator.
        bandwidth: width of the Gaussian soft-binning kernel of the estimator, as a
            fraction of the bin spacing.
        value_range: the range the histogram's bins cover; None keeps the
            estimator's, the generator's [−1, 1].
        coupling: how the CED pairs real and generated samples for the joint
            histogram: "index", "nearest" or "sinkhorn"
            (`keras_edgan.losses.coupling`).

    Example:
    ```python
    import keras_edgan as ke
    G, D = ke.architectures.optimized_dcgan(image_size=32, channels=3, latent_dim=128)
    gan = ke.models.EDGAN(G, D, latent_dim=128, penalty_weight=1.0, d_steps=2)
    gan.compile(d_optimizer=ke.optimizers.OAdam(1e-4, beta_1=0.5, beta_2=0.9),
                g_optimizer=ke.optimizers.OAdam(4e-4, beta_1=0.5, beta_2=0.9))
    gan.fit(pipelines.load("cifar10", batch_size=2 * 64), epochs=10)
    gan.generator.save("generator.keras")
    ```
    """

    penalty_names = ("ced",)
    default_options = {"d_steps": 2}
    config_names = {"penalty_weight": "ced_weight"}

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        penalty_weight=1.0,
        bins=DEFAULT_BINS,
        bandwidth=DEFAULT_BANDWIDTH,
        value_range=None,
        coupling=DEFAULT_COUPLING,
        **kwargs,
    ):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        if not float(penalty_weight) >= 0:
            raise ValueError(f"penalty_weight (λ) must be ≥ 0; got {penalty_weight!r}.")
        if isinstance(bins, bool) or not isinstance(bins, int) or bins < 2:
            raise ValueError(f"bins must be an integer ≥ 2; got {bins!r}.")
        if not float(bandwidth) > 0:
            raise ValueError(f"bandwidth must be positive; got {bandwidth!r}.")
        self.penalty_weight = float(penalty_weight)
        self.ced_options = dict(bins=bins, bandwidth=float(bandwidth))
        if value_range is not None:
            self.ced_options["value_range"] = tuple(value_range)
        if coupling is not None:
            check_coupling(coupling)
        self.coupling = coupling

    def generator_loss(self, fake_logits, real, fake, critic):
        return non_saturating_generator_loss(fake_logits), {}

    def generator_penalty(self, real, fake):
        ced = conditional_entropy_distance(real, fake, coupling=self.coupling, **self.ced_options)
        return self.penalty_weight * ced, {"ced": ced}


registry.register("edgan", EDGAN)
