"""A training run's directory: checked before training, resumed or restarted.

`train` keeps everything of a run in its logdir: `config.json`, TensorBoard events,
`checkpoints/`, samples. Running `train` again on the same logdir resumes the run:
its configuration must be the one that wrote it (up to `RESUMABLE_CHANGES`), and
the events logged after the checkpoint it resumes from are removed, since the
resumed run logs those steps again. `restart` moves a run aside to start over.
"""

import datetime
import glob
import json
import os
import tempfile

import tensorflow as tf
from absl import logging

from keras_edgan.cli import config as config_lib

RESUMABLE_CHANGES = frozenset({
    "steps", "log_every", "sample_every", "checkpoint_every", "eval_every",
    "eval_samples", "extractor", "inception_path", "data_dir", "divergence_guard",
})
"""Config keys a resumed run may change: they set how long the run goes and what it
logs, never what a training step computes."""

CONFIG = "config.json"
RESTARTED = "restarted-"


class RunDirectoryError(Exception):
    """The run directory cannot be written, or holds a run that cannot be resumed."""


def prepare(logdir, config, restart=False):
    """Checks `logdir` for a run of `config`, after moving an earlier run aside if
    `restart`; returns whether it holds an earlier run of the same configuration.

    Raises:
        RunDirectoryError: `logdir` is not writable, or holds a run of another
            configuration.
    """
    check_writable(logdir)
    if restart:
        moved_to = move_aside(logdir)
        if moved_to:
            logging.info("--restart: the earlier run of %s is now in %s.", logdir, moved_to)
    earlier = os.path.exists(os.path.join(logdir, CONFIG))
    if earlier:
        check_resumable(logdir, config)
    return earlier


def record(logdir, config):
    """Writes `config` as the run's `config.json`, atomically: never half-written."""
    temporary = os.path.join(logdir, f".tmp-{CONFIG}")
    config_lib.save(config, temporary)
    os.replace(temporary, os.path.join(logdir, CONFIG))


def check_writable(logdir):
    """Creates `logdir` if needed and checks that files can be written in it."""
    try:
        os.makedirs(logdir, exist_ok=True)
        with tempfile.TemporaryFile(dir=logdir):
            pass
    except OSError as error:
        raise RunDirectoryError(
            f"Cannot write to the run directory {logdir!r}: {error.strerror or error}. "
            f"Training writes its checkpoints, events and samples there. Pass a --logdir "
            f"you can write to, or change its permissions."
        ) from None


def check_resumable(logdir, config):
    """Raises `RunDirectoryError` if `logdir/config.json` differs from `config` in a
    key outside `RESUMABLE_CHANGES`."""
    path = os.path.join(logdir, CONFIG)
    try:
        with open(path) as file:
            earlier = json.load(file)
    except (OSError, json.JSONDecodeError) as error:
        raise RunDirectoryError(
            f"The run directory {logdir!r} holds a run whose {path} cannot be read "
            f"({error}). Pass --restart to start over there (the earlier run is moved "
            f"aside), or another --logdir."
        ) from None
    # Keys added to the library after that run was written have their default there.
    defaults = config_lib.defaults(config["model"])
    changed = sorted(
        key for key in set(config) | set(earlier)
        if key not in RESUMABLE_CHANGES
        and earlier.get(key, defaults.get(key)) != config.get(key)
    )
    if changed:
        differences = "; ".join(
            f"{key} {earlier.get(key, defaults.get(key))!r} there, "
            f"{config.get(key)!r} now" for key in changed
        )
        raise RunDirectoryError(
            f"The run directory {logdir!r} holds a run of another configuration "
            f"({path}: {differences}). Resuming it with these settings would mix two "
            f"trainings. Resume it with its own settings (only "
            f"{', '.join(sorted(RESUMABLE_CHANGES))} may change), pass --restart to start "
            f"over there (the earlier run is moved to {logdir}/{RESTARTED}<time>/), or "
            f"choose another --logdir."
        )


def move_aside(logdir):
    """Moves the contents of `logdir` (but earlier restarted runs) into a new
    `logdir/restarted-<time>/`, which TensorBoard shows as a run of its own; returns
    that directory, or None if there was nothing to move."""
    entries = [name for name in os.listdir(logdir) if not name.startswith(RESTARTED)]
    if not entries:
        return None
    destination = os.path.join(logdir, f"{RESTARTED}{datetime.datetime.now():%Y%m%d-%H%M%S-%f}")
    os.makedirs(destination)
    for name in entries:
        os.replace(os.path.join(logdir, name), os.path.join(destination, name))
    return destination


def purge_events(logdir, after):
    """Removes from the TensorBoard event files of `logdir` every event of a step
    beyond `after` (all of them for `after` = -1), and any record cut short by a
    crash; returns the number of events removed.

    A resumed run logs the steps after its checkpoint again: without the purge,
    TensorBoard would show them twice. Files are rewritten to a temporary name and
    renamed, so a crash during the purge loses nothing else.
    """
    removed = 0
    for path in sorted(glob.glob(os.path.join(logdir, "events.out.tfevents.*"))):
        kept, dropped, complete = [], 0, True
        try:
            for record in tf.data.TFRecordDataset(path):
                event = tf.compat.v1.Event.FromString(record.numpy())
                if event.HasField("file_version") or event.step <= after:
                    kept.append(record.numpy())
                else:
                    dropped += 1
        except tf.errors.DataLossError:  # the crash cut the last record short
            complete = False
        if not dropped and complete:
            continue
        removed += dropped
        if len(kept) <= 1:  # the file-version header alone
            os.remove(path)
            continue
        temporary = os.path.join(logdir, f".tmp-{os.path.basename(path)}")
        with tf.io.TFRecordWriter(temporary) as writer:
            for record in kept:
                writer.write(record)
        os.replace(temporary, path)
    return removed
