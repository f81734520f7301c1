"""The training logs as TensorBoard scalars against generator updates, grouped by
meaning and described."""

import time

import keras
import tensorflow as tf

from keras_edgan.callbacks import summary

_WINDOW = "averaged over the steps since the previous point"
# name: (group, description) of the values the models log. Names not here (a user's
# model) go under `other/`.
DESCRIPTIONS = {
    "d_loss": ("losses", "L_D, the discriminator's loss with its penalties, of the last of "
               f"each step's d_steps discriminator updates, {_WINDOW}."),
    "g_loss": ("losses", "L_G, the generator's loss with its penalties (e.g. EDGAN's λ·ρ), "
               f"{_WINDOW} (under a critic schedule: over the committed generator updates)."),
    "d_adversarial": ("losses", "The adversarial term of L_D alone (WGAN-TS: the regression "
                      "onto T*), without the objective's and the techniques' penalties, "
                      f"of the last of each step's discriminator updates, {_WINDOW}."),
    "g_adversarial": ("losses", "The adversarial term of L_G alone, without the model's "
                      "penalties (EDGAN's λ·ρ) and the techniques' terms (Jacobian Clamping, "
                      "historical averaging); feature matching's loss when that replaces it; "
                      f"{_WINDOW}."),
    "d_real": ("discriminator", "Mean output (logit or score) of D on the real minibatch, in "
               f"the last of each step's discriminator updates, {_WINDOW}."),
    "d_fake": ("discriminator", "Mean output (logit or score) of D on the generated "
               "minibatch, in the last of each step's discriminator updates, "
               f"{_WINDOW}."),
    "p_real": ("discriminator", "Mean probability σ(D(x)) that D gives the real samples, in "
               f"the last of each step's discriminator updates, {_WINDOW}."),
    "p_fake": ("discriminator", "Mean probability σ(D(G(z))) that D gives the generated "
               "samples, in the last of each step's discriminator updates, "
               f"{_WINDOW}."),
    "d_grad_norm": ("optimization", "‖∇L_D‖₂ over all of D's weights, before the optimizer, "
                    "in the last of each step's discriminator updates (under tf.distribute: "
                    "the mean of the replicas' norms of their own part of the batch), "
                    f"{_WINDOW}."),
    "g_grad_norm": ("optimization", "‖∇L_G‖₂ over all of G's weights, before the optimizer "
                    "(without VER's information gradient; under tf.distribute: the mean of "
                    "the replicas' norms of their own part of the batch), "
                    f"{_WINDOW} (under a critic schedule: over the committed updates)."),
    "ced": ("penalties", "EDGAN's conditional entropy distance ρ(X, Y) = H(X|Y) + H(Y|X) "
            f"between the real and generated minibatches, unweighted, {_WINDOW}."),
    "js": ("penalties", "The JS-penalty's Jensen-Shannon divergence of the real and "
           f"generated value histograms, unweighted, {_WINDOW}."),
    "gp": ("penalties", "The objective's gradient penalty on D, unweighted (the loss adds "
           "gp_weight times it): WGAN-GP's and the Bi-penalty's E(‖∇D(x̂)‖₂ − 1)², GAN-0GP's "
           f"E‖∇D(x̂)‖², x̂ between real and generated samples, {_WINDOW}."),
    "wgan_div": ("penalties", "WGAN-div's E‖∇D(x̂)‖^p, unweighted (the loss adds k times it), "
                 f"{_WINDOW}."),
    "r1": ("penalties", "R1's E‖∇ₓD(x)‖² on real data, unweighted (the loss adds "
           f"r1_weight/2 times it), {_WINDOW}."),
    "jacobian_clamping": ("penalties", "Jacobian Clamping's (max(Q, λ_max) − λ_max)² + "
                          f"(min(Q, λ_min) − λ_min)², unweighted, {_WINDOW}."),
    "lecam": ("penalties", "LeCam's E‖D(x) − α_F‖² + E‖D(G(z)) − α_R‖², unweighted, "
              f"{_WINDOW}."),
    "mi": ("estimates", "VER's Donsker-Varadhan lower bound on I(G(z); z) in nats, from the "
           f"statistics network, {_WINDOW}."),
    "categorical_information": ("estimates", "InfoGAN's lower bound L_I on I(c; G(z, c)) of "
                                "its categorical codes, E log Q(c|G(z, c)) + H(c), in nats "
                                f"(at most the sum of log K), {_WINDOW}."),
    "continuous_information": ("estimates", "InfoGAN's lower bound L_I of its continuous "
                               "codes with Q a Gaussian of σ = 1, in nats, "
                               f"{_WINDOW}."),
    "lens_reconstruction": ("penalties", "Tempered's L_L^R = ‖X − L(X)‖², how far the lens "
                            f"moves the real samples (eq. 3), {_WINDOW}."),
    "lens_weight": ("optimization", "Tempered's λ_t of eq. 5, the weight of the lens's "
                    "adversarial term, falling from 1 to 0 over lens_steps."),
    "minibatch_wasserstein": ("estimates", "WGAN-TS's exact Wasserstein-1 distance between "
                              f"the real and generated minibatches (L1 cost), {_WINDOW}."),
    "scaling_factor": ("estimates", f"WGAN-TS's weight scaling factor (eq. 15), {_WINDOW}."),
}


