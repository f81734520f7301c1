"""Data-parallel training on each backend's own engine.

TensorFlow: `tf.distribute.MirroredStrategy` over the local devices, or
`MultiWorkerMirroredStrategy` when `TF_CONFIG` names a cluster. JAX:
`keras.distribution.DataParallel` (several hosts: call `jax.distributed.initialize()`
first). PyTorch: not supported by Keras' `fit` (see `backend.torch.data_parallel`).
"""

import contextlib
import dataclasses

import keras

from keras_edgan import backend


@dataclasses.dataclass(frozen=True)
class Replicas:
    """The replicas of a data-parallel run.

    Attributes:
        count: the number of replicas; each batch is the global batch, split
            evenly over them.
        engine: what runs them, in words, e.g. "tf.distribute.MirroredStrategy
            over /cpu:0, /cpu:1".
    """

    count: int
    engine: str


@contextlib.contextmanager
def data_parallel(devices=None):
    """A context in which models are built and trained data-parallel.

    Each replica holds a copy of both networks and trains on its share of every
    batch; the updates follow the mean gradient of the whole (global) batch, as on
    one device, and no two replicas draw the same random numbers (noise, instance
    noise, replay sampling). What differs from one device:

    - BatchNormalization normalizes with each replica's own statistics on
      TensorFlow unless `synchronize_batch_norm` is applied; under JAX it always
      uses the global batch's (the step is one program over sharded arrays).
    - With `d_steps` > 1 on TensorFlow, replica r's share of a batch is split into
      the discriminator's minibatches, so discriminator update k trains on the k-th
      part of every replica's share rather than on the k-th part of the batch: the
      same images in another grouping (the batch is shuffled data). Under JAX the
      step splits the global batch, as one device does.
    - On TensorFlow each replica draws its own random numbers, so a run's noise
      depends on the number of replicas; under JAX the step draws the global
      batch's noise once and shards it, so the run is the one-device run.

    Example:

    >>> with distribution.data_parallel(devices=2) as replicas:
    ...     gan = models.EDGAN(generator, discriminator, latent_dim=128)
    ...     gan.compile(optimizers.OAdam(1e-4), optimizers.OAdam(4e-4))
    ...     gan.fit(dataset)   # batches of the global batch size
    >>> replicas.count
    2

    Args:
        devices: how many local devices to use (default: all). On a CPU-only
            TensorFlow, the CPU is split into this many logical devices, which
            must happen before TensorFlow starts (before any model or tensor).
            On JAX, CPU devices come from
            `XLA_FLAGS=--xla_force_host_platform_device_count=N`.

    Yields:
        `Replicas`: their number and engine.

    Raises:
        ValueError: fewer devices than asked for, or a backend without data
            parallelism in `fit` (PyTorch); the message says what to do.
    """
    scope, replicas = backend.data_parallel(devices)
    with scope:
        yield replicas


def synchronize_batch_norm(model):
    """Makes every BatchNormalization layer of `model` normalize with the statistics
    of the global batch under `data_parallel` on TensorFlow (an all-reduce per layer
    and step), instead of each replica's own. Under JAX they already are; on one
    device nothing changes. Returns the number of layers changed.
    """
    layers = [layer for layer in model._flatten_layers()
              if isinstance(layer, keras.layers.BatchNormalization)]
    if keras.backend.backend() == "tensorflow":
        for layer in layers:
            layer.synchronized = True
    return len(layers)
