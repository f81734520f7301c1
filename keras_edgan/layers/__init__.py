"""Layers of the source papers."""

from keras_edgan.layers.linear_maxout import LinearMaxout
from keras_edgan.layers.self_attention import SelfAttention
from keras_edgan.layers.spectral_norm import SpectralNorm

__all__ = ["LinearMaxout", "SelfAttention", "SpectralNorm"]
