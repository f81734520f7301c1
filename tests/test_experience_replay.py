"""Experience replay (the practical guide of Garrido et al. 2019, §4.2): buffer contents,
size and the cadence of replays."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import models, techniques


def test_buffer_size_is_one_sample_per_minibatch_of_an_epoch():
    assert techniques.replay_buffer_size(50_000, 64) == 781
    assert techniques.replay_buffer_size(5_000, 64) == 78
    assert techniques.replay_buffer_size(10, 64) == 1
    with pytest.raises(ValueError, match="must be positive"):
        techniques.replay_buffer_size(0, 64)


@pytest.mark.backends
def test_buffer_stores_one_sample_per_call_and_replays_every_size_calls():
    size, m = 3, 4
    replay = techniques.ExperienceReplay(size, (2,), with_labels=True)
    seed = keras.random.SeedGenerator(0)
    for i in range(1, 8):  # call i: a minibatch whose every value is i, labels 10·i
        fake = np.full((m, 2), float(i), "float32")
        labels = np.full((m,), 10 * i, "int32")
        out, out_labels = (ops.convert_to_numpy(t) for t in replay.replay(fake, labels, seed))

        assert int(replay.count) == i
        stored = ops.convert_to_numpy(replay.samples)
        np.testing.assert_array_equal(stored[(i - 1) % size], [i, i])  # ring slot of call i
        np.testing.assert_array_equal(ops.convert_to_numpy(replay.labels)[(i - 1) % size], 10 * i)
        np.testing.assert_array_equal(out[m // 2:], fake[m // 2:])  # second half: fresh
        np.testing.assert_array_equal(out_labels, 10 * out[:, 0].astype("int32"))
        if i % size == 0:  # replay: the first half drawn from the last `size` samples
            replayed = out[: m // 2, 0]
            assert set(replayed) <= set(range(i - size + 1, i + 1))
            assert len(set(replayed)) == m // 2  # without replacement
        else:
            np.testing.assert_array_equal(out, fake)


class MeanScores(models.GAN):
    """D's loss is the mean score of its generated minibatch, so it logs the mean of
    what D saw; G's loss −E[G(z)] raises G's bias by the learning rate each step."""

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return ops.mean(fake_logits) + 0.0 * ops.mean(real_logits)

    def generator_loss(self, fake_logits, real, fake, critic):
        return -ops.mean(fake), {}


def replay_gan(replay_buffer_size=2):
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([  # G(z) = its last bias, whatever z
        keras.Input((1,)),
        keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros", trainable=False),
        keras.layers.Dense(1, bias_initializer="zeros"),
    ])
    discriminator = keras.Sequential(
        [keras.Input((1,)), keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")]
    )
    gan = MeanScores(generator, discriminator, latent_dim=1,
                     replay_buffer_size=replay_buffer_size, seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(1.0))
    return gan


@pytest.mark.backends
def test_discriminator_updates_replay_past_samples_on_schedule():
    gan = replay_gan(replay_buffer_size=2)
    zeros = tf.data.Dataset.from_tensors(np.zeros((4, 1), "float32")).repeat()
    history = gan.fit(zeros, epochs=6, steps_per_epoch=1, verbose=0).history
    # At step s, G(z) = s. Replays at steps 1, 3, 5 (every 2 stored samples): half of the
    # minibatch is the stored {s − 1, s}, the other half fresh s.
    np.testing.assert_allclose(history["d_loss"], [0.0, 0.75, 2.0, 2.75, 4.0, 4.75], atol=1e-6)
    assert int(gan.replay.count) == 6
    np.testing.assert_allclose(ops.convert_to_numpy(gan.replay.samples)[:, 0], [4.0, 5.0])


def test_buffer_is_saved_and_restored_with_the_weights(tmp_path):
    gan = replay_gan(replay_buffer_size=3)
    zeros = tf.data.Dataset.from_tensors(np.zeros((4, 1), "float32")).repeat()
    gan.fit(zeros, epochs=1, steps_per_epoch=4, verbose=0)
    path = str(tmp_path / "gan.weights.h5")
    gan.save_weights(path)
    restored = replay_gan(replay_buffer_size=3)
    restored.load_weights(path)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(restored.replay.samples), ops.convert_to_numpy(gan.replay.samples)
    )
    assert int(restored.replay.count) == 4


def test_replay_needs_alternating_updates_and_a_fixed_minibatch():
    with pytest.raises(ValueError, match="merged_update=True .* replay_buffer_size"):
        generator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        discriminator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        models.NSGAN(generator, discriminator, latent_dim=1, replay_buffer_size=4,
                     merged_update=True)
    replay = techniques.ExperienceReplay(4, (2,))
    with pytest.raises(ValueError, match="fixed size ≥ 2"):
        replay.replay(np.zeros((1, 2), "float32"))
