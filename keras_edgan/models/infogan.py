"""InfoGAN: any GAN of the library with latent codes whose mutual information with
the generated samples is maximized."""

import keras
import numpy as np
from keras import ops

from keras_edgan.losses.mutual_information import (
    categorical_information_bound,
    continuous_information_bound,
)
from keras_edgan.models import mixed_precision, registry
from keras_edgan.models.nsgan import NSGAN
from keras_edgan.models.wgan_gp import WGANGP
from keras_edgan.models.wrapper import GANWrapper
from keras_edgan.techniques.feature_matching import feature_extractor
from keras_edgan.techniques.latent_noise import latent_noise, numpy_latent_noise


def information_head(feature_shape, outputs, units=128, name="information_head"):
    """The head of InfoGAN's Q network on the discriminator's features (Chen et al.
    2016, appendix C.1, MNIST): Flatten → Dense(units) → BatchNorm → LeakyReLU(0.1)
    → Dense(outputs), the parameters of Q(c|x).

    Example:
    ```python
    head = information_head((7, 7, 64), outputs=12)
    parameters = head(features)  # (n, 12)
    ```
    """
    return keras.Sequential([
        keras.Input(tuple(feature_shape)),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(units, name="hidden"),
        keras.layers.BatchNormalization(name="hidden_bn"),
        keras.layers.LeakyReLU(0.1, name="hidden_lrelu"),
        keras.layers.Dense(outputs, name="parameters"),
    ], name=name)


