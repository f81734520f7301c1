"""`python -m keras_edgan.benchmarks.edgan --quick` produces every row of the ablation.

It asserts that every row is trained and scored on every dataset, not what the rows
show: a few steps measure nothing.
"""

import json
import math
import os
import subprocess
import sys

import pytest
from PIL import Image

from keras_edgan.benchmarks.edgan import COLUMNS, DATASETS, ROWS


@pytest.mark.slow
def test_quick_run_produces_every_row(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "keras_edgan.benchmarks.edgan", "--quick", f"--logdir={tmp_path}"],
        capture_output=True, text=True, timeout=900, env=dict(os.environ),
    )
    assert run.returncode == 0, run.stderr[-3000:]
    with open(tmp_path / "results.json") as f:
        results = json.load(f)["results"]
    assert set(results) == set(DATASETS)
    for dataset, rows in results.items():
        assert list(rows) == list(ROWS), dataset
        for row, runs in rows.items():
            assert len(runs) == 1, (dataset, row)
            scores = runs[0]["scores"]
            assert runs[0]["steps"] == 4
            for column in COLUMNS[dataset]:
                assert math.isfinite(scores[column]), (dataset, row, column)
    tables = (tmp_path / "tables.md").read_text()
    for row in ROWS:
        assert tables.count(f"| {row} |") == len(DATASETS)
    for dataset in DATASETS:
        with Image.open(tmp_path / f"{dataset}.png") as strip:
            with Image.open(tmp_path / dataset / f"{next(iter(ROWS))}_seed0.png") as one:
                assert strip.size == (len(ROWS) * one.size[0], one.size[1])
