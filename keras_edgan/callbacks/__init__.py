"""Callbacks for GAN training: sample grids, TensorBoard scalars, progress, checkpoints,
the divergence guard, a clean stop on signals, the generator's condition number."""

from keras_edgan.callbacks.checkpoint import Checkpoint, CheckpointError
from keras_edgan.callbacks.condition_number import ConditionNumber
from keras_edgan.callbacks.divergence_guard import DivergenceGuard, TrainingDiverged
from keras_edgan.callbacks.gmm_scores import GMMScores
from keras_edgan.callbacks.interruption import StopOnSignal, TrainingInterrupted
from keras_edgan.callbacks.progress import Progress
from keras_edgan.callbacks.sample_grid import SampleGrid, image_grid
from keras_edgan.callbacks.scalars import Scalars
from keras_edgan.callbacks.scatter_plot import ScatterPlot, scatter_image

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "ConditionNumber",
    "DivergenceGuard",
    "GMMScores",
    "Progress",
    "SampleGrid",
    "Scalars",
    "ScatterPlot",
    "StopOnSignal",
    "TrainingDiverged",
    "TrainingInterrupted",
    "image_grid",
    "scatter_image",
]

from keras_edgan.callbacks.evaluation import FID
from keras_edgan.callbacks.hyperparameters import Hyperparameters

__all__ += ["FID", "Hyperparameters"]
