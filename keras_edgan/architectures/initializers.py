"""Kernel initializers for the layers of an architecture, one fresh copy per layer."""

import json

import keras


def initializer_factory(identifier):
    """A function returning a new kernel initializer for each layer that calls it.

    An unseeded Keras initializer instance draws the same values at every call, so
    each layer must get its own copy to get its own draw. `identifier` is anything
    `keras.initializers.get` accepts — a name ("orthogonal", "glorot_normal",
    "he_normal"), an instance, or a Keras config dict such as
    `{"class_name": "RandomNormal", "config": {"stddev": 0.02}}` (a TOML inline
    table in a config) — or that dict as a JSON string (a `train` flag).

    Example:
    >>> new = initializer_factory({"class_name": "RandomNormal", "config": {"stddev": 0.02}})
    >>> layer = keras.layers.Dense(8, kernel_initializer=new())
    """
    if isinstance(identifier, str) and identifier.lstrip().startswith("{"):
        try:
            identifier = json.loads(identifier)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"Initializer {identifier!r} is neither a Keras initializer name nor "
                f"valid JSON ({error}). Pass e.g. 'orthogonal' or "
                '\'{"class_name": "RandomNormal", "config": {"stddev": 0.02}}\'.'
            ) from None
    template = keras.initializers.get(identifier)

    def new_initializer():
        if isinstance(template, keras.initializers.Initializer):
            return template.__class__.from_config(template.get_config())
        return template

    return new_initializer


def network_initializers(initializer, generator_initializer=None, discriminator_initializer=None):
    """`(generator's, discriminator's)` initializer factories (`initializer_factory`):
    each network's own identifier where given, else the shared `initializer`."""
    def pick(own):
        return initializer_factory(initializer if own is None else own)

    return pick(generator_initializer), pick(discriminator_initializer)
