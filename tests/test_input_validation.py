"""Every wrong input gets a clear error before any training: what was wrong, what was
expected, what to do."""

import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from keras_edgan import architectures, models, optimizers
from keras_edgan.cli import config as config_lib
from keras_edgan.cli import build
from keras_edgan.cli import train as train_cli
from keras_edgan.models import validation
from test_cli import REPO


@pytest.fixture(scope="module")
def gan():
    generator, discriminator = architectures.optimized_dcgan(
        image_size=28, channels=1, latent_dim=8, width=4
    )
    gan = models.NSGAN(generator, discriminator, latent_dim=8, d_steps=2)
    gan.compile(d_optimizer=optimizers.OAdam(1e-4), g_optimizer=optimizers.OAdam(1e-4))
    return gan


def digits(n=8, low=-1.0, high=1.0, shape=(28, 28, 1), dtype="float32"):
    return np.random.default_rng(0).uniform(low, high, (n, *shape)).astype(dtype)


def batches(images, batch_size=4):
    return tf.data.Dataset.from_tensor_slices(images).batch(batch_size, drop_remainder=True)


SHAPE_AND_TYPE_ERRORS = [
    (digits(shape=(28, 28)), r"shape \(batch, 28, 28, 1\).*got rank 3"),
    (digits(shape=(28, 28, 3)), r"channel counts differ.*channels=3"),
    (digits(shape=(32, 32, 1)), r"shape \(32, 32, 1\) but the generator makes \(28, 28, 1\)"),
    (digits(low=0, high=255).astype("uint8"), r"dtype uint8.*/ 127.5 - 1"),
]
VALUE_ERRORS = [
    (digits(low=0, high=255), r"a batch spans \[.*\].*\[0, 255\] pixels"),
    (np.full((8, 28, 28, 1), np.nan, "float32"), "NaN or Inf"),
]


@pytest.mark.parametrize("images, message", SHAPE_AND_TYPE_ERRORS + VALUE_ERRORS)
def test_bad_image_arrays_are_named_before_training(gan, images, message):
    with pytest.raises(ValueError, match=message):
        validation.checked_training_data(gan, images)


@pytest.mark.parametrize("images, message", SHAPE_AND_TYPE_ERRORS)
def test_bad_dataset_specs_are_named_before_training(gan, images, message):
    with pytest.raises(ValueError, match=message):
        validation.checked_training_data(gan, batches(images))


@pytest.mark.parametrize("images, message", VALUE_ERRORS)
def test_bad_dataset_values_are_named_as_fit_reads_them(gan, images, message):
    before = [v.numpy().copy() for v in gan.trainable_variables]
    with pytest.raises(Exception, match=message):
        gan.fit(batches(images), epochs=1, verbose=0)
    # The bad batch trained nothing. (The optimizers' step counters may still have
    # moved: their increment does not wait for the data in a traced step.)
    for old, variable in zip(before, gan.trainable_variables):
        np.testing.assert_array_equal(old, variable.numpy())


def test_checking_a_dataset_leaves_its_order_alone(gan):
    """A reshuffling dataset gives another order to each new iterator: the check must
    not open one, or `fit` would see another order than without it."""
    images = digits(n=64)
    shuffled = tf.data.Dataset.from_tensor_slices(images).shuffle(
        64, seed=0, reshuffle_each_iteration=True).batch(4)
    same = tf.data.Dataset.from_tensor_slices(images).shuffle(
        64, seed=0, reshuffle_each_iteration=True).batch(4)
    checked = validation.checked_training_data(gan, shuffled)
    np.testing.assert_array_equal(next(iter(checked)).numpy(), next(iter(same)).numpy())


def test_an_unbatched_dataset_is_told_to_batch(gan):
    unbatched = tf.data.Dataset.from_tensor_slices(digits())
    with pytest.raises(ValueError, match=r"got rank 3.*Batch the dataset"):
        validation.checked_training_data(gan, unbatched)


def test_a_dataset_smaller_than_one_batch_is_named(gan):
    with pytest.raises(ValueError, match="yields no batch.*smaller than one batch"):
        validation.checked_training_data(gan, batches(digits(n=3)).repeat())


def test_good_data_passes_unchanged(gan):
    np.testing.assert_array_equal(
        next(iter(validation.checked_training_data(gan, batches(digits())))),
        next(iter(batches(digits()))),
    )
    arrays = (digits(), np.zeros(8, "int32"))
    assert validation.checked_training_data(gan, arrays) is arrays


def test_a_batch_d_steps_cannot_split_is_named(gan):
    with pytest.raises(ValueError, match=r"batch of 3 images cannot be split into d_steps=2"):
        gan.fit(batches(digits(), batch_size=3), epochs=1, verbose=0)


def test_a_latent_size_the_generator_does_not_take_is_named():
    generator, discriminator = architectures.optimized_dcgan(
        image_size=28, channels=1, latent_dim=8, width=4
    )
    with pytest.raises(ValueError, match="latent_dim=16 does not match the generator.*8"):
        models.NSGAN(generator, discriminator, latent_dim=16)


def test_a_split_smaller_than_one_step_is_named_before_training():
    config = config_lib.load("mnist5k_cpu", {"batch_size": 4096})
    with pytest.raises(ValueError, match=r"has 5000 examples.*4096 × 2 = 8192"):
        build.check_data_size(config)


def test_parts_that_do_not_fit_together_fail_before_writing(tmp_path):
    config = config_lib.load("mnist5k_cpu", {"architecture": "sagan", "width": 4})
    logdir = tmp_path / "run"
    with pytest.raises(train_cli.ConfigurationError, match="image_size must be a multiple of 8"):
        train_cli.train(config, str(logdir))
    assert not logdir.exists()


def test_the_shell_gets_the_message_without_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "keras_edgan.cli.train", "--architecture=pacgan_mlp",
         f"--logdir={tmp_path / 'run'}"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert "pacgan_mlp architecture generates points" in result.stderr
    assert "Traceback" not in result.stderr
