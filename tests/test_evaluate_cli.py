"""`evaluate` on the checkpoint and the generator of a short `train` run."""

import json
import math
import os
import subprocess
import sys

import pytest
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.plugins.hparams import plugin_data_pb2

from keras_edgan import evaluation
from keras_edgan.cli import evaluate

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMES = ("FD-mnist-classifier", "CS-mnist-classifier", "KD-mnist-classifier")


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    # One cache per test session, so the MNIST classifier is trained once.
    return str(tmp_path_factory.getbasetemp() / "keras_edgan_cache")


@pytest.fixture(scope="module")
def run(tmp_path_factory, cache_dir):
    """A 2-step `train` run that evaluates after each step."""
    logdir = tmp_path_factory.mktemp("run")
    result = subprocess.run(
        [sys.executable, "-m", "keras_edgan.cli.train", "--config=mnist5k_cpu", f"--logdir={logdir}",
         "--steps=2", "--log_every=1", "--width=4", "--batch_size=8",
         "--eval_every=1", "--eval_samples=100", "--extractor=mnist-classifier"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
        env=dict(os.environ, **{evaluation.CACHE_ENV: cache_dir}),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return logdir


@pytest.mark.slow
def test_train_logs_evaluations_and_hyperparameters(run):
    events = event_accumulator.EventAccumulator(str(run), size_guidance={"tensors": 0})
    events.Reload()
    for name in NAMES:
        assert [event.step for event in events.Tensors(f"evaluation/{name}")] == [1, 2]
    session = plugin_data_pb2.HParamsPluginData.FromString(
        events.SummaryMetadata("_hparams_/session_start_info").plugin_data.content
    ).session_start_info
    assert session.hparams["model"].string_value == "edgan"
    assert session.hparams["eval_every"].number_value == 1


@pytest.mark.slow
def test_evaluate_prints_the_table_and_writes_json(run, cache_dir, tmp_path):
    checkpoint = run / "checkpoints" / "ckpt-0000002.weights.h5"
    scores_path = tmp_path / "scores.json"
    result = subprocess.run(
        [sys.executable, "-m", "keras_edgan.cli.evaluate", f"--checkpoint={checkpoint}",
         "--extractor=mnist-classifier", "--num_samples=200", f"--cache_dir={cache_dir}",
         f"--json={scores_path}"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0] == f"checkpoint: {checkpoint} (step 2)"
    assert lines[1:3] == ["dataset: mnist5k (train)", "extractor: mnist-classifier"]
    assert lines[3].split() == ["metric", "value", "real", "generated"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[4:]}
    assert rows["FD-mnist-classifier"][1:] == ["200", "200"]
    assert rows["CS-mnist-classifier"][1:] == ["-", "200"]

    record = json.loads(scores_path.read_text())
    assert (record["step"], record["dataset"], record["extractor"]) == (2, "mnist5k", "mnist-classifier")
    assert (record["real_samples"], record["generated_samples"]) == (200, 200)
    assert tuple(record["scores"]) == NAMES
    assert all(math.isfinite(value) for value in record["scores"].values())
    for name in NAMES:
        assert float(rows[name][0]) == pytest.approx(record["scores"][name], rel=1e-5)

    # The run directory (its newest checkpoint) and its saved generator give the
    # same generator, hence the same scores.
    for source in (run, run / "generator.keras"):
        _, again = evaluate.evaluate(str(source), extractor="mnist-classifier", num_samples=200,
                                     cache_dir=cache_dir)
        assert again["scores"] == pytest.approx(record["scores"], rel=1e-5)
        assert again["dataset"] == "mnist5k"  # from the run's config.json


def test_unusable_checkpoints_say_what_is_expected(tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoints/ckpt-\\*.weights.h5 and no generator.keras"):
        evaluate.load_generator(str(tmp_path))
    lone = tmp_path / "ckpt-0000001.weights.h5"
    lone.write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="needs its run's config.json"):
        evaluate.load_generator(str(lone))
    other = tmp_path / "model.pt"
    other.write_bytes(b"")
    with pytest.raises(ValueError, match="expected a generator .keras file"):
        evaluate.load_generator(str(other))
