"""SAGAN's networks at 32×32: the SNGAN ResNet with spectral norm in both networks and
self-attention (Zhang et al. 2019)."""

from keras_edgan.architectures.from_config import image_networks
from keras_edgan.architectures.initializers import network_initializers
from keras_edgan.architectures.registry import register
from keras_edgan.architectures.resnet import resnet_discriminator, resnet_generator
from keras_edgan.architectures.validation import check_image_network_arguments


def sagan(
    image_size=32,
    channels=3,
    latent_dim=128,
    width=128,
    attention_size=16,
    initializer="glorot_uniform",
    generator_initializer=None,
    discriminator_initializer=None,
):
    """The generator and discriminator of SAGAN, unconditional, for small images.

    Zhang, Goodfellow, Metaxas and Odena, "Self-attention generative adversarial
    networks", ICML 2019: residual networks with a `SelfAttention` block in both
    networks and spectral normalization in every layer of both (§4.1), BN in the
    generator. The paper's 128×128 ImageNet networks are class-conditional;
    EDGAN's Table 6 trains SAGAN without labels on 32×32 images, for which
    keras_edgan takes the 32×32 ResNets of SNGAN (`sngan_resnet`: 2·`width`
    channels in the generator, `width` in the discriminator) and adds one
    attention block where the feature maps are `attention_size`² (16×16 by
    default: after the generator's second block and the discriminator's first).

    Example:

    ```python
    generator, discriminator = sagan(image_size=32, latent_dim=128)
    images = generator(keras.random.normal((8, 128)), training=True)
    ```

    Args:
        image_size: Height and width of the images, a multiple of 8.
        channels: Image channels.
        latent_dim: Size of z.
        width: Channels of the discriminator; the generator has twice as many.
        attention_size: Side of the feature maps that get self-attention.
        initializer, generator_initializer, discriminator_initializer: Kernel
            initializers, as for `sngan_resnet`.

    Returns:
        `(generator, discriminator)`, two functional `keras.Model`s.
    """
    image_size, channels, latent_dim, width = check_image_network_arguments(
        image_size, channels, latent_dim, width, multiple_of=8, name="sagan"
    )
    if attention_size not in (image_size // 4, image_size // 2):
        raise ValueError(
            f"sagan: attention_size must be the side of a feature map both networks "
            f"have, {image_size // 4} or {image_size // 2} for {image_size}×{image_size} "
            f"images. Received: attention_size={attention_size!r}."
        )
    g_init, d_init = network_initializers(
        initializer, generator_initializer, discriminator_initializer
    )
    generator = resnet_generator(
        image_size, channels, latent_dim, 2 * width, g_init,
        spectral_norm=True, attention_size=attention_size, name="sagan_generator",
    )
    discriminator = resnet_discriminator(
        image_size, channels, width, d_init,
        spectral_norm=True, attention_size=attention_size, name="sagan_discriminator",
    )
    return generator, discriminator


register("sagan")(image_networks(sagan, "sagan"))
