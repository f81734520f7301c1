"""The training techniques together: their state in checkpoints, VER around them, and
their configuration keys."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import callbacks, models
from keras_edgan.cli import config as config_lib
from keras_edgan.cli.build import build_gan

N = 3  # training steps before and after the checkpoint

TECHNIQUES = {
    "nsgan": (models.NSGAN, dict(
        d_steps=2, real_target=0.9, flip_rate=0.1, instance_noise=0.2, instance_noise_steps=4,
        replay_buffer_size=3, historical_averaging=0.01, feature_matching=True,
        jacobian_clamping=1.0, jacobian_clamping_min=0.1, jacobian_clamping_max=0.5,
        ema=0.9, ema_start=2,
    )),
    # R1 is WGAN's case only: with NSGAN's techniques and both penalties, the first
    # run of a process differs from the next ones in the round-off of the gradient of
    # the generator's Dense bias before BatchNormalization (exactly 0 in exact
    # arithmetic), which Adam turns into 7.6e-6 on a bias of 1.9e-3; every other
    # variable agrees to 3e-8.
    # Not with historical averaging: WGAN with experience replay and historical
    # averaging is not deterministic on TensorFlow (two identical runs differ by up to
    # 2e-5, 1e-3 after Adam; none with one inter-op thread): an unordered pair of
    # stateful ops, not yet found. NSGAN's case holds both techniques.
    "wgan": (models.WGAN, dict(
        d_steps=2, critic_schedule=1, instance_noise=0.2, replay_buffer_size=2,
        noise_distribution="uniform", r1_weight=1.0, jacobian_clamping=1.0,
        jacobian_clamping_min=0.1, jacobian_clamping_max=0.5, ema=0.9,
    )),
    # DiffAugment transforms images: this case trains on 8 x 8 x 3 ones. Its generator's
    # Dense has no bias before BatchNormalization: that bias's gradient is 0 in exact
    # arithmetic, and Adam turns its round-off (which differs between a resumed run and
    # a straight one with all four penalties and augmentations) into 2e-3.
    "hinge_images": (models.HingeGAN, dict(
        d_steps=2, diff_augment="color,translation,cutout", instance_noise=0.1,
        lecam_weight=0.3, r1_weight=1.0,
    )),
}
IMAGES = {"hinge_images": (8, 8, 3)}


def make_gan(name):
    cls, options = TECHNIQUES[name]
    keras.utils.set_random_seed(0)
    shape = IMAGES.get(name, (6,))
    generator = keras.Sequential([
        keras.Input((4,)), keras.layers.Dense(int(np.prod(shape)), use_bias=name not in IMAGES),
        keras.layers.BatchNormalization(), keras.layers.Activation("tanh"),
        keras.layers.Reshape(shape),
    ])
    discriminator = keras.Sequential([
        keras.Input(shape), keras.layers.Flatten(), keras.layers.Dense(5, activation="relu"),
        keras.layers.Dense(1),
    ])
    gan = cls(generator, discriminator, latent_dim=4, seed=1, **options)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2))
    return gan


def batches(gan, start, stop):
    size = 4 * gan.minibatches_per_step
    shape = tuple(gan.generator.outputs[0].shape[1:])
    data = np.random.default_rng(0).uniform(-1, 1, (2 * N * size, *shape)).astype("float32")
    return (tf.data.Dataset.from_tensor_slices(data).batch(size, drop_remainder=True)
            .skip(start).take(stop - start))


def state(gan):
    return [ops.convert_to_numpy(v) for v in gan.variables + gan.optimizer.variables]


@pytest.mark.backends
@pytest.mark.parametrize("name", sorted(TECHNIQUES))
def test_resume_with_the_techniques_equals_training_straight_through(name, tmp_path):
    straight = make_gan(name)
    straight.fit(batches(straight, 0, 2 * N), epochs=1, verbose=0)

    first = make_gan(name)
    checkpoint = callbacks.Checkpoint(str(tmp_path))
    first.fit(batches(first, 0, N), epochs=1, verbose=0, callbacks=[checkpoint])
    step = int(first.g_optimizer.iterations)
    resumed = make_gan(name)
    resumed.load_weights(os.path.join(tmp_path, "checkpoints", f"ckpt-{step:07d}.weights.h5"))
    resumed.fit(batches(resumed, N, 2 * N), epochs=1, verbose=0)

    assert int(resumed.d_optimizer.iterations) == int(straight.d_optimizer.iterations) > 0
    for a, b in zip(state(straight), state(resumed)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_ver_runs_the_wrapped_gan_techniques_and_commits_its_statistics_network_too():
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    base = models.WGANGP(generator, discriminator, latent_dim=2, d_steps=1, critic_schedule=0,
                         instance_noise=0.1, historical_averaging=0.01)
    gan = models.VER(base, seed=1)
    assert gan.options == base.options
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    points = tf.data.Dataset.from_tensors(np.ones((8, 2), "float32")).repeat()
    t_before = [ops.convert_to_numpy(v).copy() for v in gan.statistics_network.variables]
    gan.fit(points, epochs=1, steps_per_epoch=99, verbose=0)  # n_critic(0) = 100
    for v, b in zip(gan.statistics_network.variables, t_before):  # T's updates discarded
        np.testing.assert_array_equal(ops.convert_to_numpy(v), b)
    gan.fit(points, epochs=1, steps_per_epoch=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == int(gan.t_optimizer.iterations) == 1
    assert int(gan.d_optimizer.iterations) == 100


def test_config_keys_reach_every_model():
    keras.utils.set_random_seed(0)
    techniques = dict(
        latent_dim=4, d_steps=1, instance_noise=0.1, instance_noise_steps=50,
        experience_replay=True, replay_buffer_size=7, feature_matching=True,
        historical_averaging=0.5, critic_schedule=25, noise_distribution="uniform",
    )
    config = config_lib.load(
        None, dict(techniques, real_target=0.9, fake_target=0.1, flip_rate=0.05)
    )
    generator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6)])
    discriminator = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(3), keras.layers.Dense(1)]
    )
    gan = models.registry.MODELS.build("edgan", generator, discriminator, config)
    assert (gan.real_target, gan.fake_target, gan.flip_rate) == (0.9, 0.1, 0.05)
    assert (gan.options.instance_noise, gan.options.instance_noise_steps) == (0.1, 50)
    assert (gan.options.replay_buffer_size, gan.options.feature_matching) == (7, True)
    assert gan.options.historical_averaging == 0.5
    assert (gan.options.critic_schedule, gan.options.noise_distribution, gan.num_classes) == (
        25, "uniform", None
    )

    wgan_config = config_lib.load(
        None, dict(techniques, model="wgan", feature_matching="hidden_layer_name")
    )
    with pytest.raises(ValueError, match="no layer 'hidden_layer_name'"):
        models.registry.MODELS.build("wgan", generator, discriminator, wgan_config)
    with pytest.raises(ValueError, match="replay_buffer_size must be a non-negative integer"):
        models.registry.MODELS.build("edgan", generator, discriminator,
                                     dict(config, replay_buffer_size=None))


@pytest.mark.parametrize("overrides, message", [
    (dict(real_target=0.1, fake_target=0.2), "fake_target < real_target"),
    (dict(flip_rate=0.5), "in \\[0, 0.5\\); got 0.5"),
    (dict(instance_noise=-1.0), "instance_noise must be a non-negative number"),
    (dict(critic_schedule=-2), "critic_schedule must be a non-negative integer"),
    (dict(replay_buffer_size=-1), "replay_buffer_size must be a non-negative integer"),
    (dict(noise_distribution="gaussian"), "noise_distribution 'gaussian'. Choose one of: normal"),
])
def test_bad_technique_values_are_refused_before_training(overrides, message):
    """The model's definitions check them when `train` builds it, before anything runs."""
    with pytest.raises(ValueError, match=message):
        build_gan(config_lib.load(None, dict(overrides, width=4)))


def test_train_sizes_the_replay_buffer_from_the_dataset():
    config = config_lib.load(None, dict(
        model="nsgan", width=4, latent_dim=8, batch_size=64, experience_replay=True,
    ))
    gan, data = build_gan(config)
    assert gan.options.replay_buffer_size == 5000 // 64 == data.splits["train"] // 64
