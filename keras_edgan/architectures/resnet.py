"""The 32×32 ResNet generator and discriminator of SNGAN (Miyato et al. 2018, Appendix
B.4), after Gulrajani et al. 2017, with the options SAGAN adds: spectral norm in the
generator and self-attention blocks."""

import keras
from keras import ops

from keras_edgan.architectures import conditioning as conditioning_lib
from keras_edgan.architectures.layer_factory import layer_factory
from keras_edgan.layers import SelfAttention


def resnet_generator(
    image_size, channels, latent_dim, width, new_initializer, spectral_norm, attention_size, name,
    num_classes=None, conditioning=None,
):
    """z → Dense(s²·c) → 3 up-sampling residual blocks of c channels → BN → ReLU →
    Conv3×3(`channels`) → tanh, with s = image_size / 8 and c = `width`.

    An up-sampling block: BN → ReLU → ×2 nearest → Conv3×3 → BN → ReLU → Conv3×3,
    plus the shortcut ×2 nearest → Conv1×1. A `SelfAttention` block follows the
    residual block whose output is `attention_size`² (none if `attention_size` is
    None). `spectral_norm` wraps every convolution and dense layer in `SpectralNorm`.
    `new_initializer()` gives each layer its kernel initializer.

    With `num_classes`, the generator takes `[z, y]`: with `conditioning`
    "projection" the blocks' BN are `ConditionalBatchNormalization` (the last BN
    stays unconditional, as in Miyato and Koyama's ResNet generator); with
    "label_channels" the one-hot label is appended to z.
    """
    layer = layer_factory(new_initializer, spectral_norm)
    base = image_size // 8
    z, labels, h = conditioning_lib.generator_input(latent_dim, num_classes, conditioning)
    block_norm = conditioning_lib.normalization(
        labels if conditioning == "projection" else None, num_classes
    )
    h = layer(keras.layers.Dense, base * base * width, name="project")(h)
    h = keras.layers.Reshape((base, base, width), name="reshape")(h)
    for i in range(3):
        block = f"block{i}"
        shortcut = keras.layers.UpSampling2D(2, name=f"{block}_shortcut_up")(h)
        shortcut = layer(keras.layers.Conv2D, width, 1, name=f"{block}_shortcut")(shortcut)
        h = block_norm(h, f"{block}_bn0")
        h = keras.layers.ReLU(name=f"{block}_relu0")(h)
        h = keras.layers.UpSampling2D(2, name=f"{block}_up")(h)
        h = layer(keras.layers.Conv2D, width, 3, padding="same", name=f"{block}_conv0")(h)
        h = block_norm(h, f"{block}_bn1")
        h = keras.layers.ReLU(name=f"{block}_relu1")(h)
        h = layer(keras.layers.Conv2D, width, 3, padding="same", name=f"{block}_conv1")(h)
        h = keras.layers.Add(name=f"{block}_add")([h, shortcut])
        h = _attention(h, attention_size, spectral_norm, new_initializer, f"{block}_attention")
    h = conditioning_lib.normalization()(h, "out_bn")  # unconditional
    h = keras.layers.ReLU(name="out_relu")(h)
    h = layer(keras.layers.Conv2D, channels, 3, padding="same", name="to_image")(h)
    images = keras.layers.Activation("tanh", name="tanh")(h)
    return keras.Model(z if labels is None else [z, labels], images, name=name)


def resnet_discriminator(
    image_size, channels, width, new_initializer, spectral_norm, attention_size, name,
    num_classes=None, conditioning=None,
):
    """image → 4 residual blocks of `width` channels, the first two halving the size
    → ReLU → global sum pooling → Dense(1), one logit per image.

    Block 0 (Miyato et al.'s "optimized" first block): Conv3×3 → ReLU → Conv3×3 →
    AvgPool2, plus the shortcut AvgPool2 → Conv1×1. Block 1: ReLU → Conv3×3 → ReLU →
    Conv3×3 → AvgPool2, plus Conv1×1 → AvgPool2. Blocks 2 and 3: the same without
    pooling, with the identity as shortcut. A `SelfAttention` block follows block 0
    or block 1, whichever outputs `attention_size`². `spectral_norm` wraps every
    convolution and the dense layer in `SpectralNorm`.

    With `num_classes`, the discriminator takes `[x, y]`: with `conditioning`
    "projection" its logit is Dense(φ) + ⟨V̄_y, φ⟩, φ the pooled features
    (`conditioning.projection_logits`); with "label_channels" the one-hot label
    enters as `num_classes` constant input channels.
    """
    layer = layer_factory(new_initializer, spectral_norm)

    def convolutions(h, block, leading_relu):
        if leading_relu:
            h = keras.layers.ReLU(name=f"{block}_relu0")(h)
        h = layer(keras.layers.Conv2D, width, 3, padding="same", name=f"{block}_conv0")(h)
        h = keras.layers.ReLU(name=f"{block}_relu1")(h)
        return layer(keras.layers.Conv2D, width, 3, padding="same", name=f"{block}_conv1")(h)

    def pool(h, name):
        return keras.layers.AveragePooling2D(2, name=name)(h)

    images, labels, x = conditioning_lib.discriminator_input(
        image_size, channels, num_classes, conditioning
    )
    h = pool(convolutions(x, "block0", leading_relu=False), "block0_down")
    shortcut = layer(keras.layers.Conv2D, width, 1, name="block0_shortcut")(
        pool(x, "block0_shortcut_down")
    )
    h = keras.layers.Add(name="block0_add")([h, shortcut])
    h = _attention(h, attention_size, spectral_norm, new_initializer, "block0_attention")
    for i in (1, 2, 3):
        block = f"block{i}"
        residual = convolutions(h, block, leading_relu=True)
        if i == 1:
            residual = pool(residual, f"{block}_down")
            h = layer(keras.layers.Conv2D, width, 1, name=f"{block}_shortcut")(h)
            h = pool(h, f"{block}_shortcut_down")
        h = keras.layers.Add(name=f"{block}_add")([residual, h])
        if i == 1:  # the last block to change the size
            h = _attention(h, attention_size, spectral_norm, new_initializer, f"{block}_attention")
    h = keras.layers.ReLU(name="out_relu")(h)
    h = ops.sum(h, axis=(1, 2))  # global sum pooling
    logits = layer(keras.layers.Dense, 1, name="logit")(h)
    if conditioning == "projection":
        logits = conditioning_lib.projection_logits(
            h, logits, labels, num_classes, spectral_norm, new_initializer()
        )
    return keras.Model(images if labels is None else [images, labels], logits, name=name)


def _attention(h, attention_size, spectral_norm, new_initializer, name):
    if attention_size is None or h.shape[1] != attention_size:
        return h
    return SelfAttention(
        spectral_norm=spectral_norm, kernel_initializer=new_initializer(), name=name
    )(h)