class InfoGAN(GANWrapper):
    """Chen et al. 2016, "InfoGAN: Interpretable Representation Learning by Information
    Maximizing Generative Adversarial Nets", eq. 6, wrapped around any GAN of the
    library:

        min_{G,Q} max_D V(D, G) − λ·L_I(G, Q),
        L_I = E_{c~P(c), x~G(z,c)}[log Q(c|x)] + H(c) ≤ I(c; G(z, c))  (eq. 5).

    The generator takes (z, c): the code c fills the last dimensions of its input
    of size `latent_dim`, after the noise z of the first `latent_dim − code_dims`.
    c holds `categorical_codes` one-hot codes, each uniform over `code_categories`
    values (dimensions K each), then `continuous_codes` codes from Unif(−1, 1). The
    paper's MNIST: one Cat(K = 10), two Unif(−1, 1) and 62 noise dimensions,
    `latent_dim` = 74. `sample_noise` (training), `numpy_noise` (`generate`, the
    sample grids) and `generate_with_codes` (chosen codes) draw the codes there.

    Q shares the discriminator's body (the paper: "Q and D share all convolutional
    layers"; seed 001: the classifier and the discriminator share most parameters,
    only the last layer differs): Q(x) is an `information_head` on the
    discriminator's last features (`feature_extractor`). Q's categorical part is a
    softmax per code; its continuous part is a factored Gaussian with fixed σ = 1,
    as the paper's MNIST code treats it (`fix_std`), so Q predicts the means alone.
    One training step of the wrapped GAN, with −λ·L_I added:

    1. each discriminator update: the wrapped GAN's loss − λ·L_I on its fakes from
       fresh (z, c), so the body shared with Q gets the information gradient too;
       then one step of Q's head alone on fresh fakes, descending −λ·L_I with its
       own optimizer. The base GAN's discriminator update differentiates D's
       variables alone; the paper's code updates the head with D's Adam, whose
       settings the head's optimizer copies by default (`compile`);
    2. the generator update: the wrapped GAN's loss − λ·L_I on its own fakes.

    λ is `information_weight` for the categorical codes (the paper's 1) and
    `continuous_weight` for the continuous ones: the paper uses "a smaller λ" for
    them, so that the term with a differential entropy stays on the scale of the
    GAN objective; 0.1 here.

    The losses read the codes of the noise drawn last (`sample_noise`), which every
    update draws before computing its loss. Experience replay (replayed fakes lost
    their codes), the merged update (it has no discriminator update for Q's head)
    and conditional GANs (InfoGAN learns the classes without labels) are refused.

    `fit` logs the wrapped GAN's `d_loss` and `g_loss` (each with −λ·L_I) and
    penalties, and the bounds of the generator's batch: `categorical_information`
    (≤ categorical_codes · log K, reached when Q recovers every code) and
    `continuous_information` (with σ = 1 at most log 2 − ½ log 2π ≈ −0.23 per
    code), for the kinds of codes there are. Q's head, its
    optimizer and the seeded stream are variables of this model, saved with it.

    Example:
    ```python
    G, D = keras_edgan.architectures.sngan_cnn(channels=1, latent_dim=74, width=8)
    gan = keras_edgan.models.InfoGAN(
        keras_edgan.models.NSGAN(G, D, latent_dim=74, noise_distribution="uniform"),
        categorical_codes=1, code_categories=10, continuous_codes=2)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5))
    gan.fit(digits.batch(64, drop_remainder=True), epochs=10)  # 32x32 digits
    same_class = gan.generate_with_codes(16, categories=7, seed=0)  # one code value
    ```

    Args:
        gan: the GAN to extend (e.g. `NSGAN`, `WGANGP`); its networks, `latent_dim`
            (the generator's input: noise and codes), objective and the training
            techniques of its step (`options`) are used. It must be unconditional.
        categorical_codes: the number of categorical codes.
        code_categories: K, the values of each categorical code.
        continuous_codes: the number of continuous codes, Unif(−1, 1) each.
        information_weight: λ of the categorical codes' L_I (the paper's 1).
        continuous_weight: λ of the continuous codes' L_I.
        q_units: units of the hidden layer of Q's head (the paper's 128).
        seed: seed of this model's noise stream; give it a different seed from the
            wrapped GAN's, whose own stream still draws what its losses need.
            `None` draws one from Python's `random`.
    """

    def __init__(
        self,
        gan,
        categorical_codes=1,
        code_categories=10,
        continuous_codes=2,
        information_weight=1.0,
        continuous_weight=0.1,
        q_units=128,
        seed=None,
        **kwargs,
    ):
        super().__init__(gan, seed=seed, **kwargs)
        _check_unconditional(gan)
        _check_options(self.options)
        self.categorical_codes = int(categorical_codes)
        self.code_categories = int(code_categories)
        self.continuous_codes = int(continuous_codes)
        self.code_dims = _check_codes(
            self.categorical_codes, self.code_categories, self.continuous_codes, gan.latent_dim
        )
        self.noise_dims = self.latent_dim - self.code_dims
        self.information_weight = float(information_weight)
        self.continuous_weight = float(continuous_weight)
        self.discriminator_features = feature_extractor(gan.discriminator)
        self.information_head = information_head(
            self.discriminator_features.outputs[0].shape[1:], self.code_dims, int(q_units)
        )
        self.log(
            *(("categorical_information",) if self.categorical_codes else ()),
            *(("continuous_information",) if self.continuous_codes else ()),
        )
        self._codes = None

    def compile(self, d_optimizer, g_optimizer, q_optimizer=None, **kwargs):
        """Sets the optimizers of D, G and Q's head; the head's defaults to a copy of
        D's config (the paper's code trains the head with D's optimizer)."""
        self.q_optimizer = self.compile_with(
            d_optimizer, g_optimizer, self.information_head, q_optimizer, like="d", **kwargs
        )

    # The codes.

    def sample_noise(self, n):
        """(z, c) from the model's seeded stream: z of `noise_distribution` in the
        first `noise_dims`, then the codes, which the losses of the update read."""
        z = latent_noise(
            (n, self.noise_dims), self.options.noise_distribution, self.options.noise_stddev,
            self.seed_generator,
        )
        codes = []
        if self.categorical_codes:
            categories = keras.random.randint(
                (n, self.categorical_codes), 0, self.code_categories, seed=self.seed_generator
            )
            one_hot = ops.one_hot(categories, self.code_categories, dtype=z.dtype)
            codes.append(ops.reshape(one_hot, (n, self.categorical_codes * self.code_categories)))
        if self.continuous_codes:
            codes.append(keras.random.uniform(
                (n, self.continuous_codes), -1.0, 1.0, dtype=z.dtype, seed=self.seed_generator
            ))
        self._codes = ops.concatenate(codes, axis=-1)
        return ops.concatenate([z, self._codes], axis=-1)

    def numpy_noise(self, n, rng, truncation=None):
        """(z, c) from the numpy generator `rng`: z as `GAN.numpy_noise` (truncated
        with `truncation`), codes drawn from their priors."""
        return self.numpy_inputs(n, rng, truncation)

    def numpy_inputs(self, n, rng, truncation=None, categories=None, continuous=None):
        """`n` generator inputs (z, c) from the numpy generator `rng`, as float32.

        Args:
            categories: the categorical codes' values (ints in [0, K)), broadcast to
                `(n, categorical_codes)`; None draws them uniformly.
            continuous: the continuous codes, broadcast to `(n, continuous_codes)`
                (values beyond [−1, 1] extrapolate, as the paper's Fig. 2 does);
                None draws them from Unif(−1, 1).
        """
        z = numpy_latent_noise(
            rng, (n, self.noise_dims), self.options.noise_distribution,
            self.options.noise_stddev, truncation,
        )
        codes = numpy_codes(rng, n, self.categorical_codes, self.code_categories,
                            self.continuous_codes, categories, continuous)
        return np.concatenate([z, codes], axis=-1).astype("float32")

    def generate_with_codes(self, n, categories=None, continuous=None, seed=None,
                            truncation=None, batch_size=256):
        """`n` images (numpy, inference mode) of the `sampling_generator` with the
        given codes and noise seeded with `seed`; `categories` and `continuous` as
        in `numpy_inputs` (None draws them).

        Example:
        >>> digits = gan.generate_with_codes(100, categories=3, seed=0)
        """
        inputs = self.numpy_inputs(
            n, np.random.default_rng(seed), truncation, categories, continuous
        )
        images = self.sampling_generator.predict(inputs, batch_size=batch_size, verbose=0)
        return images.astype("float32", copy=False)

    # The information term.

    def information(self, samples, codes):
        """`(λ·L_I, {name: L_I of each kind of code})` of Q on `samples` generated
        from `codes`."""
        parameters = self._information_parameters(samples)
        split = self.categorical_codes * self.code_categories
        weighted, bounds = 0.0, {}
        if self.categorical_codes:
            shape = (-1, self.categorical_codes, self.code_categories)
            bounds["categorical_information"] = categorical_information_bound(
                ops.reshape(codes[:, :split], shape), ops.reshape(parameters[:, :split], shape)
            )
            weighted = weighted + self.information_weight * bounds["categorical_information"]
        if self.continuous_codes:
            bounds["continuous_information"] = continuous_information_bound(
                codes[:, split:], parameters[:, split:]
            )
            weighted = weighted + self.continuous_weight * bounds["continuous_information"]
        return weighted, bounds

    def drawn_codes(self):
        """The codes of the noise last drawn by `sample_noise`: those of the update
        in progress."""
        if self._codes is None:
            raise RuntimeError(
                "InfoGAN's losses read the codes of the update's noise, but no noise was "
                "drawn yet: call sample_noise first (each update does)."
            )
        return self._codes

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        loss = super().discriminator_loss(real_logits, fake_logits, real, fake, critic)
        weighted, _ = self.information(fake, self.drawn_codes())
        return loss - weighted

    def generator_objective(self, real, fake, labels, critic, fake_logits=None):
        loss, penalties = super().generator_objective(real, fake, labels, critic, fake_logits)
        weighted, bounds = self.information(fake, self.drawn_codes())
        return loss - weighted, {**penalties, **bounds}

    def discriminator_update(self, real, labels):
        loss, penalties = super().discriminator_update(real, labels)
        self._head_update(ops.shape(real)[0])
        return loss, penalties

    def _head_update(self, n):
        """One step of Q's head on −λ·L_I of fresh fakes, D's body fixed."""
        fake = ops.stop_gradient(self._generate(self.sample_noise(n), None))
        fake, codes = self.discriminator_input()(fake), self.drawn_codes()

        def loss_fn():
            weighted, _ = self.information(fake, codes)
            return -weighted, None

        _, _, grads = self._gradients(loss_fn, self.information_head)
        self.q_optimizer.apply(grads, self.information_head.trainable_variables)

    def _information_parameters(self, samples):
        features = self.discriminator_features(samples, training=True)
        parameters = self.information_head(features, training=True)
        return mixed_precision.full_precision(self.information_head, parameters)


