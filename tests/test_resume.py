"""`train` resumes a run from its logdir exactly, restarts it on request, and refuses
a logdir it cannot resume."""

import glob
import json
import os
import shutil
import signal

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import callbacks
from keras_edgan.cli import config as config_lib
from keras_edgan.cli import run_directory
from keras_edgan.cli.train import train

N = 4  # steps before the interruption, and after it


def tiny(**overrides):
    """A few-second EDGAN run on mnist5k: log, sample and checkpoint every 2 steps.
    Without the quality curve: a run scores its last step when it ends, so a run
    resumed after N steps has one more evaluation than the straight run (at N)."""
    return config_lib.load(None, {
        "width": 4, "latent_dim": 8, "batch_size": 8, "steps": 2 * N, "log_every": 2,
        "sample_every": 2, "checkpoint_every": 2, "eval_every": 0, **overrides,
    })


def state(gan):
    return [ops.convert_to_numpy(v) for v in gan.variables + gan.optimizer.variables]


def scalars(logdir):
    """{tag: [(step, value), ...]} over every event file of `logdir`, by step (a
    step logged twice appears twice), but the wall-clock `speed/` scalars, which
    differ in every run. Files are not read in the order they were written: their
    names hold the second they were opened, so two runs within one second can sort
    either way."""
    found = {}
    for path in glob.glob(os.path.join(logdir, "events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                if (value.metadata.plugin_data.plugin_name == "scalars"
                        and not value.tag.startswith("speed/")):
                    number = float(tf.make_ndarray(value.tensor))
                    found.setdefault(value.tag, []).append((event.step, number))
    return {tag: sorted(logged) for tag, logged in found.items()}


@pytest.mark.backends
def test_resumed_run_equals_the_straight_run(tmp_path):
    straight = train(tiny(), str(tmp_path / "straight"))
    train(tiny(steps=N), str(tmp_path / "resumed"))
    resumed = train(tiny(), str(tmp_path / "resumed"))  # same logdir, steps = 2N

    assert int(resumed.g_optimizer.iterations) == 2 * N
    # Same operations on the same numbers from the same data: the float32 values that
    # the checkpoint stores are those in memory, so nothing may differ.
    for a, b in zip(state(straight), state(resumed), strict=True):
        np.testing.assert_array_equal(a, b)
    logged = scalars(str(tmp_path / "resumed"))
    assert logged == scalars(str(tmp_path / "straight"))
    assert [step for step, _ in logged["losses/d_loss"]] == [2, 4, 6, 8]


def test_events_after_the_checkpoint_are_removed_on_resume(tmp_path):
    logdir = str(tmp_path)
    train(tiny(steps=N), logdir)
    # What a crash after step 6's scalars but before its checkpoint leaves behind.
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
        for step in (5, 6):
            tf.summary.scalar("losses/d_loss", 123.0, step=step)
    writer.close()
    newest = sorted(glob.glob(os.path.join(logdir, "events.out.tfevents.*")))[-1]
    with open(newest, "ab") as file:
        file.write(b"\x17\x00\x00")  # a record cut short by the crash

    train(tiny(steps=3 * N), logdir)
    steps = [step for step, _ in scalars(logdir)["losses/d_loss"]]
    assert steps == list(range(2, 3 * N + 1, 2))
    assert 123.0 not in [value for _, value in scalars(logdir)["losses/d_loss"]]


def test_a_run_killed_before_its_first_checkpoint_starts_over(tmp_path):
    logdir = str(tmp_path)
    train(tiny(steps=2), logdir)
    # As if killed before the save: no checkpoint, and no final networks either.
    shutil.rmtree(os.path.join(logdir, "checkpoints"))
    for network in ("generator.keras", "discriminator.keras"):
        os.remove(os.path.join(logdir, network))
    train(tiny(steps=2), logdir)
    assert [step for step, _ in scalars(logdir)["losses/d_loss"]] == [2]
    texts = [value.tag for path in glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
             for event in tf.compat.v1.train.summary_iterator(path)
             for value in event.summary.value if value.tag == "config"]
    assert texts == ["config"]


def test_resume_allows_only_harmless_config_changes(tmp_path):
    logdir = str(tmp_path)
    train(tiny(steps=N), logdir)
    with pytest.raises(run_directory.RunDirectoryError) as error:
        train(tiny(width=8, lr_g=1e-3), logdir)
    message = str(error.value)
    assert "holds a run of another configuration" in message
    assert "lr_g 0.0004 there, 0.001 now; width 4 there, 8 now" in message
    assert "--restart" in message and "another --logdir" in message
    with open(os.path.join(logdir, "config.json")) as file:
        assert json.load(file) == tiny(steps=N)  # a refused resume changes nothing
    # steps, sampling and checkpoint intervals may change; config.json follows.
    train(tiny(steps=N + 2, sample_every=4, checkpoint_every=6), logdir)
    with open(os.path.join(logdir, "config.json")) as file:
        assert json.load(file)["steps"] == N + 2
    before = scalars(logdir)
    gan = train(tiny(steps=N + 2), logdir)  # a finished run: nothing more to train
    assert int(gan.g_optimizer.iterations) == N + 2
    assert scalars(logdir) == before


def test_restart_moves_the_earlier_run_aside(tmp_path):
    logdir = str(tmp_path)
    train(tiny(steps=N), logdir)
    gan = train(tiny(steps=2, width=8), logdir, restart=True)
    assert int(gan.g_optimizer.iterations) == 2
    (moved,) = glob.glob(os.path.join(logdir, "restarted-*"))
    assert sorted(glob.glob("ckpt-*.weights.h5", root_dir=os.path.join(moved, "checkpoints"))) == [
        "ckpt-0000002.weights.h5", "ckpt-0000004.weights.h5",
    ]
    with open(os.path.join(moved, "config.json")) as file:
        assert json.load(file)["width"] == 4
    assert [step for step, _ in scalars(moved)["losses/d_loss"]] == [2, 4]
    assert [step for step, _ in scalars(logdir)["losses/d_loss"]] == [2]


def test_unwritable_logdir_is_refused_before_training(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(run_directory.RunDirectoryError) as error:
        train(tiny(), str(blocker / "run"))
    assert f"Cannot write to the run directory '{blocker / 'run'}'" in str(error.value)
    assert "Pass a --logdir you can write to" in str(error.value)


HOLD_LOCK = """
import sys, time
from keras_edgan.cli import run_directory
with run_directory.locked(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(600)
"""


def test_a_logdir_in_use_is_refused_with_its_holder_and_freed_when_it_dies(tmp_path):
    import subprocess
    import sys

    logdir = str(tmp_path / "run")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, logdir],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(run_directory.RunDirectoryError,
                           match=rf"in use by train \(PID {holder.pid} on host .*another --logdir"):
            train(tiny(steps=2), logdir)
        assert not os.path.exists(os.path.join(logdir, "config.json"))  # nothing touched
    finally:
        holder.kill()  # as kill -9: the kernel releases the lock
        holder.wait()
    gan = train(tiny(steps=2), logdir)
    assert gan.generator_step == 2


def test_a_damaged_event_file_stops_the_resume_and_is_kept(tmp_path):
    """A flipped byte inside an events file is damage, not a crash tail: the purge
    refuses to cut there, and the file stays as it was."""
    logdir = str(tmp_path)
    train(tiny(steps=N), logdir)
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    with open(path, "rb") as file:
        data = bytearray(file.read())
    data[len(data) // 2] ^= 0x10
    with open(path, "wb") as file:
        file.write(data)
    with pytest.raises(run_directory.RunDirectoryError,
                       match=r"corrupted after \d+ records, before its end.*nothing was removed"):
        train(tiny(), logdir)
    with open(path, "rb") as file:
        assert file.read() == bytes(data)


def test_a_run_whose_checkpoints_are_gone_is_not_started_over(tmp_path):
    logdir = str(tmp_path)
    train(tiny(steps=N), logdir)
    shutil.rmtree(os.path.join(logdir, "checkpoints"))
    before = scalars(logdir)
    with pytest.raises(run_directory.RunDirectoryError,
                       match=r"events up to step 4, and its generator.*no checkpoint.*--restart"):
        train(tiny(), logdir)
    assert scalars(logdir) == before and os.path.exists(os.path.join(logdir, "generator.keras"))


def test_a_run_without_its_config_is_not_resumed_unchecked(tmp_path):
    logdir = str(tmp_path)
    train(tiny(steps=N), logdir)
    os.remove(os.path.join(logdir, "config.json"))
    with pytest.raises(run_directory.RunDirectoryError,
                       match=r"but no config.json.*Put its config.json back.*--restart"):
        train(tiny(lr_g=0.01), logdir)
    assert not os.path.exists(os.path.join(logdir, "config.json"))
    gan = train(tiny(steps=2), logdir, restart=True)
    assert gan.generator_step == 2


def test_the_backend_is_recorded_and_another_one_is_named_on_resume(tmp_path, caplog):
    import keras

    logdir = str(tmp_path)
    train(tiny(steps=2), logdir)
    with open(os.path.join(logdir, "backend.txt")) as file:
        assert file.read().strip() == keras.backend.backend()
    with open(os.path.join(logdir, "backend.txt"), "w") as file:
        file.write("another\n")
    with caplog.at_level("WARNING"):
        train(tiny(steps=4), logdir)
    assert f"trained on the another backend and resumes on {keras.backend.backend()}" in caplog.text


def test_data_that_cannot_be_read_leaves_the_logdir_untouched(tmp_path):
    import pipelines
    from keras_edgan.cli.train import ConfigurationError

    logdir = str(tmp_path / "run")
    config = tiny(dataset="cifar10", data_dir=str(tmp_path / "empty"), image_size=32)
    with pytest.raises(pipelines.DatasetNotPreparedError):
        train(config, logdir)
    with pytest.raises(ConfigurationError, match="data cannot be read.*split"):
        train(tiny(split="validation"), logdir)
    assert not os.path.exists(logdir)


def test_a_data_dir_that_is_not_read_is_named(tmp_path, caplog):
    with caplog.at_level("WARNING"):
        train(tiny(steps=2, data_dir=str(tmp_path / "tfds")), str(tmp_path / "run"))
    assert f"data_dir={tmp_path / 'tfds'} is not read: mnist5k is embedded data" in caplog.text


class SignalDuringStep(keras.callbacks.Callback):
    """Sends `number` to this process while step `step` runs, as `kill` would."""

    def __init__(self, step, number):
        super().__init__()
        self.step, self.number = step, number

    def on_train_batch_begin(self, batch, logs=None):
        if self.model.generator_step == self.step - 1:
            os.kill(os.getpid(), self.number)


@pytest.mark.backends
@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_finishes_the_step_saves_it_and_the_resume_is_exact(tmp_path, number):
    config = tiny(log_every=4, sample_every=4, checkpoint_every=4)
    straight = train(config, str(tmp_path / "straight"))
    logdir = str(tmp_path / "stopped")
    with pytest.raises(callbacks.TrainingInterrupted,
                       match=f"Stopped by {signal.Signals(number).name} after finishing step 3"):
        train(config, logdir, extra_callbacks=[SignalDuringStep(3, number)])
    assert os.path.exists(os.path.join(logdir, "checkpoints", "ckpt-0000003.weights.h5"))
    assert not os.path.exists(os.path.join(logdir, "generator.keras"))  # not finished
    assert signal.getsignal(number) is not None  # the handlers are put back
    resumed = train(config, logdir)
    for a, b in zip(state(straight), state(resumed), strict=True):
        np.testing.assert_array_equal(a, b)
    assert [step for step, _ in scalars(logdir)["losses/d_loss"]] == [3, 4, 8]  # each once


@pytest.mark.slow
def test_sigterm_to_the_train_command_saves_and_says_how_to_resume(tmp_path):
    import subprocess
    import sys
    import time

    logdir = tmp_path / "run"
    command = [sys.executable, "-m", "keras_edgan.cli.train", "--steps=100000",
               "--log_every=20", "--sample_every=100000", "--checkpoint_every=100000",
               "--width=4", "--batch_size=8", f"--logdir={logdir}"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    for line in process.stderr:  # progress lines: the run is under way
        if "step 20/100000" in line or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=300)
    assert process.returncode == 128 + signal.SIGTERM, rest[-3000:]
    assert "train: Stopped by SIGTERM after finishing step" in rest
    (saved,) = glob.glob(str(logdir / "checkpoints" / "ckpt-*.weights.h5"))
    assert int(saved[-15:-11]) >= 20
    assert f"Resume with: {sys.executable} -m keras_edgan.cli.train --steps=100000" in rest or (
        "Resume with: " in rest and f"--logdir={logdir}" in rest
    )


@pytest.mark.backends
def test_bfloat16_and_fused_steps_resume_exactly_and_log_every_step(tmp_path):
    """`dtype_policy=mixed_bfloat16` with `steps_per_execution=2` (1 on PyTorch, where
    Keras' trainer refuses more): the callbacks still act at their steps, and the
    resumed run is the straight run."""
    fused = 1 if keras.backend.backend() == "torch" else 2
    options = dict(dtype_policy="mixed_bfloat16", steps_per_execution=fused)
    straight = train(tiny(**options), str(tmp_path / "straight"))
    train(tiny(steps=N, **options), str(tmp_path / "resumed"))
    resumed = train(tiny(**options), str(tmp_path / "resumed"))

    assert straight.generator.layers[-1].compute_dtype == "bfloat16"
    assert keras.config.dtype_policy().name == "float32"  # the run's policy is not left set
    assert resumed.generator_step == 2 * N
    for a, b in zip(state(straight), state(resumed), strict=True):
        np.testing.assert_array_equal(a, b)
    logged = scalars(str(tmp_path / "resumed"))
    assert logged == scalars(str(tmp_path / "straight"))
    assert [step for step, _ in logged["losses/d_loss"]] == [2, 4, 6, 8]
