"""The networks of GAN+VER's experiments (Khorramshahi et al. 2020, §IV-C), which
"follow the architectures employed in" PacGAN (Lin, Khetan, Fanti and Oh 2018)."""

import keras

from keras_edgan.architectures import registry
from keras_edgan.layers import LinearMaxout

# VER §IV-C: "All the networks are initialized with Kaiming method".
_INITIALIZER = "he_normal"


def pacgan_mlp(
    data_dim=2,
    latent_dim=2,
    generator_units=400,
    generator_layers=4,
    discriminator_units=200,
    discriminator_layers=3,
    pieces=5,
    initializer=_INITIALIZER,
):
    """The generator and discriminator of PacGAN's 2-D mixture experiments (§5.1).

    - generator: z → `generator_layers` × [Dense(`generator_units`) → BN → ReLU]
      → Dense(`data_dim`), a linear output (the data are unbounded points);
    - discriminator: x → `discriminator_layers` × LinearMaxout(`discriminator_units`,
      `pieces`) → Dense(1), one logit (or critic score) per point, without
      normalization, so it also serves as a WGAN-GP critic.

    Defaults are the paper's: 4 × 400 and 3 × 200 with 5 maxout pieces, z ~ N(0, I₂)
    of 2 dimensions as in PacGAN's code, Kaiming (He normal) initialization as in
    VER. Layers followed by BatchNormalization have no bias; BatchNormalization
    uses PyTorch's defaults (Keras momentum 0.9, epsilon 1e-5).

    Example:
    ```python
    generator, discriminator = pacgan_mlp(latent_dim=2)
    points = generator(keras.random.normal((64, 2)))   # (64, 2)
    logits = discriminator(points)                      # (64, 1)
    ```

    Args:
        data_dim: coordinates per point.
        latent_dim: size of z.
        generator_units, generator_layers: width and depth of the generator.
        discriminator_units, discriminator_layers: width and depth of the
            discriminator.
        pieces: affine pieces per maxout unit.
        initializer: kernel initializer of every layer, any `keras.initializers.get`
            identifier, copied per layer.

    Returns:
        `(generator, discriminator)`, two functional `keras.Model`s.
    """
    z = keras.Input((latent_dim,), name="z")
    h = z
    for i in range(generator_layers):
        h = keras.layers.Dense(
            generator_units, use_bias=False, kernel_initializer=_copy(initializer), name=f"dense{i}"
        )(h)
        h = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=f"dense{i}_bn")(h)
        h = keras.layers.ReLU(name=f"dense{i}_relu")(h)
    points = keras.layers.Dense(data_dim, kernel_initializer=_copy(initializer), name="points")(h)
    generator = keras.Model(z, points, name="pacgan_mlp_generator")

    x = keras.Input((data_dim,), name="points")
    h = x
    for i in range(discriminator_layers):
        h = LinearMaxout(
            discriminator_units, pieces, kernel_initializer=_copy(initializer), name=f"maxout{i}"
        )(h)
    logits = keras.layers.Dense(1, kernel_initializer=_copy(initializer), name="logit")(h)
    discriminator = keras.Model(x, logits, name="pacgan_mlp_discriminator")
    return generator, discriminator


def pacgan_mnist(latent_dim=100, width=64, initializer=_INITIALIZER):
    """A DCGAN pair for 28×28×1 digits in [-1, 1], after PacGAN's MNIST experiments.

    PacGAN's (stacked) MNIST networks are the DCGAN of Radford et al. with 5×5
    kernels; for 28×28 digits they shrink to two stride-2 stages:

    - generator: z → Dense(7·7·2c) → BN → ReLU → ConvT(c, 5, 2) → BN → ReLU →
      ConvT(1, 5, 2) → tanh;
    - discriminator: Conv(c, 5, 2) → LeakyReLU(0.2) → Conv(2c, 5, 2) →
      LeakyReLU(0.2) → Dense(1). It has no BatchNormalization, like the MNIST critic
      of WGAN-GP (Gulrajani et al. 2017), so one pair serves every model of VER's
      Table III, WGAN-GP included.

    Example:
    ```python
    generator, discriminator = pacgan_mnist(latent_dim=100, width=64)
    digits = generator(keras.random.normal((16, 100)))  # (16, 28, 28, 1)
    ```

    Args:
        latent_dim: size of z.
        width: c, the channels of the discriminator's first layer.
        initializer: kernel initializer of every layer (VER: Kaiming), copied per
            layer.

    Returns:
        `(generator, discriminator)`, two functional `keras.Model`s.
    """
    z = keras.Input((latent_dim,), name="z")
    h = keras.layers.Dense(
        7 * 7 * 2 * width, use_bias=False, kernel_initializer=_copy(initializer), name="project"
    )(z)
    h = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name="project_bn")(h)
    h = keras.layers.ReLU(name="project_relu")(h)
    h = keras.layers.Reshape((7, 7, 2 * width), name="reshape")(h)
    h = keras.layers.Conv2DTranspose(
        width, 5, strides=2, padding="same", use_bias=False,
        kernel_initializer=_copy(initializer), name="deconv0",
    )(h)
    h = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name="deconv0_bn")(h)
    h = keras.layers.ReLU(name="deconv0_relu")(h)
    h = keras.layers.Conv2DTranspose(
        1, 5, strides=2, padding="same", kernel_initializer=_copy(initializer), name="deconv1"
    )(h)
    digits = keras.layers.Activation("tanh", name="tanh")(h)
    generator = keras.Model(z, digits, name="pacgan_mnist_generator")

    images = keras.Input((28, 28, 1), name="images")
    h = images
    for i, filters in enumerate((width, 2 * width)):
        h = keras.layers.Conv2D(
            filters, 5, strides=2, padding="same", kernel_initializer=_copy(initializer),
            name=f"conv{i}",
        )(h)
        h = keras.layers.LeakyReLU(0.2, name=f"conv{i}_lrelu")(h)
    h = keras.layers.Flatten(name="flatten")(h)
    logits = keras.layers.Dense(1, kernel_initializer=_copy(initializer), name="logit")(h)
    discriminator = keras.Model(images, logits, name="pacgan_mnist_discriminator")
    return generator, discriminator


def _copy(initializer):
    """A fresh initializer per layer: an unseeded Keras initializer instance draws the
    same values at every call."""
    template = keras.initializers.get(initializer)
    if isinstance(template, keras.initializers.Initializer):
        return template.__class__.from_config(template.get_config())
    return template


@registry.register("pacgan_mlp")
def _pacgan_mlp_from_config(config, data):
    if data.point_dim is None:
        raise ValueError(
            f"The pacgan_mlp architecture generates points, but dataset {data.name!r} "
            f"holds images. Use it with a point dataset (ring, grid), or pick an image "
            f"architecture (pacgan_mnist, optimized_dcgan)."
        )
    return pacgan_mlp(
        data_dim=data.point_dim,
        latent_dim=config["latent_dim"],
        initializer=config["initializer"] or _INITIALIZER,
    )


@registry.register("pacgan_mnist")
def _pacgan_mnist_from_config(config, data):
    size = config["image_size"] or data.default_size
    if data.channels != 1 or size != 28:
        raise ValueError(
            f"The pacgan_mnist architecture generates 28×28 grey digits, but dataset "
            f"{data.name!r} gives {size}×{size}×{data.channels} "
            f"{'images' if data.point_dim is None else 'points'}. Use it with mnist5k or "
            f"mnist at image_size 28."
        )
    return pacgan_mnist(
        latent_dim=config["latent_dim"],
        width=config["width"],
        initializer=config["initializer"] or _INITIALIZER,
    )
