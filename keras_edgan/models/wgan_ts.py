"""WGAN-TS: the two-step computation of the exact minibatch Wasserstein distance (Liu,
Gu and Samaras, ICML 2018; seed 002, §6.2)."""

import keras
from keras import ops

from keras_edgan import backend
from keras_edgan.losses.two_step import (
    l1_costs,
    transport_potentials,
    two_step_regression_loss,
    weight_scaling_factor,
)
from keras_edgan.losses.wasserstein import wasserstein_generator_loss
from keras_edgan.models import registry
from keras_edgan.models.gan import GAN, global_norm

# Layers between the scaled layer and the output that pass its values on unchanged.
_PASS_THROUGH = (keras.layers.Flatten, keras.layers.Reshape)


class WGANTS(GAN):
    """Algorithm 1 of Liu, Gu and Samaras, "A Two-Step Computation of the Exact GAN
    Wasserstein Distance" (ICML 2018), as seed 002 (§6.2, fig. 13) gives it. Each
    critic update, on m real samples y_i and n = m generated x_j = G(z_j):

    1. solve the linear program of eq. 7 with c_ij = ‖y_i − x_j‖₁ on the host (scipy's
       HiGHS, through `backend.host_function`), and centre its solution:
       T*_t ← T*_t − Σ_k T*_k/(m + n) (`losses.transport_potentials`);
    2. regress D onto T* (eq. 8): `regression_steps` (n_r) steps of the critic's
       optimizer on (1/(m+n)) (Σ_i (D(y_i) − T*_i)² + Σ_j (D(x_j) − T*_j)²);
    3. weight scaling (eq. 15): β = sup{1, sup (D(y_i) − D(x_j))/c_ij over c_ij > 0},
       and D_{w/β}(·) = D_w(·)/β. The output is divided by β exactly by dividing the
       kernel and bias of the discriminator's output layer (a Dense or Conv without
       activation, possibly followed by Flatten or Reshape) by β. (The authors'
       released code instead multiplies every parameter by β^(−1/L), L the number of
       layers, which divides the output by β only for bias-free ReLU networks.)

    Then the generator step (lines 16–17): one step on −(1/n) Σ_j D(G(z_j)), on the
    z_j of the last critic update (the algorithm's line 6), not fresh noise.

    The paper's settings (Algorithm 1, line 1): n_c = 1 critic update per generator
    update (`d_steps`), n_r = 5, Adam for both networks; its code uses learning rate
    1e-4, β₁ = 0.5, β₂ = 0.999. The logged `d_loss` is the regression loss of the
    last of the n_r steps; `minibatch_wasserstein` is the LP's optimum, the exact
    Wasserstein-1 distance between the two minibatches (l₁ cost), and
    `scaling_factor` is β (also logged with `weight_scaling=False`, where it is not
    applied). Gradients never flow through the LP: T* is a regression target.

    The step runs scipy on the host: on TensorFlow it cannot be XLA-compiled, and
    the model tells Keras so. Not with `merged_update` (the critic's update is not
    one gradient step) nor a conditional GAN.

    Example:
    ```python
    gan = keras_edgan.models.WGANTS(G, D, latent_dim=100, regression_steps=5)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5))
    ```

    Args:
        generator, discriminator, latent_dim, noise_stddev, seed: see `GAN`.
        regression_steps: n_r, the critic's optimizer steps of the regression onto
            T* (eq. 8) per critic update; the paper's 5.
        weight_scaling: divide the critic's output by β of eq. 15 after each
            regression (the paper's algorithm, line 14); False skips it.
    """

    penalty_names = ("minibatch_wasserstein", "scaling_factor")

    def __init__(self, generator, discriminator, latent_dim, regression_steps=5,
                 weight_scaling=True, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        if (isinstance(regression_steps, bool) or int(regression_steps) != regression_steps
                or regression_steps < 1):
            raise ValueError(
                f"regression_steps must be a positive integer (n_r, the critic's steps "
                f"of the regression onto T*); got {regression_steps!r}. The paper uses 5."
            )
        if self.options.mode == "merged":
            raise ValueError(
                "WGAN-TS does not take merged_update: its critic update is a linear "
                "program followed by n_r regression steps, not one gradient step."
            )
        if self.options.lecam_weight:
            raise ValueError(
                "WGAN-TS does not take lecam_weight: its critic update regresses D onto the "
                "transport potentials T*, with no pair of outputs on real and generated "
                "minibatches for LeCam's moving averages. Use lecam_weight=0."
            )
        if self.num_classes is not None:
            raise ValueError(
                "WGAN-TS is unconditional: its linear program pairs every real sample "
                "with every generated one, whatever their classes. Leave num_classes "
                "unset."
            )
        self.regression_steps = int(regression_steps)
        self.weight_scaling = bool(weight_scaling)
        self.scaled_layer = output_layer(discriminator) if self.weight_scaling else None
        # tf.numpy_function has no XLA kernel: Keras must not jit-compile the step.
        self.supports_jit = backend.host_function.supports_jit
        self._critic_noise = None

    def discriminator_update(self, real, labels):
        """Algorithm 1, lines 5–14: the LP, the centring, n_r regression steps, the
        weight scaling. `(regression loss, logs)`, the logs with
        `minibatch_wasserstein` and `scaling_factor` and D's outputs and gradient
        norm in the last regression step."""
        fake, _ = self.discriminator_fakes(real, labels)
        seen = self.discriminator_input()
        real, fake = seen(real), seen(fake)
        m, n = real.shape[0], fake.shape[0]
        costs, targets, distance = backend.host_function(
            _linear_program, [real, fake],
            (((m, n), "float32"), ((_total(m, n),), "float32"), ((), "float32")),
        )
        self._start_update(self.discriminator)
        critic = self.critic(labels)

        def loss_fn():
            real_logits = self._discriminate(real, labels)
            fake_logits = self._discriminate(fake, labels)
            regression = two_step_regression_loss(real_logits, fake_logits, targets)
            penalty, penalties = self.discriminator_penalty(real, fake, critic)
            loss = regression + penalty + self.regularization(self.discriminator)
            return loss, {"d_adversarial": regression, **penalties,
                          **self.discriminator_outputs(real_logits, fake_logits)}

        for _ in range(self.regression_steps):
            loss, logs, grads = self._gradients(loss_fn, self.discriminator)
            self.d_optimizer.apply(grads, self.discriminator.trainable_variables)
        beta = self.scale_weights(real, fake, costs, labels)
        self.after_discriminator_update()
        return loss, {**logs, "d_grad_norm": global_norm(grads),
                      "minibatch_wasserstein": distance, "scaling_factor": beta}

    def scale_weights(self, real, fake, costs, labels=None):
        """Eq. 15: β of the critic on the minibatches (`costs` their c_ij), and
        D ← D/β by dividing the output layer's kernel and bias by β (unless
        `weight_scaling` is False); returns β."""
        beta = weight_scaling_factor(
            self._discriminate(real, labels), self._discriminate(fake, labels), costs
        )
        if self.scaled_layer is not None:
            for variable in self.scaled_layer.trainable_variables:
                variable.assign(variable.value / ops.cast(beta, variable.dtype))
        return beta

    def sample_noise(self, n):
        """z as `GAN.sample_noise`, remembered for the generator step: the last draw is
        that of the last critic update's generated samples."""
        self._critic_noise = super().sample_noise(n)
        return self._critic_noise

    def generator_update(self, real, labels):
        """Algorithm 1, lines 16–17: the generator's step on the z_j of the last
        critic update (fresh noise if there was none)."""
        z, self._critic_noise = self._critic_noise, None  # no tensor outlives the step
        if z is None:
            z = super().sample_noise(ops.shape(real)[0])
        loss, penalties, grads = self.generator_gradients(z, real, labels)
        self.g_optimizer.apply(grads, self.generator.trainable_variables)
        return loss, penalties

    def generator_loss(self, fake_logits, real, fake, critic):
        return wasserstein_generator_loss(fake_logits), {}


def _total(m, n):
    return None if m is None or n is None else m + n


def _linear_program(real, fake):
    """On the host: `(c, T*, value)` of eq. 7 for the minibatches, as float32."""
    costs = l1_costs(real, fake)
    potentials, value = transport_potentials(costs)
    return costs, potentials, value


def output_layer(discriminator):
    """The layer of `discriminator` whose kernel and bias eq. 15's weight scaling
    divides by β: the layer computing the output, after any Flatten or Reshape. It
    must be affine (a Dense or Conv without activation, with a kernel and a bias at
    most), so that dividing its weights divides the critic's output exactly."""
    try:
        outputs = discriminator.outputs
    except AttributeError:
        outputs = None
    if not outputs or len(outputs) != 1:
        raise ValueError(
            f"WGAN-TS's weight scaling walks back from the single output of the "
            f"discriminator {discriminator.name!r}: build it as a functional or "
            f"Sequential model from keras.Input with one output."
        )
    tensor = outputs[0]
    layer = tensor._keras_history.operation
    while isinstance(layer, _PASS_THROUGH):
        tensor = layer._inbound_nodes[tensor._keras_history.node_index].input_tensors[0]
        layer = tensor._keras_history.operation
    affine = (
        isinstance(layer, (keras.layers.Dense, keras.layers.Conv1D, keras.layers.Conv2D,
                           keras.layers.Conv3D))
        and getattr(layer, "activation", None) in (None, keras.activations.linear)
        and all(v is layer.kernel or v is getattr(layer, "bias", None)
                for v in layer.trainable_variables)
    )
    if not affine:
        raise ValueError(
            f"WGAN-TS's weight scaling (eq. 15) divides the critic's output by β by "
            f"dividing the kernel and bias of its output layer, which must be a Dense or "
            f"Conv without activation; the output of {discriminator.name!r} comes from "
            f"{layer.name!r} ({type(layer).__name__}). End the discriminator with such a "
            f"layer, or pass weight_scaling=False."
        )
    return layer


registry.register("wgan_ts", WGANTS)
