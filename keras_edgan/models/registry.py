"""The models `train --model=NAME` builds.

A model file registers `factory(generator, discriminator, config) -> GAN` under the
name the shell uses; `config` is the dict of `keras_edgan.cli.config`.
"""

from keras_edgan.utils.registry import Registry

MODELS = Registry("model")
register = MODELS.register


def common_options(config):
    """The `GAN` constructor arguments every model takes from a config: the step,
    the noise, conditioning and the training techniques."""
    return dict(
        latent_dim=config["latent_dim"],
        d_steps=config["d_steps"],
        noise_stddev=config["noise_stddev"],
        noise_distribution=config["noise_distribution"],
        seed=config["seed"],
        merged_update=config["merged_update"],
        num_classes=config.get("num_classes"),
        real_target=config["real_target"],
        fake_target=config["fake_target"],
        flip_rate=config["flip_rate"],
        instance_noise=config["instance_noise"],
        instance_noise_steps=config["instance_noise_steps"],
        replay_buffer_size=_replay_buffer_size(config),
        feature_matching=_feature_matching(config["feature_matching"]),
        historical_averaging=config["historical_averaging"],
        critic_schedule=config["critic_schedule"],
    )


def ced_options(config):
    """The options of the conditional entropy distance estimator (EDGAN's ρ)."""
    return dict(coupling=config["coupling"], bins=config["bins"], bandwidth=config["bandwidth"])


def _replay_buffer_size(config):
    if not config["experience_replay"]:
        return 0
    if config["replay_buffer_size"] is None:
        raise ValueError(
            "experience_replay is on but replay_buffer_size is unset. Set it, or let "
            "`train` derive it from the dataset and batch sizes (the guide's choice)."
        )
    return config["replay_buffer_size"]


def _feature_matching(value):
    """The `feature_matching` argument of a config value: true, false, a layer name
    (the flag gives "true" and "false" as strings)."""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value
