"""Trains small GANs data-parallel on 2 CPU devices and one device, and prints what
test_data_parallel.py compares, as JSON (one process per backend: the devices must
be set up before the backend starts).

Usage: python data_parallel_run.py LOGDIR
       python data_parallel_run.py --worker INDEX PORT0 PORT1   (TensorFlow's multi-worker
       strategy: one of two local worker processes, TF_CONFIG set from the ports)
"""

import json
import os
import sys

import keras
import numpy as np
from keras import ops

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from keras_edgan import callbacks, distribution, models  # noqa: E402

BATCH, D_STEPS, LATENT = 8, 2, 4


def networks(seed=0, noise_free=False):
    """Small MLPs without BatchNormalization (whose per-replica statistics would
    differ from one device's by design). `noise_free`: the generator ignores z, so a
    step's result does not depend on which noise each replica drew."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((LATENT,))
    hidden = keras.layers.Lambda(lambda z: 0.0 * z)(inputs) if noise_free else inputs
    hidden = keras.layers.Dense(8, activation="tanh")(hidden)
    generator = keras.Model(inputs, keras.layers.Dense(2)(hidden))
    discriminator = keras.Sequential([
        keras.Input((2,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1),
    ])
    return generator, discriminator


def batch_norm_networks(seed=0):
    """`networks` whose discriminator normalizes with BatchNormalization."""
    generator, _ = networks(seed, noise_free=True)
    discriminator = keras.Sequential([
        keras.Input((2,)), keras.layers.Dense(8, use_bias=False),
        keras.layers.BatchNormalization(), keras.layers.Activation("tanh"),
        keras.layers.Dense(1),
    ])
    return generator, discriminator


def build(model=models.NSGAN, noise_free=False, make_networks=networks, **options):
    generator, discriminator = (
        make_networks(noise_free=noise_free) if make_networks is networks else make_networks()
    )
    gan = model(generator, discriminator, latent_dim=LATENT, d_steps=D_STEPS, seed=1, **options)
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1))
    return gan


def batches(steps, replicas=1):
    """`steps` training elements of D_STEPS·BATCH points. For `replicas` > 1 on
    TensorFlow each element's rows are regrouped so that replica r's share splits
    into the same discriminator minibatches one device would use (see
    `data_parallel`; under JAX the step splits the global batch itself)."""
    rng = np.random.default_rng(0)
    elements = rng.normal(size=(steps, D_STEPS, BATCH, 2)).astype("float32")
    if replicas > 1 and keras.backend.backend() == "tensorflow":
        shares = elements.reshape(steps, D_STEPS, replicas, BATCH // replicas, 2)
        elements = shares.transpose(0, 2, 1, 3, 4)
    return elements.reshape(steps * D_STEPS * BATCH, 2)


def trained(gan, steps, replicas=1, **fit):
    history = gan.fit(batches(steps, replicas), batch_size=D_STEPS * BATCH, epochs=1,
                      shuffle=False, verbose=0, **fit).history
    return gan, {key: float(values[-1]) for key, values in history.items()}


def replica_noise(gan):
    """The noise each replica draws in one step of a tf.distribute strategy."""
    import tensorflow as tf

    strategy = tf.distribute.get_strategy()
    draws = tf.function(lambda: strategy.run(lambda: gan.sample_noise(2)))()
    return [ops.convert_to_numpy(draw).tolist() for draw in strategy.experimental_local_results(draws)]


def out_of_sync(gan):
    """The variables (weights, optimizer slots, replay buffer, seed and step
    counters) whose copies differ between the replicas of a tf.distribute strategy."""
    import tensorflow as tf

    strategy = tf.distribute.get_strategy()
    differing = []
    for variable in gan.variables + gan.optimizer.variables:
        copies = [np.asarray(copy) for copy in strategy.experimental_local_results(variable.value)]
        if any(not np.array_equal(copies[0], copy) for copy in copies[1:]):
            differing.append(variable.path)
    return differing


def weights(gan):
    return [ops.convert_to_numpy(v).tolist() for v in gan.trainable_variables]


def main(logdir):
    results = {}
    with distribution.data_parallel(devices=2):
        pass  # TensorFlow splits the CPU in two only before it starts
    one, results["one_device_logs"] = trained(build(noise_free=True), 1)
    results["one_device"] = weights(one)
    results["edgan_one_device"] = weights(trained(build(models.EDGAN), 1)[0])
    results["batch_norm_one_device"] = weights(
        trained(build(make_networks=batch_norm_networks), 1)[0]
    )
    with distribution.data_parallel(devices=2) as replicas:
        results["replicas"] = replicas.count
        results["engine"] = replicas.engine
        two, results["two_replica_logs"] = trained(build(noise_free=True), 1, replicas=2)
        results["two_replicas"] = weights(two)

        results["edgan_two_replicas"] = weights(trained(build(models.EDGAN), 1, replicas=2)[0])
        for synchronized in (False, True):
            gan = build(make_networks=batch_norm_networks)
            if synchronized:
                distribution.synchronize_batch_norm(gan)
            key = "batch_norm_two_replicas" + ("_synchronized" if synchronized else "")
            results[key] = weights(trained(gan, 1, replicas=2)[0])
        if keras.backend.backend() == "tensorflow":
            results["replica_noise"] = replica_noise(build())

        straight, _ = trained(build(models.EDGAN), 4, replicas=2)
        results["straight"] = weights(straight)
        first, _ = trained(build(models.EDGAN), 2, replicas=2,
                           callbacks=[callbacks.Checkpoint(logdir, every_n_steps=2)])
        resumed = build(models.EDGAN)
        results["restored_step"] = callbacks.Checkpoint(logdir).restore(resumed)
        gan, _ = resumed, resumed.fit(batches(4, 2)[2 * D_STEPS * BATCH:],
                                      batch_size=D_STEPS * BATCH, shuffle=False, verbose=0)
        results["resumed"] = weights(resumed)

        techniques = {
            "wgan_critic_schedule": (models.WGAN, {"critic_schedule": 2, "ema": 0.9}),
            "nsgan_replay": (models.NSGAN, {"replay_buffer_size": 16}),
        }
        for name, (model, options) in techniques.items():
            gan, logs = trained(build(model, **options), 3, replicas=2)
            results[f"{name}_logs"] = logs
            if keras.backend.backend() == "tensorflow":
                results[f"{name}_out_of_sync"] = out_of_sync(gan)
    print("RESULTS " + json.dumps(results))


def worker(index, ports):
    """One of two workers of `MultiWorkerMirroredStrategy`, each with one CPU device:
    the step of the two equals one device's step on the same global batch."""
    os.environ["TF_CONFIG"] = json.dumps({
        "cluster": {"worker": [f"localhost:{port}" for port in ports]},
        "task": {"type": "worker", "index": index},
    })
    with distribution.data_parallel():
        pass  # the workers' collectives are set up before TensorFlow runs anything
    one, one_logs = trained(build(noise_free=True), 1)
    with distribution.data_parallel() as replicas:
        two, two_logs = trained(build(noise_free=True), 1, replicas=2)
    print("RESULTS " + json.dumps({
        "replicas": replicas.count, "engine": replicas.engine,
        "one_device": weights(one), "two_workers": weights(two),
        "one_device_logs": one_logs, "two_worker_logs": two_logs,
    }))


if __name__ == "__main__":
    if sys.argv[1] == "--worker":
        worker(int(sys.argv[2]), sys.argv[3:5])
    else:
        main(sys.argv[1])
