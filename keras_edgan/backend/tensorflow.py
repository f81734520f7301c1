"""TensorFlow: gradients from a `tf.GradientTape`; the trainer's `train_step` is stateful."""

import tensorflow as tf


def value_and_grad(loss_fn, variables, state_variables=()):
    """Returns `(loss, aux, grads)` for `loss, aux = loss_fn()`.

    `state_variables` is accepted for a backend-independent signature; stateful
    updates made by `loss_fn` are applied in place on TensorFlow.
    """
    del state_variables
    with tf.GradientTape() as tape:
        loss, aux = loss_fn()
    return loss, aux, tape.gradient(loss, variables)


def input_gradient(fn, x, variables=()):
    """Returns d sum(fn(x)) / dx, itself differentiable (for gradient penalties).

    `variables` is accepted for a backend-independent signature.
    """
    del variables
    with tf.GradientTape() as tape:
        tape.watch(x)
        outputs = fn(x)
    return tape.gradient(outputs, x)


class StatefulTrainStep:
    """Keras' TensorFlow trainer calls `train_step(data)` inside a `tf.function`."""

    def train_step(self, data):
        # A tf.function orders stateful ops per resource, not after the input: when a
        # dataset of unknown size runs out, the failed read still let the optimizers'
        # step counters and the seed generators advance (one phantom step per epoch).
        # Every op of the step waits for the data instead.
        with tf.control_dependencies(tf.nest.flatten(data)):
            return self.step(data)