def numpy_codes(rng, n, categorical_codes, code_categories, continuous_codes, categories=None,
                continuous=None):
    """`n` InfoGAN codes c from the numpy generator `rng`, as float32 `(n, code dims)`:
    each categorical code one-hot, then the continuous codes; `categories` and
    `continuous` as in `InfoGAN.numpy_inputs` (None draws them from their priors,
    Cat(K) and Unif(−1, 1))."""
    if categories is None:
        categories = rng.integers(0, code_categories, (n, categorical_codes))
    categories = np.broadcast_to(np.asarray(categories), (n, categorical_codes))
    if categories.size and not (
        np.issubdtype(categories.dtype, np.integer)
        and 0 <= categories.min() and categories.max() < code_categories
    ):
        raise ValueError(
            f"categories must be integers in [0, {code_categories}) (the values of each "
            f"categorical code); got {categories!r}."
        )
    if continuous is None:
        continuous = rng.uniform(-1.0, 1.0, (n, continuous_codes))
    continuous = np.broadcast_to(np.asarray(continuous, "float32"), (n, continuous_codes))
    one_hot = np.eye(code_categories, dtype="float32")[categories].reshape(
        n, categorical_codes * code_categories
    )
    return np.concatenate([one_hot, continuous], axis=-1).astype("float32")


