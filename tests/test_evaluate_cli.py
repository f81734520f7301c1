"""`evaluate` on the checkpoint and the generator of a short `train` run, and
`evaluate --reference` on held-out embedded digits."""

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.plugins.hparams import plugin_data_pb2

from keras_edgan import evaluation
from keras_edgan.cli import evaluate
from pipelines import embedded

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
    assert session.hparams["steps"].number_value == 2
    # What a run logs and evaluates tells no two runs' results apart.
    assert "eval_every" not in session.hparams and "log_every" not in session.hparams


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


@pytest.mark.slow
def test_reference_scores_held_out_digits_below_noise_and_a_constant(cache_dir, tmp_path):
    scores_path = tmp_path / "floor.json"
    result = subprocess.run(
        [sys.executable, "-m", "keras_edgan.cli.evaluate", "--reference", "--dataset=mnist5k",
         "--extractor=mnist-classifier", "--num_samples=300", "--real_samples=1000",
         f"--cache_dir={cache_dir}", f"--json={scores_path}"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].endswith("(the real-data floor)")
    assert lines[1:5] == [
        "dataset: mnist5k (28x28)",
        "real: train, all but the last 100 digits of each class (1000 of 4000 images)",
        "held-out: train, the last 100 digits of each class (300 of 1000 images)",
        "extractor: mnist-classifier",
    ]
    assert lines[5].split() == ["metric", "value", "real", "held-out"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[6:]}
    assert tuple(rows) == NAMES
    assert rows["FD-mnist-classifier"][1:] == ["1000", "300"]
    assert rows["CS-mnist-classifier"][1:] == ["-", "300"]
    assert rows["KD-mnist-classifier"][1:] == ["1000", "300"]
    record = json.loads(scores_path.read_text())
    assert (record["real_samples"], record["held_out_samples"]) == (1000, 300)
    assert all(math.isfinite(value) for value in record["scores"].values())

    # Noise and a constant image, scored the same way against the same (cached)
    # statistics, are far from the digits; held-out digits must score below both.
    extractor = evaluation.mnist_classifier_extractor(cache_dir)
    real = evaluation.real_statistics(extractor, "mnist5k", 1000, 28, part="rest", cache_dir=cache_dir)
    rng = np.random.default_rng(0)
    noise = rng.uniform(-1, 1, (300, 28, 28, 1)).astype("float32")
    constant = np.zeros((300, 28, 28, 1), "float32")
    floor = record["scores"]["FD-mnist-classifier"]
    for images in (noise, constant):
        report = evaluation.evaluate_images(np.split(images, 3), extractor, real, 300)
        assert floor < report.scores["FD-mnist-classifier"]


def test_held_out_digits_are_disjoint_from_the_statistics_digits():
    images, labels = embedded.mnist5k_arrays()
    # What the report says is held out: the last 100 digits of each class.
    held_out_mask = np.zeros(len(labels), bool)
    for digit in range(10):
        held_out_mask[np.flatnonzero(labels == digit)[-100:]] = True

    def read(part):
        batches = evaluation.real_batches("mnist5k", 28, batch_size=500, part=part)
        digits = np.rint((np.concatenate(list(batches)) + 1.0) * 127.5).astype("uint8")
        return [digit.tobytes() for digit in digits]

    held_out, rest = read("held-out"), read("rest")
    assert (len(held_out), len(rest)) == (1000, 4000)
    assert not set(held_out) & set(rest)
    # Exactly those digits on one side, every other digit on the other.
    assert set(held_out) == {digit.tobytes() for digit in images[held_out_mask]}
    assert set(rest) == {digit.tobytes() for digit in images[~held_out_mask]}


def test_held_out_images_default_to_another_split():
    real, held_out = evaluation.held_out_images("cifar10")
    assert (real.split, real.part, held_out.split, held_out.size) == ("train", None, "test", 10_000)
    real, held_out = evaluation.held_out_images("stl10")
    assert (real.split, held_out.split) == ("unlabelled", "test")
    real, held_out = evaluation.held_out_images("mnist5k")
    assert (real.part, real.size, held_out.part, held_out.size) == ("rest", 4000, "held-out", 1000)


@pytest.mark.parametrize("options, message", [
    (dict(dataset="cifar10", held_out_split="train[:10%]"), "both use train"),
    (dict(dataset="cifar10", split="train+test"), "no split left to hold out"),
    (dict(dataset="mnist5k", held_out_split="train"), "both use train"),
    (dict(dataset="cifar10", held_out_split="tset"), "unknown split\\(s\\) tset"),
    (dict(dataset="mnist5k", real_samples=5000), "number 4000"),
    (dict(dataset="ring"), "ring holds 2-D points"),
])
def test_reference_refuses_overlapping_or_missing_held_out_images(options, message):
    # Raised before any extractor is built or image read.
    with pytest.raises(ValueError, match=message):
        evaluate.evaluate_reference(**options)


@pytest.mark.parametrize("flags, message", [
    (["--reference", "--dataset=mnist5k", "--checkpoint=runs/x"], "--reference scores held-out real images, not a generator"),
    (["--checkpoint=runs/x", "--held_out_split=test"], "--held_out_split applies only with --reference"),
    ([], "Nothing to score: pass --checkpoint=PATH"),
    (["--reference", "--dataset=mnist5k", "--num_samples=0"],
     "--num_samples must be an integer ≥ 2 (the Fréchet distance needs a covariance); got 0."),
    (["--checkpoint=runs/x", "--batch_size=0"], "--batch_size must be an integer ≥ 1; got 0."),
])
def test_conflicting_or_missing_flags_are_usage_errors(flags, message):
    result = subprocess.run([sys.executable, "-m", "keras_edgan.cli.evaluate", *flags],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    assert message in result.stderr
