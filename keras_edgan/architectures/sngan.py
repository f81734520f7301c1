"""The 32×32 networks of SNGAN (Miyato et al. 2018): the ResNet and the standard CNN."""

import keras

from keras_edgan.architectures.from_config import image_networks
from keras_edgan.architectures.initializers import network_initializers
from keras_edgan.architectures.layer_factory import layer_factory
from keras_edgan.architectures.registry import register
from keras_edgan.architectures.resnet import resnet_discriminator, resnet_generator
from keras_edgan.architectures.validation import check_image_network_arguments


def sngan_resnet(
    image_size=32,
    channels=3,
    latent_dim=128,
    width=128,
    initializer="glorot_uniform",
    generator_initializer=None,
    discriminator_initializer=None,
):
    """The ResNet generator and discriminator of SNGAN for CIFAR-10.

    Miyato, Kataoka, Koyama and Yoshida, "Spectral normalization for generative
    adversarial networks", ICLR 2018, Appendix B.4 (their Table 4, after the
    ResNet of Gulrajani et al. 2017): a generator of three up-sampling residual
    blocks of 2·`width` channels (256 in the paper) with BN, a discriminator of
    four residual blocks of `width` channels (128) with spectral normalization
    in every layer, global sum pooling and a linear output. See
    `keras_edgan.architectures.resnet` for the blocks.

    Example:

    ```python
    generator, discriminator = sngan_resnet(image_size=32, latent_dim=128)
    logits = discriminator(generator(keras.random.normal((8, 128))))  # (8, 1)
    ```

    Args:
        image_size: Height and width of the images, a multiple of 8 (32 in
            the paper).
        channels: Image channels.
        latent_dim: Size of z (128 in the paper).
        width: Channels of the discriminator's blocks; the generator's have
            twice as many.
        initializer: Kernel initializer of both networks, any
            `keras.initializers.get` identifier, copied for every layer.
            Keras' Glorot uniform (Xavier) by default, as in the ResNets of
            Gulrajani et al.
        generator_initializer, discriminator_initializer: The initializer of
            one network, overriding `initializer`.

    Returns:
        `(generator, discriminator)`, two functional `keras.Model`s; the
        discriminator returns one logit per image, shape `(batch, 1)`.
    """
    image_size, channels, latent_dim, width = check_image_network_arguments(
        image_size, channels, latent_dim, width, multiple_of=8, name="sngan_resnet"
    )
    g_init, d_init = network_initializers(
        initializer, generator_initializer, discriminator_initializer
    )
    generator = resnet_generator(
        image_size, channels, latent_dim, 2 * width, g_init,
        spectral_norm=False, attention_size=None, name="sngan_resnet_generator",
    )
    discriminator = resnet_discriminator(
        image_size, channels, width, d_init,
        spectral_norm=True, attention_size=None, name="sngan_resnet_discriminator",
    )
    return generator, discriminator


def sngan_cnn(
    image_size=32,
    channels=3,
    latent_dim=128,
    width=64,
    spectral_norm=True,
    initializer="glorot_uniform",
    generator_initializer=None,
    discriminator_initializer=None,
):
    """The "standard CNN" generator and discriminator of SNGAN.

    Miyato et al. 2018, Table 3, with c = `width` (64 in the paper), s =
    image_size / 8 (M_g = 4 for 32×32):

    - generator: z → Dense(s²·8c) → BN → ReLU → reshape → three
      ConvTranspose(4, stride 2) of 4c, 2c, c channels, each → BN → ReLU →
      Conv(`channels`, 3, stride 1) → tanh;
    - discriminator: Conv(c, 3, 1), Conv(c, 4, 2), Conv(2c, 3, 1),
      Conv(2c, 4, 2), Conv(4c, 3, 1), Conv(4c, 4, 2), Conv(8c, 3, 1), each →
      LeakyReLU(0.1), then Dense(1); every layer spectrally normalized when
      `spectral_norm` (SNGAN), none otherwise — the paper's baseline CNN for
      the other methods, e.g. a critic for gradient penalties.

    Example:

    ```python
    generator, discriminator = sngan_cnn(image_size=32, spectral_norm=False)
    ```

    Args:
        image_size: Height and width of the images, a multiple of 8.
        channels: Image channels.
        latent_dim: Size of z (128 in the paper).
        width: c.
        spectral_norm: Whether the discriminator's layers are spectrally
            normalized.
        initializer, generator_initializer, discriminator_initializer: as for
            `sngan_resnet`.

    Returns:
        `(generator, discriminator)`, two functional `keras.Model`s.
    """
    image_size, channels, latent_dim, width = check_image_network_arguments(
        image_size, channels, latent_dim, width, multiple_of=8, name="sngan_cnn"
    )
    g_init, d_init = network_initializers(
        initializer, generator_initializer, discriminator_initializer
    )
    base = image_size // 8

    z = keras.Input((latent_dim,), name="z")
    h = keras.layers.Dense(base * base * 8 * width, kernel_initializer=g_init(), name="project")(z)
    h = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name="project_bn")(h)
    h = keras.layers.ReLU(name="project_relu")(h)
    h = keras.layers.Reshape((base, base, 8 * width), name="reshape")(h)
    for i, filters in enumerate((4 * width, 2 * width, width)):
        h = keras.layers.Conv2DTranspose(
            filters, 4, strides=2, padding="same", kernel_initializer=g_init(), name=f"deconv{i}"
        )(h)
        h = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=f"deconv{i}_bn")(h)
        h = keras.layers.ReLU(name=f"deconv{i}_relu")(h)
    h = keras.layers.Conv2D(
        channels, 3, padding="same", kernel_initializer=g_init(), name="to_image"
    )(h)
    images = keras.layers.Activation("tanh", name="tanh")(h)
    generator = keras.Model(z, images, name="sngan_cnn_generator")

    layer = layer_factory(d_init, spectral_norm)
    x = keras.Input((image_size, image_size, channels), name="images")
    h = x
    convolutions = [
        (width, 3, 1), (width, 4, 2), (2 * width, 3, 1), (2 * width, 4, 2),
        (4 * width, 3, 1), (4 * width, 4, 2), (8 * width, 3, 1),
    ]
    for i, (filters, kernel, stride) in enumerate(convolutions):
        h = layer(
            keras.layers.Conv2D, filters, kernel, strides=stride, padding="same", name=f"conv{i}"
        )(h)
        h = keras.layers.LeakyReLU(0.1, name=f"conv{i}_lrelu")(h)
    h = keras.layers.Flatten(name="flatten")(h)
    logits = layer(keras.layers.Dense, 1, name="logit")(h)
    discriminator = keras.Model(x, logits, name="sngan_cnn_discriminator")
    return generator, discriminator


def _standard_cnn(**options):
    return sngan_cnn(spectral_norm=False, **options)


register("sngan_resnet")(image_networks(sngan_resnet, "sngan_resnet"))
register("sngan_cnn")(image_networks(sngan_cnn, "sngan_cnn"))
register("standard_cnn")(image_networks(_standard_cnn, "standard_cnn"))