def _check_unconditional(gan):
    if gan.num_classes is not None:
        raise ValueError(
            "InfoGAN learns its categorical codes without labels: it wraps unconditional "
            "GANs only. Build the wrapped GAN with num_classes=None."
        )


def _check_options(options):
    refused = {
        "replay_buffer_size": "replayed fakes have lost the codes they were generated "
                              "from; use replay_buffer_size=0",
        "merged_update": "Q's head takes its step after each discriminator update, which "
                         "the merged update does not make; use merged_update=False",
    }
    for name, why in refused.items():
        value = getattr(options, name)
        if value:
            raise ValueError(f"InfoGAN cannot train with {name}={value!r}: {why}.")


def _check_codes(categorical_codes, code_categories, continuous_codes, latent_dim):
    """The dimensions the codes take, or a ValueError saying what to change."""
    code_dims = categorical_codes * code_categories + continuous_codes
    if categorical_codes < 0 or continuous_codes < 0 or code_dims == 0:
        raise ValueError(
            f"InfoGAN needs at least one code: categorical_codes and continuous_codes must "
            f"be non-negative, not both 0; got {categorical_codes} and {continuous_codes}."
        )
    if categorical_codes and code_categories < 2:
        raise ValueError(
            f"code_categories must be at least 2 (the values of a categorical code); got "
            f"{code_categories}."
        )
    if code_dims >= latent_dim:
        raise ValueError(
            f"The codes take {code_dims} dimensions of the generator's input "
            f"({categorical_codes} × {code_categories} one-hot + {continuous_codes} "
            f"continuous), but latent_dim is {latent_dim}: latent_dim is the generator's "
            f"input size, noise and codes together. Raise latent_dim to the noise size + "
            f"{code_dims} (the paper's MNIST: 62 + 12 = 74)."
        )
    return code_dims


registry.register("infogan", InfoGAN, wraps=NSGAN)
registry.register("wgan_gp_infogan", InfoGAN, wraps=WGANGP)
