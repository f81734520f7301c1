"""RFGAN's representative features (seed 002 §3, Bang and Shim 2018): the output unit
on [E(x); f(x)] against numpy, the frozen encoder through training steps on every
backend, the auto-encoder's pre-training and its cache, and the refusals."""

import json

import keras
import numpy as np
import pytest

from keras_edgan import techniques
from keras_edgan.cli import config as config_lib
from keras_edgan.cli.build import build_gan
from keras_edgan.techniques import representative_features
from pipelines import embedded


def small_discriminator():
    gan, _ = build_gan(config_lib.load("mnist5k_cpu", {"width": 4}))
    return gan.discriminator


def test_the_output_unit_sees_the_encoder_features_beside_the_discriminators_own():
    keras.utils.set_random_seed(0)
    discriminator = small_discriminator()
    encoder, _ = techniques.autoencoder((28, 28, 1), width=4)
    model = techniques.representative_feature_discriminator(discriminator, encoder)
    x = np.random.default_rng(0).uniform(-1, 1, (5, 28, 28, 1)).astype("float32")

    own = keras.ops.convert_to_numpy(techniques.feature_extractor(discriminator)(x, training=False))
    representative = keras.ops.convert_to_numpy(encoder(x, training=False))
    kernel, bias = (keras.ops.convert_to_numpy(w) for w in
                    model.get_layer("representative_output").weights)
    expected = np.concatenate([representative.reshape(5, -1), own.reshape(5, -1)], axis=1) @ kernel + bias
    actual = keras.ops.convert_to_numpy(model(x, training=False))
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-5)
    assert kernel.shape == (representative_features.CODE_DIM + own[0].size, 1)
    # The encoder is frozen; the discriminator's own layers and the output unit learn.
    encoder_weights = {id(w) for w in encoder.weights}
    assert not encoder_weights & {id(w) for w in model.trainable_weights}
    assert {id(w) for w in techniques.feature_extractor(discriminator).trainable_weights} <= {
        id(w) for w in model.trainable_weights}


@pytest.mark.backends
def test_training_steps_leave_the_encoder_and_train_the_rest(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_EDGAN_CACHE", str(tmp_path))
    config = config_lib.load("mnist5k_cpu", {
        "width": 4, "batch_size": 8, "representative_features": True,
        "representative_features_epochs": 1,
    })
    gan, _ = build_gan(config)
    encoder = gan.discriminator.get_layer("representative_encoder")
    before = [keras.ops.convert_to_numpy(w).copy() for w in encoder.weights]
    output = gan.discriminator.get_layer("representative_output")
    output_before = keras.ops.convert_to_numpy(output.kernel).copy()
    images = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
    gan.fit(images, batch_size=8, epochs=1, verbose=0)
    for old, new in zip(before, encoder.weights):
        np.testing.assert_array_equal(old, keras.ops.convert_to_numpy(new))
    assert np.abs(keras.ops.convert_to_numpy(output.kernel) - output_before).max() > 0


def test_pretraining_learns_to_reconstruct_and_is_cached(tmp_path, monkeypatch):
    encoder = techniques.pretrained_encoder("mnist5k", 28, width=8, epochs=3, cache_dir=str(tmp_path))
    assert not encoder.trainable and encoder.output_shape == (None, representative_features.CODE_DIM)
    (record,) = (tmp_path / "representative_features").glob("*.json")
    losses = json.loads(record.read_text())["reconstruction_mse"]
    # The best constant image, the digits' mean, costs the pixels' mean variance
    # (0.27 for these digits in [−1, 1]); three epochs reconstruct far better (0.08
    # measured).
    pixels = embedded.mnist5k_arrays()[0].astype("float32") / 127.5 - 1.0
    assert len(losses) == 3 and losses[-1] < 0.6 * pixels.var(axis=0).mean(), losses

    def no_training(*args, **kwargs):
        raise AssertionError("the cached encoder was trained again")

    monkeypatch.setattr(representative_features, "_train_encoder", no_training)
    cached = techniques.pretrained_encoder("mnist5k", 28, width=8, epochs=3, cache_dir=str(tmp_path))
    for a, b in zip(encoder.weights, cached.weights):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))


def test_a_run_builds_the_same_networks_with_a_fresh_or_a_cached_encoder(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_EDGAN_CACHE", str(tmp_path))
    config = config_lib.load("mnist5k_cpu", {
        "width": 4, "representative_features": True, "representative_features_epochs": 1,
    })
    fresh, _ = build_gan(config)  # pre-trains the encoder
    cached, _ = build_gan(config)  # reads it
    for a, b in zip(fresh.generator.weights + fresh.discriminator.weights,
                    cached.generator.weights + cached.discriminator.weights):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))


@pytest.mark.parametrize("overrides, message", [
    ({"dataset": "ring", "architecture": "pacgan_mlp"}, "ring holds 2-D points"),
    ({"conditional": True, "architecture": "guide_dcgan", "image_size": 32},
     "conditional=true asks for one that takes labels"),
    ({"image_size": 30}, "needs a multiple of 4; got images of 30×30"),
])
def test_what_representative_features_cannot_apply_to_is_refused(overrides, message, tmp_path,
                                                                monkeypatch):
    monkeypatch.setenv("KERAS_EDGAN_CACHE", str(tmp_path))
    config = config_lib.load("mnist5k_cpu", {
        "width": 4, "representative_features": True, "representative_features_epochs": 1,
        **overrides,
    })
    with pytest.raises(ValueError, match=message):
        build_gan(config)
