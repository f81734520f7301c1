"""The backend-specific part of keras_edgan, in one place.

A GAN's train step is written once with `keras.ops` and `keras.random`. What differs
between TensorFlow, JAX and PyTorch lives here:

- `value_and_grad(loss_fn, variables, state_variables)`: run `loss_fn()` (stateful
  Keras code: it may update BatchNormalization statistics, SpectralNorm's power-iteration
  vector, ...) and return `(loss, aux, gradients of loss w.r.t. variables)`.
- `input_gradient(fn, x, variables)`: the gradient of `sum(fn(x))` w.r.t. the input
  `x`, itself differentiable, for penalties on a critic's input gradient (WGAN-GP);
  `variables` are those `fn` reads (JAX traces `fn` with their current values).
- `StatefulTrainStep`: a mixin that gives a `keras.Model` the `train_step` signature
  its backend's trainer expects, and runs the model's stateful `step(data)` inside it.
  Under JAX the trainer is stateless: every variable the step touches — both networks,
  *all* optimizers (carried by a `keras.optimizers.MultiOptimizer` as
  `model.optimizer`), metrics and seed generators — travels in the trainer's state.
- `data_parallel(devices)`: `(scope, Replicas)` of the backend's data-parallel engine
  (`keras_edgan.distribution`).
- `from_first_replica(x)`: the first replica's `x` on every replica, for state that
  must stay one across replicas (tf.distribute).
- `replica_seed(seed)`: a seed distinct per replica where data-parallel replicas would
  otherwise draw the same random numbers (tf.distribute).
- `stateful_fori_loop(count, body, carry, variables)`: a loop inside the train step
  whose body updates variables (xICFG's approximator updates), traced once rather
  than unrolled.
- `host_function(fn, args, results)`: run the numpy function `fn` on the host inside a
  train step (a linear program solved by scipy), without gradients;
  `host_function.supports_jit` says whether a step calling it can be XLA-compiled.
"""

import keras

_BACKEND = keras.backend.backend()

if _BACKEND == "tensorflow":
    from keras_edgan.backend.tensorflow import (
        StatefulTrainStep, data_parallel, from_first_replica, host_function, input_gradient,
        replica_seed, stateful_fori_loop, value_and_grad,
    )
elif _BACKEND == "jax":
    from keras_edgan.backend.jax import (
        StatefulTrainStep, data_parallel, from_first_replica, host_function, input_gradient,
        replica_seed, stateful_fori_loop, value_and_grad,
    )
elif _BACKEND == "torch":
    from keras_edgan.backend.torch import (
        StatefulTrainStep, data_parallel, from_first_replica, host_function, input_gradient,
        replica_seed, stateful_fori_loop, value_and_grad,
    )
else:
    raise ImportError(
        f"keras_edgan supports the Keras backends tensorflow, jax and torch; "
        f"KERAS_BACKEND is {_BACKEND!r}. Set KERAS_BACKEND to one of those three."
    )

__all__ = [
    "StatefulTrainStep", "data_parallel", "from_first_replica", "host_function",
    "input_gradient", "replica_seed", "stateful_fori_loop", "value_and_grad",
]
