"""Feeding a class label to a network, the ways of Garrido et al.'s practical guide.

A conditional generator takes `[z, y]` and a conditional discriminator `[x, y]`, with
`y` the int32 class indices, shape `(n,)`. The label enters as its one-hot code c
(guide §2.7): concatenated to a vector (z in the generator, the first dense layer's
input in the discriminator, §3.3.1) or, for the Wasserstein critic, as `num_classes`
constant image channels (§5.5). The SNGAN networks also take Miyato and Koyama's way
(cGANs with projection discriminator, 2018): conditional batch normalization in the
generator and the projection of the discriminator's features on a class embedding.
"""

import numbers

import keras

from keras_edgan.layers import ClassProjection, ConditionalBatchNormalization

CONDITIONINGS = ("projection", "label_channels")
"""The ways a conditional SNGAN network takes its label (`check_conditioning`)."""


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


def check_conditioning(conditioning, num_classes, name):
    """The conditioning of an SNGAN network: "projection" (the default, None) or
    "label_channels" for a conditional network (`num_classes` set); None for an
    unconditional one, where setting it is an error rather than ignored."""
    if conditioning is not None and conditioning not in CONDITIONINGS:
        raise ValueError(
            f"{name}: conditioning must be one of {', '.join(CONDITIONINGS)} (or None: "
            f"projection). Received: conditioning={conditioning!r}."
        )
    if num_classes is None:
        if conditioning is not None:
            raise ValueError(
                f"{name}: conditioning={conditioning!r} applies to conditional networks, "
                f"but num_classes is None. Set num_classes (train --conditional=true) or "
                f"leave conditioning unset."
            )
        return None
    return conditioning or "projection"


def normalization(labels=None, num_classes=None, momentum=0.9, epsilon=1e-5):
    """`normalize(h, name)`: `BatchNormalization` of `h`, or with `labels` (a label
    input; None: unconditional) `ConditionalBatchNormalization([h, labels])`, γ_y and
    β_y per class (Miyato and Koyama 2018's generator). SNGAN's momentum and epsilon.

    Example:
    >>> normalize = normalization(label_input(), 10)
    >>> h = normalize(keras.Input((8, 8, 64)), name="block0_bn0")  # CBN
    """

    def normalize(h, name):
        if labels is None:
            return keras.layers.BatchNormalization(
                momentum=momentum, epsilon=epsilon, name=name
            )(h)
        return ConditionalBatchNormalization(
            num_classes, momentum=momentum, epsilon=epsilon, name=name
        )([h, labels])

    return normalize


def projection_logits(features, logits, labels, num_classes, spectral_norm, initializer):
    """ψ(φ(x)) + ⟨V̄_y, φ(x)⟩: the projection discriminator's output (Miyato and
    Koyama 2018, eq. 3), `logits` = ψ(φ(x)) the unconditional output on `features` =
    φ(x), V the class embedding (`ClassProjection`, spectrally normalized when
    `spectral_norm`, initialized by `initializer`).

    Example:
    >>> phi = keras.Input((128,))
    >>> logits = projection_logits(phi, keras.layers.Dense(1)(phi), label_input(), 10,
    ...                            spectral_norm=True, initializer="glorot_uniform")
    """
    projection = ClassProjection(
        num_classes, spectral_norm=spectral_norm, embeddings_initializer=initializer,
        name="projection",
    )([features, labels])
    # The projection first: the output layer ψ stays the discriminator's last layer
    # with weights (what feature matching and its tests take as the compression layer).
    return keras.layers.Add(name="logit_and_projection")([projection, logits])


def generator_input(latent_dim, num_classes, conditioning):
    """`(z, labels, h)`: the generator's inputs (labels None when unconditional) and
    its first tensor, z or, with "label_channels" conditioning, `[z, c]`."""
    z = keras.Input((latent_dim,), name="z")
    if num_classes is None:
        return z, None, z
    labels = label_input()
    if conditioning == "label_channels":
        return z, labels, concatenate_label(z, labels, num_classes, name="z_and_label")
    return z, labels, z


def discriminator_input(image_size, channels, num_classes, conditioning):
    """`(images, labels, x)`: the discriminator's inputs (labels None when
    unconditional) and its first tensor, the images or, with "label_channels"
    conditioning, the images with the label's `num_classes` channels."""
    images = keras.Input((image_size, image_size, channels), name="images")
    if num_classes is None:
        return images, None, images
    labels = label_input()
    if conditioning == "label_channels":
        return images, labels, label_channels(images, labels, num_classes)
    return images, labels, images
