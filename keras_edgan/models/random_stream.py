"""The seeded random stream of a model, saved and restored with its weights."""

import keras
from keras import ops

from keras_edgan import backend


class RandomStream(keras.layers.Layer):
    """A `keras.random.SeedGenerator` whose state is part of the owner's checkpoint.

    Keras does not save seed-generator states with `save_weights`, so a resumed run
    would draw different noise from the run it continues. As a layer of the model,
    this stream is saved and loaded with it. Under data parallelism every replica
    draws its own numbers (`backend.replica_seed`).

    Example:
    ```python
    stream = RandomStream(seed=0)
    z = keras.random.normal((64, 128), seed=stream.seed_generator)
    ```
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = ReplicaSeedGenerator(seed)
        self.built = True

    def save_own_variables(self, store):
        store["state"] = ops.convert_to_numpy(self.seed_generator.state)

    def load_own_variables(self, store):
        self.seed_generator.state.assign(store["state"][...])


class ReplicaSeedGenerator(keras.random.SeedGenerator):
    """A `keras.random.SeedGenerator` whose seeds differ between data-parallel replicas."""

    def next(self, ordered=True):
        return backend.replica_seed(super().next(ordered))
