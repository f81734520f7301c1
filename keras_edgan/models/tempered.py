"""Tempered Adversarial Networks: any GAN of the library with a lens between the real
data and the discriminator."""

import keras
from keras import ops

from keras_edgan.losses.tempered import lens_loss, lens_reconstruction_loss, lens_weight
from keras_edgan.models import mixed_precision, registry
from keras_edgan.models.nsgan import NSGAN
from keras_edgan.models.wgan_gp import WGANGP
from keras_edgan.models.wrapper import GANWrapper


def residual_lens(sample_shape, width=32, hidden_layers=2, name="lens"):
    """The lens L of Tempered Adversarial Networks: L(x) = x + f(x), a sample of the
    same shape.

    f is `hidden_layers` 3×3 convolutions of `width` filters for images (`(h, w, c)`),
    Dense layers of `width` units for points (`(d,)`), each with LeakyReLU(0.2), then
    a linear layer back to the sample's shape. That last layer starts at zero, so the
    lens starts as the identity. Images are clipped to [−1, 1], the range of the
    data and of the generator's tanh, so the discriminator never sees values no
    real or generated image can take.

    Example:
    ```python
    lens = residual_lens(sample_shape=(28, 28, 1), width=16)
    lensed = lens(images)  # (n, 28, 28, 1), in [−1, 1]
    ```
    """
    sample_shape = tuple(sample_shape)
    if len(sample_shape) == 3:
        def layer(filters, i, **kwargs):
            return keras.layers.Conv2D(filters, 3, padding="same", name=f"conv{i}", **kwargs)
    elif len(sample_shape) == 1:
        def layer(units, i, **kwargs):
            return keras.layers.Dense(units, name=f"dense{i}", **kwargs)
    else:
        raise ValueError(
            f"The default lens takes images (height, width, channels) or points (d,); "
            f"got samples of shape {sample_shape}. Pass a lens network of your own."
        )
    samples = keras.Input(sample_shape, name="samples")
    h = samples
    for i in range(hidden_layers):
        h = keras.layers.LeakyReLU(0.2, name=f"lrelu{i}")(layer(width, i)(h))
    change = layer(sample_shape[-1], hidden_layers, kernel_initializer="zeros")(h)
    lensed = keras.layers.Add(name="residual")([samples, change])
    if len(sample_shape) == 3:
        lensed = keras.layers.Lambda(lambda x: ops.clip(x, -1.0, 1.0), name="clip")(lensed)
    return keras.Model(samples, lensed, name=name)


