"""WGAN's critic schedule (Arjovsky et al.'s code; the practical guide, §5.3): 100 critic
updates before the first N generator updates and every 500th, d_steps otherwise."""

import functools
import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import models, techniques


def arjovsky_diters(gen_iterations, warmup, d_steps):
    """Arjovsky et al.'s main.py: `if gen_iterations < 25 or gen_iterations % 500 == 0:
    Diters = 100 else: Diters = opt.Diters`, with 25 as a parameter."""
    if gen_iterations < warmup or gen_iterations % 500 == 0:
        return 100
    return d_steps


@pytest.mark.parametrize("warmup, d_steps", [(25, 5), (100, 5), (0, 1)])
def test_schedule_is_arjovsky_et_al(warmup, d_steps):
    t = np.arange(2001)
    got = ops.convert_to_numpy(techniques.critic_steps(t, warmup, d_steps))
    np.testing.assert_array_equal(got, [arjovsky_diters(i, warmup, d_steps) for i in t])


@pytest.mark.backends
def test_commit_if_keeps_or_restores_the_variables():
    variables = [
        keras.Variable(np.ones(3, "float32")), keras.Variable(5, dtype="int32", trainable=False)
    ]

    def update():
        variables[0].assign(variables[0].value * 2.0)
        variables[1].assign(variables[1].value + 1)
        return 7

    assert techniques.commit_if(ops.convert_to_tensor(False), variables, update) == 7
    np.testing.assert_array_equal(ops.convert_to_numpy(variables[0]), np.ones(3))
    assert int(ops.convert_to_numpy(variables[1])) == 5
    techniques.commit_if(ops.convert_to_tensor(True), variables, update)
    np.testing.assert_array_equal(ops.convert_to_numpy(variables[0]), 2 * np.ones(3))
    assert int(ops.convert_to_numpy(variables[1])) == 6


class Counts(keras.callbacks.Callback):
    """After every training step: critic and generator updates so far, G's weights."""

    def __init__(self):
        super().__init__()
        self.rows = []

    def on_train_batch_end(self, batch, logs=None):
        self.rows.append((
            int(self.model.d_optimizer.iterations),
            int(self.model.g_optimizer.iterations),
            [ops.convert_to_numpy(v).copy() for v in self.model.generator.trainable_variables],
        ))


@pytest.mark.backends
def test_critic_updates_between_generator_updates_follow_the_schedule():
    warmup, d_steps = 2, 3
    keras.utils.set_random_seed(0)
    generator = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(4), keras.layers.BatchNormalization()]
    )
    discriminator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    gan = models.WGAN(generator, discriminator, latent_dim=2, d_steps=d_steps,
                      critic_schedule=warmup, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    assert gan.minibatches_per_step == 1
    expected = [100, 100, 3, 3, 3]  # n_critic(t) for t = 0 … 4
    counts = Counts()
    real = tf.data.Dataset.from_tensors(
        np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    ).repeat()
    history = gan.fit(real, epochs=1, steps_per_epoch=sum(expected) + 1, verbose=0,
                      callbacks=[counts]).history

    critic, gen, weights = zip(*counts.rows)
    assert list(critic) == list(range(1, len(critic) + 1))  # one critic update per step
    commits = [i for i in range(len(gen)) if gen[i] != (gen[i - 1] if i else 0)]
    assert np.diff([-1] + commits).tolist() == expected  # critic updates before each commit
    assert gen[-1] == len(expected)
    for i in range(1, len(weights)):  # G (its BatchNorm statistics too) moves only on commits
        changed = any(not np.array_equal(a, b) for a, b in zip(weights[i], weights[i - 1]))
        assert changed == (i in commits)
    g_vars = generator.non_trainable_variables
    assert all(np.isfinite(ops.convert_to_numpy(v)).all() for v in g_vars)
    assert np.isfinite(history["g_loss"][0]) and np.isfinite(history["d_loss"][0])


class NoGeneratorUpdate(models.WGAN):
    def generator_update(self, real, labels):
        return ops.convert_to_tensor(0.0), {}


def scheduled_wgan(cls):
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([  # G(z) is the same for every z: noise draws don't matter
        keras.Input((2,)), keras.layers.Dense(4, kernel_initializer="zeros"),
        keras.layers.BatchNormalization(),
    ])
    # The two models' critics see the same numbers but run in different graphs, so
    # they agree to float32 summation order only. An adaptive optimizer (Adam,
    # RMSprop) divides each gradient by its own magnitude and turns such round-off,
    # on weights whose gradient is near 0, into learning-rate-sized steps of either
    # sign: over 99 updates one weight drifted 1 % (a CI run). Plain SGD keeps the
    # round-off at its own size. No parameter has a Wasserstein gradient of exactly
    # 0 either (an output bias, a bias or offset before BatchNormalization).
    discriminator = keras.Sequential([
        keras.Input((4,)), keras.layers.Dense(3, use_bias=False),
        keras.layers.BatchNormalization(center=False), keras.layers.Dense(1, use_bias=False),
    ])
    gan = cls(generator, discriminator, latent_dim=2, critic_schedule=0, historical_averaging=0.1)
    gan.compile(d_optimizer=keras.optimizers.SGD(1e-2), g_optimizer=keras.optimizers.Adam(1e-3))
    return gan


def test_discarded_generator_updates_leave_no_trace():
    """Until its first commit, a scheduled GAN is in the state of one that never made a
    generator update: weights, both networks' statistics, optimizer state, averages."""
    real = tf.data.Dataset.from_tensors(
        np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    ).repeat()
    gan, reference = scheduled_wgan(models.WGAN), scheduled_wgan(NoGeneratorUpdate)
    for model in (gan, reference):
        model.fit(real, epochs=1, steps_per_epoch=99, verbose=0)  # t = 0 needs 100
    assert int(gan.d_optimizer.iterations) == 99 and int(gan.critic_updates) == 99
    assert (gan.generator_step, gan.training_steps) == (0, 99)
    seed_state = gan.seed_generator.state
    # What a generator update writes is restored exactly. The critic's own updates
    # agree to float32 summation order only: the two models run different graphs,
    # whose independent ops TensorFlow schedules in parallel (see scheduled_wgan).
    exact = {id(v) for v in gan.generator.variables + gan.g_optimizer.variables
             + gan.generator_average.variables}
    for a, b in zip(gan.variables + gan.optimizer.variables,
                    reference.variables + reference.optimizer.variables):
        if a is seed_state:
            continue
        check = np.testing.assert_array_equal if id(a) in exact else functools.partial(
            np.testing.assert_allclose, rtol=1e-4, atol=1e-7
        )
        check(ops.convert_to_numpy(a), ops.convert_to_numpy(b), err_msg=a.path)
    gan.fit(real, epochs=1, steps_per_epoch=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 1 and int(gan.critic_updates) == 0
    assert (gan.generator_step, gan.training_steps) == (1, 100)


def test_schedule_needs_alternating_updates():
    generator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    discriminator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="merged_update=True .* critic_schedule"):
        models.WGAN(generator, discriminator, latent_dim=1, d_steps=1, critic_schedule=25,
                    merged_update=True)
    with pytest.raises(ValueError, match="critic_schedule must be a non-negative integer"):
        models.WGAN(generator, discriminator, latent_dim=1, critic_schedule=-1)
