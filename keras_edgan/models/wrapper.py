"""The base of the models that extend any GAN of the library with a network of their
own (VER's statistics network, InfoGAN's Q head, Tempered's lens)."""

import keras

from keras_edgan.models.gan import GAN


class GANWrapper(GAN):
    """A GAN built around another: the wrapped GAN's networks, `latent_dim`, step
    options (`options`) and class count, and its objective: its losses, penalties,
    the names of D's outputs it logs, and its hooks all delegate to it, so a
    wrapper changes only what its method adds. The wrapped GAN's own random stream
    still draws what its losses need; the wrapper's (`seed`) draws the rest.

    Subclasses add the names they log with `log`, and compile their own network
    with `compile_with`.

    Example:
    ```python
    class Lensed(GANWrapper):
        def __init__(self, gan, seed=None, **kwargs):
            super().__init__(gan, seed=seed, **kwargs)
            self.lens = residual_lens(gan.generator.outputs[0].shape[1:])
            self.log("lens_reconstruction")

        def compile(self, d_optimizer, g_optimizer, lens_optimizer=None, **kwargs):
            self.lens_optimizer = self.compile_with(
                d_optimizer, g_optimizer, self.lens, lens_optimizer, like="d", **kwargs)
    ```

    Args:
        gan: the `GAN` to extend.
        seed: seed of this model's noise stream.
    """

    def __init__(self, gan, seed=None, **kwargs):
        if not isinstance(gan, GAN):
            raise TypeError(
                f"{type(self).__name__} wraps a keras_edgan.models.GAN (e.g. NSGAN(G, D, "
                f"latent_dim=...)); got {type(gan).__name__}."
            )
        super().__init__(
            gan.generator, gan.discriminator, gan.latent_dim, options=gan.options, seed=seed,
            num_classes=gan.num_classes, **kwargs,
        )
        self.gan = gan
        self.penalty_names = ()
        self.output_names = gan.output_names
        self.log(*gan.penalty_names, *self.output_names)

    def log(self, *names):
        """Adds `names` to what `fit` logs (`penalty_names`), with their trackers."""
        self.penalty_names = (*self.penalty_names, *(n for n in names
                                                     if n not in self.output_names))
        for name in names:
            self.trackers.setdefault(name, keras.metrics.Mean(name=name))

    def compile_with(self, d_optimizer, g_optimizer, network, optimizer=None, like="d",
                     **kwargs):
        """Compiles D, G and the wrapper's `network`, whose `optimizer` defaults to
        a copy of the configuration of D's (`like="d"`) or G's (`like="g"`)
        optimizer; returns that optimizer."""
        self.d_optimizer = keras.optimizers.get(d_optimizer)
        self.g_optimizer = keras.optimizers.get(g_optimizer)
        if optimizer is None:
            model = {"d": self.d_optimizer, "g": self.g_optimizer}[like]
            optimizer = model.__class__.from_config(model.get_config())
        optimizer = keras.optimizers.get(optimizer)
        self.compile_optimizers(
            [(self.discriminator, self.d_optimizer), (self.generator, self.g_optimizer),
             (network, optimizer)],
            **kwargs,
        )
        return optimizer

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return self.gan.discriminator_loss(real_logits, fake_logits, real, fake, critic)

    def generator_loss(self, fake_logits, real, fake, critic):
        return self.gan.generator_loss(fake_logits, real, fake, critic)

    def discriminator_outputs(self, real_logits, fake_logits):
        return self.gan.discriminator_outputs(real_logits, fake_logits)

    def critic_penalty(self, real, fake, critic):
        return self.gan.critic_penalty(real, fake, critic)

    def generator_penalty(self, real, fake):
        return self.gan.generator_penalty(real, fake)

    def after_discriminator_update(self):
        self.gan.after_discriminator_update()
