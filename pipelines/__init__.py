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

Only `load` needs TensorFlow, and imports it when first used: the catalog (`info`,
`DATASETS`) and the mixtures' arrays (`pipelines.gmm`) serve JAX and PyTorch users
without it.
"""

from pipelines.catalog import DATASETS, DatasetInfo, info
from pipelines.errors import DatasetNotPreparedError


def __getattr__(name):
    if name == "load":
        from pipelines.datasets import load

        return load
    raise AttributeError(f"module 'pipelines' has no attribute {name!r}")

__all__ = ["DATASETS", "DatasetInfo", "DatasetNotPreparedError", "info", "load"]
