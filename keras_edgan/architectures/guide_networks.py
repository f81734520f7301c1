"""The generator and discriminator bodies of Garrido et al.'s practical guide, from
which `guide.py` and `wgan_layernorm.py` assemble the guide's tables.

Garrido, Lafourcade, Lapertot and Lefevre, "A practical guide to understanding and
applying Generative Adversarial Networks and their improvements" (2019). With c =
`width` (64 in the guide) and s = image_size / 8 (4 for 32×32):

- generator (§2.2.1, §3.1.7, §3.3.1): z, or [z, one-hot label] (§3.3.1) → Dense(s²·4c)
  → norm → ReLU → reshape → three ×2 upsampling stages of 4c, 2c and c channels, each
  → norm → ReLU → a k×k stride-1 layer to `channels` → tanh. A stage is a k×k
  stride-2 transposed convolution (DCGAN, §3.1.2) or a 2× upsampling followed by a
  k×k stride-1 convolution (the GAN of §2.2).
- discriminator (§2.2.2, §3.1.7): three downsampling stages of c, 2c and 4c channels,
  each a k×k stride-2 convolution → norm → LeakyReLU(0.2) (DCGAN) or a k×k stride-1
  convolution → 2×2 max pooling → norm → ReLU (§2.2), then a head: a valid s×s
  convolution to one output, or (§3.3.1, §4.3) flatten → [one-hot label] →
  Dense(4c) → LeakyReLU(0.2) → [MinibatchDiscrimination(2c, 5)] → [Dense(4c) →
  LeakyReLU(0.2)] → Dense(1).

k is `kernel_size`, the guide's 5 by default; the head's s×s convolution keeps its
size, that of the last feature map.

The guide's sigmoid output is left to the losses: the discriminator returns one
logit per image, shape `(n, 1)`. Every layer keeps Keras' default bias.
"""

import keras

from keras_edgan.architectures import conditioning
from keras_edgan.layers import MinibatchDiscrimination

# The guide's 5×5 kernels (§3.2: "a kernel size of 5 is a good compromise").
KERNEL = 5
# Minibatch discrimination's C, the rows' length (the guide's 5, §4.3).
MINIBATCH_KERNEL_DIM = 5


def batch_normalization(prefix):
    """BatchNorm with PyTorch's constants, as the library's other networks; named
    `prefix + "_bn"`."""
    return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=f"{prefix}_bn")


def layer_normalization(prefix):
    """LayerNorm over height, width and channels of each sample (§5.1.2); named
    `prefix + "_ln"`."""
    return keras.layers.LayerNormalization(axis=(1, 2, 3), epsilon=1e-5, name=f"{prefix}_ln")


def guide_generator(
    image_size,
    channels,
    latent_dim,
    width,
    new_initializer,
    num_classes=None,
    upsampling="transposed",
    normalization=batch_normalization,
    kernel_size=KERNEL,
    name="guide_generator",
):
    """The generator of the guide's tables; inputs z, or `[z, labels]` when
    `num_classes` is set.

    Args:
        image_size: a multiple of 8.
        new_initializer: returns a fresh kernel initializer per layer.
        num_classes: None, or the number of classes of the label input.
        upsampling: "transposed" (DCGAN, §3.1.7) or "resize" (§2.2.1).
        normalization: `normalization(prefix)` → the layer after each stage (BN),
            its name starting with `prefix`.
        kernel_size: the side of every convolution's square kernel.
    """
    base = image_size // 8
    z = keras.Input((latent_dim,), name="z")
    if num_classes is None:
        inputs, h = z, z
    else:
        labels = conditioning.label_input()
        inputs = [z, labels]
        h = conditioning.concatenate_label(z, labels, num_classes, name="z_and_label")
    h = keras.layers.Dense(
        base * base * 4 * width, kernel_initializer=new_initializer(), name="project"
    )(h)
    h = normalization("project")(h)
    h = keras.layers.ReLU(name="project_relu")(h)
    h = keras.layers.Reshape((base, base, 4 * width), name="reshape")(h)
    for i, filters in enumerate((4 * width, 2 * width, width)):
        if upsampling == "transposed":
            h = keras.layers.Conv2DTranspose(
                filters, kernel_size, strides=2, padding="same",
                kernel_initializer=new_initializer(), name=f"deconv{i}",
            )(h)
        else:
            h = keras.layers.UpSampling2D(2, name=f"upsample{i}")(h)
            h = keras.layers.Conv2D(
                filters, kernel_size, padding="same", kernel_initializer=new_initializer(),
                name=f"deconv{i}",
            )(h)
        h = normalization(f"deconv{i}")(h)
        h = keras.layers.ReLU(name=f"deconv{i}_relu")(h)
    # The tables list stride 2 for the last layer too, contradicting their own
    # 32×32 output: it keeps the size.
    last = keras.layers.Conv2DTranspose if upsampling == "transposed" else keras.layers.Conv2D
    h = last(
        channels, kernel_size, padding="same", kernel_initializer=new_initializer(),
        name="to_image",
    )(h)
    images = keras.layers.Activation("tanh", name="tanh")(h)
    return keras.Model(inputs, images, name=name)


