"""PyTorch: gradients from `torch.autograd.grad`; the trainer's `train_step` is stateful."""

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
    "StatefulTrainStep", "data_parallel", "from_first_replica", "input_gradient",
    "replica_seed", "value_and_grad",
]
