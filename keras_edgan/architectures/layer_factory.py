"""Builds the weighted layers of an architecture: each with its own initializer copy,
optionally spectrally normalized."""

from keras_edgan.layers import SpectralNorm


def layer_factory(new_initializer, spectral_norm):
    """Returns `layer(cls, *args, name=..., **kwargs)`, which makes a `cls` layer
    (Dense, Conv2D, Conv2DTranspose) with `kernel_initializer=new_initializer()`,
    wrapped in `SpectralNorm` under `name` when `spectral_norm` is on (the inner
    layer is then named `name + "_sn"`).

    Example:
    >>> layer = layer_factory(initializer_factory("orthogonal"), spectral_norm=True)
    >>> conv = layer(keras.layers.Conv2D, 64, 3, padding="same", name="conv0")
    """

    def layer(cls, *args, name, **kwargs):
        inner = cls(
            *args,
            kernel_initializer=new_initializer(),
            name=f"{name}_sn" if spectral_norm else name,
            **kwargs,
        )
        return SpectralNorm(inner, name=name) if spectral_norm else inner

    return layer
