"""Callbacks for GAN training: sample grids, TensorBoard scalars, progress, checkpoints."""

from keras_edgan.callbacks.checkpoint import Checkpoint
from keras_edgan.callbacks.progress import Progress
from keras_edgan.callbacks.sample_grid import SampleGrid, image_grid
from keras_edgan.callbacks.scalars import Scalars

__all__ = ["Checkpoint", "Progress", "SampleGrid", "Scalars", "image_grid"]