class Tempered(GANWrapper):
    """Sajjadi, Parascandolo, Mehrjou and Schölkopf 2018, "Tempered Adversarial
    Networks", wrapped around any GAN of the library: a lens L between the real data
    X and the discriminator, which sees L(X) in place of X.

    The lens is trained to fool the discriminator while reconstructing its input
    (eq. 2–4), the adversarial term weighted by λ_t falling from 1 to 0 over K
    generator updates (eq. 5; `keras_edgan.losses.tempered`):

        L_L = λ_t·L_L^A + L_L^R,  L_L^A = −L_D(D(L(X)), D(G(z))),  L_L^R = ‖X − L(X)‖₂²

    At first the lens hides from the discriminator what the generator cannot yet
    produce; once λ_t = 0 it is trained on L_L^R alone and converges to the identity,
    so the GAN ends up trained on the data itself. One training step:

    1. the wrapped GAN's `d_steps` discriminator updates, each with its real
       minibatch seen through the lens (the lens held fixed);
    2. one lens update on L_L, on the step's last real minibatch and fresh generated
       samples, with t = `generator_updates` (the generator updates before it);
    3. the wrapped GAN's generator update, whose losses that pair real with
       generated samples (EDGAN's ρ, relativistic losses, feature matching) see the
       lensed real minibatch, as the discriminator does.

    Decisions where the seed (002) is silent: L_L^A is the negated adversarial term
    of the wrapped GAN's discriminator loss (the seed: "大约等于判别器损失函数的负数",
    approximately the negated discriminator loss), without its penalties (WGAN-GP's
    `critic_penalty`, R1, LeCam), which regularize D rather than measure how well it
    tells the lensed data from the generated; the lens is updated once
    per generator update, like the generator, so a generator update the critic
    schedule discards discards the lens's too; the discriminator only ever sees
    lensed real data (the paper's figure 1); the default lens is `residual_lens`,
    starting as the identity; its optimizer defaults to a copy of the
    discriminator's, the network it plays against.

    `fit` logs the wrapped GAN's losses and penalties, `lens_reconstruction` (L_L^R)
    and `lens_weight` (λ_t). The lens and its optimizer are variables of this model,
    saved and restored with it.

    Example:
    ```python
    G, D = keras_edgan.architectures.optimized_dcgan(image_size=28, channels=1, width=16)
    gan = keras_edgan.models.Tempered(keras_edgan.models.NSGAN(G, D, latent_dim=128),
                                      lens_steps=1000)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))  # L: like D's
    gan.fit(images.batch(64, drop_remainder=True), epochs=10)
    ```

    Args:
        gan: the GAN to temper (e.g. `NSGAN`, `WGANGP`, `EDGAN`); its networks,
            `latent_dim`, objective and the training techniques of its step (its
            `options`) are used, except `merged_update`, which this model refuses.
        lens: L, a `keras.Model` mapping samples to samples of the same shape
            (a conditional GAN's labels go to D alone); default
            `residual_lens(...)` for the generator's sample shape.
        lens_steps: K of eq. 5, the generator updates after which the lens's
            adversarial weight λ_t reaches 0 (the seed does not give its value).
        lens_width: filters (images) or units (points) of each hidden layer of the
            default lens.
        seed: seed of this model's noise stream; give it a different seed from the
            wrapped GAN's, whose own stream still draws what its losses need.
    """

    def __init__(self, gan, lens=None, lens_steps=10000, lens_width=32, seed=None, **kwargs):
        super().__init__(gan, seed=seed, **kwargs)
        if gan.options.merged_update:
            raise ValueError(
                "Tempered adds the lens's update between the discriminator's and the "
                "generator's, which merged_update=True merges into one. Build the wrapped "
                "GAN with merged_update=False."
            )
        if int(lens_steps) != lens_steps or lens_steps < 1:
            raise ValueError(
                f"lens_steps (K of eq. 5, the generator updates over which the lens's "
                f"adversarial weight falls to 0) must be a positive integer; got "
                f"{lens_steps!r}. Choose a fraction of the run, e.g. half its steps."
            )
        self.log("lens_reconstruction", "lens_weight")
        self.lens_steps = int(lens_steps)
        sample_shape = tuple(gan.generator.outputs[0].shape[1:])
        self.lens = lens or residual_lens(sample_shape, width=int(lens_width))
        if tuple(self.lens.outputs[0].shape[1:]) != sample_shape:
            raise ValueError(
                f"The lens must map samples to samples of the same shape, "
                f"{sample_shape}; it outputs {tuple(self.lens.outputs[0].shape[1:])}. "
                f"Pass a lens of that shape, or none for residual_lens."
            )

    def compile(self, d_optimizer, g_optimizer, lens_optimizer=None, **kwargs):
        """Sets the optimizers of D, G and the lens; the lens's defaults to a copy of
        D's config."""
        self.lens_optimizer = self.compile_with(
            d_optimizer, g_optimizer, self.lens, lens_optimizer, like="d", **kwargs
        )

    def generator_state(self):
        # The lens's update is part of the generator update.
        return [*super().generator_state(), *self.lens.variables, *self.lens_optimizer.variables]

    def discriminator_update(self, real, labels):
        return super().discriminator_update(ops.stop_gradient(self.apply_lens(real)), labels)

    def generator_update(self, real, labels):
        logs = self._lens_update(real, labels)
        loss, penalties = super().generator_update(
            ops.stop_gradient(self.apply_lens(real)), labels
        )
        return loss, {**penalties, **logs}

    def apply_lens(self, samples):
        """L(samples), in the samples' dtype (float32 under a mixed policy)."""
        return mixed_precision.full_precision(self.lens, self.lens(samples, training=True))

    def _lens_update(self, real, labels):
        """One update of the lens on L_L (eq. 4); `{name: value}` of L_L^R and λ_t."""
        weight = lens_weight(self.generator_updates.value, self.lens_steps)
        fake = ops.stop_gradient(self._generate(self.sample_noise(ops.shape(real)[0]), labels))
        seen = self.discriminator_input()
        critic = self.critic(labels)

        def loss_fn():
            lensed = self.apply_lens(real)
            shown, fake_shown = seen(lensed), seen(fake)
            d_loss = self.discriminator_loss(
                self._discriminate(shown, labels), self._discriminate(fake_shown, labels),
                shown, fake_shown, critic,
            )
            reconstruction = lens_reconstruction_loss(real, lensed)
            return lens_loss(d_loss, reconstruction, weight), reconstruction

        _, reconstruction, grads = self._gradients(loss_fn, self.lens)
        self.lens_optimizer.apply(grads, self.lens.trainable_variables)
        return {"lens_reconstruction": reconstruction, "lens_weight": weight}


registry.register("tempered_nsgan", Tempered, wraps=NSGAN)
registry.register("tempered_wgan_gp", Tempered, wraps=WGANGP)
