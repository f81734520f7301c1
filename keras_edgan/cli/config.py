"""Experiment configurations: TOML files in `configs/`, overridden by flags.

A configuration is a flat table of the keys in `DEFAULTS`; every key is also a
`train` flag, and a flag given on the command line wins over the file.
"""

import difflib
import json
import pathlib
import tomllib

from keras_edgan.losses.conditional_entropy_distance import DEFAULT_COUPLING
from keras_edgan.losses.coupling import COUPLINGS
from keras_edgan.techniques.latent_noise import NOISE_DISTRIBUTIONS

DEFAULTS = {
    "dataset": "mnist5k",
    "split": None,
    "data_dir": None,
    "image_size": None,
    "model": "edgan",
    "architecture": "optimized_dcgan",
    "conditional": False,
    "width": 64,
    "initializer": None,
    "g_initializer": None,
    "d_initializer": None,
    "remove_311": None,
    "sn_in_penultimate": None,
    "latent_dim": 128,
    "noise_stddev": 1.0,
    "noise_distribution": "normal",
    "penalty_weight": 1.0,
    "coupling": DEFAULT_COUPLING,
    "bins": 32,
    "bandwidth": 0.5,
    "gp_weight": 10.0,
    "clip_value": 0.01,
    "lsgan_a": 0.0,
    "lsgan_b": 1.0,
    "lsgan_c": 1.0,
    "wgan_div_k": 2.0,
    "wgan_div_p": 6.0,
    "qp_weight": 10.0,
    "d_steps": 2,
    "merged_update": False,
    "real_target": 1.0,
    "fake_target": 0.0,
    "flip_rate": 0.0,
    "instance_noise": 0.0,
    "instance_noise_steps": 0,
    "experience_replay": False,
    "replay_buffer_size": None,
    "feature_matching": None,
    "historical_averaging": 0.0,
    "critic_schedule": None,
    "batch_size": 64,
    "optimizer": "oadam",
    "lr_d": 1e-4,
    "lr_g": 4e-4,
    "beta_1": 0.5,
    "beta_2": 0.9,
    "steps": 100_000,
    "log_every": 100,
    "sample_every": 1000,
    "checkpoint_every": 1000,
    "divergence_guard": True,
    "seed": 0,
    "eval_every": 0,
    "eval_samples": 5000,
    "extractor": "auto",
    "inception_path": None,
}

CONFIG_DIRECTORY = pathlib.Path(__file__).resolve().parents[2] / "configs"


def resolve(name_or_path):
    """The path of a config given as a path or as a name in `configs/`."""
    candidates = [pathlib.Path(name_or_path)]
    if not name_or_path.endswith(".toml"):
        candidates.append(CONFIG_DIRECTORY / f"{name_or_path}.toml")
    candidates.append(CONFIG_DIRECTORY / name_or_path)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    known = sorted(p.stem for p in CONFIG_DIRECTORY.glob("*.toml"))
    close = difflib.get_close_matches(pathlib.Path(name_or_path).stem, known, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise FileNotFoundError(
        f"No config {name_or_path!r}: looked for {', '.join(str(c) for c in candidates)}."
        f"{hint} Known configs in {CONFIG_DIRECTORY}: {', '.join(known)}."
    )


def load(name_or_path=None, overrides=None):
    """DEFAULTS, updated by the config file, updated by `overrides` (non-None values)."""
    config = dict(DEFAULTS)
    if name_or_path:
        path = resolve(name_or_path)
        table = _read(path)
        _check_keys(table, source=str(path))
        config.update(table)
    config.update({k: v for k, v in (overrides or {}).items() if v is not None})
    _check_values(config)
    return config


def _read(path):
    if path.suffix == ".json":
        with open(path) as f:
            try:
                return json.load(f)
            except json.JSONDecodeError as error:
                raise ValueError(f"Config {path} is not valid JSON: {error}") from None
    with open(path, "rb") as f:
        try:
            return tomllib.load(f)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"Config {path} is not valid TOML: {error}") from None


