"""The generator's exponential moving average (`ema`, `ema_start`): its weights
against a numpy EMA of the trained generator's, the generator that samples, and what
`train` saves."""

import json
import os

import keras
import numpy as np
import pytest
from keras import ops

from keras_edgan import models
from keras_edgan.cli import config as config_lib
from keras_edgan.cli.build import build_gan
from keras_edgan.cli.saved_generator import load_generator
from keras_edgan.cli.train import train
from keras_edgan.models import TrainingOptions
from keras_edgan.techniques.generator_ema import GeneratorEMA


def networks():
    generator = keras.Sequential([
        keras.Input((3,)), keras.layers.Dense(5), keras.layers.BatchNormalization(),
        keras.layers.Activation("tanh"), keras.layers.Dense(2),
    ])
    discriminator = keras.Sequential([
        keras.Input((2,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1),
    ])
    return generator, discriminator


def numpy_weights(network):
    return [ops.convert_to_numpy(v).copy() for v in network.weights]


class RecordGenerator(keras.callbacks.Callback):
    """The trained generator's weights after each epoch (one training step each)."""

    def __init__(self):
        super().__init__()
        self.history = []

    def on_epoch_end(self, epoch, logs=None):
        self.history.append(numpy_weights(self.model.generator))


@pytest.mark.backends
@pytest.mark.parametrize("merged_update", [False, True])
def test_the_average_follows_a_numpy_ema_of_the_trained_weights(merged_update):
    """θ̄ copies θ for t ≤ start, then θ̄ ← β·θ̄ + (1 − β)·θ after each update; the
    BatchNormalization statistics (non-trainable) are copied."""
    keras.utils.set_random_seed(0)
    decay, start, steps = 0.7, 2, 6
    gan = models.NSGAN(*networks(), latent_dim=3, seed=0, ema=decay, ema_start=start,
                       merged_update=merged_update)
    gan.compile(d_optimizer=keras.optimizers.Adam(0.05), g_optimizer=keras.optimizers.Adam(0.05))
    initial = numpy_weights(gan.generator)
    np.testing.assert_array_equal(np.concatenate([w.ravel() for w in initial]), np.concatenate(
        [w.ravel() for w in numpy_weights(gan.sampling_generator)]))
    record = RecordGenerator()
    data = np.random.default_rng(0).normal(size=(steps * 8, 2)).astype("float32")
    gan.fit(data, batch_size=8, epochs=steps, steps_per_epoch=1, shuffle=False, verbose=0,
            callbacks=[record])

    trainable = [v.trainable for v in gan.generator.weights]
    expected = initial
    for t, weights in enumerate(record.history, start=1):
        beta = decay if t > start else 0.0
        expected = [beta * e + (1 - beta) * w if is_trainable else w
                    for e, w, is_trainable in zip(expected, weights, trainable)]
    assert int(gan.generator_step) == steps
    for e, got in zip(expected, numpy_weights(gan.sampling_generator)):
        np.testing.assert_allclose(got, e, rtol=1e-5, atol=1e-6)
    # The average lags the trained generator: it is not a copy of it.
    assert not all(np.allclose(a, b) for a, b in
                   zip(numpy_weights(gan.generator), numpy_weights(gan.sampling_generator)))


@pytest.mark.backends
def test_a_discarded_update_leaves_the_average_alone():
    """The critic schedule's discarded generator updates (commit False) are not
    averaged in; a committed one is."""
    keras.utils.set_random_seed(0)
    generator, _ = networks()
    ema = GeneratorEMA(generator, decay=0.5)
    moved = [w + 1.0 for w in numpy_weights(generator)]
    generator.set_weights(moved)
    before = numpy_weights(ema.network)
    ema.update(generator, ops.convert_to_tensor(1), commit=ops.convert_to_tensor(False))
    for a, b in zip(before, numpy_weights(ema.network)):
        np.testing.assert_array_equal(a, b)
    ema.update(generator, ops.convert_to_tensor(1), commit=ops.convert_to_tensor(True))
    for weight, old, new, got in zip(generator.weights, before, moved,
                                     numpy_weights(ema.network)):
        want = 0.5 * old + 0.5 * new if weight.trainable else new
        np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.backends
def test_generate_and_the_sampling_generator_use_the_average():
    keras.utils.set_random_seed(0)
    gan = models.NSGAN(*networks(), latent_dim=3, seed=0, ema=0.9)
    gan.compile(d_optimizer=keras.optimizers.Adam(0.05), g_optimizer=keras.optimizers.Adam(0.05))
    gan.fit(np.ones((32, 2), "float32"), batch_size=8, epochs=1, verbose=0)
    assert gan.sampling_generator is gan.generator_ema.network
    z = gan.numpy_noise(4, np.random.default_rng(3))
    average = ops.convert_to_numpy(gan.sampling_generator(z, training=False))
    raw = ops.convert_to_numpy(gan.generator(z, training=False))
    np.testing.assert_allclose(gan.generate(4, seed=3), average, rtol=1e-5, atol=1e-6)
    assert not np.allclose(average, raw)
    plain = models.NSGAN(*networks(), latent_dim=3)
    assert plain.generator_ema is None and plain.sampling_generator is plain.generator


def test_bad_values_are_refused():
    with pytest.raises(ValueError, match="ema .* must be below 1"):
        TrainingOptions(ema=1.0)
    with pytest.raises(ValueError, match="ema must be a non-negative number"):
        TrainingOptions(ema=-0.5)
    with pytest.raises(ValueError, match="ema_start must be a non-negative integer"):
        TrainingOptions(ema=0.9, ema_start=1.5)


@pytest.mark.slow
def test_train_saves_the_average_as_the_generator_and_keeps_the_trained_one(tmp_path):
    """`generator.keras`, what `evaluate` and `generate` load from the run directory
    and from a checkpoint, is the average; `generator_raw.keras` the trained one."""
    logdir = str(tmp_path / "run")
    config = config_lib.load(None, dict(
        model="nsgan", width=4, latent_dim=8, steps=6, batch_size=8, log_every=3,
        checkpoint_every=6, sample_every=6, eval_every=0, ema=0.8, ema_start=1,
    ))
    gan = train(config, logdir)
    with open(os.path.join(logdir, "config.json")) as file:
        assert json.load(file)["ema"] == 0.8

    z = np.random.default_rng(0).normal(size=(5, gan.latent_dim)).astype("float32")

    def outputs(network):
        return ops.convert_to_numpy(network(z, training=False))
    saved = keras.saving.load_model(os.path.join(logdir, "generator.keras"), compile=False)
    raw = keras.saving.load_model(os.path.join(logdir, "generator_raw.keras"), compile=False)
    np.testing.assert_allclose(outputs(saved), outputs(gan.sampling_generator), rtol=1e-5)
    np.testing.assert_allclose(outputs(raw), outputs(gan.generator), rtol=1e-5)
    assert not np.allclose(outputs(saved), outputs(raw))
    for source in (logdir, os.path.join(logdir, "generator.keras")):
        loaded = load_generator(source)[0]
        np.testing.assert_allclose(outputs(loaded), outputs(saved), rtol=1e-5)
    rebuilt, _ = build_gan(config)
    assert rebuilt.generator_ema is not None
