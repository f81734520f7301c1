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
    assert "| Model | | Modes | HQ(%) | KL | WD | MMD | TA(%) | RA(%) | GA(%) | PR(%) | RE(%) |" in tables
    assert "| Model | | IS | FD | Modes | KL | WD | MMD | TA(%) | RA(%) | GA(%) | PR(%) | RE(%) |" in tables
    # Our row beside the paper's (Table I: HQ 92.71 %; Table III: IS 9.235), every cell filled.
    for line in ("| WGAN+VER | paper | 8 | 92.71 |", "| WGAN+VER | paper | 9.235 |"):
        assert line in tables, line
    rows = [line for line in tables.splitlines() if line.startswith("| WGAN+VER | ours |")]
    assert [len(row.split("|")) for row in rows] == [14, 15]

    results = json.loads((tmp_path / "results.json").read_text())["results"]
    assert set(results) == {"ring", "mnist5k"}
    assert results["ring"]["wgan_gp_ver"]["history"], "no scores during training (Fig. 4)"
    for figure in ("fig3.png", "fig4_ring.png", "tables.md", "ring/wgan_gp_ver/scatter.png"):
        assert (tmp_path / figure).is_file(), figure
    assert np.asarray(Image.open(tmp_path / "fig3.png")).shape[:2] == (400, 400)


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
