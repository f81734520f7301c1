"""tf.data input pipelines for keras_edgan: image batches in [-1, 1], and the 2-D point
mixtures of GAN+VER (`pipelines.gmm`).

Example:

>>> import pipelines
>>> pipelines.DATASETS
('mnist5k', 'mnist', 'cifar10', 'svhn_cropped', 'stl10', 'celeb_a', 'lsun/bedroom', 'ring', 'grid')
>>> pipelines.info("cifar10").channels
3
>>> ds = pipelines.load("mnist5k", batch_size=64, seed=0)  # embedded: no files needed
>>> points = pipelines.load("ring", batch_size=64, seed=0)  # 2-D mixture of GAN+VER

TFDS datasets must be prepared offline first: see BUILD.md, "Preparing
datasets offline". Under `tfds.testing.mock_data` they need no files: `load`
then batches TFDS's fake examples.
"""

from pipelines.catalog import DATASETS, DatasetInfo, info
from pipelines.datasets import load
from pipelines.errors import DatasetNotPreparedError

__all__ = ["DATASETS", "DatasetInfo", "DatasetNotPreparedError", "info", "load"]
