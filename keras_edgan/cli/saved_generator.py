"""The generator a `train` run saved, for `evaluate` and `generate`: from a run
directory, a `ckpt-*.weights.h5` checkpoint or a generator `.keras` file."""

import os

import keras
import numpy as np

import pipelines
from keras_edgan import models
from keras_edgan.callbacks.checkpoint import checkpoints
from keras_edgan.cli import config as config_lib
from keras_edgan.cli.build import build_gan
from keras_edgan.models.infogan import numpy_codes
from keras_edgan.techniques.latent_noise import numpy_latent_noise


def load_generator(checkpoint):
    """Returns `(generator, latent_dim, config or None, step or None, source path)`.

    `checkpoint` is a `.keras` generator (with the run's config.json beside it
    if any), a `ckpt-*.weights.h5` file in `RUN/checkpoints/`, or a run
    directory (its newest checkpoint, else its generator.keras). The generator is
    the one that samples: with the run's `ema`, the moving average of the
    trained generator's weights (the run's `generator_raw.keras` holds the trained
    one; pass that file to use it).
    """
    if os.path.isdir(checkpoint):
        found = checkpoints(os.path.join(checkpoint, "checkpoints"))
        fallback = os.path.join(checkpoint, "generator.keras")
        if not found and not os.path.isfile(fallback):
            raise FileNotFoundError(
                f"The run directory {checkpoint} has no checkpoints/ckpt-*.weights.h5 and no "
                f"generator.keras. Pass a directory written by `train`, or one of those files."
            )
        checkpoint = found[-1] if found else fallback
    if not os.path.isfile(checkpoint):
        raise FileNotFoundError(f"No checkpoint {checkpoint}: the file does not exist.")
    if checkpoint.endswith(".keras"):
        generator = keras.saving.load_model(checkpoint, compile=False)
        config_path = os.path.join(os.path.dirname(checkpoint), "config.json")
        config = config_lib.load(config_path) if os.path.isfile(config_path) else None
        return generator, generator.inputs[0].shape[-1], config, None, checkpoint
    if checkpoint.endswith(".weights.h5"):
        run = os.path.dirname(os.path.dirname(os.path.abspath(checkpoint)))
        config_path = os.path.join(run, "config.json")
        if not os.path.isfile(config_path):
            raise FileNotFoundError(
                f"Rebuilding {checkpoint} needs its run's config.json, expected at "
                f"{config_path} (train writes RUN/config.json and RUN/checkpoints/ckpt-*). "
                f"Pass the run directory or a generator .keras file instead."
            )
        config = config_lib.load(config_path)
        gan, _ = build_gan(config)
        gan.load_weights(checkpoint)
        return gan.sampling_generator, gan.latent_dim, config, gan.generator_step, checkpoint
    raise ValueError(
        f"Cannot read {checkpoint}: expected a generator .keras file, a "
        f"ckpt-*.weights.h5 checkpoint or a train run directory."
    )


def generator_noise(config, latent_dim, noise_stddev=None, truncation=None):
    """The function `(n, rng)` → `n` inputs of a run's generator drawn as its GAN's
    `numpy_noise(n, rng, truncation)` draws them: z of the run's noise distribution
    (`noise_stddev`, if given, replacing the run's), then, for an InfoGAN run
    (`is_infogan`), its codes from their priors, which fill the generator's last
    inputs. Without a config: z ~ N(0, I)."""
    config = config or {}
    distribution = config.get("noise_distribution", "normal")
    stddev = noise_stddev or config.get("noise_stddev", 1.0)
    codes = ()
    if is_infogan(config):
        codes = (config["categorical_codes"], config["code_categories"],
                 config["continuous_codes"])
    noise_dims = latent_dim - (codes[0] * codes[1] + codes[2] if codes else 0)

    def noise(n, rng):
        z = numpy_latent_noise(rng, (n, noise_dims), distribution, stddev, truncation)
        return np.concatenate([z, numpy_codes(rng, n, *codes)], axis=-1) if codes else z

    return noise


def is_infogan(config):
    """Whether the run of `config` trained an InfoGAN, whose generator's last inputs
    are its codes."""
    return "model" in (config or {}) and issubclass(
        models.registry.MODELS.get(config["model"]).cls, models.InfoGAN
    )


def generator_classes(generator, config):
    """The number of classes of a conditional generator (two inputs, [z, y]); None
    for an unconditional one. From the run's config (its dataset's classes), else
    from the generator's one-hot or embedding layer."""
    if len(generator.inputs) == 1:
        return None
    if config.get("conditional"):
        return pipelines.info(config["dataset"]).num_classes
    sizes = {layer.num_tokens for layer in generator.layers
             if isinstance(layer, keras.layers.CategoryEncoding)}
    sizes |= {layer.input_dim for layer in generator.layers
              if isinstance(layer, keras.layers.Embedding)}
    if len(sizes) != 1:
        raise ValueError(
            "The generator takes class labels [z, y], but its number of classes cannot be "
            "read from it (no single one-hot or embedding layer). Put the run's config.json "
            "beside the .keras file, or pass the run directory."
        )
    return int(sizes.pop())
