"""Trains a small EDGAN for a few steps, in float64, on the backend of KERAS_BACKEND
and saves the losses and the weights after every step (run by
test_backend_equivalence.py, one process per backend).

Usage: python equivalence_run.py INITIAL_WEIGHTS.npz OUTPUT.npz

Everything that enters the run is fixed outside Keras: initial weights (from the
file), data (numpy) and noise (a numpy table). Keras' random streams are
backend-specific by design, so the noise is the one thing replaced: the model draws
its z from the table, in the order Algorithm 1 draws it.
"""

import os
import sys

import keras
import numpy as np
import tensorflow as tf
from keras import ops

# float64 keeps round-off near 1e-16, far below the test's tolerances (see the test).
keras.config.set_floatx("float64")

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from keras_edgan import architectures, models, optimizers  # noqa: E402

STEPS, D_STEPS, M, LATENT = 3, 2, 8, 16


class TableNoiseEDGAN(models.EDGAN):
    def __init__(self, *args, table, **kwargs):
        super().__init__(*args, **kwargs)
        self.table = table
        self.draws = keras.Variable(0, dtype="int32", trainable=False, name="draws")

    def sample_noise(self, n):
        z = ops.take(ops.convert_to_tensor(self.table), self.draws, axis=0)
        self.draws.assign(self.draws + 1)
        return z


def named_weights(*networks):
    """Weights keyed by network and variable path (the order of `weights` differs
    between backends; paths do not)."""
    named = {f"{network.name}/{v.path}": v for network in networks for v in network.weights}
    assert len(named) == sum(len(network.weights) for network in networks), "paths repeat"
    return named


def main(initial, output):
    keras.utils.set_random_seed(0)  # the same initial weights on every run of the test
    generator, discriminator = architectures.optimized_dcgan(
        image_size=28, channels=1, latent_dim=LATENT, width=4
    )
    rng = np.random.default_rng(0)
    if os.path.exists(initial):
        weights = np.load(initial)
        for key, v in named_weights(generator, discriminator).items():
            v.assign(weights[key])
    else:
        np.savez(initial, **{
            key: ops.convert_to_numpy(v)
            for key, v in named_weights(generator, discriminator).items()
        })
    data = rng.uniform(-1, 1, (STEPS * D_STEPS * M, 28, 28, 1)).astype("float64")
    table = rng.normal(size=(STEPS * (D_STEPS + 1), M, LATENT)).astype("float64")
    gan = TableNoiseEDGAN(generator, discriminator, latent_dim=LATENT, d_steps=D_STEPS,
                          table=table)
    gan.compile(d_optimizer=optimizers.OAdam(1e-4), g_optimizer=optimizers.OAdam(4e-4))
    # One `fit` per step: the JAX trainer holds the weights outside the variables
    # during `fit`, so they are read between calls.
    dataset = tf.data.Dataset.from_tensor_slices(data).batch(D_STEPS * M)
    losses, weights = [], {key: [] for key in named_weights(generator, discriminator)}
    for step in range(STEPS):
        logs = gan.fit(dataset.skip(step).take(1), epochs=1, verbose=0).history
        losses.append([logs[k][-1] for k in ("d_loss", "g_loss", "ced")])
        for key, v in named_weights(generator, discriminator).items():
            weights[key].append(ops.convert_to_numpy(v))
    np.savez(output, losses=np.array(losses), **{k: np.stack(w) for k, w in weights.items()})


if __name__ == "__main__":
    main(*sys.argv[1:])
