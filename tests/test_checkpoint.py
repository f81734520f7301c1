"""Checkpoints hold the whole training state: resuming equals training straight through."""

import os
import shutil
import subprocess
import sys
import textwrap

import h5py
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
    assert names == [  # no .tmp left; each checkpoint with its digest
        "ckpt-0000003.weights.h5", "ckpt-0000003.weights.h5.sha256",
        "ckpt-0000004.weights.h5", "ckpt-0000004.weights.h5.sha256",
    ]
    restored = make_gan()
    restored.load_weights(os.path.join(tmp_path, "checkpoints", names[-2]))
    for a, b in zip(weights(gan), weights(restored)):
        np.testing.assert_array_equal(a, b)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """`make_gan` after 2 generator updates, with checkpoints of steps 1 and 2."""
    logdir = tmp_path_factory.mktemp("trained")
    gan = make_gan()
    gan.fit(batches(0, 2 * N).repeat(), steps_per_epoch=1, epochs=2, verbose=0,
            callbacks=[callbacks.Checkpoint(str(logdir))])
    return gan, logdir


def saved_checkpoints(trained, tmp_path):
    """A copy of `trained`'s checkpoints in `tmp_path`: (gan, Checkpoint, paths)."""
    gan, logdir = trained
    shutil.copytree(logdir / "checkpoints", tmp_path / "checkpoints")
    checkpoint = callbacks.Checkpoint(str(tmp_path))
    return gan, checkpoint, callbacks.checkpoint.checkpoints(checkpoint.directory)


def test_restore_loads_the_newest_and_drops_interrupted_saves(trained, tmp_path):
    gan, checkpoint, paths = saved_checkpoints(trained, tmp_path)
    interrupted = os.path.join(checkpoint.directory, ".tmp-ckpt-0000003.weights.h5")
    with open(interrupted, "wb") as file:
        file.write(b"\x89HDF\r\n")  # what a crash in the middle of a save leaves
    restored = make_gan()
    assert checkpoint.restore(restored) == 2
    assert not os.path.exists(interrupted)
    for a, b in zip(weights(gan), weights(restored)):
        np.testing.assert_array_equal(a, b)
    assert callbacks.Checkpoint(str(tmp_path / "empty")).restore(make_gan()) == 0


