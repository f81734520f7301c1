"""GAN models: one `keras.Model` subclass per GAN family, each with Algorithm 1's `train_step`."""

from keras_edgan.models import registry
from keras_edgan.models.bi_penalty import BiPenaltyGAN
from keras_edgan.models.c_transform_wgan import CTransformWGAN
from keras_edgan.models.edgan import EDGAN
from keras_edgan.models.fgan import FGAN
from keras_edgan.models.gan import GAN
from keras_edgan.models.gan_0gp import GAN0GP
from keras_edgan.models.gan_qp import GANQP
from keras_edgan.models.gn_gan import GNGAN
from keras_edgan.models.gran_gan import GraNGAN
from keras_edgan.models.hinge import HingeGAN
from keras_edgan.models.infogan import InfoGAN, information_head
from keras_edgan.models.js_penalty import JSPenaltyGAN
from keras_edgan.models.logistic import LogisticDiscriminatorLoss
from keras_edgan.models.lsgan import LSGAN
from keras_edgan.models.mmgan import MMGAN
from keras_edgan.models.nsgan import NSGAN
from keras_edgan.models.relativistic import RGAN, RaGAN
from keras_edgan.models.sagan import SAGAN
from keras_edgan.models.sngan import SNGAN
from keras_edgan.models.tempered import Tempered, residual_lens
from keras_edgan.models.training_options import TrainingOptions
from keras_edgan.models.ver import VER, mine_statistics_network
from keras_edgan.models.wgan import WGAN
from keras_edgan.models.wgan_div import WGANDiv
from keras_edgan.models.wgan_gp import WGANGP
from keras_edgan.models.wgan_ts import WGANTS
from keras_edgan.models.xicfg import XICFG

__all__ = [
    "BiPenaltyGAN", "CTransformWGAN", "EDGAN", "FGAN", "GAN", "GAN0GP", "GANQP", "GNGAN",
    "GraNGAN", "HingeGAN", "InfoGAN",
    "JSPenaltyGAN", "LogisticDiscriminatorLoss", "LSGAN", "MMGAN", "NSGAN", "RGAN", "RaGAN",
    "SAGAN", "SNGAN", "Tempered", "TrainingOptions", "VER", "WGAN", "WGANDiv", "WGANGP", "WGANTS",
    "XICFG",
    "information_head", "mine_statistics_network", "registry", "residual_lens",
]
