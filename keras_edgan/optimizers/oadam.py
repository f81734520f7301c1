"""Optimistic Adam (Daskalakis et al., 2018)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_edgan")
class OAdam(keras.optimizers.Optimizer):
    """Optimistic Adam: Adam with an optimistic correction term.

    Algorithm 1 of Daskalakis, Ilyas, Syrgkanis and Zeng, "Training GANs with
    Optimism", ICLR 2018: the optimistic mirror descent step
    `θ_t = θ_{t−1} − 2η·g_t + η·g_{t−1}` with Adam's bias-corrected, normalized
    moments in place of the raw gradients. With `t = iterations + 1` and
    gradient `g_t`:

    ```
    m_t = β1·m_{t−1} + (1 − β1)·g_t,      m̂_t = m_t / (1 − β1^t)
    v_t = β2·v_{t−1} + (1 − β2)·g_t²,     v̂_t = v_t / (1 − β2^t)
    θ_t = θ_{t−1} − 2η·m̂_t/(sqrt(v̂_t) + ε) + η·m̂_{t−1}/(sqrt(v̂_{t−1}) + ε)
    ```

    The optimistic term reuses the moments of the previous step, each with its
    own bias correction (`1 − β^(t−1)`); at `t = 1` it is zero (`m_0 = 0`). The
    state is Adam's: `m` and `v`, so saving and resuming reproduces the
    uninterrupted run exactly.

    The authors' Keras code (`script/optimizer.py` of
    vsyrgkanis/optimistic_GAN_training) differs: it updates `m`, `v` and the
    parameter simultaneously from copies `m_old`, `v_old` that already hold the
    moments of step `t − 2` when the parameter reads them, so its correction
    lags one step behind the algorithm it publishes. keras_edgan follows the
    paper. Four steps with gradients (1, −2, 0.5, 3), `learning_rate=0.01`,
    β = (0.5, 0.9) leave a parameter started at 0 at −0.0200, +0.0025,
    −0.0015, −0.0182 here, against −0.0200, −0.0075, +0.0040, −0.0183 with the
    lag. Checkpoints written by keras_edgan's earlier OAdam, which had that lag
    and two more variables per weight, are refused on resume with a
    `CheckpointError` that says so.

    EDGAN (Tan et al., 2020, §2.3) trains both networks with
    `OAdam(beta_1=0.5, beta_2=0.9)`, `learning_rate=1e-4` for the discriminator
    and `4e-4` for the generator.

    Example:

    ```python
    model.compile(optimizer=OAdam(1e-4, beta_1=0.5, beta_2=0.9), loss="mse")
    ```

    Args:
        learning_rate: A float, a
            `keras.optimizers.schedules.LearningRateSchedule` or a callable
            returning the learning rate. Defaults to `1e-4`.
        beta_1: Decay rate of the first-moment estimate `m`. Defaults to
            `0.5`.
        beta_2: Decay rate of the second-moment estimate `v`. Defaults to
            `0.9`.
        epsilon: Positive constant ε added to `sqrt(v̂)` in the denominators.
            Defaults to `1e-8`.
        **kwargs: Arguments of `keras.optimizers.Optimizer` (`name`,
            `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`,
            `use_ema`, `loss_scale_factor`, ...).
    """

    def __init__(
        self,
        learning_rate=1e-4,
        beta_1=0.5,
        beta_2=0.9,
        epsilon=1e-8,
        **kwargs,
    ):
        for arg_name, value in (("beta_1", beta_1), ("beta_2", beta_2)):
            if isinstance(value, (int, float)) and not 0.0 <= value < 1.0:
                raise ValueError(
                    f"OAdam: `{arg_name}` must lie in [0, 1). Received: "
                    f"{arg_name}={value}. Pass a decay rate such as 0.5 or "
                    "0.9."
                )
        if not epsilon > 0:
            # A weight whose gradients were all zero has v̂ = 0, and m̂/(sqrt(v̂) + ε)
            # is then 0/0 when ε is 0.
            raise ValueError(
                f"OAdam: `epsilon` must be positive. Received: "
                f"epsilon={epsilon}. Pass a small constant such as 1e-8."
            )
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        t = ops.cast(self.iterations + 1, dtype)

        index = self._get_variable_index(variable)
        m = self._momentums[index]
        v = self._velocities[index]
        m_t = beta_1 * m + (1 - beta_1) * gradient
        v_t = beta_2 * v + (1 - beta_2) * ops.square(gradient)

        step = self._normalized(m_t, v_t, beta_1, beta_2, t)
        # m_{t-1} = m_0 = 0 at t = 1, where its bias correction 1 - β^0 is 0.
        previous_step = ops.where(
            t > 1, self._normalized(m, v, beta_1, beta_2, ops.maximum(t - 1, 1)), 0
        )
        self.assign_sub(variable, lr * (2 * step - previous_step))
        self.assign(m, m_t)
        self.assign(v, v_t)

    def _normalized(self, m, v, beta_1, beta_2, t):
        """m̂_t / (sqrt(v̂_t) + ε), Adam's bias-corrected normalized moment."""
        m_hat = m / (1 - ops.power(beta_1, t))
        v_hat = v / (1 - ops.power(beta_2, t))
        return m_hat / (ops.sqrt(v_hat) + self.epsilon)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
            }
        )
        return config
