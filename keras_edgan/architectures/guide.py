"""The architectures of Garrido et al.'s practical guide (seed 003): its GAN (§2.2), its
DCGAN (§3.1.7), conditional (§3.3.1), with minibatch discrimination (§4.3, §5.6) and
with virtual or reference batch normalization (§4.4); each with the kernel size of
its convolutions as an option (§3.2).

Each builder returns unconditional networks, or with `num_classes` a generator taking
`[z, y]` (the one-hot label concatenated to z) and a discriminator taking `[x, y]`
(the one-hot label concatenated to the flattened convolutional features, before the
first dense layer), y the int32 class indices. The guide's conditional WGAN critic
(§5.5, §5.6) is `wgan_layernorm`.
"""

import numbers

import numpy as np

from keras_edgan.architectures.conditioning import check_num_classes
from keras_edgan.architectures.from_config import image_networks
from keras_edgan.architectures.guide_networks import (
    KERNEL,
    batch_normalization,
    guide_discriminator,
    guide_generator,
)
from keras_edgan.architectures.initializers import network_initializers
from keras_edgan.architectures.registry import register_conditional
from keras_edgan.architectures.validation import check_image_network_arguments
from keras_edgan.layers import (
    ReferenceBatch,
    ReferenceBatchNormalization,
    VirtualBatchNormalization,
)
from keras_edgan.techniques.latent_noise import numpy_latent_noise

_ARGS = """
    Args:
        image_size: Height and width of the images, a multiple of 8 (32 in the guide).
        channels: Image channels.
        latent_dim: Size of z (100 in the guide).
        width: c, the channels of the discriminator's first stage (64 in the guide).
        num_classes: None (unconditional), or the number of classes of the labels.
        kernel_size: k, the side of the square kernels of the convolutions (5 in the
            guide; its §3.2 compares 3, 4 and 5 and finds 5 the sharpest). The
            discriminator's last s×s convolution keeps its size.
        initializer, generator_initializer, discriminator_initializer: Kernel
            initializers (Keras' Glorot uniform by default; the guide does not say).

    Returns:
        `(generator, discriminator)`, two functional `keras.Model`s; the
        discriminator returns one logit per image (the guide's sigmoid is applied by
        the losses).
"""


def guide_gan(
    image_size=32,
    channels=3,
    latent_dim=100,
    width=64,
    num_classes=None,
    kernel_size=KERNEL,
    initializer="glorot_uniform",
    generator_initializer=None,
    discriminator_initializer=None,
):
    """The GAN of the guide's §2.2, before DCGAN's changes: fixed upsampling and max
    pooling instead of (transposed) strided convolutions.

    Garrido et al., "A practical guide to understanding and applying Generative
    Adversarial Networks and their improvements" (2019), §2.2.1, §2.2.2 and §2.7.
    With c = `width`: generator z → Dense(4·4·4c) → BN → ReLU → three stages of
    2× upsampling → Conv(5×5, stride 1) of 4c, 2c, c channels → BN → ReLU, then
    Conv(`channels`, 5×5) → tanh; discriminator: three stages of Conv(5×5, stride 1)
    of c, 2c, 4c channels → MaxPool(2) → BN → ReLU, then Conv(1, 4×4, valid). The
    conditional discriminator ends as the guide's §2.7 says: flatten → concatenate
    the one-hot label → Dense(4c) → LeakyReLU(0.2) → Dense(1) (the head of §3.3.1).

    Example:

    ```python
    generator, discriminator = guide_gan(num_classes=10)
    images = generator([keras.random.normal((8, 100)), keras.ops.arange(8)])
    logits = discriminator([images, keras.ops.arange(8)])  # (8, 1)
    ```
    """
    return _build(
        "guide_gan", image_size, channels, latent_dim, width, num_classes,
        kernel_size, (initializer, generator_initializer, discriminator_initializer),
        upsampling="resize", downsampling="pooling",
    )


def guide_dcgan(
    image_size=32,
    channels=3,
    latent_dim=100,
    width=64,
    num_classes=None,
    kernel_size=KERNEL,
    initializer="glorot_uniform",
    generator_initializer=None,
    discriminator_initializer=None,
):
    """The DCGAN of the guide's §3.1.7, and with `num_classes` its conditional DCGAN
    (§3.3.1), the baseline of its §4 experiments.

    Garrido et al., "A practical guide to understanding and applying Generative
    Adversarial Networks and their improvements" (2019), §3.1.7 and §3.3.1. With
    c = `width`: generator [z, c] → Dense(4·4·4c) → BN → ReLU → ConvTranspose(5×5,
    stride 2) of 4c, 2c, c channels, each → BN → ReLU → ConvTranspose(`channels`,
    5×5, stride 1) → tanh; discriminator: Conv(5×5, stride 2) of c, 2c, 4c channels,
    each → BN → LeakyReLU(0.2), then Conv(1, 4×4, valid), or, conditional: flatten
    → concatenate the one-hot label (4·4·4c + 10) → Dense(4c) → LeakyReLU(0.2) →
    Dense(1).

    Example:

    ```python
    generator, discriminator = guide_dcgan(num_classes=10)
    labels = keras.ops.arange(8) % 10
    logits = discriminator([generator([keras.random.normal((8, 100)), labels]), labels])
    ```
    """
    return _build(
        "guide_dcgan", image_size, channels, latent_dim, width, num_classes,
        kernel_size, (initializer, generator_initializer, discriminator_initializer),
    )


