"""The base GAN model: a generator, a discriminator and Algorithm 1 of EDGAN, with the
training techniques that compose with every objective."""

import dataclasses
import inspect

import keras
import numpy as np
from keras import ops

from keras_edgan import backend
from keras_edgan.losses.feature_matching import feature_matching_loss
from keras_edgan.losses.historical_averaging import historical_averaging_penalty
from keras_edgan.losses.jacobian_clamping import jacobian_clamping_penalty, latent_perturbation
from keras_edgan.losses.lecam import lecam_penalty
from keras_edgan.losses.zero_centered_gradient_penalty import zero_centered_penalty
from keras_edgan.models import mixed_precision, validation
from keras_edgan.models.random_stream import RandomStream
from keras_edgan.models.training_options import FIELDS, TrainingOptions
from keras_edgan.techniques.conditional_commit import commit_if
from keras_edgan.techniques.conditioning import (
    BoundDiscriminator,
    check_conditioning,
    class_labels,
)
from keras_edgan.techniques.critic_schedule import critic_steps
from keras_edgan.techniques.diff_augment import check_images, diff_augment
from keras_edgan.techniques.experience_replay import ExperienceReplay
from keras_edgan.techniques.feature_matching import feature_extractor
from keras_edgan.techniques.generator_ema import GeneratorEMA
from keras_edgan.techniques.historical_averaging import HistoricalAverage
from keras_edgan.techniques.instance_noise import add_instance_noise, instance_noise_stddev
from keras_edgan.techniques.latent_noise import latent_noise, numpy_latent_noise
from keras_edgan.techniques.lecam import LeCamAverages

# The keyword arguments a GAN passes on to `keras.Model` (name, dtype, ...).
_MODEL_KEYWORDS = frozenset(
    name for name, parameter in inspect.signature(keras.layers.Layer.__init__).parameters.items()
    if parameter.kind is parameter.KEYWORD_ONLY
)


