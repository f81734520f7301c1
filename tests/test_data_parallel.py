"""Data-parallel training (`keras_edgan.distribution`) on 2 virtual CPU devices: the
ecosystem's engines (tf.distribute, keras.distribution), each replica's update the
mean gradient of the global batch, distinct noise per replica, exact resume.

Each backend runs tests/data_parallel_run.py in a child process: the devices must be
set up before the backend starts.
"""

import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

RUN = os.path.join(os.path.dirname(__file__), "data_parallel_run.py")
DEVICES = {
    "tensorflow": {},
    "jax": {"XLA_FLAGS": "--xla_force_host_platform_device_count=2"},
}


@pytest.fixture(scope="module", params=sorted(DEVICES))
def run(request, tmp_path_factory):
    backend = request.param
    env = {**os.environ, "KERAS_BACKEND": backend, **DEVICES[backend]}
    logdir = str(tmp_path_factory.mktemp(f"data_parallel_{backend}"))
    child = subprocess.run([sys.executable, RUN, logdir], env=env, capture_output=True,
                           text=True, timeout=900)
    assert child.returncode == 0, child.stderr[-4000:]
    (line,) = [line for line in child.stdout.splitlines() if line.startswith("RESULTS ")]
    return backend, json.loads(line[len("RESULTS "):])


def assert_same_weights(first, second, **tolerance):
    assert len(first) == len(second)
    for a, b in zip(first, second):
        np.testing.assert_allclose(np.array(a), np.array(b), **tolerance)


def assert_same_logs(one_device, distributed, tf_distribute):
    """The logs of a distributed step equal one device's, but for the gradient norms
    under tf.distribute, which are the mean of the replicas' own."""
    per_replica = ("d_grad_norm", "g_grad_norm") if tf_distribute else ()
    assert set(distributed) == set(one_device)
    for key, value in one_device.items():
        if key not in per_replica:
            assert distributed[key] == pytest.approx(value, abs=1e-6), key


def test_the_engine_is_the_backends_own(run):
    backend, results = run
    assert results["replicas"] == 2
    engine = {"tensorflow": "tf.distribute.MirroredStrategy over /device:CPU:0, /device:CPU:1",
              "jax": "keras.distribution.DataParallel over 2 cpu devices"}[backend]
    assert results["engine"] == engine


def test_a_step_on_two_replicas_is_the_step_on_one_device(run):
    """A generator that ignores z, so the replicas' noise does not enter: the same
    global batch gives the same update and logs as one device, up to the order of
    float32 sums (observed differences ≤ 3e-8; summed, not averaged, gradients
    would move the weights twice as far). The gradient norms are the exception under
    tf.distribute: each replica's is that of its own part of the batch, and the log
    their mean (all-reducing every gradient once more for a diagnostic would double
    the step's communication); under JAX's DataParallel the step has one gradient."""
    backend, results = run
    assert_same_weights(results["one_device"], results["two_replicas"], rtol=0, atol=1e-6)
    assert_same_logs(results["one_device_logs"], results["two_replica_logs"],
                     tf_distribute=backend == "tensorflow")


def test_replicas_draw_their_own_noise(run):
    """TensorFlow: each replica draws its own noise, so EDGAN's step on two replicas
    is not one device's. JAX: the step draws the global batch's noise once and shards
    it, so the step is exactly one device's."""
    backend, results = run
    one, two = results["edgan_one_device"], results["edgan_two_replicas"]
    if backend == "jax":
        assert_same_weights(one, two, rtol=0, atol=1e-6)
    else:
        first, second = np.array(results["replica_noise"])
        assert first.shape == (2, 4) and not np.allclose(first, second)
        assert max(np.max(np.abs(np.array(a) - np.array(b))) for a, b in zip(one, two)) > 1e-3


def test_batch_norm_statistics_per_replica_or_synchronized(run):
    """A discriminator with BatchNormalization (the generator ignores z): on
    TensorFlow each replica normalizes with its own half of the batch unless
    `synchronize_batch_norm`, which makes the step one device's; under JAX the
    statistics are the global batch's either way."""
    backend, results = run
    one = results["batch_norm_one_device"]
    assert_same_weights(one, results["batch_norm_two_replicas_synchronized"], rtol=0, atol=1e-6)
    own = results["batch_norm_two_replicas"]
    if backend == "jax":
        assert_same_weights(one, own, rtol=0, atol=1e-6)
    else:
        assert max(np.max(np.abs(np.array(a) - np.array(b))) for a, b in zip(one, own)) > 1e-4


