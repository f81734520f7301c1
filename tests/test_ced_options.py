"""The CED estimator's options reach EDGAN, BiPenaltyGAN and JSPenaltyGAN from a config."""

import pytest

from keras_edgan.cli import config as config_lib
from keras_edgan.cli.build import build_gan
from keras_edgan.losses.conditional_entropy_distance import DEFAULT_COUPLING


@pytest.mark.parametrize("model", ["edgan", "bi_penalty"])
def test_a_config_sets_the_coupling_bins_and_bandwidth(model):
    config = config_lib.load("mnist5k_cpu", {"model": model, "width": 4, "coupling": "sinkhorn",
                                             "bins": 16, "bandwidth": 0.75})
    gan, _ = build_gan(config)
    assert gan.coupling == "sinkhorn"
    assert gan.ced_options == {"bins": 16, "bandwidth": 0.75}


def test_the_default_coupling_is_the_estimators():
    gan, _ = build_gan(config_lib.load("mnist5k_cpu", {"width": 4}))
    assert config_lib.DEFAULTS["coupling"] == DEFAULT_COUPLING == gan.coupling


def test_the_js_penalty_takes_the_binning_and_refuses_a_coupling():
    gan, _ = build_gan(config_lib.load("mnist5k_cpu", {"model": "js_penalty", "width": 4,
                                                       "bins": 16}))
    assert gan.ced_options == {"bins": 16, "bandwidth": 0.5}
    with pytest.raises(ValueError, match="needs no coupling"):
        type(gan)(gan.generator, gan.discriminator, latent_dim=128, coupling="nearest")


@pytest.mark.parametrize("key, value, message", [
    ("coupling", "optimal", "`coupling` must be one of 'index', 'nearest', 'sinkhorn'"),
    ("bins", 1, "bins must be an integer ≥ 2"),
    ("bandwidth", 0.0, "bandwidth must be positive"),
    ("ced_weight", -1.0, "penalty_weight \\(λ\\) must be ≥ 0"),
])
def test_bad_estimator_options_are_refused(key, value, message):
    """The model checks its options when `train` builds it, before anything is written."""
    with pytest.raises(ValueError, match=message):
        build_gan(config_lib.load("mnist5k_cpu", {key: value, "width": 4}))
