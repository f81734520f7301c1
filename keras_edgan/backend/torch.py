"""PyTorch: gradients from `torch.autograd.grad`; the trainer's `train_step` is stateful."""

import numpy as np
import torch

from keras_edgan.backend.one_state import from_first_replica, replica_seed


def value_and_grad(loss_fn, variables, state_variables=()):
    """Returns `(loss, aux, grads)` for `loss, aux = loss_fn()`.

    Gradients are taken w.r.t. the variables' torch parameters only, so the other
    network's parameters (also `requires_grad`) neither receive nor accumulate any.
    """
    del state_variables
    loss, aux = loss_fn()
    grads = torch.autograd.grad(
        loss, [v.value for v in variables], materialize_grads=True
    )
    return loss, aux, list(grads)


def input_gradient(fn, x, variables=()):
    """Returns d sum(fn(x)) / dx, itself differentiable (for gradient penalties).

    `variables` is accepted for a backend-independent signature.
    """
    del variables
    if not x.requires_grad:
        x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(fn(x).sum(), x, create_graph=True)
    return grad


def stateful_fori_loop(count, body, carry, variables):
    """`carry = body(i, carry)` for i = 0..count−1, as one loop of the traced step
    rather than `count` unrolled copies of `body` (which XLA compiles for minutes);
    `body` may read and assign `variables` (network weights, optimizer and seed
    states) and must return a carry of the same structure, shapes and dtypes.

    A Python loop: PyTorch runs the step eagerly (`variables` is accepted for a
    backend-independent signature).
    """
    del variables
    for i in range(count):
        carry = body(i, carry)
    return carry


def host_function(fn, args, results):
    """`fn(*args)` run on the host, in numpy, inside the (eager) train step.

    `results` is a tuple of `(shape, dtype)`, one per array `fn` returns (a tuple);
    they come back as tensors on the device of `args[0]`. The arguments are
    detached: no gradient flows through `fn`.
    """
    values = [arg.detach().cpu().numpy() for arg in args]
    outputs = fn(*values)
    device = args[0].device
    return tuple(
        torch.as_tensor(np.asarray(output, dtype=dtype).reshape(shape), device=device)
        for output, (shape, dtype) in zip(outputs, results)
    )


host_function.supports_jit = True  # Keras runs torch steps eagerly


def data_parallel(devices=None):
    """Refused: Keras' `fit` on PyTorch runs on one device. Keras' multi-GPU PyTorch
    guide wraps a model in `torch.nn.parallel.DistributedDataParallel` and trains it
    with a hand-written loop; a GAN's two optimizers and its stateful step do not fit
    that wrapper."""
    raise ValueError(
        "Data-parallel training is not available on the PyTorch backend: Keras' fit "
        "runs on one device there (Keras' multi-GPU PyTorch guide trains with a "
        "hand-written DistributedDataParallel loop instead). Use KERAS_BACKEND=jax or "
        "tensorflow for data parallelism (see BUILD.md)."
    )


class StatefulTrainStep:
    """Keras' torch trainer calls `train_step(data)` eagerly."""

    def train_step(self, data):
        return self.step(data)


__all__ = [
    "StatefulTrainStep", "data_parallel", "from_first_replica", "host_function",
    "input_gradient", "replica_seed", "stateful_fori_loop", "value_and_grad",
]
