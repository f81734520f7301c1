"""Layers of the source papers."""

from keras_edgan.layers.spectral_norm import SpectralNorm

__all__ = ["SpectralNorm"]
