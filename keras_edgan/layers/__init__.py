"""Layers of the source papers."""

from keras_edgan.layers.class_conditional import ClassProjection, ConditionalBatchNormalization
from keras_edgan.layers.linear_maxout import LinearMaxout
from keras_edgan.layers.minibatch_discrimination import MinibatchDiscrimination
from keras_edgan.layers.reference_batch import ReferenceBatch
from keras_edgan.layers.reference_batch_normalization import ReferenceBatchNormalization
from keras_edgan.layers.self_attention import SelfAttention
from keras_edgan.layers.spectral_norm import SpectralNorm
from keras_edgan.layers.virtual_batch_normalization import VirtualBatchNormalization

__all__ = [
    "ClassProjection",
    "ConditionalBatchNormalization",
    "LinearMaxout",
    "MinibatchDiscrimination",
    "ReferenceBatch",
    "ReferenceBatchNormalization",
    "SelfAttention",
    "SpectralNorm",
    "VirtualBatchNormalization",
]
