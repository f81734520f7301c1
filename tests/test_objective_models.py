"""The models of the objectives: every `train --model` name of issue 5, the options each
takes from a config, and the generator losses that also score real data."""

import keras
import numpy as np
import pytest
from keras import ops

from keras_edgan import losses, models
from keras_edgan.cli import config as config_lib

# The interface fixed by issue 5: train --model=NAME, and the keras_edgan.models class.
INTERFACE = {
    "mmgan": models.MMGAN, "nsgan": models.NSGAN, "lsgan": models.LSGAN,
    "wgan": models.WGAN, "wgan_gp": models.WGANGP, "hinge": models.HingeGAN,
    "rgan": models.RGAN, "ragan": models.RaGAN, "wgan_div": models.WGANDiv,
    "gan_0gp": models.GAN0GP, "fgan_kl": models.FGAN, "fgan_reverse_kl": models.FGAN,
    "fgan_js": models.FGAN, "fgan_pearson": models.FGAN, "gan_qp": models.GANQP,
    "gn_gan": models.GNGAN, "js_penalty": models.JSPenaltyGAN,
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
    config = config_lib.load(None, {"latent_dim": 3, **overrides})
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
    bi = build("bi_penalty", gp_weight=5.0, penalty_weight=0.5)
    assert (bi.gp_weight, bi.penalty_weight) == (5.0, 0.5)
    assert build("js_penalty", penalty_weight=0.25).penalty_weight == 0.25


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
        loss, penalties = gan.generator_loss(fake_logits, real, fake)
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
    loss, penalties = gan.generator_loss(fake_logits, real, fake)
    js = float(ops.convert_to_numpy(losses.js_divergence(real, fake, bins=16)))
    ns = float(ops.convert_to_numpy(losses.non_saturating_generator_loss(fake_logits)))
    np.testing.assert_allclose(float(ops.convert_to_numpy(loss)), ns + 2.0 * js, rtol=1e-5)
    assert set(penalties) == {"js"} and gan.penalty_names == ("js",)
