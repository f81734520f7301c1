"""The architectures `train --architecture=NAME` builds.

An architecture file registers `factory(config, data) -> (generator, discriminator)`;
`config` is the dict of `keras_edgan.cli.config`, `data` the `pipelines.DatasetInfo`
of the training data.
"""

from keras_edgan.utils.registry import Registry

ARCHITECTURES = Registry("architecture")
register = ARCHITECTURES.register
