"""GAN models: one `keras.Model` subclass per GAN family, each with Algorithm 1's `train_step`."""

from keras_edgan.models import registry
from keras_edgan.models.edgan import EDGAN
from keras_edgan.models.gan import GAN
from keras_edgan.models.nsgan import NSGAN

__all__ = ["EDGAN", "GAN", "NSGAN", "registry"]
