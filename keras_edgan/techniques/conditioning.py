"""Class-conditional GANs (Mirza and Osindero 2014; the practical guide of Garrido et al.
2019, §2.7, §3.3, §5.5): the contract of conditional networks and their labels.

A conditional generator takes `[z, y]` and a conditional discriminator `[x, y]`, `y` the
int32 class indices of shape `(n,)`.
"""

import numbers

import numpy as np
from keras import ops


def check_conditioning(num_classes, generator, discriminator):
    """Raises unless the networks' inputs fit `num_classes` (None: unconditional)."""
    if num_classes is not None and (
        isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral)
        or num_classes < 2
    ):
        raise ValueError(
            f"num_classes must be an integer ≥ 2 (the number of class labels) or None "
            f"for an unconditional GAN; got {num_classes!r}."
        )
    roles = (("generator", generator, "z"), ("discriminator", discriminator, "x"))
    for role, network, first in roles:
        if getattr(network, "inputs", None) is None:  # a subclassed model: inputs unknown
            continue
        inputs = len(network.inputs)
        if num_classes is not None and inputs != 2:
            raise ValueError(
                f"num_classes={num_classes} makes a conditional GAN, whose {role} takes two "
                f"inputs [{first}, y] (y: int32 class indices of shape (n,)); this {role} "
                f"takes {inputs}. Build conditional networks (e.g. "
                f"keras_edgan.architectures with num_classes) or pass num_classes=None."
            )
        if num_classes is None and inputs == 2:
            raise ValueError(
                f"The {role} takes two inputs, as a conditional {role} [{first}, y] does, but "
                f"num_classes is None. Pass num_classes (the number of classes) for a "
                f"conditional GAN."
            )


def class_labels(n, num_classes, labels=None, rng=None):
    """`n` int32 class indices: `labels` checked and broadcast (an int or `n` of them),
    or, when None, drawn uniformly from `rng` (a numpy `Generator`).

    Example:
    >>> class_labels(3, 10, labels=7)
    array([7, 7, 7], dtype=int32)
    """
    if labels is None:
        return rng.integers(0, num_classes, n).astype("int32")
    labels = np.asarray(labels)
    if labels.ndim == 0:
        labels = np.full(n, labels)
    if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must be one class index or {n} of them (integers, shape ({n},)); got "
            f"an array of shape {labels.shape} and dtype {labels.dtype}."
        )
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(
            f"labels must be class indices in [0, {num_classes}); got values from "
            f"{labels.min()} to {labels.max()}."
        )
    return labels.astype("int32")


class BoundDiscriminator:
    """The discriminator as a function of samples alone: D(x), or, for a conditional
    GAN, D([x, y]) with the labels y of the update in progress.

    A model's losses and penalties call it (e.g. the gradient penalty of WGAN-GP, on
    points between real and generated samples) without knowing about labels; the
    GAN binds a new one to the labels of each update and passes it to the losses.

    Example:
    ```python
    critic = BoundDiscriminator(discriminator, labels=y)
    penalty = gradient_penalty(critic, real, fake)
    ```
    """

    def __init__(self, network, labels=None):
        self.network = network
        self.labels = labels

    def __call__(self, samples, training=False):
        inputs = samples if self.labels is None else [samples, self.labels]
        # In the variables' dtype (float32) under a mixed dtype policy too: the
        # penalties are computed in it.
        return ops.cast(self.network(inputs, training=training), self.network.dtype)

    @property
    def variables(self):
        return self.network.variables
