"""The base GAN model: a generator, a discriminator, Algorithm 1 of EDGAN and the training
techniques that compose with every objective."""

import numbers

import keras
import numpy as np
from keras import ops

from keras_edgan import backend
from keras_edgan.losses.feature_matching import feature_matching_loss
from keras_edgan.losses.historical_averaging import historical_averaging_penalty
from keras_edgan.models.logistic import LogisticDiscriminatorLoss
from keras_edgan.models import validation
from keras_edgan.models.random_stream import RandomStream
from keras_edgan.techniques.conditional_commit import commit_if
from keras_edgan.techniques.conditioning import (
    BoundDiscriminator,
    check_conditioning,
    class_labels,
)
from keras_edgan.techniques.critic_schedule import critic_steps
from keras_edgan.techniques.experience_replay import ExperienceReplay
from keras_edgan.techniques.feature_matching import feature_extractor
from keras_edgan.techniques.historical_averaging import HistoricalAverage
from keras_edgan.techniques.instance_noise import add_instance_noise, instance_noise_stddev
from keras_edgan.techniques.latent_noise import (
    check_noise_distribution,
    latent_noise,
    numpy_latent_noise,
)


class GAN(backend.StatefulTrainStep, keras.Model):
    """A generator and a discriminator trained by alternating minibatch updates.

    `train_step` is Algorithm 1 of Tan et al. 2020 (EDGAN): `d_steps` discriminator
    updates, each on its own real minibatch and fresh noise, then one generator update
    on fresh noise. Each element of the training dataset therefore holds `d_steps`
    minibatches: batch the dataset at `d_steps * m` to train with minibatch size `m`
    (`minibatches_per_step` says how many; 1 with `critic_schedule`).

    Subclasses define the objective with two methods and name the penalties they log
    in `penalty_names`:

    - `discriminator_loss(real_logits, fake_logits, real, fake)` → scalar;
    - `generator_loss(fake_logits, real, fake)` → `(scalar, {penalty_name: value})`,
      where `real` is the last real minibatch of the step, paired with `fake` by index.

    A model whose generator loss adds a penalty to its adversarial term (EDGAN's λρ)
    also returns that penalty from `generator_penalty(real, fake)`, so that feature
    matching can replace the adversarial term alone. Losses that run the
    discriminator themselves (gradient penalties, relativistic pairs) call
    `self.critic(x)`: the discriminator, bound to the labels of the update in
    progress for a conditional GAN.

    The training techniques below are arguments of every model, off by default;
    `step` says where each one enters.

    Args:
        generator: a `keras.Model` mapping noise `(n, latent_dim)` to images
            (`[z, y]` for a conditional GAN).
        discriminator: a `keras.Model` mapping images to one logit per image
            (`[x, y]` for a conditional GAN).
        latent_dim: size of the noise vector z.
        d_steps: discriminator updates per generator update (k_D of Algorithm 1).
        noise_stddev: standard deviation of z ~ N(0, σ²I). EDGAN's text says a
            standard Gaussian (σ = 1); its algorithm box says N(0, 0.02).
        noise_distribution: "normal" (z ~ N(0, noise_stddev² I)) or "uniform"
            (z ~ U[−1, 1], DCGAN's noise, that of the DCGAN rows of EDGAN's Tables 1
            and 2). Training, `generate` and the sample grids all draw it.
        seed: seed of the model's noise stream.
        merged_update: train both networks from one gradient computation per step
            instead of alternating (the stop-gradient merge of the two updates in
            Zheng's GAN survey, 0809zheng.github.io, "合并交替优化"):
            the loss L_D(D(x), D(sg(G(z)))) + L_G(D(G(z))) − L_G(D(sg(G(z)))), sg the
            stop-gradient, has gradient ∇L_D for the discriminator and ∇L_G for the
            generator, both at the current weights and on the same noise. Each
            network keeps its own optimizer (their learning rates play the ratio λ
            of the merged objective). Needs `d_steps=1`; not with `critic_schedule`
            or `replay_buffer_size`.
        num_classes: the number of classes of a class-conditional GAN (Mirza and
            Osindero 2014; guide §2.7, §3.3, §5.5); None for an unconditional one.
            The networks then take `[z, y]` and `[x, y]`, y the int32 class indices
            of shape (n,), and each dataset element is `(images, labels)`
            (`pipelines.load(..., with_labels=True)`). The real images of each
            discriminator update go with their own labels; the generated images of
            an update get the labels of that update's real minibatch, a sample of
            the data's own class distribution (the y ~ p_data(y) of the conditional
            objective, where uniform labels would be wrong for unbalanced classes).
            Real and generated samples paired by index therefore share their class,
            which the paired penalties need: EDGAN's ρ compares like with like, and
            the gradient penalties interpolate within a class.
        real_target, fake_target: the targets of a logistic discriminator loss (α and
            β of the guide, §4.1); the defaults 1 and 0 are the GAN objective.
            One-sided label smoothing (Salimans et al. 2016, §3.4) sets
            `real_target=0.9`: the guide's CIFAR-10 images looked better with it.
            Two-sided smoothing also sets `fake_target` (e.g. 0.1); the optimal
            discriminator (α·p_data + β·p_model)/(p_data + p_model) then keeps a
            floor of β where only the model has mass, which stops pushing p_model
            towards p_data: in every run of the guide it matched one-sided smoothing
            at first, then the images suddenly turned to noise (epoch 60–70, with
            oscillating losses) and never recovered.
        flip_rate: noisy labels (guide §4.5): each discriminator target is flipped
            (a real sample labelled fake, a generated one real) with this
            probability, drawn from the model's stream. With the suggested 5% and
            with 10% the guide's images turned to noise at some epoch (78 and 75 in
            its figures), as with two-sided smoothing. `real_target`, `fake_target`
            and `flip_rate` apply to the models with a logistic discriminator loss only
            (`LogisticDiscriminatorLoss`: NSGAN, MMGAN, EDGAN, ...); other models
            refuse them.
        instance_noise: σ₀ of instance noise (Sønderby et al. 2017; Arjovsky and
            Bottou 2017, §4): every sample the discriminator sees, real or
            generated, in both updates, gets Gaussian noise N(0, σ_t² I), so the
            model trains on the noise-convolved distributions, whose supports
            overlap. 0 disables it.
        instance_noise_steps: σ_t anneals linearly from σ₀ to 0 over this many
            generator updates (t = `g_optimizer.iterations`); 0 keeps σ₀.
        replay_buffer_size: experience replay (guide §4.2): the number of stored
            past generated samples, one from each discriminator update; each time
            that many were stored, half of the next generated minibatch is replaced
            by stored samples (`keras_edgan.techniques.ExperienceReplay`; a
            conditional GAN replays them with their own labels). The guide
            derives it from the dataset and minibatch sizes
            (`keras_edgan.techniques.replay_buffer_size`: one per minibatch of an
            epoch); one as small as a minibatch made its runs collapse earlier.
            0 disables it.
        feature_matching: Salimans et al. 2016, §3.1: the generator minimizes
            ‖E f(x) − E f(G(z))‖²₂ instead of the model's adversarial loss (its
            penalties, e.g. EDGAN's λρ, stay), f the features of a discriminator
            layer: True takes its last features with more than one value per
            example (the input of the layer compressing them to the logit), a
            string names a layer (its output). None disables it.
        historical_averaging: weight w of Salimans et al.'s historical averaging
            (§3.3): each network's loss gets w·‖θ − (1/t)Σᵢθᵢ‖², the mean running
            over the weights it had at the start of each of its updates. 0
            disables it.
        critic_schedule: WGAN's critic schedule (Arjovsky et al.'s code; guide
            §5.3): 100 critic updates before each of the first `critic_schedule`
            generator updates and before every 500th, `d_steps` otherwise (the
            guide: 100 first, Arjovsky et al.: 25). Each training step then
            consumes one real minibatch and makes one critic update; the generator
            update is computed at every step and committed (weights, optimizer
            state, statistics) only when the schedule says so, so the generator
            updates follow the schedule exactly; the cost is one generator update
            computed per critic update (with d_steps = 5: 5 critic and 5 generator
            updates per committed generator update, against 5 and 1). `train`'s
            steps then count critic updates. None disables it.

    Example:
    ```python
    gan = keras_edgan.models.NSGAN(G, D, latent_dim=100, noise_distribution="uniform",
                                   real_target=0.9, replay_buffer_size=781)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(images.batch(64, drop_remainder=True), epochs=10)
    samples = gan.generate(64, seed=0, truncation=1.0)
    ```
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
        noise_distribution="normal",
        num_classes=None,
        real_target=1.0,
        fake_target=0.0,
        flip_rate=0.0,
        instance_noise=0.0,
        instance_noise_steps=0,
        replay_buffer_size=0,
        feature_matching=None,
        historical_averaging=0.0,
        critic_schedule=None,
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
        check_noise_distribution(noise_distribution, noise_stddev)
        check_conditioning(num_classes, generator, discriminator)
        self.generator = generator
        self.discriminator = discriminator
        self.critic = BoundDiscriminator(discriminator)
        self.latent_dim = int(latent_dim)
        self.d_steps = int(d_steps)
        self.noise_stddev = float(noise_stddev)
        self.noise_distribution = noise_distribution
        self.num_classes = None if num_classes is None else int(num_classes)
        self.random_stream = RandomStream(seed)

        self.real_target, self.fake_target, self.flip_rate = _check_targets(
            self, real_target, fake_target, flip_rate
        )
        self.instance_noise = _nonnegative("instance_noise", instance_noise, float)
        self.instance_noise_steps = _nonnegative("instance_noise_steps", instance_noise_steps, int)
        self.replay_buffer_size = _nonnegative("replay_buffer_size", replay_buffer_size, int)
        self.replay = (
            ExperienceReplay(
                self.replay_buffer_size, generator.outputs[0].shape[1:],
                with_labels=self.num_classes is not None, name="experience_replay",
            )
            if self.replay_buffer_size else None
        )
        self.feature_matching = feature_matching or None
        self.feature_extractor = (
            feature_extractor(discriminator, None if feature_matching is True else feature_matching)
            if self.feature_matching else None
        )
        self.historical_averaging = _nonnegative(
            "historical_averaging", historical_averaging, float
        )
        self.discriminator_average, self.generator_average = (
            (
                HistoricalAverage(discriminator.trainable_variables, name="discriminator_average"),
                HistoricalAverage(generator.trainable_variables, name="generator_average"),
            )
            if self.historical_averaging else (None, None)
        )
        self.critic_schedule = (
            None if critic_schedule is None
            else _nonnegative("critic_schedule", critic_schedule, int)
        )
        self.critic_updates = (
            self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False,
                            name="critic_updates")
            if self.critic_schedule is not None else None
        )
        self.merged_update = bool(merged_update)
        if self.merged_update:
            _check_mergeable(self)
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("d_loss", "g_loss", *self.penalty_names)
        }
        # A Model without call() is still trainable by fit on JAX and torch only
        # when marked built; both networks are built functional models.
        self.built = True

    @property
    def training_options(self):
        """The constructor arguments that shape the training step (not the objective):
        what a model wrapping this one (VER) passes on to its own step."""
        return dict(
            d_steps=self.d_steps,
            noise_stddev=self.noise_stddev,
            noise_distribution=self.noise_distribution,
            merged_update=self.merged_update,
            instance_noise=self.instance_noise,
            instance_noise_steps=self.instance_noise_steps,
            replay_buffer_size=self.replay_buffer_size,
            feature_matching=self.feature_matching,
            historical_averaging=self.historical_averaging,
            critic_schedule=self.critic_schedule,
        )

    @property
    def minibatches_per_step(self):
        """Real minibatches in one element of the training dataset: batch it at this
        many times the minibatch size."""
        return 1 if self.critic_schedule is not None else self.d_steps

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

    def fit(self, x=None, *args, **kwargs):
        """`keras.Model.fit`, after checking that `x` can train this GAN: the shape,
        type and range of its images (`keras_edgan.models.validation`), so that bad
        data fails with a message rather than deep inside a traced step, or, worse,
        trains without failing."""
        x = validation.checked_training_data(self, x)
        return super().fit(x, *args, **kwargs)

    @property
    def seed_generator(self):
        """The model's seeded random stream (noise, shuffles), saved with its weights."""
        return self.random_stream.seed_generator

    @property
    def metrics(self):
        return list(self.trackers.values())

    def sample_noise(self, n):
        """z of `noise_distribution`, drawn from the model's seeded training stream."""
        return latent_noise(
            (n, self.latent_dim), self.noise_distribution, self.noise_stddev, self.seed_generator
        )

    def numpy_noise(self, n, rng, truncation=None):
        """`n` noise vectors of the model's distribution from the numpy generator `rng`
        (sampling outside training: `generate`, sample grids), as float32.

        `truncation`: BigGAN's truncation trick (Brock et al. 2019): components with
        |z| beyond `truncation`·noise_stddev are drawn again (normal noise only).
        """
        return numpy_latent_noise(
            rng, (n, self.latent_dim), self.noise_distribution, self.noise_stddev, truncation
        )

    def generate(self, n, seed=None, labels=None, truncation=None, batch_size=256):
        """Returns `n` generated images as a numpy array (inference mode).

        The noise comes from numpy's generator seeded with `seed`, not from the
        training stream, so sampling never changes what training would draw next.

        Args:
            n: the number of images.
            seed: seed of the noise (and of the labels drawn for a conditional GAN).
            labels: a conditional GAN's classes: one class index or `n` of them;
                None draws them uniformly.
            truncation: BigGAN's truncation threshold on |z|/noise_stddev (normal
                noise); None samples the training distribution.
            batch_size: images per generator call.
        """
        rng = np.random.default_rng(seed)
        z = self.numpy_noise(n, rng, truncation)
        if self.num_classes is None:
            if labels is not None:
                raise ValueError(
                    "labels were given to an unconditional GAN (num_classes=None); call "
                    "generate without labels."
                )
            return self.generator.predict(z, batch_size=batch_size, verbose=0)
        y = class_labels(n, self.num_classes, labels, rng)
        return self.generator.predict([z, y], batch_size=batch_size, verbose=0)

    def step(self, data):
        """One training step on `minibatches_per_step` real minibatches: Algorithm 1.

        The techniques enter in the updates: a discriminator update draws its fakes
        (experience replay mixes stored ones in), adds instance noise to what D sees,
        folds D's weights into their historical mean and takes the smoothed or
        flipped targets in its logistic loss; a generator update adds the same noise
        and historical penalty, with feature matching as its objective if set. The
        critic schedule replaces the loop by one critic update and a generator update
        committed on schedule.
        """
        real, labels = self._unpack(data)  # labels: None unless conditional
        if self.critic_schedule is not None:
            return self._scheduled_step(real, labels)
        if self.merged_update:
            d_loss, (g_loss, penalties) = self._merged_update(real, labels)
        else:  # Algorithm 1: k_D discriminator updates on their own minibatches, one G update
            minibatches = self._split(real, labels)
            for real_minibatch, minibatch_labels in minibatches:
                d_loss = self._discriminator_update(real_minibatch, minibatch_labels)
            g_loss, penalties = self._generator_update(*minibatches[-1])
        return self._log(d_loss, g_loss, penalties)

    def _scheduled_step(self, real, labels):
        """WGAN's critic schedule: one critic update, then the generator update,
        committed only once the critic has had its n_critic(t) updates."""
        d_loss = self._discriminator_update(real, labels)
        critic_updates = self.critic_updates.value + 1
        needed = critic_steps(self.g_optimizer.iterations.value, self.critic_schedule, self.d_steps)
        commit = ops.greater_equal(critic_updates, needed)
        g_loss, penalties = commit_if(
            commit, self._generator_state(), lambda: self._generator_update(real, labels)
        )
        self.critic_updates.assign(ops.where(commit, 0, critic_updates))
        return self._log(d_loss, g_loss, penalties, generator_weight=ops.cast(commit, "float32"))

    def _log(self, d_loss, g_loss, penalties, generator_weight=None):
        """Updates the trackers; `generator_weight` 0 leaves out a discarded generator update."""
        self.trackers["d_loss"].update_state(d_loss)
        self.trackers["g_loss"].update_state(g_loss, sample_weight=generator_weight)
        for name, value in penalties.items():
            self.trackers[name].update_state(value, sample_weight=generator_weight)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def _discriminator_update(self, real, labels=None):
        n = ops.shape(real)[0]
        fake = ops.stop_gradient(self._generate(self.sample_noise(n), labels))
        fake_labels = labels  # a conditional GAN's fakes take the real minibatch's labels
        if self.replay is not None:  # experience replay: past samples among the fakes
            fake, fake_labels = self.replay.replay(fake, labels, seed=self.seed_generator)
        noisy = self._instance_noise()
        real, fake = noisy(real), noisy(fake)
        if self.discriminator_average is not None:  # historical averaging: θ̄ ← mean
            self.discriminator_average.update(self.discriminator.trainable_variables)
        self.critic.labels = labels  # what the loss's penalties see of D

        def loss_fn():
            real_logits = self._discriminate(real, labels)
            fake_logits = self._discriminate(fake, fake_labels)
            loss = self.discriminator_loss(real_logits, fake_logits, real, fake)
            return loss + self._historical_penalty(self.discriminator), None

        return self._update(loss_fn, self.discriminator, self.d_optimizer)

    def _generator_update(self, real, labels=None):
        z = self.sample_noise(ops.shape(real)[0])
        loss_fn = self._generator_loss_fn(z, real, labels)
        return self._update(loss_fn, self.generator, self.g_optimizer, with_aux=True)

    def _generator_loss_fn(self, z, real, labels=None):
        """The `loss_fn` of the generator's update on noise `z`: `(loss, penalties)`.
        Building it starts the update (historical mean, labels of the critic)."""
        noisy = self._instance_noise()
        real = noisy(real)
        if self.generator_average is not None:
            self.generator_average.update(self.generator.trainable_variables)
        self.critic.labels = labels

        def loss_fn():
            fake = noisy(self._generate(z, labels, training=True))
            loss, penalties = self._generator_objective(real, fake, labels)
            return loss + self._historical_penalty(self.generator), penalties

        return loss_fn

    def _generator_objective(self, real, fake, labels, fake_logits=None):
        """L_G of the generated `fake`: `(loss, penalties)`. Feature matching replaces
        the model's adversarial loss and keeps its penalty."""
        if self.feature_extractor is not None:
            loss = feature_matching_loss(self._features(real, labels), self._features(fake, labels))
            penalty, penalties = self.generator_penalty(real, fake)
            return loss + penalty, penalties
        if fake_logits is None:
            fake_logits = self._discriminate(fake, labels)
        return self.generator_loss(fake_logits, real, fake)

    def generator_penalty(self, real, fake):
        """`(term, {penalty_name: value})`: the penalty the generator loss adds to its
        adversarial term (none here; EDGAN's λρ)."""
        return 0.0, {}

    def _merged_update(self, real, labels=None):
        z = self.sample_noise(ops.shape(real)[0])
        noisy = self._instance_noise()
        real = noisy(real)
        if self.historical_averaging:
            self.discriminator_average.update(self.discriminator.trainable_variables)
            self.generator_average.update(self.generator.trainable_variables)
        self.critic.labels = labels

        def loss_fn():
            fake = noisy(self._generate(z, labels, training=True))
            held = ops.stop_gradient(fake)
            held_logits = self._discriminate(held, labels)
            real_logits = self._discriminate(real, labels)
            d_loss = self.discriminator_loss(real_logits, held_logits, real, held)
            d_loss = d_loss + self._historical_penalty(self.discriminator)
            g_loss, penalties = self._generator_objective(real, fake, labels)
            g_loss = g_loss + self._historical_penalty(self.generator)
            # Same value as g_loss's objective, gradient only for D: subtracting it
            # leaves D with ∇L_D.
            held_g_loss, _ = self._generator_objective(real, held, labels, held_logits)
            return d_loss + g_loss - held_g_loss, (d_loss, (g_loss, penalties))

        _, (d_loss, g_terms), grads = self._gradients(loss_fn, self.discriminator, self.generator)
        count = len(self.discriminator.trainable_variables)
        self.d_optimizer.apply(grads[:count], self.discriminator.trainable_variables)
        self.g_optimizer.apply(grads[count:], self.generator.trainable_variables)
        return d_loss, g_terms

    def _generator_state(self):
        """The variables a generator update writes: the generator's weights and
        statistics, its optimizer's state, the discriminator's statistics (it runs in
        training mode) and the generator's historical mean."""
        variables = [
            *self.generator.variables,
            *self.discriminator.non_trainable_variables,
            *self.g_optimizer.variables,
        ]
        if self.generator_average is not None:
            variables += self.generator_average.variables
        return variables

    def _generate(self, z, labels, training=True):
        return self.generator(z if labels is None else [z, labels], training=training)

    def _discriminate(self, samples, labels):
        return self.discriminator(samples if labels is None else [samples, labels], training=True)

    def _features(self, samples, labels):
        return self.feature_extractor(
            samples if labels is None else [samples, labels], training=True
        )

    def _instance_noise(self):
        """The instance noise of the update in progress: a function adding
        N(0, σ_t² I), σ_t annealed over the generator updates (identity when off)."""
        if not self.instance_noise:
            return lambda samples: samples
        stddev = instance_noise_stddev(
            self.g_optimizer.iterations.value, self.instance_noise, self.instance_noise_steps
        )
        return lambda samples: add_instance_noise(samples, stddev, seed=self.seed_generator)

    def _historical_penalty(self, network):
        """w·‖θ − θ̄‖² for `network`'s weights (0 without historical averaging)."""
        if not self.historical_averaging:
            return 0.0
        average = (
            self.discriminator_average if network is self.discriminator else self.generator_average
        )
        weights = [v.value for v in network.trainable_variables]
        return self.historical_averaging * historical_averaging_penalty(weights, average.means)

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

    def _unpack(self, data):
        """`(images, labels)` of a training batch: `x` of `(x,)`, `(x, y)` or `x` itself;
        labels (int32, shape (n,)) for a conditional GAN, else None."""
        images = data[0] if isinstance(data, (tuple, list)) else data
        if self.num_classes is None:
            return images, None
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError(
                f"This GAN is conditional (num_classes={self.num_classes}), so each batch "
                f"must be (images, labels), but the data holds images only. Load it with "
                f"labels, e.g. pipelines.load(..., with_labels=True)."
            )
        return images, ops.reshape(ops.cast(data[1], "int32"), (-1,))

    def _split(self, real, labels=None):
        """The `d_steps` pairs `(real minibatch, its labels or None)` of a batch."""
        validation.check_batch_size(real.shape[0], self.d_steps)
        images = ops.split(real, self.d_steps, axis=0)
        if labels is None:
            return [(x, None) for x in images]
        return list(zip(images, ops.split(labels, self.d_steps, axis=0)))


