"""EDGAN gives the same losses and weights on TensorFlow, JAX and PyTorch.

Each backend runs `equivalence_run.py` in its own process (Keras fixes the backend
at import) from the same initial weights, data and noise, for 3 generator steps
(6 discriminator steps) of an OptimizedDCGAN (BN, SpectralNorm, OAdam, CED), in
float64.

Why float64 and few steps: GAN training amplifies round-off, and OAdam amplifies it
most where a gradient is nearly zero (a BN offset followed by another BN): its
normalized step m̂/√v̂ turns round-off into a step of size lr. In float32 that made
20-step trajectories drift apart by 1e-4 to 1e-3 depending on the CPU, and any bound
on that drift failed at random. In float64 (Keras' torch matmul still computes in
float32, and the loss trackers are float32) the backends' losses agree to 2.3e-7
relative, and each variable to 6e-4 of its update at worst, over these steps for
initial weights from seeds 0, 1 and 2 (seed 0, the test's: 1e-6 of the update),
measured on CPU. A few elements whose gradient is about OAdam's ε differ most, so
weights are compared per variable in the L2 norm, against the size of the variable's
update. A wrong gradient or update changes the losses of the very next update by
about 1e-3 relative, and a variable by the size of its update.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))

LOSS_RTOL = 1e-5
# Per variable and step: ‖w_backend − w_reference‖ ≤ WEIGHT_RTOL · ‖w_reference − w_initial‖
# + WEIGHT_ATOL · ‖w_reference‖. The second term covers variables that barely move (a
# SpectralNorm vector u of one element stays ±1): float64 round-off of their value, far
# below any update (OAdam moves a weight by about lr = 1e-4 per step).
WEIGHT_RTOL = 1e-2
WEIGHT_ATOL = 1e-10


def _run(backend, initial, output):
    env = dict(os.environ, KERAS_BACKEND=backend, JAX_ENABLE_X64="1")
    run = subprocess.run(
        [sys.executable, os.path.join(HERE, "equivalence_run.py"), str(initial), str(output)],
        env=env, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, f"{backend}:\n{run.stderr[-3000:]}"
    return np.load(output)


@pytest.mark.slow
def test_edgan_is_the_same_on_all_backends(tmp_path):
    initial = tmp_path / "initial.npz"
    reference = _run("tensorflow", initial, tmp_path / "tensorflow.npz")
    initial_weights = np.load(initial)
    assert reference["losses"].shape == (3, 3)
    weight_keys = [k for k in reference.files if k != "losses"]
    assert all(reference[k].dtype == np.float64 for k in weight_keys)
    for backend in ("jax", "torch"):
        result = _run(backend, initial, tmp_path / f"{backend}.npz")
        np.testing.assert_allclose(
            result["losses"], reference["losses"], rtol=LOSS_RTOL,
            err_msg=f"{backend}: losses (d_loss, g_loss, ced) per step",
        )
        for key in weight_keys:
            for step, (got, want) in enumerate(zip(result[key], reference[key]), 1):
                moved = np.linalg.norm(want - initial_weights[key])
                apart = np.linalg.norm(got - want)
                assert apart <= WEIGHT_RTOL * moved + WEIGHT_ATOL * np.linalg.norm(want), (
                    f"{backend}: {key} after step {step} is {apart:.3g} from TensorFlow's; "
                    f"the update moved it {moved:.3g}"
                )