def guide_dcgan_minibatch(
    image_size=32,
    channels=3,
    latent_dim=100,
    width=64,
    num_classes=None,
    kernel_size=KERNEL,
    dense_after=True,
    initializer="glorot_uniform",
    generator_initializer=None,
    discriminator_initializer=None,
):
    """The guide's DCGAN with minibatch discrimination in the discriminator (§4.3,
    and the DCGAN of its §5.6 comparison).

    Garrido et al. (2019), §4.3 and §5.6, after Salimans et al., "Improved Techniques
    for Training GANs" (2016), §3.2. The discriminator of `guide_dcgan` (conditional
    or not) ends: flatten → [one-hot label] → Dense(4c) → LeakyReLU(0.2) →
    MinibatchDiscrimination(B = 2c, C = 5) → Dense(4c) → LeakyReLU(0.2) → Dense(1):
    the guide's B = 128 features for a 256-unit dense layer, with the dense layer
    before and after it, its best variant (Fig. 15). The generator is
    `guide_dcgan`'s.

    `dense_after=False` drops the dense layer after minibatch discrimination (the
    guide's Fig. 13 variant, dense layer before only).

    Example:

    ```python
    generator, discriminator = guide_dcgan_minibatch(num_classes=10)
    ```
    """
    return _build(
        "guide_dcgan_minibatch", image_size, channels, latent_dim, width, num_classes,
        kernel_size, (initializer, generator_initializer, discriminator_initializer),
        minibatch=True, dense_after=dense_after,
    )


def guide_dcgan_vbn(
    image_size=32,
    channels=3,
    latent_dim=100,
    width=64,
    num_classes=None,
    kernel_size=KERNEL,
    reference_size=64,
    noise_distribution="normal",
    noise_stddev=1.0,
    seed=None,
    initializer="glorot_uniform",
    generator_initializer=None,
    discriminator_initializer=None,
):
    """The guide's DCGAN with virtual batch normalization in the generator (§4.4).

    Garrido et al. (2019), §4.4, after Salimans et al., "Improved Techniques for
    Training GANs" (2016), §3.4. The generator of `guide_dcgan` with each
    BatchNormalization replaced by `VirtualBatchNormalization`, wrapped in a
    `ReferenceBatch` that holds the reference noise z_ref, `reference_size` draws
    of the GAN's noise (`noise_distribution`, `noise_stddev`) fixed at construction
    (numpy, `seed`): every call
    normalizes with the statistics of the reference batch and of each example, so
    the generator sees the reference batch at every step. Conditional, the
    reference batch is label-aware: the fixed z_ref with the current call's labels
    (repeated to `reference_size` rows), which the guide found necessary (with
    random reference labels its generator ignored the classes, Fig. 16). VBN costs
    a second batch through the network; Salimans et al. use it in the generator
    only, as does this builder: the discriminator is `guide_dcgan`'s, with BN.

    Example:

    ```python
    generator, discriminator = guide_dcgan_vbn(num_classes=10, reference_size=64, seed=0)
    images = generator([keras.random.normal((8, 100)), keras.ops.arange(8)])
    ```

    `reference_size` is the number of reference rows (`train` uses the minibatch
    size); `noise_distribution`, `noise_stddev` and `seed` are those of the
    reference noise.
    """
    return _reference_batch_dcgan(
        "guide_dcgan_vbn", VirtualBatchNormalization, "vbn",
        image_size, channels, latent_dim, width, num_classes, kernel_size,
        (initializer, generator_initializer, discriminator_initializer),
        reference_size, noise_distribution, noise_stddev, seed,
    )