def _check_targets(gan, real_target, fake_target, flip_rate):
    """The discriminator targets, checked: in [0, 1], real above fake, and only for a
    model with a logistic discriminator loss unless they are the defaults."""
    real_target, fake_target, flip_rate = float(real_target), float(fake_target), float(flip_rate)
    if not 0.0 <= fake_target < real_target <= 1.0:
        raise ValueError(
            f"The discriminator targets must satisfy 0 ≤ fake_target < real_target ≤ 1; got "
            f"real_target={real_target}, fake_target={fake_target}. One-sided label "
            f"smoothing uses real_target=0.9, fake_target=0."
        )
    if not 0.0 <= flip_rate < 0.5:
        raise ValueError(
            f"flip_rate is the fraction of flipped discriminator targets (noisy labels), "
            f"in [0, 0.5); got {flip_rate}. The guide tried 0.05 and 0.1."
        )
    changed = (real_target, fake_target, flip_rate) != (1.0, 0.0, 0.0)
    if changed and not isinstance(gan, LogisticDiscriminatorLoss):
        logistic = sorted({
            cls.__name__ for cls in _subclasses(LogisticDiscriminatorLoss)
            if cls.__module__.startswith("keras_edgan.")
        })
        raise ValueError(
            f"real_target, fake_target and flip_rate (label smoothing, noisy labels) change "
            f"the targets of a logistic (sigmoid cross-entropy) discriminator loss, but "
            f"{type(gan).__name__}'s discriminator loss has no such targets. Use a model "
            f"with the logistic loss ({', '.join(logistic)}; for VER, give them to the "
            f"wrapped GAN) or leave them at 1.0, 0.0 and 0.0."
        )
    return real_target, fake_target, flip_rate


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _nonnegative(name, value, kind):
    """`value` as `kind` (int or float), checked to be ≥ 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0 or (
        kind is int and value != int(value)
    ):
        what = "integer" if kind is int else "number"
        raise ValueError(f"{name} must be a non-negative {what}; got {value!r}.")
    return kind(value)


def _check_mergeable(gan):
    if gan.d_steps != 1:
        raise ValueError(
            f"merged_update=True updates both networks once per step, so it needs "
            f"d_steps=1; got d_steps={gan.d_steps}."
        )
    alternating = (("critic_schedule", gan.critic_schedule), ("replay_buffer_size", gan.replay))
    for name, value in alternating:
        if value is not None:
            raise ValueError(
                f"merged_update=True computes both updates from one loss on the same "
                f"generated minibatch, which {name} changes (alternating updates, or a "
                f"discriminator minibatch of replayed samples). Use merged_update=False "
                f"with {name}."
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
