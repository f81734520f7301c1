"""GAN+VER: any GAN of the library with the variational entropy regularizer."""

import keras
from keras import ops

from keras_edgan.losses.adaptive_gradient_clipping import adaptive_gradient_clipping
from keras_edgan.losses.mine import (
    donsker_varadhan_bound,
    mine_corrected_objective,
    moving_average_update,
)
from keras_edgan.models import mixed_precision, registry
from keras_edgan.models.nsgan import NSGAN
from keras_edgan.models.wgan_gp import WGANGP
from keras_edgan.models.wrapper import GANWrapper


def mine_statistics_network(sample_shape, latent_dim, units=128, hidden_layers=2, name="statistics"):
    """The MINE statistics network T(x, z) of VER (Khorramshahi et al. 2020, §IV-C).

    A perceptron on the concatenation of the flattened sample and the noise:
    `hidden_layers` Dense layers of `units` with LeakyReLU(0.2), then one linear
    score; Kaiming (He normal) initialization, as in the paper.

    Example:
    ```python
    T = mine_statistics_network(sample_shape=(2,), latent_dim=2)
    scores = T([samples, z])  # (n, 1)
    ```
    """
    samples = keras.Input(tuple(sample_shape), name="samples")
    z = keras.Input((latent_dim,), name="z")
    h = keras.layers.Concatenate(name="pair")([keras.layers.Flatten(name="flatten")(samples), z])
    for i in range(hidden_layers):
        h = keras.layers.Dense(units, kernel_initializer="he_normal", name=f"hidden{i}")(h)
        h = keras.layers.LeakyReLU(0.2, name=f"hidden{i}_lrelu")(h)
    score = keras.layers.Dense(1, kernel_initializer="he_normal", name="score")(h)
    return keras.Model([samples, z], score, name=name)


