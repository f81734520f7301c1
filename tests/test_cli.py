"""`train` end to end for a few steps, and its configuration handling."""

import glob
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.plugins.hparams import plugin_data_pb2

from keras_edgan.cli import config as config_lib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_train(*flags, env=None):
    return subprocess.run(
        [sys.executable, "-m", "keras_edgan.cli.train", *flags],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=600,
    )


@pytest.mark.slow
def test_train_writes_scalars_images_checkpoints_and_png(tmp_path):
    logdir = tmp_path / "run"
    result = run_train(
        "--config=mnist5k_cpu", f"--logdir={logdir}", "--steps=4", "--log_every=2",
        "--sample_every=2", "--checkpoint_every=2", "--width=4", "--batch_size=8",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stderr.splitlines()
    # Plain lines, without absl's prefix (level, date, time, thread, file:line).
    assert any(line.startswith("step 4/4 (100%) | ") for line in lines), lines[-10:]
    assert any(line.startswith("Done. Samples: ") for line in lines), lines[-10:]

    events = event_accumulator.EventAccumulator(str(logdir), size_guidance={"images": 0})
    events.Reload()
    scalars = events.Tags()["scalars"] + events.Tags()["tensors"]
    for tag in ("losses/d_loss", "losses/g_loss", "penalties/ced"):
        assert tag in scalars, scalars
    steps = [event.step for event in events.Tensors("losses/d_loss")]
    assert steps == [2, 4]
    assert "samples" in scalars  # TF2 summaries store images as tensors
    # The config's quality curve (eval_every=500): at the end of this short run.
    assert [event.step for event in events.Tensors("evaluation/FD-mnist-classifier")] == [4]
    # HParams: the run's name as the trial, the settings that apply to it.
    session = plugin_data_pb2.HParamsPluginData.FromString(
        events.SummaryMetadata("_hparams_/session_start_info").plugin_data.content
    ).session_start_info
    assert session.group_name == "run"
    assert session.hparams["model"].string_value == "edgan"
    assert session.hparams["ced_weight"].number_value == 1.0
    assert "log_every" not in session.hparams and "instance_noise" not in session.hparams
    assert [event.step for event in events.Tensors("samples")] == [2, 4]  # each step once

    grid = np.asarray(Image.open(logdir / "samples.png"))
    assert grid.shape == (8 * 28, 8 * 28)  # 8×8 grayscale digits
    assert grid.std() > 0
    assert sorted(os.path.basename(p) for p in glob.glob(str(logdir / "checkpoints" / "*"))) == [
        "ckpt-0000002.weights.h5", "ckpt-0000002.weights.h5.sha256",
        "ckpt-0000004.weights.h5", "ckpt-0000004.weights.h5.sha256",
    ]
    assert (logdir / "generator.keras").is_file()


def test_unknown_model_is_a_usage_error(tmp_path):
    result = run_train("--model=edgna", f"--logdir={tmp_path}")
    assert result.returncode != 0
    assert "Unknown model 'edgna'. Did you mean 'edgan'?" in result.stderr


def test_config_file_then_flags():
    config = config_lib.load("edgan_cifar10", {"steps": 10, "lr_d": None})
    assert config["steps"] == 10            # the flag wins
    assert config["lr_d"] == 1e-4           # unset flag: the file's value
    assert config["dataset"] == "cifar10"


def test_every_paper_config_has_the_papers_settings():
    for path in glob.glob(os.path.join(REPO, "configs", "edgan_*.toml")):
        config = config_lib.load(path)
        assert (config["batch_size"], config["d_steps"], config["latent_dim"]) == (64, 2, 128)
        assert (config["lr_d"], config["lr_g"]) == (1e-4, 4e-4)
        assert (config["beta_1"], config["beta_2"], config["optimizer"]) == (0.5, 0.9, "oadam")
        assert (config["ced_weight"], config["steps"], config["image_size"]) == (1.0, 100_000, 32)


def test_unknown_config_key_and_name_suggest_the_closest(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("stpes = 3\n")
    with pytest.raises(ValueError, match="Unknown key 'stpes'.*Did you mean 'steps'"):
        config_lib.load(str(bad))
    with pytest.raises(FileNotFoundError, match="Did you mean 'edgan_cifar10'"):
        config_lib.load("edgan_cifar1")


def test_bad_values_are_rejected():
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        config_lib.load(None, {"batch_size": 0})
    with pytest.raises(ValueError, match=r"beta_2 must be in \[0, 1\)"):
        config_lib.load(None, {"beta_2": 1.0})


@pytest.mark.slow
def test_every_scalar_has_a_group_and_a_description(tmp_path):
    logdir = tmp_path / "run"
    result = run_train(
        "--config=mnist5k_cpu", f"--logdir={logdir}", "--steps=4", "--log_every=2",
        "--width=4", "--batch_size=8", "--eval_every=0",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    events = event_accumulator.EventAccumulator(str(logdir))
    events.Reload()
    tags = set(events.Tags()["tensors"])
    expected = {"losses/d_loss", "losses/g_loss", "penalties/ced", "optimization/lr_d",
                "optimization/lr_g", "speed/steps_per_second", "speed/images_per_second"}
    assert expected <= tags, tags
    for tag in expected:
        assert [event.step for event in events.Tensors(tag)] == [2, 4], tag
        assert events.SummaryMetadata(tag).summary_description, tag
    lr = [float(tf.make_ndarray(event.tensor_proto)) for event in events.Tensors("optimization/lr_g")]
    assert lr == pytest.approx([4e-4, 4e-4])  # the config's lr_g
    # 2 minibatches of 8 real images per step (d_steps = 2).
    speed = {tag: [float(tf.make_ndarray(e.tensor_proto)) for e in events.Tensors(tag)]
             for tag in ("speed/steps_per_second", "speed/images_per_second")}
    assert speed["speed/images_per_second"] == pytest.approx(
        [16 * value for value in speed["speed/steps_per_second"]])
