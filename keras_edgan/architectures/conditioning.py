"""Feeding a class label to a network, the ways of Garrido et al.'s practical guide.

A conditional generator takes `[z, y]` and a conditional discriminator `[x, y]`, with
`y` the int32 class indices, shape `(n,)`. The label enters as its one-hot code c
(guide §2.7): concatenated to a vector (z in the generator, the first dense layer's
input in the discriminator, §3.3.1) or, for the Wasserstein critic, as `num_classes`
constant image channels (§5.5).
"""

import numbers

import keras


def check_num_classes(num_classes, name):
    """Raises a ValueError unless `num_classes` is None or an integer ≥ 2; returns it
    as an int (or None)."""
    if num_classes is None:
        return None
    if (
        not isinstance(num_classes, numbers.Integral)
        or isinstance(num_classes, bool)
        or num_classes < 2
    ):
        raise ValueError(
            f"{name}: num_classes must be an integer ≥ 2 (the number of class labels) or "
            f"None for an unconditional network. Received: num_classes={num_classes!r}."
        )
    return int(num_classes)


def label_input():
    """The functional input of the class indices: int32, shape `(n,)`."""
    return keras.Input((), dtype="int32", name="labels")


def one_hot(labels, num_classes):
    """The one-hot code c of `labels`, float, shape `(n, num_classes)`."""
    return keras.layers.CategoryEncoding(num_classes, output_mode="one_hot", name="one_hot")(
        labels
    )


def concatenate_label(features, labels, num_classes, name):
    """`[features, c]`: the label's one-hot code appended to a vector of features (the
    guide's §2.7 and §3.3.1: to z in the generator, to the flattened convolutional
    features before the discriminator's first dense layer).

    Example:
    >>> y = label_input()
    >>> h = concatenate_label(keras.Input((100,)), y, 10, name="z_and_label")  # (n, 110)
    """
    return keras.layers.Concatenate(name=name)([features, one_hot(labels, num_classes)])


def label_channels(images, labels, num_classes):
    """`images` with `num_classes` constant channels appended: channel k is all ones
    where the label is k, all zeros elsewhere (the guide's §5.5, the conditional
    Wasserstein critic: an n×n×c image becomes n×n×(c + m)).

    Example:
    >>> x = keras.Input((32, 32, 3))
    >>> label_channels(x, label_input(), 10).shape
    (None, 32, 32, 13)
    """
    height, width = images.shape[1], images.shape[2]
    code = one_hot(labels, num_classes)
    planes = keras.layers.RepeatVector(height * width, name="label_repeat")(code)
    planes = keras.layers.Reshape((height, width, num_classes), name="label_planes")(planes)
    return keras.layers.Concatenate(name="images_and_label")([images, planes])
