"""Generator and discriminator architectures of the source papers."""

from keras_edgan.architectures import registry
from keras_edgan.architectures.dcgan import dcgan, optimized_dcgan

__all__ = ["dcgan", "optimized_dcgan", "registry"]
