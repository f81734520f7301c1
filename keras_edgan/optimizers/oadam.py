"""Optimistic Adam (Daskalakis et al., 2018)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_edgan")
class OAdam(keras.optimizers.Optimizer):
    """Optimistic Adam: Adam with an optimistic correction term.

    Implements the update rule of the reference code of Daskalakis, Ilyas,
    Syrgkanis and Zeng, "Training GANs with Optimism", ICLR 2018 (the
    optimistic mirror descent step `x ← x − 2η·g_t + η·g_{t−1}` with Adam's
    normalized moments in place of the raw gradients). With `t = iterations + 1`
    and gradient `g`:

    ```
    lr_t   = learning_rate · sqrt(1 − β2^t) / (1 − β1^t)
    m_t    = β1·m + (1 − β1)·g
    v_t    = β2·v + (1 − β2)·g²
    p      ← p − 2·lr_t·m_t/(sqrt(v_t) + ε) + lr_t·m_prev/(sqrt(v_prev) + ε)
    m_prev ← m,   v_prev ← v
    m      ← m_t, v      ← v_t
    ```

    At step `t` the correction thus uses the moments of step `t − 2`, as the
    reference code does. `m_prev` and `v_prev` start at zero, so the
    correction is zero in the first two steps. Unlike in the reference code,
    they are optimizer variables, so saving and resuming training reproduces
    the uninterrupted run exactly.

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
        epsilon: Positive constant added to `sqrt(v)` in the denominators
            ("epsilon hat" of Kingma and Ba). Defaults to `1e-8`.
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
            # The first two steps divide the zero previous moments by
            # sqrt(v_prev) + epsilon, which is 0/0 when epsilon is 0.
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
        (
            self._momentums,
            self._velocities,
            self._previous_momentums,
            self._previous_velocities,
        ) = self.add_optimizer_variables(
            var_list,
            ["momentum", "velocity", "previous_momentum", "previous_velocity"],
        )

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        t = ops.cast(self.iterations + 1, dtype)
        lr_t = (
            lr * ops.sqrt(1 - ops.power(beta_2, t)) / (1 - ops.power(beta_1, t))
        )

        index = self._get_variable_index(variable)
        m = self._momentums[index]
        v = self._velocities[index]
        m_prev = self._previous_momentums[index]
        v_prev = self._previous_velocities[index]

        m_t = beta_1 * m + (1 - beta_1) * gradient
        v_t = beta_2 * v + (1 - beta_2) * ops.square(gradient)
        step = 2 * lr_t * m_t / (ops.sqrt(v_t) + self.epsilon)
        optimism = lr_t * m_prev / (ops.sqrt(v_prev) + self.epsilon)
        self.assign_sub(variable, step - optimism)
        # The previous moments take the pre-step values of m and v, so these
        # two assignments must precede the updates of m and v.
        self.assign(m_prev, m)
        self.assign(v_prev, v)
        self.assign(m, m_t)
        self.assign(v, v_t)

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
