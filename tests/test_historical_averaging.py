"""Historical averaging (Salimans et al. 2016, §3.3): w·‖θ − (1/t)Σᵢθᵢ‖² on both
networks, the running mean held in non-trainable variables."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import losses, models, techniques


def test_penalty_is_the_squared_distance_to_the_means():
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(3, 2)), rng.normal(size=(2,))]
    means = [rng.normal(size=(3, 2)), rng.normal(size=(2,))]
    expected = sum(np.sum((w - a) ** 2) for w, a in zip(weights, means))
    penalty = losses.historical_averaging_penalty(
        [w.astype("float32") for w in weights], [a.astype("float32") for a in means]
    )
    np.testing.assert_allclose(float(penalty), expected, rtol=1e-5)


def test_running_mean_is_the_mean_of_the_past_weights():
    variable = keras.Variable(np.zeros((2, 3), "float32"))
    average = techniques.HistoricalAverage([variable])
    history = []
    for value in np.random.default_rng(1).normal(size=(5, 2, 3)).astype("float32"):
        variable.assign(value)
        average.update([variable])
        history.append(value)
        np.testing.assert_allclose(
            ops.convert_to_numpy(average.means[0]), np.mean(history, axis=0), rtol=1e-5, atol=1e-6
        )
    assert int(average.count) == 5


class SquaredRealLogits(models.GAN):
    """D's loss mean(D(x)²) and G's mean(D(G(z))): exactly computable updates."""

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return ops.mean(real_logits**2) + 0.0 * ops.mean(fake_logits)

    def generator_loss(self, fake_logits, real, fake, critic):
        return ops.mean(fake_logits), {}


@pytest.mark.backends
def test_discriminator_updates_follow_the_penalized_gradient_and_means_track_the_weights():
    weight, lr, steps = 0.5, 0.1, 4
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    discriminator = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(1, use_bias=False)]
    )
    gan = SquaredRealLogits(generator, discriminator, latent_dim=3, d_steps=2,
                            historical_averaging=weight)
    gan.compile(d_optimizer=keras.optimizers.SGD(lr), g_optimizer=keras.optimizers.SGD(lr))
    real = np.random.default_rng(2).normal(size=(steps, 2 * 4, 2)).astype("float32")
    w = ops.convert_to_numpy(discriminator.weights[0]).copy()
    g_history = []
    d_history = []
    for batch in real:
        g_history.append([ops.convert_to_numpy(v).copy() for v in generator.trainable_variables])
        gan.fit(tf.data.Dataset.from_tensors(batch), epochs=1, verbose=0)
        for minibatch in np.split(batch, 2):  # the reference: θ ← θ − lr·(∇L + 2w(θ − θ̄))
            d_history.append(w)
            mean = np.mean(d_history, axis=0)
            grad = 2.0 * minibatch.T @ (minibatch @ w) / len(minibatch) + 2 * weight * (w - mean)
            w = w - lr * grad
    np.testing.assert_allclose(ops.convert_to_numpy(discriminator.weights[0]), w, rtol=1e-5)
    np.testing.assert_allclose(
        ops.convert_to_numpy(gan.discriminator_average.means[0]), np.mean(d_history, axis=0),
        rtol=1e-5, atol=1e-7,
    )
    for mean, past in zip(gan.generator_average.means, zip(*g_history)):
        np.testing.assert_allclose(ops.convert_to_numpy(mean), np.mean(past, axis=0),
                                   rtol=1e-5, atol=1e-7)
    assert int(gan.generator_average.count) == steps
    assert int(gan.discriminator_average.count) == 2 * steps


def test_negative_weight_is_a_clear_error():
    generator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    discriminator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="historical_averaging must be a non-negative number"):
        models.NSGAN(generator, discriminator, latent_dim=1, historical_averaging=-1.0)
