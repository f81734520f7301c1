"""The models `train --model=NAME` builds.

A model file registers `factory(generator, discriminator, config) -> GAN` under the
name the shell uses; `config` is the dict of `keras_edgan.cli.config`.
"""

from keras_edgan.utils.registry import Registry

MODELS = Registry("model")
register = MODELS.register


def common_options(config):
    """The `GAN` constructor arguments every model takes from a config."""
    return dict(
        latent_dim=config["latent_dim"],
        d_steps=config["d_steps"],
        noise_stddev=config["noise_stddev"],
        seed=config["seed"],
        merged_update=config["merged_update"],
    )
