"""Checkpoints hold the whole training state: resuming equals training straight through."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import architectures, callbacks, models, optimizers

pytestmark = pytest.mark.backends

N = 3  # generator steps before and after the checkpoint


def make_gan():
    keras.utils.set_random_seed(0)
    generator, discriminator = architectures.optimized_dcgan(
        image_size=28, channels=1, latent_dim=8, width=4
    )
    gan = models.EDGAN(generator, discriminator, latent_dim=8, d_steps=2, seed=1)
    gan.compile(d_optimizer=optimizers.OAdam(1e-3), g_optimizer=optimizers.OAdam(1e-3))
    return gan


def batches(start, stop):
    images = np.random.default_rng(0).uniform(-1, 1, (2 * N * 16, 28, 28, 1)).astype("float32")
    return tf.data.Dataset.from_tensor_slices(images).batch(16).skip(start).take(stop - start)


def weights(gan):
    return [ops.convert_to_numpy(v) for v in gan.variables + gan.optimizer.variables]


def test_resume_from_checkpoint_equals_training_straight_through(tmp_path):
    straight = make_gan()
    straight.fit(batches(0, 2 * N), epochs=1, verbose=0)

    first = make_gan()
    checkpoint = callbacks.Checkpoint(str(tmp_path))
    first.fit(batches(0, N), epochs=1, verbose=0, callbacks=[checkpoint])
    path = os.path.join(tmp_path, "checkpoints", f"ckpt-{N:07d}.weights.h5")
    resumed = make_gan()  # a new process would build the same model from its config
    resumed.load_weights(path)
    resumed.fit(batches(N, 2 * N), epochs=1, verbose=0)

    assert int(resumed.g_optimizer.iterations) == 2 * N
    # Same operations on the same numbers: equal to float32 round-off of reloading.
    for a, b in zip(weights(straight), weights(resumed)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_checkpoint_writes_atomically_and_keeps_the_newest(tmp_path):
    gan = make_gan()
    checkpoint = callbacks.Checkpoint(str(tmp_path), keep=2)
    gan.fit(batches(0, 2 * N).repeat(), steps_per_epoch=1, epochs=4, verbose=0,
            callbacks=[checkpoint])
    names = sorted(os.listdir(os.path.join(tmp_path, "checkpoints")))
    assert names == ["ckpt-0000003.weights.h5", "ckpt-0000004.weights.h5"]  # no .tmp left
    restored = make_gan()
    restored.load_weights(os.path.join(tmp_path, "checkpoints", names[-1]))
    for a, b in zip(weights(gan), weights(restored)):
        np.testing.assert_array_equal(a, b)
