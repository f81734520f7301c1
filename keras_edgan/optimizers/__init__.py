"""Optimizers of the source papers."""

from keras_edgan.optimizers.oadam import OAdam

__all__ = ["OAdam"]
