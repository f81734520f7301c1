"""Experience replay: the discriminator sees past generated samples again (the practical
guide of Garrido et al. 2019, §4.2)."""

import keras
from keras import ops

from keras_edgan import backend


def replay_buffer_size(dataset_size, batch_size):
    """The guide's sizing of the replay list from the dataset and minibatch sizes: one
    stored sample per minibatch of an epoch, hence one replay per epoch.

    The guide found a list as long as a minibatch harmful (small minibatches replay
    too often and collapsed earlier; large ones too rarely to matter) and recommends
    deriving its length from both sizes, "as representative of the dataset as
    possible while still controlling the discriminator's updates frequency".

    Example:
    >>> replay_buffer_size(50_000, 64)
    781
    """
    if dataset_size < 1 or batch_size < 1:
        raise ValueError(
            f"dataset_size and batch_size must be positive; got {dataset_size!r} and "
            f"{batch_size!r}."
        )
    return max(1, dataset_size // batch_size)


class ExperienceReplay(keras.layers.Layer):
    """A buffer of past generated samples, and the replay of its contents.

    Each discriminator update stores one of its generated samples, picked at random
    (the guide: "picking randomly an image for each batch"), in a ring of `size`
    slots. Each time `size` new samples have been stored, the guide makes a
    discriminator step on them; here that step is folded into the update at hand,
    so every update keeps the same shapes (and compiles once): the first half of
    its generated minibatch is replaced by samples drawn from the buffer (without
    replacement when it holds enough), the second half stays fresh, and that update
    does the work of both the regular and the replay step.

    The buffer is a non-trainable variable: saved with the model's weights and
    carried in the state of a jit-compiled step on every backend. Under
    tf.distribute every replica stores the first replica's pick, so the replicas
    hold one buffer (the one a checkpoint saves). With class labels
    (a conditional GAN), the labels of the stored samples are kept beside them.

    Example:
    ```python
    replay = ExperienceReplay(size=781, sample_shape=(32, 32, 3))
    fake, fake_labels = replay.replay(fake, None, seed=seed_generator)
    ```

    Args:
        size: the number of stored samples, which is also the number of updates
            between replays (`replay_buffer_size` gives the guide's choice).
        sample_shape: the shape of one generated sample.
        with_labels: also store the class labels of the samples.
    """

    def __init__(self, size, sample_shape, with_labels=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"The replay buffer size must be a positive integer; got {size!r}.")
        if any(d is None for d in sample_shape):
            raise ValueError(
                f"Experience replay stores generated samples in a buffer of fixed shape, "
                f"but the generator's sample shape {tuple(sample_shape)} is not fully "
                f"known. Build the generator with a fixed output shape."
            )
        self.size = size
        self.samples = self.add_weight(
            shape=(size, *sample_shape), initializer="zeros", trainable=False, name="samples"
        )
        self.labels = (
            self.add_weight(shape=(size,), initializer="zeros", dtype="int32",
                            trainable=False, name="labels")
            if with_labels else None
        )
        self.count = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False, name="count"
        )
        self.built = True

    def replay(self, fake, labels=None, seed=None):
        """Stores one random sample of `fake`; returns `(fake, labels)`, their first
        half replaced by stored samples if this is a replay update.

        Args:
            fake: a generated minibatch of static size m ≥ 2.
            labels: the class labels of `fake` (`with_labels=True`), else None.
            seed: a `keras.random.SeedGenerator` (the model's stream).
        """
        m = fake.shape[0]
        if m is None or m < 2:
            raise ValueError(
                f"Experience replay needs generated minibatches of a fixed size ≥ 2 (half "
                f"of one is replayed); got a minibatch of size {m}. Batch the dataset "
                f"with drop_remainder=True."
            )
        count = self.count.value
        pick = keras.random.randint((1,), 0, m, seed=seed)
        slot = ops.mod(count, self.size)
        start = [slot] + [0] * (len(fake.shape) - 1)
        sample = backend.from_first_replica(ops.take(fake, pick, axis=0))
        self.samples.assign(ops.slice_update(self.samples.value, start, sample))
        if self.labels is not None:
            picked = backend.from_first_replica(ops.take(labels, pick))
            self.labels.assign(ops.slice_update(self.labels.value, [slot], picked))
        count = count + 1
        self.count.assign(count)

        half = m // 2
        if self.size >= half:
            drawn = ops.argsort(keras.random.uniform((self.size,), seed=seed))[:half]
        else:
            drawn = keras.random.randint((half,), 0, self.size, seed=seed)
        is_replay = ops.equal(ops.mod(count, self.size), 0)
        fake = _replace_first(fake, ops.take(self.samples.value, drawn, axis=0), is_replay)
        if self.labels is not None:
            labels = _replace_first(labels, ops.take(self.labels.value, drawn), is_replay)
        return fake, labels


def _replace_first(batch, replayed, condition):
    """`batch` with its first rows replaced by `replayed` where `condition` holds."""
    mixed = ops.concatenate([ops.cast(replayed, batch.dtype), batch[replayed.shape[0]:]], axis=0)
    return ops.where(condition, mixed, batch)
