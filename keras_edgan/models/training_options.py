"""The options of a GAN's training step, defined once: `GAN` takes them, `train`'s
flags and configuration keys are generated from them."""

import dataclasses
import numbers

from keras_edgan.techniques.diff_augment import diff_augment_policy
from keras_edgan.techniques.latent_noise import check_noise_distribution

STEP_MODES = ("alternating", "merged", "scheduled")


@dataclasses.dataclass(frozen=True)
class TrainingOptions:
    """How a GAN's training step runs, whatever its objective; checked on creation.

    `GAN(..., d_steps=2)` and `GAN(..., options=TrainingOptions(d_steps=2))` are the
    same model; keyword arguments override the fields of `options`.

    Args:
        d_steps: discriminator updates per generator update (k_D of EDGAN's
            Algorithm 1; n_critic of WGAN).
        noise_stddev: standard deviation of z ~ N(0, σ²I). EDGAN's text says a
            standard Gaussian (σ = 1); its algorithm box says N(0, 0.02).
        noise_distribution: "normal" (z ~ N(0, noise_stddev² I)) or "uniform"
            (z ~ U[−1, 1], DCGAN's noise, that of the DCGAN rows of EDGAN's Tables 1
            and 2). Training, `generate` and the sample grids all draw it.
        merged_update: train both networks from one gradient computation per step
            instead of alternating (the stop-gradient merge of the two updates in
            Zheng's GAN survey, "合并交替优化"): the loss
            L_D(D(x), D(sg(G(z)))) + L_G(D(G(z))) − L_G(D(sg(G(z)))), sg the
            stop-gradient, has gradient ∇L_D for the discriminator and ∇L_G for the
            generator, both at the current weights and on the same noise. Each
            network keeps its own optimizer. Needs d_steps=1; not with
            critic_schedule or replay_buffer_size.
        instance_noise: σ₀ of instance noise (Sønderby et al. 2017; Arjovsky and
            Bottou 2017, §4): every sample the discriminator sees, real or generated,
            in both updates, gets Gaussian noise N(0, σ_t² I). 0 disables it.
        instance_noise_steps: generator updates over which σ_t anneals linearly from
            σ₀ to 0; 0 keeps σ₀.
        diff_augment: DiffAugment's policies (Zhao et al. 2020), e.g.
            "color,translation,cutout" (True names those three, the authors' default
            for few-shot generation; their CIFAR-10 runs use "translation,cutout"
            with BigGAN, "color,cutout" with StyleGAN2): every image the
            discriminator sees, real or generated, in both updates, is transformed
            by them, with fresh random draws from the model's seeded stream for each
            batch; the generator's gradient flows through the transformation
            (`keras_edgan.techniques.diff_augment`). Images only, in [−1, 1] as the
            authors' code has them; before instance noise. R1 is then taken at the
            augmented real images, as in the authors' StyleGAN2 runs. None disables
            it.
        replay_buffer_size: experience replay (guide §4.2): stored past generated
            samples, one from each discriminator update; each time that many were
            stored, half of the next generated minibatch is replaced by stored ones
            (`keras_edgan.techniques.ExperienceReplay`). The guide uses one per
            minibatch of an epoch; 0 disables it.
        feature_matching: Salimans et al. 2016, §3.1: the generator minimizes
            ‖E f(x) − E f(G(z))‖²₂ instead of the model's adversarial loss (its
            penalties, e.g. EDGAN's λρ, stay), f the features of a discriminator
            layer: True takes its last features with more than one value per example
            (the input of the layer compressing them to the logit), a string names a
            layer. None disables it.
        historical_averaging: weight w of Salimans et al.'s historical averaging
            (§3.3): each network's loss gets w·‖θ − (1/t)Σᵢθᵢ‖², the mean over the
            weights it had at the start of each of its updates. 0 disables it.
        r1_weight: γ of R1 (Mescheder, Geiger and Nowozin 2018), (γ/2)·E‖∇ₓD(x)‖² on
            the real minibatch, added to the discriminator's loss of any objective.
            It is the zero-centred penalty on real data of the GAN survey's
            energy-model view ("以0为中心的梯度惩罚", there with λ = γ/2;
            `keras_edgan.losses.zero_centered_penalty`). The gradient is that of D's
            logit at the samples D is given (with instance noise, the noisy ones);
            it is per sample only for a discriminator without BatchNormalization.
            Logged as `r1`, E‖∇ₓD(x)‖² without γ/2. 0 disables it.
        lecam_weight: λ of LeCam regularization (Tseng et al. 2021, eq. 3):
            λ·(E‖D(x) − α_F‖² + E‖D(G(z)) − α_R‖²) added to the discriminator's loss
            of any objective, α_R and α_F the moving averages (decay 0.99) of D's mean
            output on real and on generated samples, updated at each discriminator
            update before the penalty uses them, as in the authors' code; they are
            model state, saved in checkpoints (`keras_edgan.techniques.LeCamAverages`,
            `keras_edgan.losses.lecam_penalty`). The authors use 0.3 for BigGAN on
            CIFAR. Logged as `lecam`, without λ. 0 disables it.
        jacobian_clamping: weight of Jacobian Clamping (Odena et al. 2018,
            Algorithm 1; the ICML'18 memo's fig. 10) in the generator's loss of any
            objective. Its penalty is
            L = (max(Q, λ_max) − λ_max)² + (min(Q, λ_min) − λ_min)²,
            Q = ‖G(z) − G(z + δ)‖/‖δ‖, δ a random direction of norm ε per example,
            drawn from the model's seeded stream
            (`keras_edgan.losses.jacobian_clamping_penalty`). The algorithm adds L
            with weight 1. The generator runs once on the batch [z; z + δ], twice
            the minibatch: both halves share its BatchNormalization statistics, and
            spectral norms make one power iteration per update, as without it; G(z)
            is the update's generated minibatch. L depends on G alone, so it fits
            every step mode (the merged update gives D no gradient of it). Logged
            as `jacobian_clamping`, L without the weight. 0 disables it.
        jacobian_clamping_epsilon: ε, the norm of Jacobian Clamping's perturbation
            δ of z (the paper's 1), in the units of z.
        jacobian_clamping_min: λ_min, the smallest quotient Q Jacobian Clamping
            leaves unpenalised (the paper's 1).
        jacobian_clamping_max: λ_max, the largest quotient Q Jacobian Clamping
            leaves unpenalised (the paper's 20).
        ema: β of the generator's exponential moving average (Yazıcı et al.
            2019): a copy of the generator whose weights follow
            θ̄ ← β·θ̄ + (1 − β)·θ after each generator update, the generator that
            samples: `generate`, the sample grids, the evaluations and the saved
            `generator.keras` use it (the trained generator is `gan.generator`,
            saved as `generator_raw.keras`). Its weights are in the checkpoints
            (`keras_edgan.techniques.GeneratorEMA`). StudioGAN and BigGAN use 0.9999
            over 10⁵ updates or more; the time constant is about 1/(1 − β) updates.
            0 disables it.
        ema_start: generator updates during which the moving average copies the
            generator instead of averaging it (a warm-up, StudioGAN's g_ema_start),
            so that it does not carry the first, random weights for long.
        critic_schedule: WGAN's critic schedule (Arjovsky et al.'s code; guide §5.3):
            100 critic updates before each of the first critic_schedule generator
            updates and before every 500th, d_steps otherwise. Each training step
            then makes one critic update, and the generator update is committed only
            when the schedule says so; steps count critic updates. None disables it.

    Example:
    >>> TrainingOptions(d_steps=2, instance_noise=0.1).mode
    'alternating'
    """

    d_steps: int = 1
    noise_stddev: float = 1.0
    noise_distribution: str = "normal"
    merged_update: bool = False
    instance_noise: float = 0.0
    instance_noise_steps: int = 0
    diff_augment: str | None = None
    replay_buffer_size: int = 0
    feature_matching: bool | str | None = None
    historical_averaging: float = 0.0
    r1_weight: float = 0.0
    lecam_weight: float = 0.0
    jacobian_clamping: float = 0.0
    jacobian_clamping_epsilon: float = 1.0
    jacobian_clamping_min: float = 1.0
    jacobian_clamping_max: float = 20.0
    ema: float = 0.0
    ema_start: int = 0
    critic_schedule: int | None = None

    def __post_init__(self):
        set_ = lambda name, value: object.__setattr__(self, name, value)  # frozen
        if _integer(self.d_steps) is None or self.d_steps < 1:
            raise ValueError(
                f"d_steps must be a positive integer (discriminator updates per "
                f"generator update); got {self.d_steps!r}. EDGAN uses d_steps=2."
            )
        set_("d_steps", int(self.d_steps))
        check_noise_distribution(self.noise_distribution, self.noise_stddev)
        set_("noise_stddev", float(self.noise_stddev))
        for name in ("instance_noise", "historical_averaging", "r1_weight", "lecam_weight",
                     "jacobian_clamping",
                     "jacobian_clamping_epsilon", "jacobian_clamping_min",
                     "jacobian_clamping_max", "ema"):
            set_(name, _nonnegative(name, getattr(self, name), float))
        self._check_jacobian_clamping()
        if not self.ema < 1:
            raise ValueError(
                f"ema (β of the generator's moving average) must be below 1, which "
                f"would never move the average; got {self.ema!r}. Use e.g. 0.999, "
                f"or 0 to disable it."
            )
        for name in ("instance_noise_steps", "replay_buffer_size", "ema_start"):
            set_(name, _nonnegative(name, getattr(self, name), int))
        if self.critic_schedule is not None:
            set_("critic_schedule", _nonnegative("critic_schedule", self.critic_schedule, int))
        if self.merged_update not in (True, False):
            raise ValueError(f"merged_update must be true or false; got {self.merged_update!r}.")
        set_("merged_update", bool(self.merged_update))
        set_("diff_augment", diff_augment_policy(self.diff_augment))
        feature_matching = self.feature_matching
        if feature_matching is False or feature_matching == "":
            set_("feature_matching", None)
        elif not (feature_matching is None or feature_matching is True
                  or isinstance(feature_matching, str)):
            raise ValueError(
                f"feature_matching must be True, None or the name of a discriminator "
                f"layer; got {feature_matching!r}."
            )
        if self.merged_update:
            self._check_mergeable()

    def _check_jacobian_clamping(self):
        if not self.jacobian_clamping_epsilon > 0:
            raise ValueError(
                "jacobian_clamping_epsilon (ε, the norm of the perturbation of z) must be "
                "positive; got 0. The paper uses 1."
            )
        if self.jacobian_clamping_min > self.jacobian_clamping_max:
            raise ValueError(
                f"jacobian_clamping_min (λ_min={self.jacobian_clamping_min}) must not "
                f"exceed jacobian_clamping_max (λ_max={self.jacobian_clamping_max}): the "
                f"penalty leaves the quotients in [λ_min, λ_max] alone. The paper uses 1 "
                f"and 20."
            )

    def _check_mergeable(self):
        if self.d_steps != 1:
            raise ValueError(
                f"merged_update=True updates both networks once per step, so it needs "
                f"d_steps=1; got d_steps={self.d_steps}."
            )
        for name in ("critic_schedule", "replay_buffer_size"):
            if getattr(self, name):
                raise ValueError(
                    f"merged_update=True computes both updates from one loss on the same "
                    f"generated minibatch, which {name} changes (alternating updates, or a "
                    f"discriminator minibatch of replayed samples). Use merged_update=False "
                    f"with {name}."
                )

    @property
    def mode(self):
        """The step's shape, one of `STEP_MODES`: Algorithm 1's alternating updates,
        the merged update, or WGAN's critic schedule."""
        if self.critic_schedule is not None:
            return "scheduled"
        return "merged" if self.merged_update else "alternating"

    @property
    def minibatches_per_step(self):
        """Real minibatches in one element of the training dataset: batch it at this
        many times the minibatch size."""
        return 1 if self.mode == "scheduled" else self.d_steps


FIELDS = tuple(field.name for field in dataclasses.fields(TrainingOptions))


def _integer(value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != int(value):
        return None
    return int(value)


def _nonnegative(name, value, kind):
    """`value` as `kind` (int or float), checked to be ≥ 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0 or (
        kind is int and _integer(value) is None
    ):
        what = "integer" if kind is int else "number"
        raise ValueError(f"{name} must be a non-negative {what}; got {value!r}.")
    return kind(value)
