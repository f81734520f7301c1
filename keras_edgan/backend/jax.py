"""JAX: stateless gradients and train step, over stateful Keras code.

The Keras JAX trainer calls `train_step(state, data)` under `jax.jit` and expects the
new state back. Writing the GAN step twice (stateful and stateless) would double the
code a reader must check, so the stateful step runs inside a `keras.StatelessScope`
that maps every variable to its value in `state` and records every assignment.
"""

import jax
import keras


def value_and_grad(loss_fn, variables, state_variables=()):
    """Returns `(loss, aux, grads)` for `loss, aux = loss_fn()`.

    `loss_fn` runs in a nested `StatelessScope` inside `jax.value_and_grad`;
    `state_variables` are the non-differentiated variables it may read or update
    (BatchNormalization statistics, SpectralNorm vectors, seed states). Their new
    values are assigned in the enclosing scope afterwards.
    """
    variables = list(variables)
    state_variables = list(state_variables)

    def pure_loss(values, state_values):
        mapping = list(zip(variables, values)) + list(zip(state_variables, state_values))
        with keras.StatelessScope(state_mapping=mapping) as scope:
            loss, aux = loss_fn()
        new_state = [scope.get_current_value(v) for v in state_variables]
        return loss, (aux, new_state)

    (loss, (aux, new_state)), grads = jax.value_and_grad(pure_loss, has_aux=True)(
        [v.value for v in variables], [v.value for v in state_variables]
    )
    for variable, value in zip(state_variables, new_state):
        variable.assign(value)
    return loss, aux, grads


class StatefulTrainStep:
    """Gives Keras' JAX trainer its `train_step(state, data)` over a stateful `step`."""

    def train_step(self, state, data):
        groups = (
            self.trainable_variables,
            self.non_trainable_variables,
            self.optimizer.variables,
            self.metrics_variables,
        )
        mapping = [
            (variable, value)
            for group, values in zip(groups, state)
            for variable, value in zip(group, values)
        ]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            logs = self.step(data)
        new_state = tuple(
            [scope.get_current_value(v) for v in group] for group in groups
        )
        return logs, new_state
