"""`python -m keras_edgan.benchmarks.step_speed`: what it reports, and that its
hand-written loop computes what keras_edgan's `fit` computes.

No speed or ratio is asserted: the times of a shared machine are noise to a test. What
makes the benchmark's ratio mean something is that both sides do the same arithmetic:
one step of each, from the same weights, on the same batch and noise, leaves the same
weights (bitwise on TensorFlow, JAX and torch when measured; asserted to float32
round-off).
"""

import json
import math
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan.benchmarks import step_speed

pytestmark = pytest.mark.backends


def values(network):
    """Every weight of `network` by path: trainable ones, BN statistics, SN vectors."""
    return {v.path: ops.convert_to_numpy(v).copy() for v in network.weights}


@pytest.mark.parametrize("workload", list(step_speed.WORKLOADS))
def test_one_hand_written_step_is_one_step_of_fit(workload):
    """The loop's networks start from the model's weights and its seed generator from
    the model's state, so both draw the same z in Algorithm 1's order; given the same
    real batch, one step of each must update every weight alike (BN statistics and
    SpectralNorm's vector included: the networks run in training mode in the same
    order)."""
    gan, config, data = step_speed.build(workload, quick=True)
    train, parts = step_speed.hand_written_loop(gan, config, data)
    pairs = [(gan.generator, parts.generator), (gan.discriminator, parts.discriminator)]
    initial = [values(model) for model, _ in pairs]
    for (model, mine), start in zip(pairs, initial):
        assert values(mine).keys() == start.keys()
        for path, value in values(mine).items():
            np.testing.assert_array_equal(value, start[path], err_msg=path)
    batch = next(step_speed.numpy_batches(step_speed.real_data(config, data)))

    gan.fit(tf.data.Dataset.from_tensors(batch), epochs=1, verbose=0)
    train([ops.convert_to_tensor(batch)])

    for (model, mine), start in zip(pairs, initial):
        want, got = values(model), values(mine)
        for path in want:
            np.testing.assert_allclose(got[path], want[path], rtol=1e-5, atol=1e-7,
                                       err_msg=f"{model.name}: {path}")
        # Not two loops that did nothing: every trainable weight moved.
        for v in model.trainable_variables:
            assert not np.array_equal(want[v.path], start[v.path]), v.path
    # The same number of noise draws: d_steps for D, one for G.
    np.testing.assert_array_equal(ops.convert_to_numpy(parts.seed_generator.state),
                                  ops.convert_to_numpy(gan.seed_generator.state))


@pytest.mark.slow
def test_quick_run_reports_every_number_with_what_it_is(tmp_path):
    backend = keras.backend.backend()
    output = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, "-m", "keras_edgan.benchmarks.step_speed", "--quick",
         f"--backends={backend}", "--workloads=pacgan_mlp", f"--json={output}"],
        capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(output.read_text())
    assert report["machine"]["cpus"] >= 1
    (result,) = report["results"]
    assert (result["backend"], result["workload"]) == (backend, "pacgan_mlp")
    assert (result["steps"], result["repeats"], result["warmup"]) == (2, 1, 1)
    for run_name in ("keras_edgan", "hand_written", "keras_edgan_in_memory", "input_alone"):
        (seconds,) = result["seconds_per_step"][run_name]
        assert math.isfinite(seconds) and seconds > 0, run_name
    for key in ("keras_edgan_s", "hand_written_s", "ratio", "keras_edgan_in_memory_s",
                "input_alone_s"):
        assert math.isfinite(result[key]) and result[key] > 0, key
    assert result["ratio"] == pytest.approx(result["keras_edgan_s"] / result["hand_written_s"])
    # A difference of two noisy times: its sign is not the test's to say.
    assert result["input_wait_percent"] == pytest.approx(
        100 * (1 - result["keras_edgan_in_memory_s"] / result["keras_edgan_s"])
    )
    assert "batch 8 × 1 D step(s)" in result["description"]
    assert result["dtype_policy"] == "float32"

    lines = run.stdout.splitlines()
    assert lines[0].startswith("Seconds per generator step (s/step)")
    assert f"pacgan_mlp: {result['description']}" in lines
    header = next(line for line in lines if line.startswith("backend"))
    for name, _ in step_speed.COLUMNS:
        assert name in header, name
    (row,) = [line for line in lines if line.startswith(f"{backend} ")]
    assert row.split() == [backend, "pacgan_mlp", "float32", "2", "×", "1", "1",
                           *(cell(result) for _, cell in step_speed.COLUMNS[5:])]
