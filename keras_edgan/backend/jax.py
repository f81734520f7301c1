"""JAX: stateless gradients and train step, over stateful Keras code.

The Keras JAX trainer calls `train_step(state, data)` under `jax.jit` and expects the
new state back. Writing the GAN step twice (stateful and stateless) would double the
code a reader must check, so the stateful step runs inside a `keras.StatelessScope`
that maps every variable to its value in `state` and records every assignment.
"""

import jax
import keras
import numpy as np

from keras_edgan.backend.one_state import from_first_replica, replica_seed


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


def input_gradient(fn, x, variables=()):
    """Returns d sum(fn(x)) / dx, itself differentiable (for gradient penalties).

    `fn` runs inside `jax.grad` in a nested `StatelessScope` that maps `variables`
    (those `fn` reads, e.g. the critic's `variables`) to their current values, so it
    sees the values of an enclosing stateless step; state updates `fn` makes are
    dropped (a gradient-penalty critic should make none).
    """
    mapping = [(v, v.value) for v in variables]

    def total(x):
        with keras.StatelessScope(state_mapping=mapping):
            return jax.numpy.sum(fn(x))

    return jax.grad(total)(x)


def stateful_fori_loop(count, body, carry, variables):
    """`carry = body(i, carry)` for i = 0..count−1, as one loop of the traced step
    rather than `count` unrolled copies of `body` (which XLA compiles for minutes);
    `body` may read and assign `variables` (network weights, optimizer and seed
    states) and must return a carry of the same structure, shapes and dtypes.

    Each iteration runs `body` in a `StatelessScope` over the variables' values,
    carried by `jax.lax.fori_loop` with `carry`.
    """
    variables = list(variables)

    def iteration(i, state):
        values, carry = state
        with keras.StatelessScope(state_mapping=list(zip(variables, values))) as scope:
            carry = body(i, carry)
        return [scope.get_current_value(v) for v in variables], carry

    values, carry = jax.lax.fori_loop(
        0, count, iteration, ([v.value for v in variables], carry)
    )
    for variable, value in zip(variables, values):
        variable.assign(value)
    return carry


def host_function(fn, args, results):
    """`fn(*args)` run on the host, in numpy, inside a (jitted) train step.

    `results` is a tuple of `(shape, dtype)`, one per array `fn` returns (a tuple);
    the arrays come back as tensors of those shapes. `jax.pure_callback`: `fn` must be
    a pure function of its arguments (JAX may call it again or not at all if its
    results go unused), and no gradient flows through it.
    """
    specs = tuple(jax.ShapeDtypeStruct(tuple(shape), dtype) for shape, dtype in results)

    def call(*values):
        outputs = fn(*[np.asarray(value) for value in values])
        return tuple(np.asarray(output, dtype=spec.dtype) for output, spec in zip(outputs, specs))

    return jax.pure_callback(call, specs, *[jax.lax.stop_gradient(a) for a in args])


host_function.supports_jit = True  # pure_callback compiles under jax.jit


def data_parallel(devices=None):
    """`(scope, Replicas)` of `keras.distribution.DataParallel` over the first `devices`
    of `jax.devices()` (all hosts' devices after `jax.distributed.initialize()`)."""
    from keras_edgan.distribution import Replicas

    available = jax.devices()
    count = len(available) if devices is None else devices
    if count > len(available):
        raise ValueError(
            f"{count} devices were asked for, but JAX sees {len(available)} "
            f"({available[0].platform}). For CPU devices set "
            f"XLA_FLAGS=--xla_force_host_platform_device_count={count} before JAX starts; "
            f"for several hosts call jax.distributed.initialize() first."
        )
    distribution = keras.distribution.DataParallel(devices=available[:count])
    return distribution.scope(), Replicas(
        count, f"keras.distribution.DataParallel over {count} {available[0].platform} devices"
    )


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


__all__ = [
    "StatefulTrainStep", "data_parallel", "from_first_replica", "host_function",
    "input_gradient", "replica_seed", "stateful_fori_loop", "value_and_grad",
]
