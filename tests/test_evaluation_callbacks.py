"""The FID and Hyperparameters callbacks write to TensorBoard during fit, on every backend."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.plugins.hparams import plugin_data_pb2

import pipelines
from keras_edgan import callbacks, evaluation, models

pytestmark = pytest.mark.backends


def tiny_gan():
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([
        keras.Input((4,)), keras.layers.Dense(28 * 28, activation="tanh"), keras.layers.Reshape((28, 28, 1)),
    ])
    discriminator = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    gan = models.NSGAN(generator, discriminator, latent_dim=4)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    return gan


def toy_extractor():
    """A small random network standing in for a classifier."""
    inputs = keras.Input((28, 28, 1))
    features = keras.layers.Dense(6, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(seed=1))(
        keras.layers.Flatten()(keras.layers.AveragePooling2D(4)(inputs))
    )
    logits = keras.layers.Dense(3, kernel_initializer=keras.initializers.GlorotUniform(seed=2))(features)
    return evaluation.KerasExtractor(keras.Model(inputs, [features, logits]), "toy")


def test_fid_hyperparameters_and_samples_reach_tensorboard(tmp_path):
    logdir = str(tmp_path / "run")
    gan = tiny_gan()
    fid = callbacks.FID(logdir, "mnist5k", extractor=toy_extractor(), num_samples=64,
                        real_samples=128, every_n_steps=4, cache_dir=str(tmp_path / "cache"),
                        manifold_metrics=True)
    config = {"model": "nsgan", "lr_d": 1e-3, "d_steps": 1, "split": None, "shape": (2, 3)}
    gan.fit(
        pipelines.load("mnist5k", batch_size=8, seed=0).repeat(), epochs=3, steps_per_epoch=2, verbose=0,
        callbacks=[fid, callbacks.Hyperparameters(logdir, config),
                   callbacks.SampleGrid(logdir, rows=2, columns=2, every_n_steps=6)],
    )

    events = event_accumulator.EventAccumulator(logdir, size_guidance={"images": 0, "tensors": 0})
    events.Reload()
    tags = events.Tags()["tensors"]
    for name in ("FD-toy", "CS-toy", "KD-toy", "precision-toy", "recall-toy", "density-toy",
                 "coverage-toy"):
        # Epoch 2 (step 4), then the end of training (step 6).
        steps = [event.step for event in events.Tensors(f"evaluation/{name}")]
        assert steps == [4, 6], (name, steps)
    logged = [float(tf.make_ndarray(e.tensor_proto)) for e in events.Tensors("evaluation/FD-toy")]
    assert logged == pytest.approx([report.scores["FD-toy"] for _, report in fid.history], rel=1e-6)
    assert all(np.isfinite(logged))
    assert "evaluation/setup/text_summary" in tags or "evaluation/setup" in tags
    assert "samples" in events.Tags()["images"] or "samples" in tags

    session = plugin_data_pb2.HParamsPluginData.FromString(
        events.SummaryMetadata("_hparams_/session_start_info").plugin_data.content
    ).session_start_info
    assert session.hparams["model"].string_value == "nsgan"
    assert session.hparams["lr_d"].number_value == pytest.approx(1e-3)
    assert session.hparams["shape"].string_value == "(2, 3)"
    assert "split" not in session.hparams  # None is left out
    assert session.group_name == "run"  # the trial is named after the run


def test_fid_scores_an_infogans_samples_with_their_codes(tmp_path):
    """The callback scores what `generate` makes for its seed: InfoGAN's generator
    inputs hold one-hot and uniform codes after the noise, not plain noise."""
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([
        keras.Input((8,)), keras.layers.Dense(28 * 28, activation="tanh"),
        keras.layers.Reshape((28, 28, 1)),
    ])
    discriminator = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                      keras.layers.Dense(4), keras.layers.Dense(1)])
    gan = models.InfoGAN(models.NSGAN(generator, discriminator, latent_dim=8),
                         categorical_codes=1, code_categories=3, continuous_codes=1)
    extractor, cache = toy_extractor(), str(tmp_path / "cache")
    fid = callbacks.FID(str(tmp_path / "run"), "mnist5k", extractor=extractor, num_samples=64,
                        real_samples=128, batch_size=64, cache_dir=cache)
    fid.set_model(gan)
    fid.on_train_begin()
    scored = fid.evaluate().scores["FD-toy"]
    real = evaluation.real_statistics(extractor, "mnist5k", 128, image_size=28, cache_dir=cache)
    expected = evaluation.evaluate_images(iter([gan.generate(64, seed=fid.seed)]), extractor,
                                          real, 64).scores["FD-toy"]
    assert scored == pytest.approx(expected, rel=1e-5)
