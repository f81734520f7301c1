"""The WGAN of Garrido et al. (seed 003, §5.6): a DCGAN generator and a critic with
layer normalization in place of batch normalization, conditional with the labels as
input channels (§5.5)."""

from keras_edgan.architectures.conditioning import check_num_classes
from keras_edgan.architectures.from_config import image_networks
from keras_edgan.architectures.guide_networks import (
    guide_discriminator,
    guide_generator,
    layer_normalization,
)
from keras_edgan.architectures.initializers import network_initializers
from keras_edgan.architectures.registry import register_conditional
from keras_edgan.architectures.validation import check_image_network_arguments


def wgan_layernorm(
    image_size=32,
    channels=3,
    latent_dim=100,
    width=64,
    num_classes=None,
    initializer="glorot_uniform",
    generator_initializer=None,
    discriminator_initializer=None,
):
    """The generator and critic of the WGAN of Garrido et al., "A practical guide to
    understanding and applying GANs and their improvements" (2019), §5.6 (and the
    DCGAN generator of §3.1.7). With c = `width` (64) and s = image_size / 8:

    - generator: z (or [z, one-hot label]) → Dense(s²·4c) → BN → ReLU → reshape →
      ConvTranspose(5, stride 2) of 4c, 2c and c channels, each → BN → ReLU →
      ConvTranspose(`channels`, 5, stride 1) → tanh;
    - critic: (with `num_classes`: the image with the one-hot label appended as
      `num_classes` constant channels, §5.5) → Conv(5, stride 2) of c, 2c and 4c
      channels, each → LayerNorm → LeakyReLU(0.2), then Conv(1, s×s, valid): one
      unbounded score per image.

    BatchNormalization would couple the samples whose gradients a gradient
    penalty constrains; layer normalization (Ba et al. 2016) normalizes each
    sample over all its units (height, width and channels) instead. The guide
    feeds the critic's label as input channels because concatenating it to a
    dense layer was ignored by its WGANs, even on MNIST (§5.5). Its tables list a
    sigmoid output and a last transposed convolution of stride 2, which contradict
    their own output shapes and the Wasserstein critic; this builder keeps the
    listed shapes (a stride-1 last layer) and omits the sigmoid.

    Example:

    ```python
    generator, critic = wgan_layernorm(image_size=32, latent_dim=100)
    scores = critic(generator(keras.random.normal((8, 100))))  # (8, 1)
    generator, critic = wgan_layernorm(num_classes=10)
    labels = keras.ops.arange(8)
    scores = critic([generator([keras.random.normal((8, 100)), labels]), labels])
    ```

    Args:
        image_size: Height and width of the images, a multiple of 8.
        channels: Image channels.
        latent_dim: Size of z (100 in the guide).
        width: c.
        num_classes: None (unconditional), or the number of classes: the
            generator then takes `[z, y]` and the critic `[x, y]`, y int32 labels.
        initializer, generator_initializer, discriminator_initializer: Kernel
            initializers (Keras' Glorot uniform by default; the guide does not
            say).

    Returns:
        `(generator, critic)`, two functional `keras.Model`s.
    """
    image_size, channels, latent_dim, width = check_image_network_arguments(
        image_size, channels, latent_dim, width, multiple_of=8, name="wgan_layernorm"
    )
    num_classes = check_num_classes(num_classes, "wgan_layernorm")
    g_init, d_init = network_initializers(
        initializer, generator_initializer, discriminator_initializer
    )
    generator = guide_generator(
        image_size, channels, latent_dim, width, g_init, num_classes,
        name="wgan_layernorm_generator",
    )
    critic = guide_discriminator(
        image_size, channels, width, d_init, num_classes,
        normalization=layer_normalization, label_as_channels=True, output_name="score",
        name="wgan_layernorm_critic",
    )
    return generator, critic


register_conditional("wgan_layernorm")(
    image_networks(wgan_layernorm, "wgan_layernorm", conditional=True)
)
