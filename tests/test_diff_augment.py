"""DiffAugment (Zhao et al. 2020): each policy against a numpy transcription of the
authors' code given the same draws, the draws' ranges, the gradient through the
augmentation, and the option in the train step."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import backend, models, techniques
from keras_edgan.cli import config as config_lib
from keras_edgan.models import TrainingOptions
from test_r1_penalty import LinearScores  # WGAN's losses, unclipped

pytestmark = pytest.mark.backends

SHAPE = (5, 12, 20, 3)  # not square: rows and columns must not be swapped


def images(seed=0, shape=SHAPE):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype("float32")


def numpy_draws(draws):
    return {name: ops.convert_to_numpy(value) for name, value in draws.items()}


# The references, written from the authors' DiffAugment_pytorch.py (NCHW there, NHWC
# here), with the draws given.

def reference_color(x, brightness, saturation, contrast):
    x = x + brightness[:, None, None, None]
    m = x.mean(axis=3, keepdims=True)
    x = (x - m) * saturation[:, None, None, None] + m
    m = x.mean(axis=(1, 2, 3), keepdims=True)
    return (x - m) * contrast[:, None, None, None] + m


def reference_translation(x, shifts):
    """out[b, i, j] = x[b, i + s, j + t], 0 where that is outside the image."""
    out = np.zeros_like(x)
    _, height, width, _ = x.shape
    for b, (s, t) in enumerate(shifts):
        for i in range(height):
            for j in range(width):
                if 0 <= i + s < height and 0 <= j + t < width:
                    out[b, i, j] = x[b, i + s, j + t]
    return out


def reference_cutout(x, centres):
    out = x.copy()
    _, height, width, _ = x.shape
    h, w = int(height * 0.5 + 0.5), int(width * 0.5 + 0.5)
    for b, (r, c) in enumerate(centres):
        top, left = r - h // 2, c - w // 2
        out[b, max(top, 0):max(top + h, 0), max(left, 0):max(left + w, 0)] = 0.0
    return out


@pytest.mark.parametrize("policy", ["color", "translation", "cutout",
                                    "color,translation,cutout", "cutout,translation"])
def test_each_policy_matches_the_reference_given_the_same_draws(policy):
    x = images()
    draws = techniques.diff_augment_draws(ops.convert_to_tensor(x), policy,
                                          seed=keras.random.SeedGenerator(1))
    got = ops.convert_to_numpy(
        techniques.apply_diff_augment(ops.convert_to_tensor(x), policy, draws)
    )
    d = numpy_draws(draws)
    want = x.astype("float64")
    for name in policy.split(","):
        if name == "color":
            want = reference_color(want, d["brightness"], d["saturation"], d["contrast"])
        elif name == "translation":
            want = reference_translation(want, d["translation"])
        else:
            want = reference_cutout(want, d["cutout"])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    seeded = techniques.diff_augment(ops.convert_to_tensor(x), policy,
                                     seed=keras.random.SeedGenerator(1))
    np.testing.assert_array_equal(ops.convert_to_numpy(seeded), got)


def test_translation_and_cutout_of_known_draws():
    """Shifts and cut-outs at the borders, by hand."""
    x = np.arange(2 * 4 * 6, dtype="float32").reshape(2, 4, 6, 1) + 1
    shifted = ops.convert_to_numpy(techniques.apply_diff_augment(
        x, "translation", {"translation": ops.convert_to_tensor([[1, -2], [0, 0]], "int32")}))
    np.testing.assert_array_equal(shifted[0, :3, 2:, 0], x[0, 1:, :4, 0])
    assert not shifted[0, 3].any() and not shifted[0, :, :2].any()
    np.testing.assert_array_equal(shifted[1], x[1])
    # 4 × 6 images: a 2 × 3 rectangle, rows r − 1 … r, columns c − 1 … c + 1.
    cut = ops.convert_to_numpy(techniques.apply_diff_augment(
        x, "cutout", {"cutout": ops.convert_to_tensor([[0, 0], [2, 3]], "int32")}))
    np.testing.assert_array_equal(cut[0, :, :, 0] == 0, np.pad(np.ones((1, 2), bool),
                                                                ((0, 3), (0, 4))))
    np.testing.assert_array_equal(cut[1, :, :, 0] == 0, np.pad(np.ones((2, 3), bool),
                                                                ((1, 1), (2, 1))))


@pytest.mark.parametrize("height, width, shift, centre_max", [
    (28, 28, 4, 28),  # 28/8 = 3.5 rounds up to 4; a 14-pixel (even) cut-out
    (10, 12, 1, 9),   # 10/8 rounds to 1; a 5-row (odd) cut-out: centres 0 … 9
])
def test_draws_cover_the_authors_ranges(height, width, shift, centre_max):
    x = ops.zeros((4000, height, width, 1))
    d = numpy_draws(techniques.diff_augment_draws(x, "color,translation,cutout",
                                                  seed=keras.random.SeedGenerator(0)))
    for name, low, high in [("brightness", -0.5, 0.5), ("saturation", 0.0, 2.0),
                            ("contrast", 0.5, 1.5)]:
        assert d[name].shape == (4000,)
        assert low <= d[name].min() < low + 0.01 and high - 0.01 < d[name].max() < high
        np.testing.assert_allclose(d[name].mean(), (low + high) / 2, atol=0.03)
    assert set(d["translation"][:, 0]) == set(range(-shift, shift + 1))
    assert set(d["translation"][:, 1]) == set(range(-int(width / 8 + 0.5),
                                                    int(width / 8 + 0.5) + 1))
    assert set(d["cutout"][:, 0]) == set(range(centre_max + 1))


def input_gradient(policy, draws, x, w):
    """∇ₓ Σ aug(x)·w."""
    w = ops.convert_to_tensor(w)
    return ops.convert_to_numpy(backend.input_gradient(
        lambda v: ops.multiply(techniques.apply_diff_augment(v, policy, draws), w),
        ops.convert_to_tensor(x)))


def test_the_gradient_of_a_translation_is_the_inverse_shift():
    x, w = images(0), images(1)
    shifts = np.array([[2, -1], [-1, 2], [0, 0], [-2, -2], [1, 0]], "int32")
    draws = {"translation": ops.convert_to_tensor(shifts)}
    np.testing.assert_allclose(input_gradient("translation", draws, x, w),
                               reference_translation(w, -shifts), rtol=1e-6)


@pytest.mark.parametrize("policy", ["color", "cutout", "color,translation,cutout"])
def test_the_gradient_is_that_of_the_affine_map(policy):
    """With its draws fixed, the augmentation is affine in x: f(x + v) − f(x) =
    ⟨∇f, v⟩ for f = Σ aug(x)·w, and the gradient reaches the input."""
    x, w, v = images(0), images(1), images(2)
    draws = techniques.diff_augment_draws(ops.convert_to_tensor(x), policy,
                                          seed=keras.random.SeedGenerator(3))

    def f(y):
        return float(np.sum(ops.convert_to_numpy(
            techniques.apply_diff_augment(ops.convert_to_tensor(y), policy, draws)) * w))

    gradient = input_gradient(policy, draws, x, w)
    assert np.abs(gradient).sum() > 0
    np.testing.assert_allclose(f(x + v) - f(x), np.sum(gradient * v), rtol=1e-4)


class SquaredSums(models.GAN):
    """D's loss E[D(x)²] + E[D(G(z))²] and G's E[D(G(z))²]: with D(x) the sum of the
    pixels and the data and G(z) at 0, brightness alone makes D(x) = 16·b."""

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return ops.mean(real_logits**2) + ops.mean(fake_logits**2)

    def generator_loss(self, fake_logits, real, fake, critic):
        return ops.mean(fake_logits**2), {}


def image_networks(shape=(4, 4, 1), generator_kernel="zeros"):
    generator = keras.Sequential([
        keras.Input((2,)),
        keras.layers.Dense(int(np.prod(shape)), kernel_initializer=generator_kernel),
        keras.layers.Reshape(shape),
    ])
    discriminator = keras.Sequential([
        keras.Input(shape), keras.layers.Flatten(),
        keras.layers.Dense(1, use_bias=False, kernel_initializer="ones"),
    ])
    return generator, discriminator


@pytest.mark.parametrize("step", [dict(d_steps=2), dict(merged_update=True)])
def test_both_updates_see_augmented_real_and_generated_images(step):
    """Constant images: saturation and contrast leave them, translation and cutout
    are left out; D(x) = 16·b, b ~ U(−0.5, 0.5), so E[D²] = 256/12 on each side."""
    keras.utils.set_random_seed(0)
    gan = SquaredSums(*image_networks(), latent_dim=2, diff_augment="color", seed=0, **step)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0))
    zeros = tf.data.Dataset.from_tensors(
        np.zeros((4096 * gan.minibatches_per_step, 4, 4, 1), "float32")).repeat()
    history = gan.fit(zeros, epochs=2, steps_per_epoch=1, verbose=0).history
    np.testing.assert_allclose(history["d_loss"], 2 * 256 / 12, rtol=0.1)
    np.testing.assert_allclose(history["g_loss"], 256 / 12, rtol=0.1)
    assert len(set(history["d_loss"])) == 2  # fresh draws at every step


def test_the_generators_gradient_flows_through_the_augmentation():
    """G(z) = c (its bias), D(x) = Σ w·x: without augmentation G's gradient is −w;
    through cut-outs it is −w·(the mean of the masks kept): smaller where they cut,
    never of the other sign. On 8 × 8 images a 4 × 4 cut-out centred on rows and
    columns 0 … 8 covers (30/9)² pixels on average."""
    def gradient(policy):
        keras.utils.set_random_seed(0)
        generator, discriminator = image_networks((8, 8, 1))
        w = np.random.default_rng(0).uniform(0.5, 1.5, (64, 1)).astype("float32")
        discriminator.layers[-1].kernel.assign(w)
        gan = LinearScores(generator, discriminator, latent_dim=2, diff_augment=policy, seed=0)
        gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(1.0))
        gan.fit(tf.data.Dataset.from_tensors(np.zeros((64, 8, 8, 1), "float32")), epochs=1,
                verbose=0)
        return ops.convert_to_numpy(generator.layers[0].bias), w[:, 0]

    plain, w = gradient(None)
    np.testing.assert_allclose(plain, w, rtol=1e-6)  # c ← c − 1·(−w)
    cut, _ = gradient("cutout")
    assert np.all(cut <= w + 1e-6) and np.all(cut >= 0) and np.any(cut < 0.9 * w)
    np.testing.assert_allclose(np.mean(cut / w), 1 - (30 / 9) ** 2 / 64, atol=0.04)


def test_the_option_refuses_points_and_unknown_policies():
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="DiffAugment is for image data"):
        models.NSGAN(generator, discriminator, latent_dim=2, diff_augment="translation")
    with pytest.raises(ValueError, match="unknown policy 'flip'"):
        TrainingOptions(diff_augment="color,flip")
    with pytest.raises(ValueError, match="names a policy twice"):
        TrainingOptions(diff_augment="color,color")
    with pytest.raises(ValueError, match="must name DiffAugment policies"):
        TrainingOptions(diff_augment=3)
    assert TrainingOptions(diff_augment=True).diff_augment == "color,translation,cutout"
    assert TrainingOptions(diff_augment=["cutout", "color"]).diff_augment == "cutout,color"
    assert TrainingOptions(diff_augment="").diff_augment is None
    assert TrainingOptions().diff_augment is None


def test_config_key_and_flag():
    from keras_edgan.cli import train  # defines the flags

    assert train.FLAGS["diff_augment"].parser.parse("color,cutout") == "color,cutout"
    config = config_lib.load(None, dict(model="hinge", diff_augment="translation,cutout",
                                        latent_dim=2))
    gan = models.registry.MODELS.build("hinge", *image_networks(), config)
    assert gan.options.diff_augment == "translation,cutout"
