"""The DCGAN of EDGAN's Fig. 2 and the OptimizedDCGAN of its Fig. 3."""

import numbers

import keras

from keras_edgan.architectures.from_config import image_networks
from keras_edgan.architectures.initializers import network_initializers
from keras_edgan.architectures.registry import register
from keras_edgan.layers import SpectralNorm

# Side of the generator's first feature map for each supported image size;
# every stride-2 stage doubles it.
_BASE_SIZES = {28: 7, 32: 4, 64: 4}


def dcgan(
    image_size=32,
    channels=3,
    latent_dim=128,
    width=64,
    initializer=None,
    generator_initializer=None,
    discriminator_initializer=None,
    remove_311=False,
    spectral_norm_penultimate=False,
):
    """The DCGAN generator and discriminator of EDGAN's Fig. 2.

    Tan, Wang, Zhou and Zhang, "GANs based on a penalty of a conditional
    entropy distance" (EDGAN), Journal of Software 2020, §2.3, after
    Radford et al. (2016). With `c = width` and `n` stride-2 stages
    (`image_size` 28: 7×7 base, n = 2; 32: 4×4, n = 3; 64: 4×4, n = 4):

    - generator: z → Dense(base²·c·2ⁿ) → BN → ReLU → reshape; per stage
      `i`: ConvTranspose(c·2ⁿ⁻¹⁻ⁱ, 4, stride 2) → BN → ReLU → Conv(same
      channels, 3, stride 1) → BN → ReLU (the "311" layer); then
      Conv(`channels`, 3, stride 1) → tanh. For 32×32 and c = 64:
      512·4·4 → 256 → 128 → 64 → RGB.
    - discriminator: Conv(c, 3, 1) → BN → LeakyReLU(0.2); per stage `i`:
      Conv(c·2ⁱ, 4, 2) → BN → LeakyReLU(0.2) → Conv(c·2ⁱ⁺¹, 3, 1) → BN →
      LeakyReLU(0.2); then the compression layer, a Conv(1) whose kernel
      covers the whole final feature map.

    The discriminator's first convolution has BN, unlike the DCGAN of
    Radford et al., whose discriminator input layer has none: §2.3 explains
    Fig. 2's notation with a discriminator layer, "conv 64 3 1 1 BN LReLU":
    64 output channels, kernel 3, stride 1, padding 1,
    "卷积操作之后执行批量标准化(BN)" (BN after the convolution), then
    LeakyReLU. The discriminator's only 64-channel 3×3 stride-1 convolution
    is its first, and §2.3 says DCGAN uses BN in both networks
    ("在判别器和生成器中均使用批量标准化(BN)").

    The discriminator returns one logit per image, shape `(batch, 1)`. The
    paper's sigmoid output is sigmoid(logit); keras_edgan's losses apply it
    inside a numerically stable cross-entropy.

    Both networks take the paper's DCGAN settings: weights drawn from
    N(0, 0.02), biases in every layer, BN in both networks. The ablation
    switches of the paper's Table 1 add one change of `optimized_dcgan` at a
    time, keeping every bias: `spectral_norm_penultimate` (SN_in_P) and
    `remove_311` (R311). BatchNorm uses
    PyTorch's defaults (momentum 0.1 there, 0.9 in Keras; epsilon 1e-5),
    since the paper's experiments ran in PyTorch. Images are channels-last
    in [-1, 1].

    Example:

    ```python
    generator, discriminator = dcgan(image_size=32, latent_dim=128)
    images = generator(keras.random.normal((16, 128)))   # (16, 32, 32, 3)
    logits = discriminator(images)                        # (16, 1)
    ```

    Args:
        image_size: Height and width of the images: 28, 32 or 64.
        channels: Image channels (3 for RGB, 1 for grayscale).
        latent_dim: Size of the latent vector z.
        width: `c`, the channels of the discriminator's first layer and of
            the generator's last hidden layer. The paper uses 64.
        initializer: Kernel initializer for both networks, any
            `keras.initializers.get` identifier (Table 4 of the paper
            compares "orthogonal", "glorot_normal", N(0, 0.02) and
            "he_normal"). `None` means `RandomNormal(0.0, 0.02)`. An
            initializer instance is copied for every layer, so an unseeded
            one still gives each layer its own draw.
        generator_initializer, discriminator_initializer: The initializer
            of one network, overriding `initializer` (Table 4 pairs
            different ones).
        remove_311: R311: remove the generator's 3×3 stride-1 layers but
            the last.
        spectral_norm_penultimate: SN_in_P: spectrally normalize the
            discriminator's compression layer.

    Returns:
        `(generator, discriminator)`, two functional `keras.Model`s.
    """
    if initializer is None:
        initializer = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
    return _build(
        image_size,
        channels,
        latent_dim,
        width,
        network_initializers(initializer, generator_initializer, discriminator_initializer),
        remove_311=remove_311,
        spectral_norm_penultimate=spectral_norm_penultimate,
        bias_before_normalization=True,
        name="dcgan",
    )


