"""What `train` shows in TensorBoard's HParams dashboard: the settings that apply to
the run's model and techniques (`keras_edgan.cli.hyperparameters`)."""

from keras_edgan.cli import config as config_lib
from keras_edgan.cli.hyperparameters import comparable_settings
from keras_edgan.cli.run_directory import RESUMABLE_CHANGES


def test_the_default_run_shows_its_model_and_leaves_out_logistics_and_off_techniques():
    config = config_lib.load("mnist5k_cpu", {})
    shown = comparable_settings(config)
    for key in ("model", "ced_weight", "lr_d", "lr_g", "d_steps", "batch_size", "steps",
                "dataset", "architecture", "optimizer", "seed"):
        assert shown[key] == config[key], key
    for key in RESUMABLE_CHANGES - {"steps"}:
        assert key not in shown, key
    # Off techniques and their own settings.
    for key in ("instance_noise", "instance_noise_steps", "replay_buffer_size",
                "merged_update", "critic_schedule", "historical_averaging", "r1_weight",
                "jacobian_clamping", "jacobian_clamping_epsilon", "jacobian_clamping_max"):
        assert key in config, key  # there, and left out
        assert key not in shown, key
    assert list(shown) == [key for key in config if key in shown]  # the config's order


def test_a_technique_that_is_on_is_shown_with_its_settings():
    config = config_lib.load("mnist5k_cpu", {"instance_noise": 0.1, "instance_noise_steps": 0})
    shown = comparable_settings(config)
    assert shown["instance_noise"] == 0.1
    assert shown["instance_noise_steps"] == 0  # 0 here means "keep σ₀", not "off"


def test_another_model_shows_its_own_options_only():
    shown = comparable_settings(config_lib.load("mnist5k_cpu", {"model": "wgan_gp"}))
    assert "gp_weight" in shown
    assert "ced_weight" not in shown and "clip_value" not in shown