class Scalars(keras.callbacks.Callback):
    """Writes each epoch's logs (the epoch's means) to TensorBoard at step = number of
    generator updates, the iteration count of the papers, so runs with different
    `d_steps` or epoch sizes line up; with each, a description of what it is and
    what it averages (`DESCRIPTIONS`), under a group by meaning: `losses/`,
    `penalties/` (unweighted), `estimates/` (VER's mutual information, ...),
    `discriminator/` (D's mean outputs), `optimization/` (gradient norms),
    `other/` for names it does not know. Beside them: `optimization/lr_d`,
    `optimization/lr_g` (the optimizers' current learning rates) and
    `speed/steps_per_second` and, given `images_per_step`, `speed/images_per_second`
    (real images consumed), over the epoch's wall time (not the pictures, scores and
    checkpoints of its end, which run after this callback).

    Args:
        logdir: the run's directory.
        images_per_step: real images one training step consumes (d_steps × the
            minibatch size); None leaves out images_per_second.
    """

    def __init__(self, logdir, images_per_step=None):
        super().__init__()
        self.logdir = logdir
        self.images_per_step = images_per_step
        self._writer = None
        self._epoch_start = None

    def on_train_begin(self, logs=None):
        self._writer = summary.writer(self.logdir)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = (time.perf_counter(), self.model.training_steps)

    def on_epoch_end(self, epoch, logs=None):
        step = self.model.generator_step
        with self._writer.as_default():
            for name, value in (logs or {}).items():
                group, description = DESCRIPTIONS.get(name, ("other", None))
                tf.summary.scalar(f"{group}/{name}", float(value), step=step,
                                  description=description)
            self._optimization(step)
            self._speed(step)
        self._writer.flush()

    def _optimization(self, step):
        for name, optimizer in (("lr_d", self.model.d_optimizer), ("lr_g", self.model.g_optimizer)):
            tf.summary.scalar(
                f"optimization/{name}", float(keras.ops.convert_to_numpy(optimizer.learning_rate)),
                step=step, description=f"The {name[-1].upper()} optimizer's learning rate at the "
                "end of the log window.",
            )

    def _speed(self, step):
        started, steps_before = self._epoch_start
        seconds = time.perf_counter() - started
        steps = self.model.training_steps - steps_before
        if seconds <= 0 or steps <= 0:
            return
        tf.summary.scalar(
            "speed/steps_per_second", steps / seconds, step=step,
            description="Training steps per second of wall time over the log window: the "
            "steps and the input pipeline, not the sample grids, evaluations and "
            "checkpoints made at its end.",
        )
        if self.images_per_step:
            tf.summary.scalar(
                "speed/images_per_second", steps * self.images_per_step / seconds, step=step,
                description="Real images consumed per second of wall time over the log "
                "window (d_steps minibatches per step), timed as steps_per_second.",
            )
