"""The options spine: `TrainingOptions`, each model's options, and the configuration
keys and `train` flags generated from them."""

import dataclasses
import inspect

import keras
import pytest

from keras_edgan import models
from keras_edgan.cli import config as config_lib
from keras_edgan.cli import options as run_options
from keras_edgan.models import TrainingOptions
from keras_edgan.utils.docstrings import arguments, first_sentence


def tiny_networks():
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    return generator, discriminator


def test_keywords_and_options_make_the_same_model():
    options = TrainingOptions(d_steps=3, instance_noise=0.1, historical_averaging=0.5)
    by_keywords = models.NSGAN(*tiny_networks(), latent_dim=2, d_steps=3, instance_noise=0.1,
                               historical_averaging=0.5)
    by_options = models.NSGAN(*tiny_networks(), latent_dim=2, options=options)
    assert by_keywords.options == by_options.options == options
    overridden = models.NSGAN(*tiny_networks(), latent_dim=2, options=options, d_steps=1)
    assert overridden.options == dataclasses.replace(options, d_steps=1)


def test_each_model_has_its_papers_default_step():
    assert models.EDGAN(*tiny_networks(), latent_dim=2).d_steps == 2
    assert models.WGAN(*tiny_networks(), latent_dim=2).d_steps == 5
    assert models.WGANGP(*tiny_networks(), latent_dim=2).d_steps == 5
    assert models.NSGAN(*tiny_networks(), latent_dim=2).d_steps == 1
    assert models.EDGAN(*tiny_networks(), latent_dim=2, d_steps=4).d_steps == 4


def test_options_are_frozen_and_checked():
    options = TrainingOptions()
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.d_steps = 2
    for bad, message in [
        (dict(d_steps=0), "d_steps must be a positive integer"),
        (dict(instance_noise=-1.0), "instance_noise must be a non-negative number"),
        (dict(replay_buffer_size=2.5), "replay_buffer_size must be a non-negative integer"),
        (dict(noise_distribution="cauchy"), "Unknown noise_distribution 'cauchy'"),
        (dict(merged_update=True, d_steps=2), "needs d_steps=1"),
        (dict(merged_update=True, replay_buffer_size=4), "merged_update=True computes both"),
        (dict(feature_matching=3), "feature_matching must be True, None or the name"),
    ]:
        with pytest.raises(ValueError, match=message):
            TrainingOptions(**bad)


def test_the_step_mode_is_chosen_once_by_the_options():
    assert TrainingOptions().mode == "alternating"
    assert TrainingOptions(merged_update=True).mode == "merged"
    assert TrainingOptions(critic_schedule=10, d_steps=5).mode == "scheduled"
    assert TrainingOptions(critic_schedule=10, d_steps=5).minibatches_per_step == 1
    assert TrainingOptions(d_steps=5).minibatches_per_step == 5


def test_ver_reads_the_wrapped_gans_options():
    base = models.WGANGP(*tiny_networks(), latent_dim=2, d_steps=2, instance_noise=0.2)
    assert models.VER(base).options is base.options


def test_an_argument_of_another_model_names_its_owners():
    with pytest.raises(ValueError, match=r"WGAN takes no argument 'penalty_weight'.*EDGAN"):
        models.WGAN(*tiny_networks(), latent_dim=2, penalty_weight=1.0)
    with pytest.raises(TypeError, match="unexpected argument 'no_such_option'"):
        models.NSGAN(*tiny_networks(), latent_dim=2, no_such_option=1)


@pytest.mark.parametrize("name", models.registry.MODELS.names())
def test_every_constructor_argument_of_every_model_is_a_config_key(name):
    spec = models.registry.MODELS.get(name)
    expected = {field.name for field in dataclasses.fields(TrainingOptions)}
    for s in (spec, spec.wraps):
        for cls in (s.cls.__mro__ if s else ()):
            init = cls.__dict__.get("__init__")
            if init is None or not cls.__module__.startswith("keras_edgan."):
                continue
            for argument, parameter in inspect.signature(init).parameters.items():
                if (parameter.default is not inspect.Parameter.empty
                        and argument not in ("options", "seed", "num_classes",
                                             "statistics_network", "lens")
                        and argument not in s.fixed):
                    expected.add(s.cls.config_names.get(argument, argument))
    config = config_lib.load(None, {"model": name})
    assert expected <= set(config)
    assert set(config) == set(run_options.RUN_OPTIONS) | expected


