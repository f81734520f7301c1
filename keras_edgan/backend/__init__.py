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
"""

import keras

_BACKEND = keras.backend.backend()

if _BACKEND == "tensorflow":
    from keras_edgan.backend.tensorflow import StatefulTrainStep, input_gradient, value_and_grad
elif _BACKEND == "jax":
    from keras_edgan.backend.jax import StatefulTrainStep, input_gradient, value_and_grad
elif _BACKEND == "torch":
    from keras_edgan.backend.torch import StatefulTrainStep, input_gradient, value_and_grad
else:
    raise ImportError(
        f"keras_edgan supports the Keras backends tensorflow, jax and torch; "
        f"KERAS_BACKEND is {_BACKEND!r}. Set KERAS_BACKEND to one of those three."
    )

__all__ = ["StatefulTrainStep", "input_gradient", "value_and_grad"]
