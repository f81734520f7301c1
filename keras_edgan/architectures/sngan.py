"""The 32×32 networks of SNGAN (Miyato et al. 2018): the ResNet and the standard CNN,
unconditional or class-conditional (Miyato and Koyama 2018's projection discriminator
with conditional batch normalization in the generator, or the label as input)."""

import keras

from keras_edgan.architectures import conditioning as conditioning_lib
from keras_edgan.architectures.from_config import image_networks
from keras_edgan.architectures.initializers import network_initializers
from keras_edgan.architectures.layer_factory import layer_factory
from keras_edgan.architectures.registry import register, register_conditional
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
    num_classes=None,
    conditioning=None,
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
    generator, discriminator = sngan_resnet(num_classes=10)  # projection, CBN
    labels = keras.ops.arange(8) % 10
    logits = discriminator([generator([keras.random.normal((8, 128)), labels]), labels])
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
        num_classes: None (unconditional), or the number of classes: the
            generator then takes `[z, y]` and the discriminator `[x, y]`, y the
            int32 labels of shape `(n,)`.
        conditioning: How a conditional network takes y (`num_classes` set;
            an error otherwise): "projection" (the default, None) — Miyato and
            Koyama, "cGANs with projection discriminator", ICLR 2018: the BN
            of the generator's blocks become `ConditionalBatchNormalization`
            (γ_y, β_y; the last BN stays plain, as in their code) and the
            discriminator's logit is ψ(φ(x)) + ⟨V̄_y, φ(x)⟩, φ(x) the pooled
            features (`keras_edgan.layers.ClassProjection`, V spectrally
            normalized as in their code); or "label_channels" — the one-hot label
            appended to z and, as `num_classes` constant channels, to the
            discriminator's input image (the guide's §2.7 and §5.5).

    Returns:
        `(generator, discriminator)`, two functional `keras.Model`s; the
        discriminator returns one logit per image, shape `(batch, 1)`.
    """
    image_size, channels, latent_dim, width = check_image_network_arguments(
        image_size, channels, latent_dim, width, multiple_of=8, name="sngan_resnet"
    )
    num_classes = conditioning_lib.check_num_classes(num_classes, "sngan_resnet")
    conditioning = conditioning_lib.check_conditioning(conditioning, num_classes, "sngan_resnet")
    g_init, d_init = network_initializers(
        initializer, generator_initializer, discriminator_initializer
    )
    generator = resnet_generator(
        image_size, channels, latent_dim, 2 * width, g_init,
        spectral_norm=False, attention_size=None, name="sngan_resnet_generator",
        num_classes=num_classes, conditioning=conditioning,
    )
    discriminator = resnet_discriminator(
        image_size, channels, width, d_init,
        spectral_norm=True, attention_size=None, name="sngan_resnet_discriminator",
        num_classes=num_classes, conditioning=conditioning,
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
    num_classes=None,
    conditioning=None,
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
    generator, discriminator = sngan_cnn(num_classes=10, conditioning="projection")
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
        num_classes, conditioning: as for `sngan_resnet`; with projection, φ(x)
            is the flattened features, every BN of the generator is
            conditional, and V is spectrally normalized when `spectral_norm`.

    Returns:
        `(generator, discriminator)`, two functional `keras.Model`s.
    """
    image_size, channels, latent_dim, width = check_image_network_arguments(
        image_size, channels, latent_dim, width, multiple_of=8, name="sngan_cnn"
    )
    num_classes = conditioning_lib.check_num_classes(num_classes, "sngan_cnn")
    conditioning = conditioning_lib.check_conditioning(conditioning, num_classes, "sngan_cnn")
    g_init, d_init = network_initializers(
        initializer, generator_initializer, discriminator_initializer
    )
    base = image_size // 8

    z, labels, h = conditioning_lib.generator_input(latent_dim, num_classes, conditioning)
    normalize = conditioning_lib.normalization(
        labels if conditioning == "projection" else None, num_classes
    )
    h = keras.layers.Dense(base * base * 8 * width, kernel_initializer=g_init(), name="project")(h)
    h = normalize(h, "project_bn")
    h = keras.layers.ReLU(name="project_relu")(h)
    h = keras.layers.Reshape((base, base, 8 * width), name="reshape")(h)
    for i, filters in enumerate((4 * width, 2 * width, width)):
        h = keras.layers.Conv2DTranspose(
            filters, 4, strides=2, padding="same", kernel_initializer=g_init(), name=f"deconv{i}"
        )(h)
        h = normalize(h, f"deconv{i}_bn")
        h = keras.layers.ReLU(name=f"deconv{i}_relu")(h)
    h = keras.layers.Conv2D(
        channels, 3, padding="same", kernel_initializer=g_init(), name="to_image"
    )(h)
    images = keras.layers.Activation("tanh", name="tanh")(h)
    generator = keras.Model(
        z if labels is None else [z, labels], images, name="sngan_cnn_generator"
    )

    layer = layer_factory(d_init, spectral_norm)
    x, labels, h = conditioning_lib.discriminator_input(
        image_size, channels, num_classes, conditioning
    )
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
    if conditioning == "projection":
        logits = conditioning_lib.projection_logits(
            h, logits, labels, num_classes, spectral_norm, d_init()
        )
    discriminator = keras.Model(
        x if labels is None else [x, labels], logits, name="sngan_cnn_discriminator"
    )
    return generator, discriminator


def _standard_cnn(**options):
    return sngan_cnn(spectral_norm=False, **options)


register_conditional("sngan_resnet")(
    image_networks(sngan_resnet, "sngan_resnet", switches=("conditioning",), conditional=True)
)
register_conditional("sngan_cnn")(
    image_networks(sngan_cnn, "sngan_cnn", switches=("conditioning",), conditional=True)
)
register("standard_cnn")(image_networks(_standard_cnn, "standard_cnn"))
