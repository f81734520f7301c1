"""Experiment configurations: TOML files in `configs/`, overridden by flags.

A configuration is a flat table: the run's options (`keras_edgan.cli.options`) and
the options of its model (`keras_edgan.models.registry.options(model)`: the model's
constructor arguments and `TrainingOptions`, with the model's defaults). Every key
is also a `train` flag, and a flag given on the command line wins over the file.
"""

import difflib
import json
import math
import numbers
import tomllib

from absl import logging

from keras_edgan.cli import config_files
from keras_edgan.cli.options import RUN_OPTIONS
from keras_edgan import models  # importing the models registers them

RENAMED = {
    "penalty_weight": "ced_weight (edgan, bi_penalty), js_weight (js_penalty) or mi_weight "
                      "(vgan_ver, wgan_gp_ver)",
}
"""Keys of earlier versions, and what replaced them."""


def defaults(model=RUN_OPTIONS["model"].default):
    """The configuration of no file and no flag, for `model`."""
    return {**{name: option.default for name, option in RUN_OPTIONS.items()},
            **models.registry.options(model)}


DEFAULTS = defaults()
"""The configuration of `train` without a file or flags (EDGAN)."""


resolve = config_files.resolve


def load(name_or_path=None, overrides=None):
    """The run's options and its model's, from their defaults, updated by the config
    file, updated by `overrides` (non-None values).

    A file may hold the options of other models (a config of EDGAN trained with
    `--model=nsgan`): they are left out, with a warning. An override of an option
    the model does not take is an error.
    """
    table, source = {}, None
    if name_or_path:
        path = resolve(name_or_path)
        table, source = _read(path), str(path)
        _check_keys(table, source)
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    _check_keys(overrides, "the overrides")
    model = overrides.get("model", table.get("model", RUN_OPTIONS["model"].default))
    config = defaults(model)
    for key, value in table.items():
        if key in config:
            config[key] = value
        else:
            logging.warning("%s: %s; left out.", source, _not_an_option(key, model))
    for key, value in overrides.items():
        if key not in config:
            raise ValueError(f"{_not_an_option(key, model)}.")
        config[key] = value
    _check_values(config)
    return config


def _not_an_option(key, model):
    owners = models.registry.all_options()[key]
    return (f"{key!r} is not an option of model {model!r} (it is of {', '.join(owners)}): "
            f"choose one of those models, or leave {key} out")


def _read(path):
    """The table of a TOML or JSON config file; a ValueError names the file."""
    kind = "JSON" if path.suffix == ".json" else "TOML"
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
        return json.loads(text) if kind == "JSON" else tomllib.loads(text)
    except UnicodeDecodeError as error:
        raise ValueError(
            f"Config {path} is not UTF-8 text ({error.reason} at byte {error.start}): save "
            f"it as UTF-8."
        ) from None
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"Config {path} is not valid {kind}: {error}") from None


def save(config, path):
    """Writes the resolved configuration as JSON (read back by `load`)."""
    with open(path, "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)


def _check_keys(table, source):
    known = {*RUN_OPTIONS, *models.registry.all_options()}
    for key in table:
        if key in RENAMED:
            raise ValueError(f"{source}: {key!r} was renamed: use {RENAMED[key]}.")
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"Unknown key {key!r} in {source}.{hint} Known keys: {', '.join(sorted(known))}."
            )


def _check_values(config):
    """The run's options by their checks; the model's by the type of their default
    here (a string where a number belongs, a NaN) and by its constructor when built."""
    for name, option in RUN_OPTIONS.items():
        problem = option.check and option.check(config[name])
        if problem:
            raise ValueError(f"{name} {problem}; got {config[name]!r}.")
    for name, default in models.registry.options(config["model"]).items():
        problem = _type_problem(config[name], default)
        if problem:
            raise ValueError(
                f"{name} must be {problem} (the type of its default, {default!r}); got "
                f"{config[name]!r}."
            )


def _type_problem(value, default):
    """What `value` should be to replace `default` (None if it may): of its type,
    an integer for a float, finite."""
    if default is None:
        return None
    if value is None:
        return "set (it has no unset value)"
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "true or false"
    if isinstance(default, (int, float)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return "a number"
        if isinstance(default, int) and value != int(value):
            return "an integer"
        return None if math.isfinite(value) else "a finite number"
    if isinstance(default, str) and not isinstance(value, str):
        return "a string"
    return None


def as_markdown(config):
    """The configuration as a Markdown table (TensorBoard's text plugin renders it)."""
    rows = [f"| {key} | {config[key]!r} |" for key in sorted(config)]
    return "\n".join(["| key | value |", "| --- | --- |", *rows])


