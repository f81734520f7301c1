"""The merged single-step update (`merged_update=True`): one gradient computation gives
the discriminator ∇L_D and the generator ∇L_G, both at the step's starting weights and
on the same noise."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import backend, models
from keras_edgan.cli import config as config_lib

pytestmark = pytest.mark.backends

Z = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
REAL = np.random.default_rng(1).uniform(-1, 1, size=(8, 6)).astype("float32")


def networks():
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(6, activation="tanh")])
    discriminator = keras.Sequential([
        keras.Input((6,)), keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(1)
    ])
    return generator, discriminator


def with_fixed_noise(cls):
    """`cls` drawing the noise Z at every step, so a reference can use the same."""

    class FixedNoise(cls):
        def sample_noise(self, n):
            return ops.convert_to_tensor(Z)

    return FixedNoise


def weights(network):
    return [ops.convert_to_numpy(v).copy() for v in network.trainable_variables]


@pytest.mark.parametrize("cls", [models.NSGAN, models.RGAN, models.JSPenaltyGAN, models.GAN0GP])
def test_one_merged_step_is_one_gradient_step_of_each_loss_at_the_old_weights(cls):
    lr = 0.5
    reference = cls(*networks(), 3, d_steps=1)
    generator, discriminator = reference.generator, reference.discriminator
    real, z = ops.convert_to_tensor(REAL), ops.convert_to_tensor(Z)

    def d_loss_fn():  # both losses at the starting weights, on the noise Z
        fake = ops.stop_gradient(generator(z, training=True))
        critic = reference.critic(None)
        adversarial = reference.discriminator_loss(
            discriminator(real, training=True), discriminator(fake, training=True), real, fake,
            critic,
        )
        return adversarial + reference.critic_penalty(real, fake, critic)[0], None

    def g_loss_fn():
        fake = generator(z, training=True)
        return reference.generator_objective(
            real, fake, None, reference.critic(None), discriminator(fake, training=True)
        )

    seed_state = ops.convert_to_numpy(reference.seed_generator.state).copy()
    _, _, d_grads = backend.value_and_grad(d_loss_fn, discriminator.trainable_variables)
    g_loss, _, g_grads = backend.value_and_grad(g_loss_fn, generator.trainable_variables)
    expected_d = [w - lr * ops.convert_to_numpy(g) for w, g in zip(weights(discriminator), d_grads)]
    expected_g = [w - lr * ops.convert_to_numpy(g) for w, g in zip(weights(generator), g_grads)]

    merged = with_fixed_noise(cls)(*networks(), 3, d_steps=1, merged_update=True)
    merged.seed_generator.state.assign(seed_state)  # same interpolation draws (GAN-0GP)
    merged.compile(d_optimizer=keras.optimizers.SGD(lr), g_optimizer=keras.optimizers.SGD(lr))
    history = merged.fit(tf.data.Dataset.from_tensors(REAL), epochs=1, verbose=0).history

    for got, want in zip(weights(merged.discriminator), expected_d):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    for got, want in zip(weights(merged.generator), expected_g):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # The logged generator loss is L_G itself, not the merged surrogate (always 0).
    np.testing.assert_allclose(history["g_loss"][0], float(ops.convert_to_numpy(g_loss)), rtol=1e-5)
    assert int(merged.d_optimizer.iterations) == int(merged.g_optimizer.iterations) == 1


def test_merged_update_needs_one_discriminator_step():
    with pytest.raises(ValueError, match="needs d_steps=1; got d_steps=2"):
        models.EDGAN(*networks(), 3, d_steps=2, merged_update=True)


def test_merged_update_runs_the_models_update_hooks():
    """WGAN's weight clipping follows the discriminator's part of a merged update."""
    gan = models.WGAN(*networks(), 3, d_steps=1, merged_update=True, clip_value=0.01)
    gan.compile(d_optimizer=keras.optimizers.SGD(1.0), g_optimizer=keras.optimizers.SGD(1.0))
    gan.fit(REAL, batch_size=len(REAL), epochs=1, verbose=0)
    for variable in gan.discriminator.trainable_variables:
        assert np.max(np.abs(ops.convert_to_numpy(variable))) <= 0.01 + 1e-7


def test_merged_update_from_the_config():
    config = config_lib.load(
        None, {"model": "lsgan", "latent_dim": 3, "d_steps": 1, "merged_update": True}
    )
    gan = models.registry.MODELS.build("lsgan", *networks(), config)
    assert gan.options.merged_update
