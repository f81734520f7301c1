"""The critic's input gradient at random points between real and generated samples:
what the gradient penalties of WGAN-GP, GAN-0GP and WGAN-div constrain."""

import keras
from keras import ops

from keras_edgan import backend


def random_interpolates(real, fake, seed=None):
    """x̂ = ε·x + (1 − ε)·x̃, ε ~ U[0, 1] per sample, x and x̃ paired by index.

    The sampling distribution of the gradient penalty of Gulrajani et al. 2017
    ("Improved training of Wasserstein GANs", Algorithm 1, lines 4–6): uniform on
    the segment between a real and a generated sample.

    Args:
        real, fake: tensors of the same shape `(n, ...)`.
        seed: seed of ε: an int, a `keras.random.SeedGenerator`, or None.
    """
    shape = ops.shape(real)
    epsilon = keras.random.uniform((shape[0],) + (1,) * (len(shape) - 1), seed=seed)
    return epsilon * real + (1.0 - epsilon) * fake


def squared_input_gradient_norms(critic, x):
    """‖∇ₓ f(x)‖₂² per sample, differentiable w.r.t. the critic's weights and `x`.

    The gradient is that of Σᵢ f(xᵢ), which is the per-sample gradient for a
    critic whose samples do not interact (no BatchNormalization).

    Example:
    ```python
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    norms = squared_input_gradient_norms(critic, points)  # (n,), all ‖w‖²
    ```
    """
    grads = backend.input_gradient(lambda v: critic(v, training=True), x, critic.variables)
    return ops.sum(ops.square(grads), axis=tuple(range(1, len(ops.shape(x)))))
