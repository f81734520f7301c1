"""Trains a small EDGAN for 20 steps on the backend of KERAS_BACKEND and saves the
losses and weights (run by test_backend_equivalence.py, one process per backend).

Usage: python equivalence_run.py INITIAL_WEIGHTS.npz OUTPUT.npz [--perturb]

With --perturb, every initial weight moves by one float32 ulp (random sign): the
run then measures how far round-off alone carries this GAN's trajectory.

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

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from keras_edgan import architectures, models, optimizers  # noqa: E402

STEPS, D_STEPS, M, LATENT = 20, 2, 8, 16


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


def main(initial, output, *flags):
    generator, discriminator = architectures.optimized_dcgan(
        image_size=28, channels=1, latent_dim=LATENT, width=4
    )
    rng = np.random.default_rng(0)
    ulp_signs = np.random.default_rng(1)
    if os.path.exists(initial):
        weights = np.load(initial)
        for key, v in named_weights(generator, discriminator).items():
            w = weights[key]
            if "--perturb" in flags and w.dtype == np.float32:
                direction = np.where(ulp_signs.random(w.shape) < 0.5, -1, 1) * np.inf
                w = np.nextafter(w, direction.astype(np.float32))
            v.assign(w)
    else:
        np.savez(initial, **{
            key: ops.convert_to_numpy(v)
            for key, v in named_weights(generator, discriminator).items()
        })
    data = rng.uniform(-1, 1, (STEPS * D_STEPS * M, 28, 28, 1)).astype("float32")
    table = rng.normal(size=(STEPS * (D_STEPS + 1), M, LATENT)).astype("float32")
    gan = TableNoiseEDGAN(generator, discriminator, latent_dim=LATENT, d_steps=D_STEPS,
                          table=table)
    gan.compile(d_optimizer=optimizers.OAdam(1e-4), g_optimizer=optimizers.OAdam(4e-4))
    losses = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            losses.append([float(logs[k]) for k in ("d_loss", "g_loss", "ced")])

    gan.fit(tf.data.Dataset.from_tensor_slices(data).batch(D_STEPS * M), epochs=1,
            verbose=0, callbacks=[Record()])
    np.savez(output, losses=np.array(losses), **{
        key: ops.convert_to_numpy(v)
        for key, v in named_weights(generator, discriminator).items()
    })


if __name__ == "__main__":
    main(*sys.argv[1:])
