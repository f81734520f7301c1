"""The architectures `train --architecture=NAME` builds.

An architecture file registers `factory(config, data) -> (generator, discriminator)`;
`config` is the dict of `keras_edgan.cli.config`, `data` the `pipelines.DatasetInfo`
of the training data. An architecture registered with `register_conditional` also
builds class-conditional networks (generator `[z, y]`, discriminator `[x, y]`) when
`config["num_classes"]` is set.
"""

from keras_edgan.utils.registry import Registry

ARCHITECTURES = Registry("architecture")
register = ARCHITECTURES.register

CONDITIONAL = set()
"""Names of the architectures registered with `register_conditional`."""


def register_conditional(name):
    """Decorator: registers an architecture that takes `config["num_classes"]`."""
    CONDITIONAL.add(name)
    return register(name)
