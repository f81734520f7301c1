"""The settings of a run that TensorBoard's HParams dashboard compares."""

import dataclasses

from keras_edgan.cli.run_directory import RESUMABLE_CHANGES
from keras_edgan.models.training_options import TrainingOptions

_FIELDS = [field.name for field in dataclasses.fields(TrainingOptions)]
# The techniques of the training step whose default turns them off (0, None, False);
# a field named after another (`instance_noise_steps`) is that one's own setting.
_TECHNIQUES = {
    field.name for field in dataclasses.fields(TrainingOptions)
    if field.default in (0, None, False)
    and not any(field.name.startswith(f"{name}_") for name in _FIELDS)
}


def comparable_settings(config):
    """The part of a run's `config` that can tell two runs' results apart, for the
    HParams dashboard: what applies to the run's model and techniques.

    Left out: the keys that only set what a run logs, evaluates and reads (those a
    resumed run may change, `RESUMABLE_CHANGES`, but for `steps`); settings that are
    off or unset (False, None); and each training technique left off (a
    `TrainingOptions` field at its "off" default, e.g. `instance_noise = 0`) with its
    own settings (`instance_noise_steps`). Keys keep the configuration's order.

    Example:

    >>> comparable_settings({"model": "edgan", "lr_d": 1e-4, "log_every": 100,
    ...                      "instance_noise": 0.0, "instance_noise_steps": 0})
    {'model': 'edgan', 'lr_d': 0.0001}
    """
    logistics = RESUMABLE_CHANGES - {"steps"}
    off = {
        name for name in _TECHNIQUES
        if name in config and config[name] in (0, None, False)
    }
    return {
        key: value for key, value in config.items()
        if key not in logistics and value is not None and value is not False
        and key not in off and not any(key.startswith(f"{name}_") for name in off)
    }
