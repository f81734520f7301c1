"""TensorFlow: gradients from a `tf.GradientTape`; the trainer's `train_step` is stateful."""

import contextlib
import functools
import json
import os

import numpy as np
import tensorflow as tf


def value_and_grad(loss_fn, variables, state_variables=()):
    """Returns `(loss, aux, grads)` for `loss, aux = loss_fn()`.

    `state_variables` is accepted for a backend-independent signature; stateful
    updates made by `loss_fn` are applied in place on TensorFlow.
    """
    del state_variables
    with tf.GradientTape() as tape:
        loss, aux = loss_fn()
    gradients = tape.gradient(loss, variables)
    # Under a tf.distribute strategy Keras' optimizers sum the replicas' gradients
    # (Keras' own compute_loss scales each replica's loss by 1/replicas): divided
    # here, the update follows the mean gradient of the global batch.
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    if replicas > 1:
        gradients = [None if g is None else g / replicas for g in gradients]
    return loss, aux, gradients


def input_gradient(fn, x, variables=()):
    """Returns d sum(fn(x)) / dx, itself differentiable (for gradient penalties).

    `variables` is accepted for a backend-independent signature.
    """
    del variables
    with tf.GradientTape() as tape:
        tape.watch(x)
        outputs = fn(x)
    return tape.gradient(outputs, x)


def stateful_fori_loop(count, body, carry, variables):
    """`carry = body(i, carry)` for i = 0..count−1, as one loop of the traced step
    rather than `count` unrolled copies of `body` (which XLA compiles for minutes);
    `body` may read and assign `variables` (network weights, optimizer and seed
    states) and must return a carry of the same structure, shapes and dtypes.

    A `tf.while_loop`, whose body assigns the variables in place (`variables` is
    accepted for a backend-independent signature).
    """
    del variables
    return tf.while_loop(
        lambda i, _: i < count, lambda i, carry: (i + 1, body(i, carry)),
        (tf.constant(0), carry),
    )[1]


def host_function(fn, args, results):
    """`fn(*args)` run on the host, in numpy, inside the train step's `tf.function`.

    `results` is a tuple of `(shape, dtype)`, one per array `fn` returns (a tuple);
    they come back as tensors of those shapes. `tf.numpy_function`: no gradient flows
    through `fn`, and XLA cannot compile it (`host_function.supports_jit` is False:
    a model calling it sets its own `supports_jit` from it, so that Keras does not
    jit-compile its step on a GPU).
    """
    outputs = tf.numpy_function(
        lambda *values: tuple(
            np.asarray(output, dtype=dtype)
            for output, (_, dtype) in zip(fn(*values), results)
        ),
        [tf.stop_gradient(arg) for arg in args],
        [tf.as_dtype(dtype) for _, dtype in results],
        stateful=False,
    )
    for output, (shape, _) in zip(outputs, results):
        output.set_shape(shape)
    return tuple(outputs)


host_function.supports_jit = False  # tf.numpy_function has no XLA kernel


def replica_seed(seed):
    """`seed`, distinct on each replica of a tf.distribute strategy.

    Seed generators are mirrored, so every replica would draw the same numbers: the
    global batch would hold each generated sample once per replica. Replica r's seed
    is offset by r·1,000,003 (a prime far from the small seeds people choose);
    replica 0 and single-device training draw exactly what they drew before.
    """
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return seed
    offset = tf.cast(context.replica_id_in_sync_group, seed.dtype) * 1_000_003
    return seed + tf.stack([offset, tf.zeros_like(offset)])


def from_first_replica(x):
    """`x` of the first replica, on every replica of a tf.distribute strategy: state
    that replicas update from their own data (a replay buffer) stays one state,
    the one a checkpoint saves."""
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return x
    first = tf.equal(context.replica_id_in_sync_group, 0)
    return context.all_reduce(tf.distribute.ReduceOp.SUM, tf.where(first, x, tf.zeros_like(x)))


def data_parallel(devices=None):
    """`(scope, Replicas)` of tf.distribute's data parallelism: MultiWorkerMirroredStrategy
    when `TF_CONFIG` names a cluster, else MirroredStrategy over the local GPUs, or
    over `devices` logical devices split from the CPU."""
    from keras_edgan.distribution import Replicas

    if "TF_CONFIG" in os.environ:
        strategy = _multi_worker_strategy()
        workers = len(json.loads(os.environ["TF_CONFIG"]).get("cluster", {}).get("worker", []))
        return strategy.scope(), Replicas(
            strategy.num_replicas_in_sync,
            f"tf.distribute.MultiWorkerMirroredStrategy over {workers} workers (TF_CONFIG)",
        )
    names = _local_devices(devices)
    strategy = tf.distribute.MirroredStrategy(names)
    return strategy.scope(), Replicas(
        strategy.num_replicas_in_sync,
        f"tf.distribute.MirroredStrategy over {', '.join(names)}",
    )


@functools.cache
def _multi_worker_strategy():
    """The process's one MultiWorkerMirroredStrategy: its collectives are set up when
    it is created, which TensorFlow allows once, before any op has run."""
    try:
        return tf.distribute.MultiWorkerMirroredStrategy()
    except RuntimeError as error:
        raise ValueError(
            f"TensorFlow could not set up the workers of TF_CONFIG ({error}): enter "
            f"data_parallel before building any model or tensor in this process."
        ) from None


def _local_devices(count):
    """The names of `count` local devices (default all): GPUs where there are any,
    else logical CPU devices, split from the CPU if need be."""
    # Physical devices are listed without starting TensorFlow; logical ones are not.
    if tf.config.list_physical_devices("GPU"):
        gpus = tf.config.list_logical_devices("GPU")
        if count is not None and count > len(gpus):
            raise ValueError(
                f"{count} devices were asked for, but TensorFlow sees {len(gpus)} GPUs; "
                f"ask for at most {len(gpus)}."
            )
        return [device.name for device in gpus[:count]]
    if count is not None and count > 1:
        cpu = tf.config.list_physical_devices("CPU")[0]
        # Refused once TensorFlow has started; then the split must already exist.
        with contextlib.suppress(RuntimeError):
            tf.config.set_logical_device_configuration(
                cpu, [tf.config.LogicalDeviceConfiguration()] * count
            )
    cpus = tf.config.list_logical_devices("CPU")
    if count is not None and count > len(cpus):
        raise ValueError(
            f"TensorFlow has started with {len(cpus)} CPU device(s), and {count} were asked "
            f"for: the CPU can only be split into logical devices before TensorFlow "
            f"starts. Enter data_parallel before building any model or tensor in this "
            f"process."
        )
    return [device.name for device in cpus[:count]]


class StatefulTrainStep:
    """Keras' TensorFlow trainer calls `train_step(data)` inside a `tf.function`."""

    def train_step(self, data):
        # A tf.function orders stateful ops per resource, not after the input: when a
        # dataset of unknown size runs out, the failed read still let the optimizers'
        # step counters and the seed generators advance (one phantom step per epoch).
        # Every op of the step waits for the data instead.
        with tf.control_dependencies(tf.nest.flatten(data)):
            logs = self.step(data)
        if isinstance(tf.distribute.get_strategy(), tf.distribute.MultiWorkerMirroredStrategy):
            # Keras 3 reduces a multi-worker step's logs with a mean over axis 0,
            # which fails on scalars (tensorflow/tensorflow#72388): shape (1,) reduces
            # to the scalar the callbacks expect.
            logs = {name: tf.reshape(value, (1,)) for name, value in logs.items()}
        return logs