class VER(GANWrapper):
    """Khorramshahi, Souri, Chellappa and Feizi 2020, "GANs with Variational Entropy
    Regularizers" (GAN+VER), eq. 6, wrapped around any GAN of the library:

        min_G  d(P_X, P_G) − λ·I_Θ(G(Z); Z),   I_Θ = sup_T (Donsker–Varadhan bound)

    For a deterministic generator I(G(Z); Z) = h(G(Z)), the entropy of the generated
    samples, so maximizing it spreads them over more modes. I_Θ is MINE's
    Donsker–Varadhan bound E_joint[T] − log E_marginal[e^T] (eq. 5) with a statistics
    network T(x̂, z); marginal pairs pair each x̂ with the noise of a random
    permutation of the batch. One training step:

    1. the wrapped GAN's `d_steps` discriminator updates, unchanged;
    2. one update of T, ascending the bound with MINE's bias-corrected gradient (a
       moving average of E_marginal[e^T], rate `moving_average_rate`);
    3. one generator update with g = g_adv + clip(∇(−λ·I_Θ)), where g_adv is the
       gradient of the wrapped GAN's generator loss, ∇I_Θ is the bias-corrected
       gradient again, and clip rescales the weighted MI gradient to at most ‖g_adv‖
       (MINE's adaptive gradient clipping, on global norms), so the regularizer never
       outweighs the adversarial signal.

    The wrapped GAN's losses and hooks are used (WGAN's weight clipping included);
    its `TrainingOptions` are this model's, except `merged_update`, which VER refuses.

    `fit` logs the wrapped GAN's `d_loss`, `g_loss` (the adversarial loss, without
    the MI term) and penalties, and `mi`, the bound I_Θ on the generator's batch.
    T, its optimizer and the moving average are variables of this model, saved and
    restored with it.

    Example:
    ```python
    G, D = keras_edgan.architectures.pacgan_mlp(latent_dim=2)
    gan = keras_edgan.models.VER(keras_edgan.models.NSGAN(G, D, latent_dim=2), mi_weight=1.0)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))  # T: like G's
    gan.fit(pipelines.load("ring", batch_size=64), epochs=10)
    ```

    Args:
        gan: the GAN to regularize (e.g. `NSGAN`, `WGANGP`, `EDGAN`); its networks,
            `latent_dim`, objective (label smoothing and noisy labels included) and
            the training techniques of its step (its `options`: `d_steps`,
            noise, instance noise, replay, ...) are used. It must be unconditional.
        mi_weight: λ of eq. 6.
        statistics_network: T, a `keras.Model` mapping `[samples, z]` to one score
            per pair; default `mine_statistics_network(...)` for the generator's
            sample shape.
        moving_average_rate: rate of MINE's moving average of E_marginal[e^T].
        statistics_units: units of each hidden layer of the default statistics
            network (the paper does not give T's width).
        seed: seed of this model's noise stream; give it a different seed from the
            wrapped GAN's, whose own stream still draws what its losses need (e.g.
            WGAN-GP's ε). `None` draws one from Python's `random` (seeded by
            `keras.utils.set_random_seed`).
    """

    def __init__(
        self,
        gan,
        mi_weight=1.0,
        statistics_network=None,
        moving_average_rate=0.01,
        statistics_units=128,
        seed=None,
        **kwargs,
    ):
        super().__init__(gan, seed=seed, **kwargs)
        if gan.options.merged_update:
            raise ValueError(
                "VER adds the statistics network's update and the MI gradient to the "
                "generator update, which merged_update=True replaces by one merged "
                "gradient. Build the wrapped GAN with merged_update=False."
            )
        if gan.num_classes is not None:
            raise ValueError(
                "VER estimates I(G(z); z) with a statistics network of (sample, z) pairs, "
                "which has no place for class labels: it wraps unconditional GANs only. "
                "Build the wrapped GAN with num_classes=None."
            )
        if not 0.0 < moving_average_rate <= 1.0:
            raise ValueError(
                f"moving_average_rate must be in (0, 1]; got {moving_average_rate!r}. "
                f"MINE uses 0.01."
            )
        self.log("mi")
        self.mi_weight = float(mi_weight)
        self.moving_average_rate = float(moving_average_rate)
        self.statistics_network = statistics_network or mine_statistics_network(
            gan.generator.outputs[0].shape[1:], gan.latent_dim, units=int(statistics_units)
        )
        self.marginal_average = self.add_weight(
            shape=(), initializer="ones", trainable=False, name="marginal_average"
        )

    def compile(self, d_optimizer, g_optimizer, t_optimizer=None, **kwargs):
        """Sets the optimizers of D, G and T; T's defaults to a copy of G's config."""
        self.t_optimizer = self.compile_with(
            d_optimizer, g_optimizer, self.statistics_network, t_optimizer, like="g", **kwargs
        )

    def generator_state(self):
        # The statistics network's update is part of the generator update.
        return [
            *super().generator_state(),
            *self.statistics_network.variables,
            *self.t_optimizer.variables,
            self.marginal_average,
        ]

    def generator_update(self, real, labels):
        n = ops.shape(real)[0]
        self._statistics_update(self.sample_noise(n))

        z = self.sample_noise(n)
        z_marginal = keras.random.shuffle(z, axis=0, seed=self.seed_generator)
        loss, penalties, adversarial = self.generator_gradients(z, real, labels)

        def information_loss_fn():
            joint, marginal = self._scores(self._generate(z, None), z, z_marginal)
            objective = mine_corrected_objective(joint, marginal, self.marginal_average)
            return -self.mi_weight * objective, donsker_varadhan_bound(joint, marginal)

        _, mi, information = self._gradients(information_loss_fn, self.generator)
        clipped = adaptive_gradient_clipping(information, adversarial)
        grads = [a + b for a, b in zip(adversarial, clipped)]
        self.g_optimizer.apply(grads, self.generator.trainable_variables)
        return loss, {**penalties, "mi": mi}

    def _statistics_update(self, z):
        fake = ops.stop_gradient(self._generate(z, None))
        z_marginal = keras.random.shuffle(z, axis=0, seed=self.seed_generator)

        def loss_fn():
            joint, marginal = self._scores(fake, z, z_marginal)
            average = moving_average_update(
                self.marginal_average, marginal, self.moving_average_rate
            )
            self.marginal_average.assign(average)
            return -mine_corrected_objective(joint, marginal, average), None

        _, _, grads = self._gradients(loss_fn, self.statistics_network)
        self.t_optimizer.apply(grads, self.statistics_network.trainable_variables)

    def _scores(self, fake, z, z_marginal):
        """T on the joint pairs (G(zᵢ), zᵢ) and on the marginal pairs (G(zᵢ), z_π(i))."""
        joint = self.statistics_network([fake, z], training=True)
        marginal = self.statistics_network([fake, z_marginal], training=True)
        network = self.statistics_network
        return (mixed_precision.full_precision(network, joint),
                mixed_precision.full_precision(network, marginal))


# VER's VGAN (eq. 7) trained as Goodfellow et al. recommend: the generator maximizes
# log D(G(z)) (the non-saturating loss), not log(1 − D(G(z))).
registry.register("vgan", NSGAN)
registry.register("vgan_ver", VER, wraps=NSGAN)
registry.register("wgan_gp_ver", VER, wraps=WGANGP)
