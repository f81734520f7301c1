"""The base GAN model: a generator, a discriminator and Algorithm 1 of EDGAN."""

import keras
import numpy as np
from keras import ops

from keras_edgan import backend
from keras_edgan.models.random_stream import RandomStream


class GAN(backend.StatefulTrainStep, keras.Model):
    """A generator and a discriminator trained by alternating minibatch updates.

    `train_step` is Algorithm 1 of Tan et al. 2020 (EDGAN): `d_steps` discriminator
    updates, each on its own real minibatch and fresh noise, then one generator update
    on fresh noise. Each element of the training dataset therefore holds `d_steps`
    minibatches: batch the dataset at `d_steps * m` to train with minibatch size `m`.

    Subclasses define the objective with two methods and name the penalties they log
    in `penalty_names`:

    - `discriminator_loss(real_logits, fake_logits, real, fake)` → scalar;
    - `generator_loss(fake_logits, real, fake)` → `(scalar, {penalty_name: value})`,
      where `real` is the last real minibatch of the step, paired with `fake` by index.

    Args:
        generator: a `keras.Model` mapping noise `(n, latent_dim)` to images.
        discriminator: a `keras.Model` mapping images to one logit per image.
        latent_dim: size of the noise vector z.
        d_steps: discriminator updates per generator update (k_D of Algorithm 1).
        noise_stddev: standard deviation of z ~ N(0, σ²I). EDGAN's text says a
            standard Gaussian (σ = 1); its algorithm box says N(0, 0.02).
        seed: seed of the model's noise stream.
        merged_update: train both networks from one gradient computation per step
            instead of alternating (the stop-gradient merge of the two updates in
            Zheng's GAN survey, 0809zheng.github.io, "合并交替优化"):
            the loss L_D(D(x), D(sg(G(z)))) + L_G(D(G(z))) − L_G(D(sg(G(z)))), sg the
            stop-gradient, has gradient ∇L_D for the discriminator and ∇L_G for the
            generator, both at the current weights and on the same noise. Each
            network keeps its own optimizer (their learning rates play the ratio λ
            of the merged objective). Needs `d_steps=1`.
    """

    penalty_names = ()

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        d_steps=1,
        noise_stddev=1.0,
        seed=None,
        merged_update=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        _check_network("generator", generator)
        _check_network("discriminator", discriminator)
        if int(d_steps) < 1:
            raise ValueError(
                f"d_steps must be a positive integer (discriminator updates per "
                f"generator update); got {d_steps!r}. EDGAN uses d_steps=2."
            )
        generator_latent = generator.inputs[0].shape[-1] if generator.inputs else None
        if generator_latent is not None and generator_latent != latent_dim:
            raise ValueError(
                f"latent_dim={latent_dim} does not match the generator, whose input "
                f"has {generator_latent} features. Pass latent_dim={generator_latent} "
                f"or build the generator with latent_dim={latent_dim}."
            )
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.d_steps = int(d_steps)
        self.noise_stddev = float(noise_stddev)
        self.merged_update = bool(merged_update)
        if self.merged_update:
            _check_mergeable(self)
        self.random_stream = RandomStream(seed)
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("d_loss", "g_loss", *self.penalty_names)
        }
        # A Model without call() is still trainable by fit on JAX and torch only
        # when marked built; both networks are built functional models.
        self.built = True

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        """Sets the optimizers of the discriminator and the generator."""
        self.d_optimizer = keras.optimizers.get(d_optimizer)
        self.g_optimizer = keras.optimizers.get(g_optimizer)
        self.compile_optimizers(
            [(self.discriminator, self.d_optimizer), (self.generator, self.g_optimizer)],
            **kwargs,
        )

    def compile_optimizers(self, assignment, **kwargs):
        """Compiles with one optimizer per network: `assignment` is a list of
        `(network, optimizer)` pairs covering every trainable variable of the model.

        All optimizers travel in `self.optimizer`, a `keras.optimizers.MultiOptimizer`,
        so that Keras' JAX trainer carries their variables in its state. Subclasses with
        more networks (e.g. VER's statistics network) call this with more pairs.
        """
        owner = {
            id(variable): optimizer
            for network, optimizer in assignment
            for variable in network.trainable_variables
        }
        missing = [v.path for v in self.trainable_variables if id(v) not in owner]
        if missing:
            raise ValueError(f"No optimizer was given for the variables {missing}.")
        super().compile(
            optimizer=keras.optimizers.MultiOptimizer(lambda v: owner[id(v)]), **kwargs
        )
        # Built here, not lazily, so no variable is first created inside a traced step.
        self.optimizer.build(self.trainable_variables)

    @property
    def seed_generator(self):
        """The model's seeded random stream (noise, shuffles), saved with its weights."""
        return self.random_stream.seed_generator

    @property
    def metrics(self):
        return list(self.trackers.values())

    def sample_noise(self, n):
        """z ~ N(0, noise_stddev² I), drawn from the model's seeded training stream."""
        return keras.random.normal(
            (n, self.latent_dim), stddev=self.noise_stddev, seed=self.seed_generator
        )

    def generate(self, n, seed=None, batch_size=256):
        """Returns `n` generated images as a numpy array (inference mode).

        The noise comes from numpy's generator seeded with `seed`, not from the
        training stream, so sampling never changes what training would draw next.
        """
        z = np.random.default_rng(seed).normal(
            0.0, self.noise_stddev, (n, self.latent_dim)
        ).astype("float32")
        return self.generator.predict(z, batch_size=batch_size, verbose=0)

    def step(self, data):
        real = _images(data)
        minibatches = self._split(real)
        if self.merged_update:
            d_loss, (g_loss, penalties) = self._merged_update(real)
        else:
            for real_minibatch in minibatches:
                d_loss = self._discriminator_update(real_minibatch)
            g_loss, penalties = self._generator_update(minibatches[-1])
        self.trackers["d_loss"].update_state(d_loss)
        self.trackers["g_loss"].update_state(g_loss)
        for name, value in penalties.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def _discriminator_update(self, real):
        fake = ops.stop_gradient(self.generator(self.sample_noise(ops.shape(real)[0]), training=True))

        def loss_fn():
            real_logits = self.discriminator(real, training=True)
            fake_logits = self.discriminator(fake, training=True)
            return self.discriminator_loss(real_logits, fake_logits, real, fake), None

        return self._update(loss_fn, self.discriminator, self.d_optimizer)

    def _generator_update(self, real):
        z = self.sample_noise(ops.shape(real)[0])
        loss_fn = self._generator_loss_fn(z, real)
        return self._update(loss_fn, self.generator, self.g_optimizer, with_aux=True)

    def _generator_loss_fn(self, z, real):
        """The `loss_fn` of the generator's objective on noise `z`: `(loss, penalties)`."""

        def loss_fn():
            fake = self.generator(z, training=True)
            fake_logits = self.discriminator(fake, training=True)
            return self.generator_loss(fake_logits, real, fake)

        return loss_fn

    def _merged_update(self, real):
        z = self.sample_noise(ops.shape(real)[0])

        def loss_fn():
            fake = self.generator(z, training=True)
            held = ops.stop_gradient(fake)
            held_logits = self.discriminator(held, training=True)
            real_logits = self.discriminator(real, training=True)
            d_loss = self.discriminator_loss(real_logits, held_logits, real, held)
            g_loss, penalties = self.generator_loss(
                self.discriminator(fake, training=True), real, fake
            )
            # Same value as g_loss, gradient only for D: subtracting it leaves D with ∇L_D.
            held_g_loss, _ = self.generator_loss(held_logits, real, held)
            return d_loss + g_loss - held_g_loss, (d_loss, (g_loss, penalties))

        _, (d_loss, g_terms), grads = self._gradients(loss_fn, self.discriminator, self.generator)
        count = len(self.discriminator.trainable_variables)
        self.d_optimizer.apply(grads[:count], self.discriminator.trainable_variables)
        self.g_optimizer.apply(grads[count:], self.generator.trainable_variables)
        return d_loss, g_terms

    def _update(self, loss_fn, network, optimizer, with_aux=False):
        loss, aux, grads = self._gradients(loss_fn, network)
        optimizer.apply(grads, network.trainable_variables)
        return (loss, aux) if with_aux else loss

    def _gradients(self, loss_fn, *networks):
        """`(loss, aux, grads)` of `loss_fn` w.r.t. the `networks`' trainable variables;
        the model's other variables are state that `loss_fn` may read and update."""
        variables = [v for network in networks for v in network.trainable_variables]
        ids = {id(v) for v in variables}
        state = [v for v in self.variables if id(v) not in ids]
        return backend.value_and_grad(loss_fn, variables, state)

    def _split(self, real):
        batch = real.shape[0]
        if batch is not None and batch % self.d_steps:
            raise ValueError(
                f"A training batch of {batch} images cannot be split into "
                f"d_steps={self.d_steps} equal minibatches. Batch the dataset at "
                f"d_steps * m images (m = minibatch size), e.g. "
                f"{self.d_steps * max(1, batch // self.d_steps)}, with drop_remainder=True."
            )
        return ops.split(real, self.d_steps, axis=0)


def _images(data):
    """The images of a batch: `x` of `(x,)`, `(x, y)` or `x` itself."""
    if isinstance(data, (tuple, list)):
        return data[0]
    return data


def _check_mergeable(gan):
    if gan.d_steps != 1:
        raise ValueError(
            f"merged_update=True updates both networks once per step, so it needs "
            f"d_steps=1; got d_steps={gan.d_steps}."
        )
    changed = [
        name for name in ("_discriminator_update", "_generator_update")
        if getattr(type(gan), name) is not getattr(GAN, name)
    ]
    if changed:
        raise TypeError(
            f"{type(gan).__name__} changes the alternating updates ({', '.join(changed)}), "
            f"which merged_update=True would skip. Train it with merged_update=False."
        )


def _check_network(role, network):
    if not isinstance(network, keras.Model):
        raise TypeError(
            f"{role} must be a keras.Model (e.g. from keras_edgan.architectures); "
            f"got {type(network).__name__}."
        )
    if not network.built:
        raise ValueError(
            f"The {role} is not built. Build it (call it once on an input, or use a "
            f"functional/Sequential model with an Input) before wrapping it in a GAN."
        )
