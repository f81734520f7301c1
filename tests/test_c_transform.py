"""The c-transform of a critic (seed 001's c-transform WGAN) against a loop over the
minibatch written from its definition, its defining inequality, and the model's
losses built from it."""

import keras
import numpy as np
import pytest
from keras import ops

from keras_edgan import losses, models


def brute_force(real_scores, real, samples):
    """D^c(y_j) = min_i ‖x_i − y_j‖₂ − D(x_i), one pair at a time."""
    x, y = real.reshape(len(real), -1), samples.reshape(len(samples), -1)
    return np.array([
        min(np.linalg.norm(x[i] - y[j]) - real_scores[i, 0] for i in range(len(x)))
        for j in range(len(y))
    ])


def case(n=9, m=7, shape=(3, 2), seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, 1)).astype("float32"),
            rng.normal(size=(n, *shape)).astype("float32"),
            rng.normal(size=(m, *shape)).astype("float32"))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_c_transform_is_the_minimum_over_the_real_minibatch(seed):
    scores, real, samples = case(seed=seed)
    got = ops.convert_to_numpy(losses.c_transform(scores, real, samples))
    assert got.shape == (len(samples),)
    np.testing.assert_allclose(got, brute_force(scores, real, samples), rtol=1e-5, atol=1e-5)


def test_the_pair_is_feasible_and_tight_at_the_minimizer():
    """D(x_i) + D^c(y) ≤ ‖x_i − y‖ for every real x_i, with equality for the x_i the
    minimum picks; at a real point y = x_k, D^c(x_k) ≤ −D(x_k)."""
    scores, real, samples = case(seed=3)
    transformed = ops.convert_to_numpy(losses.c_transform(scores, real, samples))
    distances = np.linalg.norm(
        real.reshape(len(real), 1, -1) - samples.reshape(1, len(samples), -1), axis=-1
    )
    slack = distances - scores - transformed[None, :]
    assert slack.min() >= -1e-5
    np.testing.assert_allclose(slack.min(axis=0), 0.0, atol=1e-5)
    at_real = ops.convert_to_numpy(losses.c_transform(scores, real, real))
    assert np.all(at_real <= -scores[:, 0] + 1e-5)


def test_the_model_losses_are_the_dual_objective():
    """L_D = −(mean D(x) + mean D^c(G(z))) and L_G = mean D^c(G(z)), with D^c from the
    critic's scores on the real minibatch."""
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(6)])
    critic = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4, activation="relu"),
                               keras.layers.Dense(1)])
    gan = models.CTransformWGAN(generator, critic, 3)
    scores, real, fake = case(n=8, m=8, shape=(6,), seed=4)
    real_logits = ops.convert_to_numpy(critic(real))
    transformed = brute_force(real_logits, real, fake)
    bound = gan.critic(None)
    d_loss = gan.discriminator_loss(ops.convert_to_tensor(real_logits), critic(fake), real, fake,
                                    bound)
    g_loss, penalties = gan.generator_loss(critic(fake), real, fake, bound)
    np.testing.assert_allclose(float(ops.convert_to_numpy(d_loss)),
                               -(real_logits.mean() + transformed.mean()), rtol=1e-5)
    np.testing.assert_allclose(float(ops.convert_to_numpy(g_loss)), transformed.mean(),
                               rtol=1e-5)
    assert penalties == {}