def guide_dcgan_rbn(
    image_size=32,
    channels=3,
    latent_dim=100,
    width=64,
    num_classes=None,
    kernel_size=KERNEL,
    reference_size=64,
    noise_distribution="normal",
    noise_stddev=1.0,
    seed=None,
    initializer="glorot_uniform",
    generator_initializer=None,
    discriminator_initializer=None,
):
    """The guide's DCGAN with reference batch normalization in the generator (§4.4).

    Garrido et al. (2019), §4.4, the method virtual batch normalization improves
    on. `guide_dcgan_vbn` with `ReferenceBatchNormalization` in place of
    `VirtualBatchNormalization`: every call normalizes each example with the
    statistics of the reference batch alone, the fixed reference noise z_ref
    (label-aware when conditional, as for VBN). The guide describes the method for
    the discriminator, warns that the model can overfit the reference batch and
    shows no results of it; this builder puts it where `guide_dcgan_vbn` puts VBN,
    in the generator, so that the two compare on the same networks. The
    discriminator is `guide_dcgan`'s, with BN.

    Example:

    ```python
    generator, discriminator = guide_dcgan_rbn(num_classes=10, reference_size=64, seed=0)
    ```

    `reference_size`, `noise_distribution`, `noise_stddev` and `seed` set the
    reference batch as for `guide_dcgan_vbn`.
    """
    return _reference_batch_dcgan(
        "guide_dcgan_rbn", ReferenceBatchNormalization, "rbn",
        image_size, channels, latent_dim, width, num_classes, kernel_size,
        (initializer, generator_initializer, discriminator_initializer),
        reference_size, noise_distribution, noise_stddev, seed,
    )


for _builder in (guide_gan, guide_dcgan, guide_dcgan_minibatch, guide_dcgan_vbn, guide_dcgan_rbn):
    _builder.__doc__ += _ARGS


def _build(
    name, image_size, channels, latent_dim, width, num_classes, kernel_size, initializers,
    upsampling="transposed", downsampling="strided",
    generator_normalization=batch_normalization, **head,
):
    image_size, channels, latent_dim, width = check_image_network_arguments(
        image_size, channels, latent_dim, width, multiple_of=8, name=name
    )
    num_classes = check_num_classes(num_classes, name)
    kernel_size = _positive_integer(
        name, "kernel_size", kernel_size,
        "the side of the square convolution kernels (the guide's is 5; its §3.2 compares "
        "3, 4 and 5)",
    )
    g_init, d_init = network_initializers(*initializers)
    generator = guide_generator(
        image_size, channels, latent_dim, width, g_init, num_classes,
        upsampling=upsampling, normalization=generator_normalization,
        kernel_size=kernel_size, name=f"{name}_generator",
    )
    discriminator = guide_discriminator(
        image_size, channels, width, d_init, num_classes,
        downsampling=downsampling, kernel_size=kernel_size,
        name=f"{name}_discriminator", **head,
    )
    return generator, discriminator


def _reference_batch_dcgan(
    name, normalization, suffix, image_size, channels, latent_dim, width, num_classes,
    kernel_size, initializers, reference_size, noise_distribution, noise_stddev, seed,
):
    """`guide_dcgan` with `normalization(reference_size)` layers, named
    `prefix + "_" + suffix`, in place of the generator's BatchNormalization, the
    generator wrapped in a `ReferenceBatch` of fixed reference noise."""
    reference_size = _positive_integer(
        name, "reference_size", reference_size, "the rows of the reference batch"
    )
    network, discriminator = _build(
        name, image_size, channels, latent_dim, width, num_classes, kernel_size,
        initializers,
        generator_normalization=lambda prefix: normalization(
            reference_size, name=f"{prefix}_{suffix}"
        ),
    )
    z_ref = numpy_latent_noise(
        np.random.default_rng(seed), (reference_size, network.inputs[0].shape[-1]),
        noise_distribution, noise_stddev,
    )
    generator = ReferenceBatch(
        network, reference=z_ref, label_aware=num_classes is not None,
        name=f"{name}_generator",
    )
    return generator, discriminator


def _positive_integer(name, argument, value, meaning):
    """`value` as an int; a ValueError saying what `argument` is if it is not a
    positive integer."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(
            f"{name}: {argument} must be a positive integer, {meaning}. Received: "
            f"{argument}={value!r}."
        )
    return int(value)


def _reference_batch_of_the_run(config):
    """The reference batch has the minibatch's size and the training noise's law."""
    return dict(
        reference_size=config["batch_size"], noise_distribution=config["noise_distribution"],
        noise_stddev=config["noise_stddev"], seed=config["seed"],
    )


for _builder in (guide_gan, guide_dcgan, guide_dcgan_minibatch):
    register_conditional(_builder.__name__)(
        image_networks(_builder, _builder.__name__, switches=("kernel_size",), conditional=True)
    )
for _builder in (guide_dcgan_vbn, guide_dcgan_rbn):
    register_conditional(_builder.__name__)(
        image_networks(
            _builder, _builder.__name__, switches=("kernel_size",), conditional=True,
            config_arguments=_reference_batch_of_the_run,
        )
    )