def test_resume_under_the_strategy_is_exact(run):
    _, results = run
    assert results["restored_step"] == 2
    assert_same_weights(results["straight"], results["resumed"], rtol=1e-6, atol=1e-7)


def test_stateful_techniques_keep_one_state_on_all_replicas(run):
    """WGAN's critic schedule (a step counter) with the generator's moving average,
    and experience replay (a buffer each replica fills from its own fakes) train to
    finite losses, and on TensorFlow every replica's copy of every variable is the
    same after 3 steps (the buffer was not, before each replica stored the first
    replica's pick). Under JAX a variable is one array."""
    backend, results = run
    for name in ("wgan_critic_schedule", "nsgan_replay"):
        logs = results[f"{name}_logs"]
        assert set(logs) >= {"d_loss", "g_loss"}
        assert all(np.isfinite(value) for value in logs.values())
        if backend == "tensorflow":
            assert results[f"{name}_out_of_sync"] == []


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("localhost", 0))
    ports = [str(sock.getsockname()[1]) for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def test_two_tensorflow_workers_take_the_one_device_step():
    """`MultiWorkerMirroredStrategy` from TF_CONFIG, two local worker processes: the
    step equals one device's, and the logs reduce to scalars (Keras 3 alone fails on
    scalar logs: tensorflow/tensorflow#72388)."""
    ports = free_ports(2)
    env = {**os.environ, "KERAS_BACKEND": "tensorflow"}
    workers = [subprocess.Popen([sys.executable, RUN, "--worker", str(index), *ports], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for index in range(2)]
    outputs = [worker.communicate(timeout=600) for worker in workers]
    for worker, (_, stderr) in zip(workers, outputs):
        assert worker.returncode == 0, stderr[-4000:]
    for stdout, _ in outputs:
        (line,) = [line for line in stdout.splitlines() if line.startswith("RESULTS ")]
        results = json.loads(line[len("RESULTS "):])
        assert results["replicas"] == 2
        assert results["engine"] == "tf.distribute.MultiWorkerMirroredStrategy over 2 workers (TF_CONFIG)"
        assert_same_weights(results["one_device"], results["two_workers"], rtol=0, atol=1e-6)
        assert_same_logs(results["one_device_logs"], results["two_worker_logs"],
                         tf_distribute=True)


def test_pytorch_refuses_with_the_reason():
    code = ("from keras_edgan import distribution\n"
            "with distribution.data_parallel(2):\n    pass\n")
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**os.environ, "KERAS_BACKEND": "torch"}, timeout=300)
    assert child.returncode != 0
    assert "Data-parallel training is not available on the PyTorch backend" in child.stderr
    assert "KERAS_BACKEND=jax or tensorflow" in child.stderr


@pytest.mark.parametrize("backend", sorted(DEVICES))
def test_train_runs_data_parallel_and_resumes(backend, tmp_path):
    """`train --distribution=data_parallel --devices=2` says what runs the replicas and
    how the batch is split, trains, and a longer rerun resumes from its checkpoint."""
    env = {**os.environ, "KERAS_BACKEND": backend, **DEVICES[backend]}
    command = [sys.executable, "-m", "keras_edgan.cli.train", "--config=mnist5k_cpu",
               "--width=4", "--batch_size=8", "--log_every=2", "--sample_every=2",
               "--checkpoint_every=2", "--distribution=data_parallel", "--devices=2",
               f"--logdir={tmp_path}"]
    first = subprocess.run([*command, "--steps=2"], env=env, capture_output=True, text=True,
                           timeout=600)
    assert first.returncode == 0, first.stderr[-4000:]
    assert "Data parallel: " in first.stderr and "each minibatch of 8 split into 2 × 4" in first.stderr
    again = subprocess.run([*command, "--steps=4"], env=env, capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 0, again.stderr[-4000:]
    assert "Resuming" in again.stderr and "at step 2" in again.stderr
    assert sorted(os.listdir(tmp_path / "checkpoints"))[-2:] == [
        "ckpt-0000004.weights.h5", "ckpt-0000004.weights.h5.sha256",
    ]
