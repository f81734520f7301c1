"""The GAN+VER benchmark's --quick mode, and `train` on a 2-D mixture (scatter plots,
mixture scores in TensorBoard)."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from tensorboard.backend.event_processing import event_accumulator

from keras_edgan.benchmarks.ver import converged

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_module(module, *flags):
    return subprocess.run(
        [sys.executable, "-m", module, *flags], cwd=REPO, capture_output=True, text=True, timeout=900,
    )


@pytest.mark.slow
def test_quick_benchmark_prints_the_papers_tables_beside_ours(tmp_path):
    result = run_module(
        "keras_edgan.benchmarks.ver", "--quick", "--datasets=ring,mnist5k",
        "--models=wgan_gp_ver", f"--logdir={tmp_path}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    tables = result.stdout
    assert "| Model | | seeds | Modes | HQ(%) | KL | WD | MMD | TA(%) | RA(%) | GA(%) | PR(%) | RE(%) |" in tables
    assert "| Model | | seeds | IS | FD | Modes | KL | WD | MMD | TA(%) | RA(%) | GA(%) | PR(%) | RE(%) |" in tables
    # Our row beside the paper's (Table I: HQ 92.71 %; Table III: IS 9.235), every cell filled.
    for line in ("| WGAN+VER | paper | | 8 | 92.71 |", "| WGAN+VER | paper | | 9.235 |"):
        assert line in tables, line
    rows = [line for line in tables.splitlines() if line.startswith("| WGAN+VER | ours |")]
    assert [len(row.split("|")) for row in rows] == [15, 16]
    assert "| WGAN+VER | ours, last 6 evaluations | 1 |" in tables

    results = json.loads((tmp_path / "results.json").read_text())["results"]
    assert set(results) == {"ring", "mnist5k"}
    for dataset in results:
        (only,) = results[dataset]["wgan_gp_ver"]["runs"]
        assert only["history"], f"no scores during training on {dataset} (Fig. 4)"
    for figure in ("fig3.png", "fig4_ring.png", "fig4_mnist5k.png", "tables.md",
                   "ring/wgan_gp_ver/seed0/scatter.png"):
        assert (tmp_path / figure).is_file(), figure
    assert np.asarray(Image.open(tmp_path / "fig3.png")).shape[:2] == (400, 400)


@pytest.mark.slow
def test_seeded_rows_report_the_mean_and_spread_of_their_seeds(tmp_path):
    result = run_module(
        "keras_edgan.benchmarks.ver", "--quick", "--datasets=ring", "--models=vgan",
        "--seeded=ring/vgan", "--seeds=2", "--seed=5", f"--logdir={tmp_path}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    row = json.loads((tmp_path / "results.json").read_text())["results"]["ring"]["vgan"]
    assert [run["seed"] for run in row["runs"]] == [5, 6]
    for name in ("hq", "kl", "wd"):
        values = [run["scores"][name] for run in row["runs"]]
        assert row["scores"][name] == pytest.approx(np.mean(values))
        assert row["spread"][name] == pytest.approx(np.std(values))
    assert row["runs"][0]["scores"] != row["runs"][1]["scores"], "the seeds trained the same run"
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("| VGAN | ours | 2 |")]
    assert line.count(" ± ") == 10
    for seed in (5, 6):
        assert (tmp_path / f"ring/vgan/seed{seed}/scatter.png").is_file()
    # The late row: each seed's evaluations during training, its last 6 averaged.
    late = [np.mean([values["kl"] for _, values in run["history"][-6:]]) for run in row["runs"]]
    assert row["late"]["kl"] == pytest.approx(np.mean(late))
    assert row["late_spread"]["kl"] == pytest.approx(np.std(late))
    assert "| VGAN | ours, last 6 evaluations | 2 |" in result.stdout

    # --report rewrites the tables and figures of results.json without training.
    tables = (tmp_path / "tables.md").read_text()
    for name in ("tables.md", "fig4_ring.png", "fig3.png"):
        (tmp_path / name).unlink()
    report = run_module("keras_edgan.benchmarks.ver", "--report", f"--logdir={tmp_path}")
    assert report.returncode == 0, report.stderr[-3000:]
    assert (tmp_path / "tables.md").read_text() == tables
    assert (tmp_path / "fig4_ring.png").is_file() and (tmp_path / "fig3.png").is_file()
    assert "Training" not in report.stderr


def test_a_run_converges_when_no_window_mean_improves_by_its_margin():
    scores = {"modes": (+1, 0.5), "kl": (-1, 0.02)}

    def history(*pairs):
        return [{"modes": modes, "kl": kl} for modes, kl in pairs]

    improving = history((10, 1.5), (12, 1.4), (14, 1.3), (16, 1.2))
    assert not converged(improving, scores, window=2)
    # Window means (20, 1.0) then (20, 1.0): converged; over windows of 3, the first
    # window's mean (16.7, 1.17) is worse, so not yet.
    flat = history((10, 1.5), (20, 1.0), (20, 1.0), (20, 1.01), (19, 0.99), (21, 1.0))
    assert converged(flat, scores, window=2)
    assert not converged(flat, scores, window=3)
    assert not converged(flat[:3], scores, window=2), "two full windows are needed"
    # One score still improving beyond its margin keeps the run going: mean KL 1.0 -> 0.97.
    assert not converged(history((20, 1.0), (20, 1.0), (20, 0.97), (20, 0.97)), scores, window=2)
    # ... and gains within the margins do not: KL 1.0 -> 0.985, Modes 20 -> 20.4.
    assert converged(history((20, 1.0), (20, 1.0), (20.4, 0.985), (20.4, 0.985)), scores, window=2)
    # A single lucky evaluation does not keep a noisy run going, as a best-so-far rule would.
    noisy = history((15, 1.5), (14, 1.5), (16.5, 1.5), (13, 1.5))
    assert converged(noisy, scores, window=2)
    # Scores getting worse are a plateau too (training that oscillates or degrades).
    assert converged(history((20, 1.0), (20, 1.0), (12, 1.8), (15, 1.5)), scores, window=2)
    assert not converged(flat, scores, window=0), "window 0 trains for the configs' steps"


@pytest.mark.slow
def test_train_on_a_mixture_draws_scatter_plots_and_logs_mixture_scores(tmp_path):
    result = run_module(
        "keras_edgan.cli.train", "--config=ver_ring_vgan", f"--logdir={tmp_path}", "--steps=4",
        "--log_every=2", "--sample_every=2", "--eval_every=2", "--eval_samples=100",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Training vgan_ver on ring (2-D points), 4 steps" in result.stderr
    events = event_accumulator.EventAccumulator(str(tmp_path), size_guidance={"images": 0, "tensors": 0})
    events.Reload()
    tags = events.Tags()["tensors"] + events.Tags()["scalars"]
    for tag in ("estimates/mi", "gmm/modes", "gmm/hq", "gmm/kl", "gmm/ta"):
        assert tag in tags, tag
    assert [event.step for event in events.Tensors("gmm/modes")] == [2, 4]
    assert "scatter" in events.Tags()["images"] + events.Tags()["tensors"]
    assert sorted(os.listdir(tmp_path / "scatter")) == ["step_0000002.png", "step_0000004.png"]
    image = np.asarray(Image.open(tmp_path / "scatter.png"))
    assert image.shape == (400, 400, 3) and image.std() > 0
