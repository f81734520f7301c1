"""PyTorch: gradients from `torch.autograd.grad`; the trainer's `train_step` is stateful."""

import torch


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


class StatefulTrainStep:
    """Keras' torch trainer calls `train_step(data)` eagerly."""

    def train_step(self, data):
        return self.step(data)
