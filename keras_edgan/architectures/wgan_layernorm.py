"""The WGAN of Garrido et al. (seed 003, §5.6): a DCGAN generator and a critic with
layer normalization in place of batch normalization."""

import keras

from keras_edgan.architectures.from_config import image_networks
from keras_edgan.architectures.initializers import network_initializers
from keras_edgan.architectures.registry import register
from keras_edgan.architectures.validation import check_image_network_arguments


def wgan_layernorm(
    image_size=32,
    channels=3,
    latent_dim=100,
    width=64,
    initializer="glorot_uniform",
    generator_initializer=None,
    discriminator_initializer=None,
):
    """The generator and critic of the WGAN of Garrido et al., "A practical guide to
    understanding and applying GANs and their improvements" (2019), §5.6 (and the
    DCGAN generator of §3.1.7), unconditional. With c = `width` (64) and s =
    image_size / 8:

    - generator: z → Dense(s²·4c) → BN → ReLU → reshape → ConvTranspose(5,
      stride 2) of 4c, 2c and c channels, each → BN → ReLU → ConvTranspose(
      `channels`, 5, stride 1) → tanh;
    - critic: Conv(5, stride 2) of c, 2c and 4c channels, each → LayerNorm →
      LeakyReLU(0.2), then Conv(1, s×s, valid): one unbounded score per image.

    BatchNormalization would couple the samples whose gradients a gradient
    penalty constrains; layer normalization (Ba et al. 2016) normalizes each
    sample over all its units (height, width and channels) instead. The guide's
    tables are conditional (labels concatenated as input channels) and list a
    sigmoid output and a last transposed convolution of stride 2, which
    contradict their own output shapes and the Wasserstein critic; this
    builder keeps the listed shapes (a stride-1 last layer), omits the labels
    and the sigmoid.

    Example:

    ```python
    generator, critic = wgan_layernorm(image_size=32, latent_dim=100)
    scores = critic(generator(keras.random.normal((8, 100))))  # (8, 1)
    ```

    Args:
        image_size: Height and width of the images, a multiple of 8.
        channels: Image channels.
        latent_dim: Size of z (100 in the guide).
        width: c.
        initializer, generator_initializer, discriminator_initializer: Kernel
            initializers (Keras' Glorot uniform by default; the guide does not
            say).

    Returns:
        `(generator, critic)`, two functional `keras.Model`s.
    """
    image_size, channels, latent_dim, width = check_image_network_arguments(
        image_size, channels, latent_dim, width, multiple_of=8, name="wgan_layernorm"
    )
    g_init, d_init = network_initializers(
        initializer, generator_initializer, discriminator_initializer
    )
    base = image_size // 8

    z = keras.Input((latent_dim,), name="z")
    h = keras.layers.Dense(base * base * 4 * width, kernel_initializer=g_init(), name="project")(z)
    h = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name="project_bn")(h)
    h = keras.layers.ReLU(name="project_relu")(h)
    h = keras.layers.Reshape((base, base, 4 * width), name="reshape")(h)
    for i, filters in enumerate((4 * width, 2 * width, width)):
        h = keras.layers.Conv2DTranspose(
            filters, 5, strides=2, padding="same", kernel_initializer=g_init(), name=f"deconv{i}"
        )(h)
        h = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=f"deconv{i}_bn")(h)
        h = keras.layers.ReLU(name=f"deconv{i}_relu")(h)
    h = keras.layers.Conv2DTranspose(
        channels, 5, strides=1, padding="same", kernel_initializer=g_init(), name="to_image"
    )(h)
    images = keras.layers.Activation("tanh", name="tanh")(h)
    generator = keras.Model(z, images, name="wgan_layernorm_generator")

    x = keras.Input((image_size, image_size, channels), name="images")
    h = x
    for i, filters in enumerate((width, 2 * width, 4 * width)):
        h = keras.layers.Conv2D(
            filters, 5, strides=2, padding="same", kernel_initializer=d_init(), name=f"conv{i}"
        )(h)
        h = keras.layers.LayerNormalization(axis=(1, 2, 3), epsilon=1e-5, name=f"conv{i}_ln")(h)
        h = keras.layers.LeakyReLU(0.2, name=f"conv{i}_lrelu")(h)
    h = keras.layers.Conv2D(1, base, padding="valid", kernel_initializer=d_init(), name="score")(h)
    scores = keras.layers.Flatten(name="flatten")(h)
    critic = keras.Model(x, scores, name="wgan_layernorm_critic")
    return generator, critic


register("wgan_layernorm")(image_networks(wgan_layernorm, "wgan_layernorm"))
