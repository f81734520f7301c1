"""xICFG: composite functional gradient learning of GANs (Johnson and Zhang, ICML 2018;
seed 002, §4)."""

import keras
from keras import ops

from keras_edgan import backend
from keras_edgan.losses.functional_gradient import (
    SCALINGS,
    approximation_loss,
    functional_gradient_step,
)
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN, global_norm
from keras_edgan.models.logistic import LogisticDiscriminatorLoss


class XICFG(LogisticDiscriminatorLoss, GAN):
    """Algorithm 3 of Johnson and Zhang, "Composite Functional Gradient Learning of
    Generative Adversarial Models" (ICML 2018), as seed 002 (§4, fig. 6) gives it:
    the generator is moved by functional gradient steps G ← G + η·s(x)·∇ₓD(x)
    against a strong logistic discriminator (eq. 6, 8, 9), and a generator network
    G̃, the approximator, is then fitted to the moved generator.

    One training step is one stage of xICFG, the loop of Algorithm 3:

    1. draw the input pool S_z of `pool_minibatches`·b noise vectors (b the
       minibatch size) and x₀ = G̃(S_z);
    2. ICFG (Algorithm 2) with q_z uniform over S_z, for t = 1..T: `d_steps` (U)
       discriminator updates, each on its own real minibatch against b samples of
       x_{t−1} drawn uniformly from the pool, descending the logistic loss of eq. 8;
       then the functional step x_t = x_{t−1} + η·s(x_{t−1})·∇ₓD(x_{t−1}) of every
       pool sample (`losses.functional_gradient_step`);
    3. update G̃ to minimize Σ_{z∈S_z} ½‖G̃(z) − x_T‖² (`losses.approximation_loss`):
       `approximator_epochs` passes over the pool in shuffled minibatches of b,
       with the generator's optimizer.

    Since q_z is uniform over the pool, the composite generator G_t is only ever
    evaluated on S_z, so the step keeps the moved samples x_t themselves and needs
    no copy of the discriminator of each t. Each element of the training dataset
    therefore holds T·U real minibatches (`minibatches_per_step`).

    With T = 1, `functional_scaling="gan"` (s(x) = σ(D(x))/η) and one
    distillation step on the whole pool, the approximator's gradient is that of
    the GAN's generator loss log(1 − σ(D(G(z)))) (eq. 11–12): the GAN is the
    special case of an extremely small T with a coarse approximation.

    Settings of the authors' code (MNIST, SVHN; the seed gives none): T = 15,
    U = 1, b = 64, a pool of 10·b, η = 0.5 (MNIST, DCGAN with batch normalization;
    0.1–2.5 by dataset and network), s = 1, 10 epochs of approximation, RMSprop
    (learning rate 2.5e-4, ρ = 0.95) for D and G̃. They create a fresh optimizer
    for G̃ at every stage (`fresh_approximator_optimizer`, here by zeroing the
    generator optimizer's moment estimates) and cut its learning rate tenfold when
    an epoch's loss rises (at most 3 times per stage), which this model does not.
    As in their code, the functional step calls D in training mode: a discriminator
    with batch normalization, trained on all-generated batches, is the function it
    learned only there (its moving statistics, mixed over real and generated
    batches, make another one).

    Sampling (`generate`, sample grids, evaluation, `generator.keras`) uses the
    approximator G̃ alone: the paper's final generator is G̃ followed by the T
    functional steps of the last stage, which would need the last stage's T
    discriminators; G̃ is fitted to exactly those samples at the end of each stage.

    Logs: `d_loss` and D's outputs (the last discriminator update of the stage),
    `g_loss` (the approximation loss, averaged over the last epoch: what G̃ leaves
    unfitted) and `pool_shift` (the mean distance ‖x_T − x₀‖₂ the T functional
    steps moved a pool sample).

    The discriminator-side options of the step apply to its updates (instance noise,
    DiffAugment, experience replay, R1, LeCam, label smoothing, historical
    averaging); the functional step reads D on the pool samples as they are. Not
    with the options that change a generator's adversarial update, which xICFG
    replaces (`feature_matching`, `jacobian_clamping`), with `merged_update` or
    `critic_schedule`, nor a conditional GAN.

    Example:
    ```python
    G, D = keras_edgan.architectures.pacgan_mlp(...)
    gan = keras_edgan.models.XICFG(G, D, latent_dim=2, functional_steps=15,
                                   functional_step_size=0.5)
    gan.compile(d_optimizer=keras.optimizers.RMSprop(2.5e-4, rho=0.95),
                g_optimizer=keras.optimizers.RMSprop(2.5e-4, rho=0.95))
    gan.fit(points.batch(15 * 64, drop_remainder=True), epochs=10)  # T·U·b per step
    ```

    Args:
        generator: the approximator G̃.
        discriminator, latent_dim, seed: see `GAN`.
        functional_steps: T, the functional gradient steps (and discriminator
            rounds) per stage; the authors' 15 (25 with a fully connected G̃).
        functional_step_size: η of eq. 6.
        functional_scaling: s(x) of eq. 9: "constant" (s = 1, the paper's) or
            "gan" (s = σ(D(x))/η; see `losses.functional_gradient_step`).
        pool_minibatches: the input pool's size in minibatches (the authors'
            10·b = 640 noise vectors).
        approximator_epochs: passes over the pool that fit G̃ to the moved
            samples at the end of each stage (the authors' 10).
        fresh_approximator_optimizer: start each stage's approximation with the
            generator optimizer's moment estimates (RMSprop's and Adam's averages of
            the gradient and its square) at zero, as the authors' fresh optimizer
            per stage does; its step count and learning rate are kept. False
            carries them over from stage to stage.
    """

    penalty_names = ("pool_shift",)
    minibatches_name = "functional_steps × d_steps"

    def __init__(self, generator, discriminator, latent_dim, functional_steps=15,
                 functional_step_size=0.5, functional_scaling="constant", pool_minibatches=10,
                 approximator_epochs=10, fresh_approximator_optimizer=True, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        for name, value in (("functional_steps", functional_steps),
                            ("pool_minibatches", pool_minibatches),
                            ("approximator_epochs", approximator_epochs)):
            if isinstance(value, bool) or int(value) != value or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}.")
        if not functional_step_size > 0:
            raise ValueError(
                f"functional_step_size is η > 0 of G ← G + η·s(x)·∇D(x); got "
                f"{functional_step_size!r}. The authors use 0.1–2.5."
            )
        if functional_scaling not in SCALINGS:
            raise ValueError(
                f"functional_scaling must be one of {SCALINGS}; got {functional_scaling!r}."
            )
        refused = [name for name, on in (
            ("merged_update", self.options.mode == "merged"),
            ("critic_schedule", self.options.mode == "scheduled"),
            ("feature_matching", self.options.feature_matching),
            ("jacobian_clamping", self.options.jacobian_clamping),
        ) if on]
        if refused:
            raise ValueError(
                f"xICFG does not take {', '.join(refused)}: its generator is moved by "
                f"functional gradient steps and distilled, with no adversarial generator "
                f"update for these options to change. Leave them unset."
            )
        if self.num_classes is not None:
            raise ValueError(
                "xICFG is unconditional here (the paper's is): leave num_classes unset."
            )
        self.functional_steps = int(functional_steps)
        self.functional_step_size = float(functional_step_size)
        self.functional_scaling = functional_scaling
        self.pool_minibatches = int(pool_minibatches)
        self.approximator_epochs = int(approximator_epochs)
        self.fresh_approximator_optimizer = bool(fresh_approximator_optimizer)
        # The generator has no adversarial term to log: its loss is the approximation.
        del self.trackers["g_adversarial"]
        self._pool = None

    @property
    def minibatches_per_step(self):
        """T·U real minibatches per training step (one stage)."""
        return self.functional_steps * self.d_steps

    def alternating_step(self, real, labels):
        """One stage of xICFG (Algorithm 3): the pool, ICFG on it, the approximation."""
        minibatches = self._split(real, labels, self.minibatches_per_step)
        b = real.shape[0] // self.minibatches_per_step
        z = self.sample_noise(self.pool_minibatches * b)
        start = ops.stop_gradient(self._generate(z, None))
        pool = start
        for t in range(self.functional_steps):
            self._pool = pool
            for real_minibatch, _ in minibatches[t * self.d_steps:(t + 1) * self.d_steps]:
                d_loss, d_logs = self.discriminator_update(real_minibatch, None)
            pool = ops.stop_gradient(functional_gradient_step(
                self.critic(None), pool, self.functional_step_size, self.functional_scaling,
                training=True,  # as D saw generated batches in its updates
            ))
        self._pool = None  # no tensor outlives the step
        g_loss, g_logs = self.approximate(z, pool, b)
        self.count_generator_update()
        moved = ops.reshape(pool - start, (ops.shape(z)[0], -1))
        shift = ops.mean(ops.sqrt(ops.sum(ops.square(moved), axis=1)))
        return self._log(d_loss, g_loss, {**g_logs, "pool_shift": shift}, d_logs)

    def discriminator_samples(self, n, labels):
        """`n` samples of the current pool x_{t−1}, drawn uniformly with replacement
        (z ~ q_z, the uniform distribution over S_z)."""
        indices = keras.random.randint(
            (n,), 0, ops.shape(self._pool)[0], seed=self.seed_generator
        )
        return ops.take(self._pool, indices, axis=0)

    def approximate(self, z, targets, b):
        """Line 6 of Algorithm 3: `approximator_epochs` passes over the pool `(z,
        targets)` in shuffled minibatches of `b`, each a step of the generator's
        optimizer on ½‖G̃(z) − target‖²; `(mean loss of the last pass, logs)`.
        The updates run as one loop of the traced step (`backend.stateful_fori_loop`)."""
        if self.fresh_approximator_optimizer:
            for variable in self.g_optimizer.variables:
                if variable.name not in ("iteration", "learning_rate"):
                    variable.assign(ops.zeros(variable.shape, variable.dtype))
        orders = ops.concatenate([
            keras.random.shuffle(ops.arange(ops.shape(z)[0]), seed=self.seed_generator)
            for _ in range(self.approximator_epochs)
        ])
        updates = self.approximator_epochs * self.pool_minibatches
        last_pass = updates - self.pool_minibatches

        def update(i, carry):
            last_pass_loss, _ = carry
            indices = ops.take(orders, i * b + ops.arange(b))
            loss, grads = self._approximation_update(
                ops.take(z, indices, axis=0), ops.take(targets, indices, axis=0)
            )
            share = ops.cast(i >= last_pass, "float32") / self.pool_minibatches
            return last_pass_loss + share * ops.cast(loss, "float32"), global_norm(grads)

        loss, grad_norm = backend.stateful_fori_loop(
            updates, update, (ops.zeros(()), ops.zeros(())),
            [*self.trainable_variables, *self.non_trainable_variables,
             *self.optimizer.variables],
        )
        return loss, {"g_grad_norm": grad_norm}

    def _approximation_update(self, z, target):
        self._start_update(self.generator)

        def loss_fn():
            loss = approximation_loss(self._generate(z, None), target)
            return loss + self.regularization(self.generator), loss

        _, loss, grads = self._gradients(loss_fn, self.generator)
        self.g_optimizer.apply(grads, self.generator.trainable_variables)
        return loss, grads


registry.register("xicfg", XICFG)