def optimized_dcgan(
    image_size=32,
    channels=3,
    latent_dim=128,
    width=64,
    initializer="orthogonal",
    generator_initializer=None,
    discriminator_initializer=None,
    remove_311=True,
    spectral_norm_penultimate=True,
):
    """The OptimizedDCGAN of EDGAN's Fig. 3: DCGAN with R311 and SN_in_P.

    Tan, Wang, Zhou and Zhang, "GANs based on a penalty of a conditional
    entropy distance" (EDGAN), Journal of Software 2020, §2.3 and Table 1.
    Changes to `dcgan`:

    - R311: the generator has no 3×3 stride-1 ("311") layers except the
      last one, which maps the features to `channels`.
    - SN_in_P: the discriminator's compression (penultimate) layer is
      wrapped in `SpectralNorm`; every other convolution, the first
      included, is followed by BN: "将 SN 层加入到 Sigmoid 层的前一层,其余层
      均使用 BN 层" (SN in the layer before the sigmoid, BN in all the other
      layers, §2.3), and Fig. 2's "conv 64 3 1 1 BN LReLU" is the first
      layer (see `dcgan`).
    - Orthogonal initialization in both networks.
    - No bias in layers followed by BN or spectral normalization, the
      compression layer included (a bias there has no effect, §2.3).

    For 32×32×3 images and `width=64` the generator has 3,837,379
    parameters and the discriminator 2,940,097 (moving BN statistics and
    the power-iteration vector included).

    The discriminator returns one logit per image, shape `(batch, 1)`; the
    paper's sigmoid output is sigmoid(logit), applied by keras_edgan's
    losses inside a numerically stable cross-entropy. BatchNorm uses
    PyTorch's defaults (Keras momentum 0.9, epsilon 1e-5). Images are
    channels-last in [-1, 1].

    Example:

    ```python
    generator, discriminator = optimized_dcgan(image_size=32, latent_dim=128)
    images = generator(keras.random.normal((16, 128)))   # (16, 32, 32, 3)
    logits = discriminator(images, training=True)         # (16, 1)
    ```

    Args:
        image_size: Height and width of the images: 28, 32 or 64.
        channels: Image channels (3 for RGB, 1 for grayscale).
        latent_dim: Size of the latent vector z (128 in the paper).
        width: `c`, the channels of the discriminator's first layer and of
            the generator's last hidden layer. The paper uses 64.
        initializer: Kernel initializer for both networks, any
            `keras.initializers.get` identifier, copied for every layer.
            Defaults to `"orthogonal"`, the paper's choice (Table 4).
        generator_initializer, discriminator_initializer: The initializer
            of one network, overriding `initializer` (Table 4 pairs
            different ones).
        remove_311, spectral_norm_penultimate: R311 and SN_in_P, on by
            definition; turning one off gives the ablations of Table 1
            without the biases before BN/SN.

    Returns:
        `(generator, discriminator)`, two functional `keras.Model`s.
    """
    return _build(
        image_size,
        channels,
        latent_dim,
        width,
        network_initializers(initializer, generator_initializer, discriminator_initializer),
        remove_311=remove_311,
        spectral_norm_penultimate=spectral_norm_penultimate,
        bias_before_normalization=False,
        name="optimized_dcgan",
    )


