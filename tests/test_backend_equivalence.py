"""EDGAN gives the same losses and weights on TensorFlow, JAX and PyTorch.

Each backend runs `equivalence_run.py` in its own process (Keras fixes the backend
at import) from the same initial weights, data and noise, for 20 generator steps
(40 discriminator steps) of an OptimizedDCGAN (BN, SpectralNorm, OAdam, CED).
"""

import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))

# The first step differs only by float32 round-off (reductions in another order).
# GAN training then amplifies round-off chaotically, and by how much depends on the
# machine (on one CI machine losses drifted 1.2e-3 apart by step 15, on another
# 1e-4). So the later steps are compared with the drift round-off itself causes,
# measured in the same test: TensorFlow again, from initial weights moved by one
# ulp. A backend may drift at most DRIFT_FACTOR times as far; a wrong gradient or
# update moves losses from the first step on, by far more.
FIRST_STEP_RTOL = 1e-5
DRIFT_FACTOR = 10


def _run(backend, initial, output, *flags):
    env = dict(os.environ, KERAS_BACKEND=backend)
    run = subprocess.run(
        [sys.executable, os.path.join(HERE, "equivalence_run.py"), str(initial), str(output),
         *flags],
        env=env, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, f"{backend}:\n{run.stderr[-3000:]}"
    return np.load(output)


def _relative_loss_drift(run, reference):
    """Per step, the largest relative loss difference so far (drift only grows)."""
    drift = np.abs(run["losses"] - reference["losses"]) / np.abs(reference["losses"])
    return np.maximum.accumulate(drift.max(axis=1))


def _weight_drift(run, reference):
    return max(np.abs(run[k] - reference[k]).max() for k in reference.files if k != "losses")


@pytest.mark.slow
def test_edgan_is_the_same_on_all_backends(tmp_path):
    initial = tmp_path / "initial.npz"
    reference = _run("tensorflow", initial, tmp_path / "tensorflow.npz")
    assert reference["losses"].shape == (20, 3)
    perturbed = _run("tensorflow", initial, tmp_path / "perturbed.npz", "--perturb")
    roundoff_loss_drift = _relative_loss_drift(perturbed, reference)
    roundoff_weight_drift = _weight_drift(perturbed, reference)
    assert 0 < roundoff_weight_drift < 1e-2, "the ulp perturbation should move weights a little"
    for backend in ("jax", "torch"):
        result = _run(backend, initial, tmp_path / f"{backend}.npz")
        np.testing.assert_allclose(
            result["losses"][0], reference["losses"][0], rtol=FIRST_STEP_RTOL
        )
        loss_drift = _relative_loss_drift(result, reference)
        allowed = DRIFT_FACTOR * np.maximum(roundoff_loss_drift, FIRST_STEP_RTOL)
        assert np.all(loss_drift <= allowed), (
            f"{backend}: loss drift per step {loss_drift} exceeds {DRIFT_FACTOR}x the "
            f"drift of round-off alone {roundoff_loss_drift}"
        )
        assert _weight_drift(result, reference) <= DRIFT_FACTOR * roundoff_weight_drift, (
            f"{backend}: weights drift {_weight_drift(result, reference)}, round-off alone "
            f"{roundoff_weight_drift}"
        )
