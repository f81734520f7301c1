"""The divergence guard stops training at the first NaN or Inf, before it is saved, and
the last good checkpoint stays the newest."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import callbacks
from keras_edgan.cli.build import build_gan
from keras_edgan.cli.train import train
from test_checkpoint import make_gan
from test_cli import run_train
from test_resume import tiny


def images(batches=5, batch_size=16):
    """Batches of random images."""
    x = np.random.default_rng(0).uniform(-1, 1, (batches * batch_size, 28, 28, 1))
    return tf.data.Dataset.from_tensor_slices(x.astype("float32")).batch(batch_size)


def saved_steps(checkpoint):
    return [int(os.path.basename(path)[5:12])
            for path in callbacks.checkpoint.checkpoints(checkpoint.directory)]


def finite(gan):
    return all(np.isfinite(ops.convert_to_numpy(v)).all()
               for v in gan.variables + gan.optimizer.variables)


@pytest.mark.backends
def test_nonfinite_loss_stops_fit_at_its_step(tmp_path):
    gan = make_gan()
    checkpoint = callbacks.Checkpoint(str(tmp_path))
    kernel = gan.generator.trainable_variables[0]

    def poison(epoch, logs):  # NaN data would be refused by fit's data check first
        if epoch == 2:
            kernel.assign(np.full(kernel.shape, np.nan, "float32"))

    with pytest.raises(callbacks.TrainingDiverged) as error:
        gan.fit(images(), steps_per_epoch=1, epochs=5, verbose=0, callbacks=[
            keras.callbacks.LambdaCallback(on_epoch_begin=poison),
            callbacks.DivergenceGuard(), checkpoint,
        ])
    assert error.value.step == 3  # the third step's losses are NaN
    assert error.value.quantity in ("d_loss", "g_loss", "ced")
    assert f"Training diverged at step 3: {error.value.quantity} is nan" in str(error.value)
    assert saved_steps(checkpoint) == [1, 2]
    restored = make_gan()
    assert checkpoint.restore(restored) == 2
    assert finite(restored)


@pytest.mark.backends
def test_nonfinite_weight_stops_fit_at_the_epoch_end():
    gan = make_gan()
    variance = next(v for v in gan.discriminator.non_trainable_variables
                    if "moving_variance" in v.path)

    def overflow(epoch, logs):  # the statistics of a BN layer overflow, the losses do not
        if epoch == 1:
            variance.assign(np.full(variance.shape, np.inf, "float32"))

    with pytest.raises(callbacks.TrainingDiverged) as error:
        gan.fit(images(), steps_per_epoch=1, epochs=4, verbose=0, callbacks=[
            keras.callbacks.LambdaCallback(on_epoch_end=overflow), callbacks.DivergenceGuard(),
        ])
    assert (error.value.step, error.value.quantity) == (2, variance.path)
    assert f"diverged by step 2: the variable {variance.path} holds NaN or Inf" in str(
        error.value
    )


class PlantedLearningRate(keras.callbacks.Callback):
    """Sets both learning rates to 1e9 from epoch `epoch` on."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            self.model.d_optimizer.learning_rate.assign(1e9)
            self.model.g_optimizer.learning_rate.assign(1e9)


def test_train_stops_and_keeps_the_last_good_checkpoint(tmp_path):
    logdir = str(tmp_path)
    config = tiny(log_every=1, checkpoint_every=1)
    with pytest.raises(callbacks.TrainingDiverged) as error:
        train(config, logdir, extra_callbacks=[PlantedLearningRate(epoch=2)])
    message = str(error.value)
    assert "Training diverged at step 3" in message or "Training diverged by step 3" in message
    newest = os.path.join(logdir, "checkpoints", "ckpt-0000002.weights.h5")
    assert f"The newest checkpoint, {newest}, holds the last good state" in message
    checkpoint = callbacks.Checkpoint(logdir)
    assert saved_steps(checkpoint) == [1, 2]
    gan, _ = build_gan(config)
    assert checkpoint.restore(gan) == 2
    assert finite(gan)


@pytest.mark.slow
def test_cli_reports_divergence_and_exits_non_zero(tmp_path):
    result = run_train(
        f"--logdir={tmp_path}", "--width=4", "--latent_dim=8", "--batch_size=8", "--steps=4",
        "--log_every=1", "--checkpoint_every=1", "--lr_d=1e9", "--lr_g=1e9",
    )
    assert result.returncode == 1
    assert "train: Training diverged " in result.stderr
    assert "No checkpoint was written before it." in result.stderr
    assert "Traceback" not in result.stderr
    assert not os.path.exists(tmp_path / "checkpoints")