def _is_integer(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _build(
    image_size,
    channels,
    latent_dim,
    width,
    initializers,
    remove_311,
    spectral_norm_penultimate,
    bias_before_normalization,
    name,
):
    """Validates the arguments and builds (generator, discriminator);
    `initializers` are the networks' `initializer_factory`s."""
    if not _is_integer(image_size) or image_size not in _BASE_SIZES:
        raise ValueError(
            f"image_size must be one of {sorted(_BASE_SIZES)}. Received: "
            f"image_size={image_size!r}. Resize the images to one of these "
            "sizes (the generator doubles a 7×7 or 4×4 base map)."
        )
    for arg_name, value in (
        ("channels", channels),
        ("latent_dim", latent_dim),
        ("width", width),
    ):
        if not _is_integer(value) or value < 1:
            raise ValueError(
                f"{arg_name} must be a positive integer. Received: "
                f"{arg_name}={value!r}."
            )
    image_size, channels = int(image_size), int(channels)
    latent_dim, width = int(latent_dim), int(width)
    base = _BASE_SIZES[image_size]
    stages = (image_size // base).bit_length() - 1
    generator_initializer, discriminator_initializer = initializers
    generator = _generator(
        base,
        stages,
        channels,
        latent_dim,
        width,
        generator_initializer,
        remove_311=remove_311,
        bias_before_normalization=bias_before_normalization,
        name=f"{name}_generator",
    )
    discriminator = _discriminator(
        image_size,
        stages,
        channels,
        width,
        discriminator_initializer,
        spectral_norm_compression=spectral_norm_penultimate,
        bias_before_normalization=bias_before_normalization,
        name=f"{name}_discriminator",
    )
    return generator, discriminator


def _batch_norm(name):
    # PyTorch's defaults (the paper ran in PyTorch): momentum 0.1 there is 0.9 here.
    return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=name)


def _conv_bn(h, layer, filters, kernel_size, strides, name, use_bias, initializer):
    """`layer` (Conv2D or Conv2DTranspose, "same" padding) then BatchNormalization."""
    h = layer(filters, kernel_size, strides=strides, padding="same", use_bias=use_bias,
              kernel_initializer=initializer, name=name)(h)
    return _batch_norm(f"{name}_bn")(h)


def _generator(
    base,
    stages,
    channels,
    latent_dim,
    width,
    new_initializer,
    remove_311,
    bias_before_normalization,
    name,
):
    def conv_bn_relu(h, layer, filters, kernel_size, strides, name):
        h = _conv_bn(h, layer, filters, kernel_size, strides, name,
                     bias_before_normalization, new_initializer())
        return keras.layers.ReLU(name=f"{name}_relu")(h)

    top_channels = width * 2**stages
    z = keras.Input((latent_dim,), name="z")
    h = keras.layers.Dense(
        base * base * top_channels,
        use_bias=bias_before_normalization,
        kernel_initializer=new_initializer(),
        name="project",
    )(z)
    h = _batch_norm("project_bn")(h)
    h = keras.layers.ReLU(name="project_relu")(h)
    h = keras.layers.Reshape((base, base, top_channels), name="reshape")(h)
    for i in range(stages):
        filters = width * 2 ** (stages - 1 - i)
        h = conv_bn_relu(h, keras.layers.Conv2DTranspose, filters, 4, 2, f"deconv{i}")
        if not remove_311:
            h = conv_bn_relu(h, keras.layers.Conv2D, filters, 3, 1, f"conv311_{i}")
    h = keras.layers.Conv2D(
        channels,
        3,
        strides=1,
        padding="same",
        kernel_initializer=new_initializer(),
        name="to_image",
    )(h)
    images = keras.layers.Activation("tanh", name="tanh")(h)
    return keras.Model(z, images, name=name)


def _discriminator(
    image_size,
    stages,
    channels,
    width,
    new_initializer,
    spectral_norm_compression,
    bias_before_normalization,
    name,
):
    def conv_bn_lrelu(h, filters, kernel_size, strides, layer_name):
        h = _conv_bn(h, keras.layers.Conv2D, filters, kernel_size, strides, layer_name,
                     bias_before_normalization, new_initializer())
        return keras.layers.LeakyReLU(0.2, name=f"{layer_name}_lrelu")(h)

    images = keras.Input((image_size, image_size, channels), name="images")
    # EDGAN §2.3 gives this layer as "conv 64 3 1 1 BN LReLU"; Radford et al.'s
    # DCGAN has no BN on the discriminator's input layer.
    h = conv_bn_lrelu(images, width, 3, 1, "conv_in")
    for i in range(stages):
        h = conv_bn_lrelu(h, width * 2**i, 4, 2, f"down{i}")
        h = conv_bn_lrelu(h, width * 2 ** (i + 1), 3, 1, f"conv{i}")
    final_size = image_size >> stages
    compression = keras.layers.Conv2D(
        1,
        final_size,
        padding="valid",
        use_bias=bias_before_normalization,
        kernel_initializer=new_initializer(),
        name="compress_conv" if spectral_norm_compression else "compress",
    )
    if spectral_norm_compression:
        compression = SpectralNorm(compression, name="compress")
    h = compression(h)
    logits = keras.layers.Flatten(name="logit")(h)
    return keras.Model(images, logits, name=name)


_SWITCHES = ("remove_311", "sn_in_penultimate")
register("dcgan")(image_networks(dcgan, "dcgan", switches=_SWITCHES))
register("optimized_dcgan")(image_networks(optimized_dcgan, "optimized_dcgan", switches=_SWITCHES))
