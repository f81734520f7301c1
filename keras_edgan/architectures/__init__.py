"""Generator and discriminator architectures of the source papers."""

from keras_edgan.architectures import registry
from keras_edgan.architectures.dcgan import dcgan, optimized_dcgan
from keras_edgan.architectures.guide import (
    guide_dcgan,
    guide_dcgan_minibatch,
    guide_dcgan_rbn,
    guide_dcgan_vbn,
    guide_gan,
)
from keras_edgan.architectures.pacgan import pacgan_mlp, pacgan_mnist
from keras_edgan.architectures.sagan import sagan
from keras_edgan.architectures.sngan import sngan_cnn, sngan_resnet
from keras_edgan.architectures.wgan_layernorm import wgan_layernorm

__all__ = [
    "dcgan", "guide_dcgan", "guide_dcgan_minibatch", "guide_dcgan_rbn", "guide_dcgan_vbn",
    "guide_gan",
    "optimized_dcgan", "pacgan_mlp", "pacgan_mnist", "registry", "sagan", "sngan_cnn",
    "sngan_resnet", "wgan_layernorm",
]