def save(config, path):
    """Writes the resolved configuration as JSON (read back by `load`)."""
    with open(path, "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)


def _check_keys(table, source):
    for key in table:
        if key not in DEFAULTS:
            close = difflib.get_close_matches(key, DEFAULTS, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"Unknown key {key!r} in {source}.{hint} "
                f"Known keys: {', '.join(sorted(DEFAULTS))}."
            )


def _check_values(config):
    for key in ("width", "latent_dim", "d_steps", "batch_size", "steps", "log_every",
                "sample_every", "checkpoint_every"):
        value = config[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{key} must be a positive integer; got {value!r}.")
    for key in ("lr_d", "lr_g", "noise_stddev"):
        if not float(config[key]) > 0:
            raise ValueError(f"{key} must be positive; got {config[key]!r}.")
    for key in ("beta_1", "beta_2"):
        if not 0 <= float(config[key]) < 1:
            raise ValueError(f"{key} must be in [0, 1); got {config[key]!r}.")
    if float(config["penalty_weight"]) < 0:
        raise ValueError(f"penalty_weight must be ≥ 0; got {config['penalty_weight']!r}.")
    if config["coupling"] not in COUPLINGS:
        raise ValueError(
            f"coupling must be one of {', '.join(COUPLINGS)}; got {config['coupling']!r}."
        )
    if not isinstance(config["bins"], int) or isinstance(config["bins"], bool) or config["bins"] < 2:
        raise ValueError(f"bins must be an integer ≥ 2; got {config['bins']!r}.")
    if not float(config["bandwidth"]) > 0:
        raise ValueError(f"bandwidth must be positive; got {config['bandwidth']!r}.")
    if float(config["gp_weight"]) < 0:
        raise ValueError(f"gp_weight must be ≥ 0; got {config['gp_weight']!r}.")
    for key in ("clip_value", "wgan_div_p", "qp_weight"):
        if not float(config[key]) > 0:
            raise ValueError(f"{key} must be positive; got {config[key]!r}.")
    for key in ("merged_update", "conditional", "divergence_guard"):
        if config[key] not in (True, False):
            raise ValueError(f"{key} must be true or false; got {config[key]!r}.")
    for key in ("remove_311", "sn_in_penultimate"):
        if config[key] not in (None, True, False):
            raise ValueError(f"{key} must be true or false (or unset); got {config[key]!r}.")
    _check_techniques(config)


def _check_techniques(config):
    """The training techniques' keys (`keras_edgan.models.GAN` checks them again)."""
    if config["noise_distribution"] not in NOISE_DISTRIBUTIONS:
        raise ValueError(
            f"noise_distribution must be one of {', '.join(NOISE_DISTRIBUTIONS)}; got "
            f"{config['noise_distribution']!r}."
        )
    if not 0 <= float(config["fake_target"]) < float(config["real_target"]) <= 1:
        raise ValueError(
            f"The discriminator targets must satisfy 0 ≤ fake_target < real_target ≤ 1; got "
            f"real_target={config['real_target']!r}, fake_target={config['fake_target']!r}."
        )
    if not 0 <= float(config["flip_rate"]) < 0.5:
        raise ValueError(f"flip_rate must be in [0, 0.5); got {config['flip_rate']!r}.")
    for key in ("instance_noise", "historical_averaging"):
        if float(config[key]) < 0:
            raise ValueError(f"{key} must be ≥ 0; got {config[key]!r}.")
    for key, least, unset in (
        ("instance_noise_steps", 0, ""),
        ("critic_schedule", 0, " (or unset)"),
        ("replay_buffer_size", 1, " (or unset)"),
    ):
        value = config[key]
        if value is None and unset:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            raise ValueError(f"{key} must be an integer ≥ {least}{unset}; got {value!r}.")
    if config["experience_replay"] not in (True, False):
        raise ValueError(
            f"experience_replay must be true or false; got {config['experience_replay']!r}."
        )
    feature_matching = config["feature_matching"]
    if not (feature_matching is None or isinstance(feature_matching, bool)
            or (isinstance(feature_matching, str) and feature_matching)):
        raise ValueError(
            f"feature_matching must be true, false or the name of a discriminator layer; got "
            f"{feature_matching!r}."
        )


def as_markdown(config):
    """The configuration as a Markdown table (TensorBoard's text plugin renders it)."""
    rows = [f"| {key} | {config[key]!r} |" for key in sorted(config)]
    return "\n".join(["| key | value |", "| --- | --- |", *rows])


