"""`train` killed with SIGKILL at random moments, a save included, resumes each time to
the very run it would have made uninterrupted."""

import glob
import os
import random
import subprocess
import sys
import time

import numpy as np
import pytest

from keras_edgan import callbacks
from keras_edgan.cli import config as config_lib
from keras_edgan.cli.build import build_gan
from keras_edgan.cli.train import train
from test_cli import REPO
from test_resume import scalars, state

STEPS = 40
KILLS = 5
FLAGS = {  # a checkpoint every step: most of the time is spent in or near a save
    "width": 4, "latent_dim": 8, "batch_size": 8, "steps": STEPS, "log_every": 1,
    "checkpoint_every": 1, "sample_every": STEPS, "eval_every": 0,
}


def start(logdir, log):
    with open(log, "w") as stderr:  # a file: a full pipe would stall the run
        return subprocess.Popen(
            [sys.executable, "-m", "keras_edgan.cli.train", f"--logdir={logdir}",
             *(f"--{key}={value}" for key, value in FLAGS.items())],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=stderr,
        )


def newest_step(logdir):
    paths = callbacks.checkpoint.checkpoints(os.path.join(logdir, "checkpoints"))
    return int(os.path.basename(paths[-1])[5:12]) if paths else 0


def saving(logdir):
    return bool(glob.glob(os.path.join(logdir, "checkpoints", ".tmp-ckpt-*")))


def kill_at_a_random_moment(process, logdir, rng, during_save):
    """Lets the run save 1 to 3 new checkpoints, then kills it during its next save or a
    random fraction of a step later; returns whether a save was cut."""
    target = newest_step(logdir) + rng.randint(1, 3)
    deadline = time.monotonic() + 300
    while newest_step(logdir) < target:
        assert process.poll() is None, f"train ended with {process.returncode}"
        assert time.monotonic() < deadline, "train made no progress in 5 minutes"
        time.sleep(0.005)
    if during_save:
        while not saving(logdir) and process.poll() is None:
            time.sleep(0.0005)
    else:
        time.sleep(rng.uniform(0.0, 0.02))
    process.kill()  # SIGKILL: no handler runs, files are left as they are
    process.wait()
    return saving(logdir)


@pytest.mark.slow
def test_killed_runs_resume_exactly(tmp_path):
    logdir = str(tmp_path / "killed")
    rng = random.Random(0)
    interrupted_saves, lost = 0, []
    for kill in range(KILLS):
        process = start(logdir, tmp_path / f"run{kill}.log")
        interrupted_saves += kill_at_a_random_moment(process, logdir, rng, kill % 2 == 0)
        logged = max(step for step, _ in scalars(logdir)["losses/d_loss"])
        lost.append(logged - newest_step(logdir))  # logged, not checkpointed: redone
    process = start(logdir, tmp_path / "final.log")
    assert process.wait(timeout=600) == 0, (tmp_path / "final.log").read_text()[-3000:]
    assert interrupted_saves, "no kill landed in a save (3 tried): the test missed its aim"
    print(f"{KILLS} kills ({interrupted_saves} during a save), {KILLS} resumes, steps "
          f"logged but lost per kill: {lost}")

    config = config_lib.load(None, FLAGS)
    straight = train(config, str(tmp_path / "straight"))
    gan, _ = build_gan(config)
    paths = callbacks.checkpoint.checkpoints(os.path.join(logdir, "checkpoints"))
    assert [os.path.basename(path) for path in paths] == [
        f"ckpt-{step:07d}.weights.h5" for step in range(STEPS - 2, STEPS + 1)
    ]
    for path in paths:  # every checkpoint on disk loads, and holds its step
        gan.load_weights(path)
        assert int(gan.g_optimizer.iterations) == int(os.path.basename(path)[5:12])
    for a, b in zip(state(gan), state(straight), strict=True):
        np.testing.assert_array_equal(a, b)
    # Each step logged once, with the values of the uninterrupted run.
    assert scalars(logdir) == scalars(str(tmp_path / "straight"))
    assert [step for step, _ in scalars(logdir)["losses/d_loss"]] == list(range(1, STEPS + 1))