def test_config_defaults_are_the_models_own():
    assert config_lib.load(None, {"model": "wgan"})["d_steps"] == 5
    assert config_lib.load(None, {"model": "wgan"})["clip_value"] == 0.01
    edgan = config_lib.load(None, {"model": "edgan"})
    assert (edgan["d_steps"], edgan["ced_weight"], edgan["bins"]) == (2, 1.0, 32)
    assert "clip_value" not in edgan and "gp_weight" not in edgan


def test_an_old_key_names_its_replacement(tmp_path):
    old = tmp_path / "old.toml"
    old.write_text('model = "edgan"\npenalty_weight = 2.0\n')
    with pytest.raises(ValueError, match="'penalty_weight' was renamed: use ced_weight"):
        config_lib.load(str(old))


def test_options_of_other_models_in_a_file_are_left_out_and_refused_as_overrides(tmp_path):
    path = tmp_path / "edgan.toml"
    path.write_text('model = "edgan"\nced_weight = 2.0\n')
    config = config_lib.load(str(path), {"model": "nsgan"})
    assert "ced_weight" not in config
    with pytest.raises(ValueError, match="'clip_value' is not an option of model 'edgan'.*wgan"):
        config_lib.load(str(path), {"clip_value": 0.1})


def test_a_config_builds_the_model_it_describes():
    config = config_lib.load(None, {"model": "lsgan", "lsgan_a": -1.0, "d_steps": 3,
                                    "latent_dim": 2})
    gan = models.registry.MODELS.build("lsgan", *tiny_networks(), config)
    assert (type(gan), gan.a, gan.d_steps) == (models.LSGAN, -1.0, 3)
    config = config_lib.load(None, {"model": "vgan_ver", "mi_weight": 0.5, "statistics_units": 16,
                                    "latent_dim": 2})
    gan = models.registry.MODELS.build("vgan_ver", *tiny_networks(), config)
    assert (gan.mi_weight, gan.statistics_network.get_layer("hidden0").units) == (0.5, 16)


def test_every_key_is_a_flag_with_help():
    from absl import flags

    from keras_edgan.cli import train  # defines the flags

    for key in (*run_options.RUN_OPTIONS, *models.registry.all_options()):
        assert key in flags.FLAGS, key
        assert flags.FLAGS[key].help.strip(), key
    assert flags.FLAGS["ced_weight"].help.startswith("λ of eq. 10")
    assert "(edgan" in flags.FLAGS["ced_weight"].help or "edgan" in flags.FLAGS["ced_weight"].help
    parser = flags.FLAGS["feature_matching"].parser
    assert parser.parse("true") is True and parser.parse("dense_1") == "dense_1"
    assert train.FLAGS is flags.FLAGS


def test_docstring_arguments_and_first_sentence():
    def f(a, b, c):
        """Adds.

        Args:
            a, b: the numbers, e.g. 1 and 2. More text.
            c: λ of eq. 10 (Tan et al. 2020). Then more.
                Continued.

        Returns:
            the sum.
        """

    described = arguments(f)
    assert set(described) == {"a", "b", "c"}
    assert first_sentence(described["a"]) == "the numbers, e.g. 1 and 2."
    assert first_sentence(described["c"]) == "λ of eq. 10 (Tan et al. 2020)."
    assert described["c"].endswith("Then more. Continued.")


@pytest.mark.parametrize("overrides, message", [
    (dict(ced_weight="1.0"), r"ced_weight must be a number .*got '1.0'"),
    (dict(ced_weight=float("nan")), "ced_weight must be a finite number"),
    (dict(real_target=True), "real_target must be a number"),
    (dict(bins=2.5), "bins must be an integer"),
    (dict(merged_update=1), "merged_update must be true or false"),
    (dict(coupling=3), "coupling must be a string"),
    (dict(lr_d="fast"), "lr_d must be positive and finite; got 'fast'"),
    (dict(lr_g=float("inf")), "lr_g must be positive and finite"),
    (dict(image_size=0), "image_size must be a positive integer"),
])
def test_values_of_the_wrong_type_name_their_key(overrides, message):
    with pytest.raises(ValueError, match=message):
        config_lib.load(None, overrides)


def test_a_config_file_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('model = "edgan"\n# λ = 1, écrit en latin-1\n'.encode("latin-1", "replace"))
    with pytest.raises(ValueError, match=rf"Config {path} is not UTF-8 text .*save it as UTF-8"):
        config_lib.load(str(path))
    broken = tmp_path / "broken.toml"
    broken.write_text("steps = \n")
    with pytest.raises(ValueError, match=rf"Config {broken} is not valid TOML"):
        config_lib.load(str(broken))