class GAN(backend.StatefulTrainStep, keras.Model):
    """A generator and a discriminator trained by alternating minibatch updates.

    `train_step` is Algorithm 1 of Tan et al. 2020 (EDGAN): `d_steps` discriminator
    updates, each on its own real minibatch and fresh noise, then one generator update
    on fresh noise (`alternating_step`). Each element of the training dataset therefore
    holds `d_steps` minibatches: batch the dataset at `d_steps * m` to train with
    minibatch size `m` (`minibatches_per_step` says how many; 1 with `critic_schedule`).

    Subclasses define the objective with two methods and name the penalties they log
    in `penalty_names`:

    - `discriminator_loss(real_logits, fake_logits, real, fake, critic)` → scalar,
      the adversarial term of the discriminator's loss; a penalty the objective adds
      (WGAN-GP's) comes from `critic_penalty(real, fake, critic)`, logged apart;
    - `generator_loss(fake_logits, real, fake, critic)` → `(scalar, {penalty_name:
      value})`, the adversarial term of the generator's loss, where `real` is the
      last real minibatch of the step, paired with `fake` by index.

    `critic` is the discriminator as a function of samples alone, bound to the labels
    of the update in progress for a conditional GAN: losses that run the
    discriminator themselves (gradient penalties, relativistic pairs) call it. A model
    whose generator adds a penalty to its adversarial term (EDGAN's λρ) returns it
    from `generator_penalty(real, fake)`; `generator_objective` adds the two (and
    logs the adversarial term alone as `g_adversarial`), so that feature matching
    can replace the adversarial term alone. A model that changes an update
    beyond its losses overrides a hook: `after_discriminator_update` (WGAN's weight
    clipping) or `generator_update` (VER's statistics network and gradient).

    The options of the step and its training techniques (`d_steps`, the noise,
    instance noise, DiffAugment, experience replay, feature matching, historical
    averaging, R1, LeCam, Jacobian Clamping, the generator's moving average, the critic
    schedule, the merged update)
    are the fields of `keras_edgan.models.TrainingOptions`, given as keyword
    arguments or as `options`; each model's defaults are in its `default_options`.

    Args:
        generator: a `keras.Model` mapping noise `(n, latent_dim)` to images
            (`[z, y]` for a conditional GAN).
        discriminator: a `keras.Model` mapping images to one logit per image
            (`[x, y]` for a conditional GAN).
        latent_dim: size of the noise vector z.
        options: a `TrainingOptions`; keyword arguments named after its fields
            override it.
        seed: seed of the model's noise stream.
        num_classes: the number of classes of a class-conditional GAN (Mirza and
            Osindero 2014; guide §2.7, §3.3, §5.5); None for an unconditional one.
            The networks then take `[z, y]` and `[x, y]`, y the int32 class indices
            of shape (n,), and each dataset element is `(images, labels)`
            (`pipelines.load(..., with_labels=True)`). The generated images of an
            update get the labels of that update's real minibatch, a sample of the
            data's own class distribution (uniform labels would be wrong for
            unbalanced classes), so real and generated samples paired by index share
            their class, which the paired penalties need.

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
    output_names = ("d_real", "d_fake")
    """The names of `discriminator_outputs`."""
    default_options = {}
    """This model's defaults for `TrainingOptions` fields (e.g. EDGAN's d_steps=2)."""
    minibatches_name = "d_steps"
    """What `minibatches_per_step` is, for messages."""
    config_names = {}
    """Configuration keys of constructor arguments whose name alone is ambiguous in a
    configuration shared by all models (EDGAN's `penalty_weight` is `ced_weight`)."""

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        options=None,
        seed=None,
        num_classes=None,
        **kwargs,
    ):
        overrides = {name: kwargs.pop(name) for name in FIELDS if name in kwargs}
        validation.check_keywords(self, kwargs, _MODEL_KEYWORDS)
        super().__init__(**kwargs)
        validation.check_networks(generator, discriminator, latent_dim)
        check_conditioning(num_classes, generator, discriminator)
        options = options or TrainingOptions(**self.default_options)
        self.options = dataclasses.replace(options, **overrides) if overrides else options
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.num_classes = None if num_classes is None else int(num_classes)
        self.random_stream = RandomStream(seed)
        # The model's own step counters, saved with it, rather than an optimizer's
        # `iterations`: a step is what the model trains, whatever its optimizers
        # count (VER's statistics network has one more; WGAN's critic schedule
        # discards generator updates).
        self.generator_updates = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False,
            name="generator_updates",
        )
        self.steps_taken = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False, name="training_steps"
        )
        self._build_techniques()
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("d_loss", "g_loss", "d_adversarial", "g_adversarial", *self.penalty_names,
                         *self._technique_penalties(), *self._diagnostic_names())
        }
        # A Model without call() is still trainable by fit on JAX and torch only
        # when marked built; both networks are built functional models.
        self.built = True

    def _build_techniques(self):
        """The state of the options' techniques: replay buffer, feature extractor,
        historical means, LeCam's moving averages, the generator's moving average, the
        critic schedule's counter (None when off)."""
        options, generator, discriminator = self.options, self.generator, self.discriminator
        check_images(generator.outputs[0].shape[1:], options.diff_augment)
        self.replay = (
            ExperienceReplay(
                options.replay_buffer_size, generator.outputs[0].shape[1:],
                with_labels=self.num_classes is not None, name="experience_replay",
            )
            if options.replay_buffer_size else None
        )
        self.feature_extractor = (
            feature_extractor(
                discriminator,
                None if options.feature_matching is True else options.feature_matching,
            )
            if options.feature_matching else None
        )
        self.discriminator_average, self.generator_average = (
            (
                HistoricalAverage(discriminator.trainable_variables, name="discriminator_average"),
                HistoricalAverage(generator.trainable_variables, name="generator_average"),
            )
            if options.historical_averaging else (None, None)
        )
        self.lecam_averages = (
            LeCamAverages(name="lecam_averages") if options.lecam_weight else None
        )
        self.generator_ema = (
            GeneratorEMA(generator, options.ema, options.ema_start, name="generator_ema")
            if options.ema else None
        )
        self.critic_updates = (
            self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False,
                            name="critic_updates")
            if options.mode == "scheduled" else None
        )

    def _technique_penalties(self):
        """The names of the penalties the options add and log: R1's `r1` and LeCam's
        `lecam` (with the discriminator's loss) and Jacobian Clamping's
        `jacobian_clamping`."""
        return (
            *(("r1",) if self.options.r1_weight else ()),
            *(("lecam",) if self.options.lecam_weight else ()),
            *(("jacobian_clamping",) if self.options.jacobian_clamping else ()),
        )

    def _diagnostic_names(self):
        """The names of what the updates log about the networks: the gradient norms
        `d_grad_norm` and `g_grad_norm` and `output_names`."""
        return ("d_grad_norm", "g_grad_norm", *self.output_names)

    def discriminator_outputs(self, real_logits, fake_logits):
        """`{name: value}` logged about D's outputs in each discriminator update, one
        per name of `output_names`: the mean of its outputs on the real (`d_real`)
        and on the generated samples (`d_fake`); a model whose loss reads them as
        logits of probabilities adds those (`LogisticDiscriminatorLoss`)."""
        return {"d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits)}

    @property
    def d_steps(self):
        return self.options.d_steps

    @property
    def minibatches_per_step(self):
        """Real minibatches in one element of the training dataset: batch it at this
        many times the minibatch size."""
        return self.options.minibatches_per_step

    @property
    def sampling_generator(self):
        """The generator that samples (`generate`, sample grids, evaluations, the
        saved `generator.keras`): the moving average of the trained generator's
        weights with `ema`, else the trained generator itself."""
        if self.generator_ema is None:
            return self.generator
        return self.generator_ema.network

    @property
    def generator_step(self):
        """Generator updates so far (the papers' iteration t), as a Python int: the
        step callbacks, checkpoints and evaluation name. The variable
        `generator_updates`, saved with the model, counts them."""
        return int(ops.convert_to_numpy(self.generator_updates))

    @property
    def training_steps(self):
        """Training steps (dataset elements) consumed so far, as a Python int: one per
        generator update, or per critic update under WGAN's critic schedule."""
        return int(ops.convert_to_numpy(self.steps_taken))

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
        mixed_precision.check_policy()
        super().compile(
            optimizer=keras.optimizers.MultiOptimizer(lambda v: owner[id(v)]), **kwargs
        )
        # Built here, not lazily, so no variable is first created inside a traced step.
        self.optimizer.build(self.trainable_variables)

    def fit(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.fit`, after checking that `x` can train this GAN: the shape,
        type and range of its images and a conditional GAN's labels (in `x` or `y`;
        `keras_edgan.models.validation`), so that bad data fails with a message rather
        than deep inside a traced step, or, worse, trains without failing."""
        x = validation.checked_training_data(self, x, y)
        return super().fit(x, y, *args, **kwargs)

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
            (n, self.latent_dim), self.options.noise_distribution, self.options.noise_stddev,
            self.seed_generator,
        )

    def numpy_noise(self, n, rng, truncation=None):
        """`n` noise vectors of the model's distribution from the numpy generator `rng`
        (sampling outside training: `generate`, sample grids), as float32.

        `truncation`: BigGAN's truncation trick (Brock et al. 2019): components with
        |z| beyond `truncation`·noise_stddev are drawn again (normal noise only).
        """
        return numpy_latent_noise(
            rng, (n, self.latent_dim), self.options.noise_distribution, self.options.noise_stddev,
            truncation,
        )

    def generate(self, n, seed=None, labels=None, truncation=None, batch_size=256):
        """Returns `n` generated images as a numpy array (inference mode), from the
        `sampling_generator` (the moving average with `ema`).

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
            inputs = z
        else:
            inputs = [z, class_labels(n, self.num_classes, labels, rng)]
        images = self.sampling_generator.predict(inputs, batch_size=batch_size, verbose=0)
        return images.astype("float32", copy=False)  # bfloat16/float16 under mixed policies

    def step(self, data):
        """One training step on `minibatches_per_step` real minibatches, in the mode
        the options chose: Algorithm 1's alternating updates, the merged update, or
        WGAN's critic schedule."""
        real, labels = self._unpack(data)  # labels: None unless conditional
        steps = {
            "alternating": self.alternating_step,
            "merged": self.merged_step,
            "scheduled": self.scheduled_step,
        }
        logs = steps[self.options.mode](real, labels)
        self.steps_taken.assign(self.steps_taken + 1)
        return logs

    def alternating_step(self, real, labels):
        """Algorithm 1: k_D discriminator updates, each on its own real minibatch, then
        one generator update."""
        minibatches = self._split(real, labels)
        for real_minibatch, minibatch_labels in minibatches:
            d_loss, d_penalties = self.discriminator_update(real_minibatch, minibatch_labels)
        g_loss, penalties = self.generator_update(*minibatches[-1])
        self.count_generator_update()
        return self._log(d_loss, g_loss, penalties, d_penalties)

    def scheduled_step(self, real, labels):
        """WGAN's critic schedule: one critic update, then the generator update,
        committed only once the critic has had its n_critic(t) updates."""
        d_loss, d_penalties = self.discriminator_update(real, labels)
        critic_updates = self.critic_updates.value + 1
        needed = critic_steps(
            self.generator_updates.value, self.options.critic_schedule, self.d_steps
        )
        commit = ops.greater_equal(critic_updates, needed)
        g_loss, penalties = commit_if(
            commit, self.generator_state(), lambda: self.generator_update(real, labels)
        )
        self.critic_updates.assign(ops.where(commit, 0, critic_updates))
        self.count_generator_update(commit)
        return self._log(d_loss, g_loss, penalties, d_penalties,
                         generator_weight=ops.cast(commit, "float32"))

    def merged_step(self, real, labels):
        """Both updates from one gradient computation: the loss
        L_D(D(x), D(sg(G(z)))) + L_G(D(G(z))) − L_G(D(sg(G(z)))) has gradient ∇L_D for
        the discriminator and ∇L_G for the generator."""
        z = self.sample_noise(ops.shape(real)[0])
        delta = self.latent_perturbation(z)
        seen = self.discriminator_input()
        real = seen(real)
        self._start_update(self.discriminator)
        self._start_update(self.generator)
        critic = self.critic(labels)

        def loss_fn():
            fake, clamping, clamping_logs = self._generate_for_update(z, delta, labels)
            fake = seen(fake)
            held = ops.stop_gradient(fake)
            held_logits = self._discriminate(held, labels)
            real_logits = self._discriminate(real, labels)
            d_adversarial = self.discriminator_loss(real_logits, held_logits, real, held, critic)
            d_penalty, d_penalties = self.discriminator_penalty(
                real, held, critic, (real_logits, held_logits)
            )
            d_loss = d_adversarial + d_penalty + self.regularization(self.discriminator)
            d_penalties = {"d_adversarial": d_adversarial, **d_penalties,
                           **self.discriminator_outputs(real_logits, held_logits)}
            g_loss, penalties = self.generator_objective(real, fake, labels, critic)
            # Jacobian Clamping's term depends on G alone: no gradient for D.
            g_loss = g_loss + clamping + self.regularization(self.generator)
            # Same value as g_loss's objective, gradient only for D: subtracting it
            # leaves D with ∇L_D.
            held_g_loss, _ = self.generator_objective(real, held, labels, critic, held_logits)
            return d_loss + g_loss - held_g_loss, (
                d_loss, d_penalties, (g_loss, {**penalties, **clamping_logs})
            )

        _, (d_loss, d_penalties, (g_loss, penalties)), grads = self._gradients(
            loss_fn, self.discriminator, self.generator
        )
        count = len(self.discriminator.trainable_variables)
        self.d_optimizer.apply(grads[:count], self.discriminator.trainable_variables)
        self.after_discriminator_update()
        self.g_optimizer.apply(grads[count:], self.generator.trainable_variables)
        self.count_generator_update()
        d_penalties["d_grad_norm"] = global_norm(grads[:count])
        penalties["g_grad_norm"] = global_norm(grads[count:])
        return self._log(d_loss, g_loss, penalties, d_penalties)

    def count_generator_update(self, commit=None):
        """Counts the generator update just made and folds it into the generator's
        moving average; `commit` (a boolean tensor) False counts nothing, for an
        update the critic schedule discarded."""
        increment = 1 if commit is None else ops.cast(commit, "int32")
        self.generator_updates.assign(self.generator_updates + increment)
        if self.generator_ema is not None:
            self.generator_ema.update(self.generator, self.generator_updates.value, commit)

    def discriminator_update(self, real, labels):
        """One discriminator update on a real minibatch and fresh fakes; `(loss,
        penalties)`, the penalties those of `discriminator_penalty`."""
        fake, fake_labels = self.discriminator_fakes(real, labels)
        seen = self.discriminator_input()
        real, fake = seen(real), seen(fake)
        self._start_update(self.discriminator)
        critic = self.critic(labels)

        def loss_fn():
            real_logits = self._discriminate(real, labels)
            fake_logits = self._discriminate(fake, fake_labels)
            adversarial = self.discriminator_loss(real_logits, fake_logits, real, fake, critic)
            penalty, penalties = self.discriminator_penalty(
                real, fake, critic, (real_logits, fake_logits)
            )
            loss = adversarial + penalty + self.regularization(self.discriminator)
            return loss, {"d_adversarial": adversarial, **penalties,
                          **self.discriminator_outputs(real_logits, fake_logits)}

        loss, logs, grads = self._gradients(loss_fn, self.discriminator)
        self.d_optimizer.apply(grads, self.discriminator.trainable_variables)
        self.after_discriminator_update()
        return loss, {**logs, "d_grad_norm": global_norm(grads)}

    def after_discriminator_update(self):
        """Hook run after each discriminator update (WGAN clips the weights here)."""

    def generator_update(self, real, labels):
        """One generator update on fresh noise; `(loss, penalties)`. `real` is the
        step's last real minibatch, for the penalties that compare the two."""
        z = self.sample_noise(ops.shape(real)[0])
        loss, penalties, grads = self.generator_gradients(z, real, labels)
        self.g_optimizer.apply(grads, self.generator.trainable_variables)
        return loss, penalties

    def generator_gradients(self, z, real, labels):
        """`(loss, penalties, gradients)` of the generator's loss on noise `z`, with
        the techniques' terms; nothing is applied."""
        delta = self.latent_perturbation(z)
        seen = self.discriminator_input()
        real = seen(real)
        self._start_update(self.generator)
        critic = self.critic(labels)

        def loss_fn():
            fake, clamping, clamping_logs = self._generate_for_update(z, delta, labels)
            loss, penalties = self.generator_objective(real, seen(fake), labels, critic)
            loss = loss + clamping + self.regularization(self.generator)
            return loss, {**penalties, **clamping_logs}

        loss, logs, grads = self._gradients(loss_fn, self.generator)
        return loss, {**logs, "g_grad_norm": global_norm(grads)}, grads

    def generator_state(self):
        """The variables a generator update writes: the generator's weights and
        statistics, its optimizer's state, the discriminator's statistics (it runs in
        training mode) and the generator's historical mean. The critic schedule
        restores them when it discards an update."""
        variables = [
            *self.generator.variables,
            *self.discriminator.non_trainable_variables,
            *self.g_optimizer.variables,
        ]
        if self.generator_average is not None:
            variables += self.generator_average.variables
        return variables

    # The points where the training techniques enter an update.

    def discriminator_fakes(self, real, labels):
        """`(fake, fake_labels)` for a discriminator update: G(z) on fresh noise, with
        the real minibatch's labels (`discriminator_samples`); experience replay mixes
        stored samples in."""
        fake = self.discriminator_samples(ops.shape(real)[0], labels)
        if self.replay is None:
            return fake, labels
        return self.replay.replay(fake, labels, seed=self.seed_generator)

    def discriminator_samples(self, n, labels):
        """`n` generated samples for a discriminator update, no gradient flowing back:
        G(z) on fresh noise (xICFG draws them from its pool instead)."""
        return ops.stop_gradient(self._generate(self.sample_noise(n), labels))

    def discriminator_input(self):
        """What the discriminator sees of the samples of the update starting now: a
        function applying DiffAugment's policies (fresh draws at each call), then
        adding instance noise N(0, σ_t² I), σ_t annealed over the generator updates
        (the identity without either). σ_t is read here, outside the loss functions,
        whose traced state holds only the model's variables."""
        options, seed = self.options, self.seed_generator
        policy = options.diff_augment
        augment = (lambda samples: diff_augment(samples, policy, seed=seed)) if policy else None
        if not options.instance_noise:
            return augment or (lambda samples: samples)
        stddev = instance_noise_stddev(
            self.generator_updates.value, options.instance_noise, options.instance_noise_steps,
        )

        def seen(samples):
            if augment is not None:
                samples = augment(samples)
            return add_instance_noise(samples, stddev, seed=seed)

        return seen

    def generator_objective(self, real, fake, labels, critic, fake_logits=None):
        """L_G of the generated `fake`, the adversarial term plus `generator_penalty`:
        `(loss, penalties)`, the penalties with the adversarial term as
        `g_adversarial`. Feature matching replaces the model's adversarial term."""
        if self.feature_extractor is not None:
            adversarial, logs = feature_matching_loss(
                self._features(real, labels), self._features(fake, labels)
            ), {}
        else:
            if fake_logits is None:
                fake_logits = self._discriminate(fake, labels)
            adversarial, logs = self.generator_loss(fake_logits, real, fake, critic)
        penalty, penalties = self.generator_penalty(real, fake)
        return adversarial + penalty, {"g_adversarial": adversarial, **logs, **penalties}

    def generator_penalty(self, real, fake):
        """`(term, {penalty_name: value})`: the penalty the generator loss adds to its
        adversarial term (none here; EDGAN's λρ)."""
        return 0.0, {}

    def critic_penalty(self, real, fake, critic):
        """`(term, {penalty_name: value})`: the penalty the model's objective adds
        to the discriminator's loss (none here; WGAN-GP's λ·E(‖∇D(x̂)‖ − 1)²), on the
        update's real and generated samples."""
        return 0.0, {}

    def discriminator_penalty(self, real, fake, critic, logits=None):
        """`(term, {penalty_name: value})` added to the discriminator's loss: the
        objective's `critic_penalty`, then the options': R1's (γ/2)·E‖∇ₓD(x)‖² on
        the real samples D is given (`r1_weight`) and LeCam's λ·R_LC of D's outputs
        `logits`, the pair `(real_logits, fake_logits)` of the update
        (`lecam_weight`; this updates its moving averages first, so call it once
        per discriminator update)."""
        options = self.options
        term, penalties = self.critic_penalty(real, fake, critic)
        if options.r1_weight:
            penalties["r1"] = zero_centered_penalty(critic, real)
            term = term + 0.5 * options.r1_weight * penalties["r1"]
        if options.lecam_weight:
            if logits is None:
                raise ValueError(
                    f"{type(self).__name__}'s discriminator update does not pass its "
                    f"outputs (real_logits, fake_logits) to discriminator_penalty, which "
                    f"LeCam regularization (lecam_weight) needs. Use lecam_weight=0."
                )
            real_average, fake_average = self.lecam_averages.update(*logits)
            penalties["lecam"] = lecam_penalty(*logits, real_average, fake_average)
            term = term + options.lecam_weight * penalties["lecam"]
        return term, penalties

    def latent_perturbation(self, z):
        """Jacobian Clamping's δ for the noise `z` of a generator update, from the
        model's seeded stream: one random direction of norm ε per example (None
        without Jacobian Clamping, which then draws nothing)."""
        if not self.options.jacobian_clamping:
            return None
        return latent_perturbation(
            (ops.shape(z)[0], self.latent_dim), self.options.jacobian_clamping_epsilon,
            seed=self.seed_generator,
        )

    def _generate_for_update(self, z, delta, labels):
        """`(G(z), term, {penalty_name: value})` of a generator update: with
        Jacobian Clamping (`delta` not None) the generator runs once on [z; z + δ],
        so that both halves share its batch statistics, and the term is the
        weighted penalty on the pairs (G(z), G(z + δ)); else `(G(z), 0, {})`."""
        if delta is None:
            return self._generate(z, labels), 0.0, {}
        both_labels = None if labels is None else ops.concatenate([labels, labels], axis=0)
        fake, perturbed = ops.split(
            self._generate(ops.concatenate([z, z + delta], axis=0), both_labels), 2, axis=0
        )
        options = self.options
        penalty = jacobian_clamping_penalty(
            fake, perturbed, delta, options.jacobian_clamping_min, options.jacobian_clamping_max
        )
        return fake, options.jacobian_clamping * penalty, {"jacobian_clamping": penalty}

    def regularization(self, network):
        """Extra loss terms of `network`'s update: historical averaging's
        w·‖θ − θ̄‖² (0 without it)."""
        average = self._historical_average(network)
        if average is None:
            return 0.0
        weights = [v.value for v in network.trainable_variables]
        return self.options.historical_averaging * historical_averaging_penalty(
            weights, average.means
        )

    def critic(self, labels):
        """The discriminator as a function of samples alone, bound to `labels`."""
        return BoundDiscriminator(self.discriminator, labels)

    def _start_update(self, network):
        """Historical averaging folds the weights `network` starts its update with
        into their mean."""
        average = self._historical_average(network)
        if average is not None:
            average.update(network.trainable_variables)

    def _historical_average(self, network):
        if network is self.discriminator:
            return self.discriminator_average
        return self.generator_average

    def _log(self, d_loss, g_loss, penalties, d_penalties=None, generator_weight=None):
        """Updates the trackers; `generator_weight` 0 leaves out a discarded generator
        update (the discriminator's loss and `d_penalties` are always kept)."""
        self.trackers["d_loss"].update_state(d_loss)
        for name, value in (d_penalties or {}).items():
            self.trackers[name].update_state(value)
        self.trackers["g_loss"].update_state(g_loss, sample_weight=generator_weight)
        for name, value in penalties.items():
            self.trackers[name].update_state(value, sample_weight=generator_weight)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # The networks' outputs in their variables' dtype: under a mixed dtype policy the
    # objectives and penalties are still computed in float32 (`mixed_precision`).
    def _generate(self, z, labels, training=True):
        inputs = z if labels is None else [z, labels]
        return mixed_precision.full_precision(
            self.generator, self.generator(inputs, training=training)
        )

    def _discriminate(self, samples, labels):
        inputs = samples if labels is None else [samples, labels]
        return mixed_precision.full_precision(
            self.discriminator, self.discriminator(inputs, training=True)
        )

    def _features(self, samples, labels):
        inputs = samples if labels is None else [samples, labels]
        return mixed_precision.full_precision(
            self.feature_extractor, self.feature_extractor(inputs, training=True)
        )

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

    def _split(self, real, labels=None, count=None):
        """The `count` (default `d_steps`) pairs `(real minibatch, its labels or None)`
        of a batch."""
        count = count or self.d_steps
        validation.check_batch_size(real.shape[0], count, self.minibatches_name)
        images = ops.split(real, count, axis=0)
        if labels is None:
            return [(x, None) for x in images]
        return list(zip(images, ops.split(labels, count, axis=0)))


def global_norm(gradients):
    """‖g‖₂ of all the `gradients` of an update together (float32)."""
    return ops.sqrt(sum(ops.sum(ops.square(ops.cast(g, "float32"))) for g in gradients))