def guide_discriminator(
    image_size,
    channels,
    width,
    new_initializer,
    num_classes=None,
    downsampling="strided",
    normalization=batch_normalization,
    kernel_size=KERNEL,
    label_as_channels=False,
    minibatch=False,
    dense_after=False,
    output_name="logit",
    name="guide_discriminator",
):
    """The discriminator (or critic) of the guide's tables; input images, or
    `[images, labels]` when `num_classes` is set.

    Args:
        downsampling: "strided" (DCGAN, §3.1.7) or "pooling" (§2.2.2).
        normalization: `normalization(prefix)` → the layer of each stage, its name
            starting with `prefix`.
        kernel_size: the side of the stages' square kernels (the s×s head keeps s).
        label_as_channels: feed the label as input channels (§5.5) rather than
            before the first dense layer (§3.3.1).
        minibatch: add MinibatchDiscrimination(2c, 5) after the first dense layer.
            A label fed to the dense layer, or `minibatch`, ends the network with
            the dense head instead of the s×s convolution.
        dense_after: add a Dense(4c) after minibatch discrimination (§4.3's best).
        output_name: name of the output layer.
    """
    images = keras.Input((image_size, image_size, channels), name="images")
    h = images
    if num_classes is None:
        inputs = images
    else:
        labels = conditioning.label_input()
        inputs = [images, labels]
        if label_as_channels:
            h = conditioning.label_channels(images, labels, num_classes)
    for i, filters in enumerate((width, 2 * width, 4 * width)):
        if downsampling == "strided":
            h = keras.layers.Conv2D(
                filters, kernel_size, strides=2, padding="same",
                kernel_initializer=new_initializer(), name=f"conv{i}",
            )(h)
            h = normalization(f"conv{i}")(h)
            h = keras.layers.LeakyReLU(0.2, name=f"conv{i}_lrelu")(h)
        else:
            h = keras.layers.Conv2D(
                filters, kernel_size, padding="same", kernel_initializer=new_initializer(),
                name=f"conv{i}",
            )(h)
            h = keras.layers.MaxPooling2D(2, name=f"pool{i}")(h)
            h = normalization(f"conv{i}")(h)
            h = keras.layers.ReLU(name=f"conv{i}_relu")(h)
    label_in_dense = num_classes is not None and not label_as_channels
    if not (label_in_dense or minibatch):
        h = keras.layers.Conv2D(
            1, image_size // 8, padding="valid", kernel_initializer=new_initializer(),
            name=output_name,
        )(h)
        logits = keras.layers.Flatten(name="flatten")(h)
        return keras.Model(inputs, logits, name=name)

    h = keras.layers.Flatten(name="flatten")(h)
    if label_in_dense:
        h = conditioning.concatenate_label(h, labels, num_classes, name="features_and_label")
    h = _dense_lrelu(h, 4 * width, new_initializer, "dense")
    if minibatch:
        h = MinibatchDiscrimination(
            2 * width, MINIBATCH_KERNEL_DIM, kernel_initializer=new_initializer(),
            name="minibatch",
        )(h)
    if dense_after:
        h = _dense_lrelu(h, 4 * width, new_initializer, "dense_after")
    logits = keras.layers.Dense(1, kernel_initializer=new_initializer(), name=output_name)(h)
    return keras.Model(inputs, logits, name=name)


def _dense_lrelu(h, units, new_initializer, name):
    h = keras.layers.Dense(units, kernel_initializer=new_initializer(), name=name)(h)
    return keras.layers.LeakyReLU(0.2, name=f"{name}_lrelu")(h)