def test_a_damaged_checkpoint_is_set_aside_and_the_previous_restored(trained, tmp_path, caplog):
    gan, checkpoint, (previous, newest) = saved_checkpoints(trained, tmp_path)
    with open(newest, "r+b") as file:  # one flipped bit, same size
        file.seek(os.path.getsize(newest) // 2)
        byte = file.read(1)
        file.seek(-1, os.SEEK_CUR)
        file.write(bytes([byte[0] ^ 0x01]))
    restored = make_gan()
    with caplog.at_level("WARNING"):
        assert checkpoint.restore(restored) == 1
    assert f"Checkpoint {newest} does not match its SHA-256 digest" in caplog.text
    assert f"resuming from {previous}" in caplog.text
    assert os.path.exists(newest + ".corrupt") and not os.path.exists(newest)
    os.replace(previous, previous + ".moved")  # the last one damaged too: nothing left
    os.replace(newest + ".corrupt", newest)
    os.replace(newest + ".corrupt.sha256", newest + ".sha256")
    with pytest.raises(callbacks.CheckpointError, match="damaged .* no earlier checkpoint"):
        checkpoint.restore(make_gan())


def test_truncated_checkpoint_names_the_file_and_the_way_out(trained, tmp_path):
    """A checkpoint without a digest (written before digests) is checked by reading it."""
    _, checkpoint, (previous, newest) = saved_checkpoints(trained, tmp_path)
    os.remove(newest + ".sha256")
    with open(newest, "rb") as file:
        head = file.read(4096)
    with open(newest, "wb") as file:
        file.write(head)
    with pytest.raises(callbacks.CheckpointError) as error:
        checkpoint.restore(make_gan())
    message = str(error.value)
    assert f"Checkpoint {newest} cannot be read" in message
    assert "truncated or corrupted" in message
    assert f"resume from the previous checkpoint, {previous}" in message
    assert "--restart" in message


@pytest.mark.parametrize("architecture, example", [
    ({"remove_311": False}, "of this model's variables are missing (e.g. generator/"),
    ({"width": 8}, "have another shape (e.g. discriminator/"),
])
def test_checkpoint_of_another_model_is_refused(trained, tmp_path, architecture, example):
    _, checkpoint, _ = saved_checkpoints(trained, tmp_path)
    generator, discriminator = architectures.optimized_dcgan(
        image_size=28, channels=1, latent_dim=8, **{"width": 4, **architecture}
    )
    gan = models.EDGAN(generator, discriminator, latent_dim=8, d_steps=2, seed=1)
    gan.compile(d_optimizer=optimizers.OAdam(1e-3), g_optimizer=optimizers.OAdam(1e-3))
    with pytest.raises(callbacks.CheckpointError) as error:
        checkpoint.restore(gan)
    assert "ckpt-0000002.weights.h5 holds the state of another model" in str(error.value)
    assert example in str(error.value)


def test_a_nonfinite_state_is_never_saved(trained, tmp_path):
    _, checkpoint, paths = saved_checkpoints(trained, tmp_path)
    gan = make_gan()
    gan.generator.trainable_variables[0].assign(
        np.full(gan.generator.trainable_variables[0].shape, np.nan, "float32")
    )
    checkpoint.set_model(gan)
    assert checkpoint.save() is None
    assert callbacks.checkpoint.checkpoints(checkpoint.directory) == paths


def test_a_checkpoint_of_the_lagged_oadam_is_refused_with_its_cause(trained, tmp_path):
    # keras_edgan's OAdam before Algorithm 1 was followed kept previous_momentum and
    # previous_velocity besides m and v: 4 slots per weight after iterations and
    # learning rate. Such a file is the current one with two more slots per weight.
    _, checkpoint, (_, newest) = saved_checkpoints(trained, tmp_path)
    os.remove(newest + ".sha256")  # it predates digests
    with h5py.File(newest, "r+") as file:
        for group in ("d_optimizer/vars", "g_optimizer/vars"):
            slots = len(file[group]) - 2
            for index in range(slots):
                source = file[f"{group}/{index + 2}"]
                file.create_dataset(f"{group}/{slots + 2 + index}", data=source[()])
    with pytest.raises(callbacks.CheckpointError) as error:
        checkpoint.restore(make_gan())
    message = str(error.value)
    assert "earlier OAdam" in message and "step t−2" in message
    assert "d_optimizer/vars" in message and "g_optimizer/vars" in message
    assert "--restart" in message


def test_a_full_disk_keeps_the_last_checkpoint_and_says_so(tmp_path):
    """ENOSPC while saving (injected: a real full disk needs a tmpfs): the partial
    file is removed, the previous checkpoint stays loadable, and the error says so."""
    import errno

    gan = make_gan()
    checkpoint = callbacks.Checkpoint(str(tmp_path))
    gan.fit(batches(0, N), epochs=1, verbose=0, callbacks=[checkpoint])
    good = os.path.join(tmp_path, "checkpoints", f"ckpt-{N:07d}.weights.h5")

    def full_disk(path):
        with open(path, "wb") as file:
            file.write(b"\x89HDF partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    gan.save_weights = full_disk
    with pytest.raises(callbacks.CheckpointError,
                       match=rf"step {2 * N} could not be written .*\(the disk is full\).*"
                             rf"partial file was removed and the newest checkpoint, {good}, is "
                             r"intact. Free some space, then run the same command again"):
        gan.fit(batches(N, 2 * N), epochs=1, verbose=0, callbacks=[checkpoint])
    assert sorted(os.listdir(os.path.join(tmp_path, "checkpoints"))) == [
        os.path.basename(good), os.path.basename(good) + ".sha256",
    ]
    assert callbacks.Checkpoint(str(tmp_path)).restore(make_gan()) == N


FULL_DISK = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {tests!r})
    from test_checkpoint import N, batches, make_gan
    from keras_edgan import callbacks
    gan, checkpoint = make_gan(), callbacks.Checkpoint({logdir!r})
    gan.fit(batches(0, N), epochs=1, verbose=0, callbacks=[checkpoint])
    try:
        gan.fit(batches(N, 2 * N), epochs=1, verbose=0, callbacks=[checkpoint])
    except callbacks.CheckpointError as error:
        print("CheckpointError:", error)
    print("restored step", callbacks.Checkpoint({logdir!r}).restore(make_gan()))
""")


def test_a_real_full_disk_is_refused_before_hdf5_writes(tmp_path):
    """A tmpfs with room for one checkpoint and not two. HDF5 cannot survive running
    out of space mid-write (h5py floods errors, then the process segfaults), so the
    second save must be refused before it starts. In a child process, so a segfault
    fails this test rather than ending the suite."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=650k", "tmpfs", str(disk)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs needs root (CAP_SYS_ADMIN); "
                    "test_a_full_disk_keeps_the_last_checkpoint_and_says_so injects ENOSPC instead")
    try:
        script = FULL_DISK.format(tests=os.path.dirname(__file__), logdir=str(disk))
        child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                               timeout=600)
        assert child.returncode == 0, child.stderr[-3000:]
        assert f"CheckpointError: The checkpoint of step {2 * N} could not be written" in child.stdout
        assert "(the disk is full: " in child.stdout and "nothing was written" in child.stdout
        assert f"restored step {N}" in child.stdout
        assert sorted(os.listdir(disk / "checkpoints")) == [
            f"ckpt-{N:07d}.weights.h5", f"ckpt-{N:07d}.weights.h5.sha256",
        ]
    finally:
        subprocess.run(["umount", str(disk)], check=True)
