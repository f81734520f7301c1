"""A training run's directory: checked before training, resumed or restarted.

`train` keeps everything of a run in its logdir: `config.json`, TensorBoard events,
`checkpoints/`, samples. Running `train` again on the same logdir resumes the run:
its configuration must be the one that wrote it (up to `RESUMABLE_CHANGES`), and
the events logged after the checkpoint it resumes from are removed, since the
resumed run logs those steps again. `restart` moves a run aside to start over.
"""

import contextlib
import datetime
import fcntl
import glob
import json
import os
import socket
import tempfile

import keras
import tensorflow as tf
from absl import logging

from keras_edgan.callbacks.checkpoint import checkpoints
from keras_edgan.cli import config as config_lib

RESUMABLE_CHANGES = frozenset({
    "steps", "log_every", "sample_every", "checkpoint_every", "eval_every",
    "eval_samples", "extractor", "inception_path", "data_dir", "divergence_guard",
    "condition_number_every", "fid_resize", "eval_manifold_metrics",
})
"""Config keys a resumed run may change: they set how long the run goes and what it
logs, never what a training step computes."""

CONFIG = "config.json"
RESTARTED = "restarted-"
LOCK = ".lock"
BACKEND = "backend.txt"


class RunDirectoryError(Exception):
    """The run directory cannot be written, or holds a run that cannot be resumed."""


@contextlib.contextmanager
def locked(logdir):
    """Holds an exclusive lock on `logdir` for the duration of the block: one run at
    a time writes there. The lock is the kernel's (`flock`), so a run killed in any
    way releases it; the lock file names the holder for the message others get.

    Raises:
        RunDirectoryError: another process holds the lock (its PID, host and start
            are in the message), or `logdir` is not writable.
    """
    check_writable(logdir)
    path = os.path.join(logdir, LOCK)
    with open(path, "a+") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            holder = file.read().strip() or "another process"
            raise RunDirectoryError(
                f"The run directory {logdir!r} is in use by {holder}. Two runs writing one "
                f"logdir would mix their checkpoints and TensorBoard events: wait for that "
                f"run to end (it resumes from here when it is run again), or pass another "
                f"--logdir."
            ) from None
        file.truncate(0)
        file.write(f"train (PID {os.getpid()} on host {socket.gethostname()}, since "
                   f"{datetime.datetime.now():%Y-%m-%d %H:%M:%S})\n")
        file.flush()
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


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
    check_complete(logdir, config, earlier)
    return earlier


def check_complete(logdir, config, earlier):
    """Raises `RunDirectoryError` for a run that resuming would lose: checkpoints or
    events without the `config.json` that says which configuration wrote them, or a
    run past its first checkpoint whose checkpoints are gone (starting it at step 0
    would delete its events and overwrite its samples and generator)."""
    saved = checkpoints(os.path.join(logdir, "checkpoints"))
    events = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    finished = os.path.exists(os.path.join(logdir, "generator.keras"))
    remedy = (f"pass --restart to move it aside (to {logdir}/{RESTARTED}<time>/) and start "
              f"over, or choose another --logdir")
    if not earlier and (saved or events or finished):
        raise RunDirectoryError(
            f"The run directory {logdir!r} holds a run (checkpoints, TensorBoard events or "
            f"a generator) but no {CONFIG}, so nothing says which configuration wrote it. "
            f"Put its {CONFIG} back to resume it, or {remedy}."
        )
    if earlier and not saved:
        logged = last_logged_step(logdir)
        if finished or logged > config["checkpoint_every"]:
            raise RunDirectoryError(
                f"The run in {logdir!r} went past its first checkpoint (events up to step "
                f"{logged}{', and its generator' if finished else ''}) but holds no "
                f"checkpoint to resume from: were checkpoints/ deleted or moved? Starting "
                f"over here would delete its events and overwrite its samples and "
                f"generator. Put its checkpoints back to resume it, or {remedy}."
            )


def last_logged_step(logdir):
    """The largest step of the TensorBoard events of `logdir` (-1 without any); a
    record cut short or damaged ends the reading of its file."""
    last = -1
    for path in glob.glob(os.path.join(logdir, "events.out.tfevents.*")):
        try:
            for record in tf.data.TFRecordDataset(path):
                last = max(last, tf.compat.v1.Event.FromString(record.numpy()).step)
        except tf.errors.DataLossError:
            pass  # `purge_events` reports the damage
    return last


def record(logdir, config):
    """Writes `config` as the run's `config.json` and the Keras backend training it
    in `backend.txt`, atomically: never half-written. A run resumed under another
    backend than the one that wrote it gets a warning: it continues, but not with the
    numbers its own backend would give (round-off differs between backends)."""
    backend = keras.backend.backend()
    path = os.path.join(logdir, BACKEND)
    if os.path.exists(path):
        with open(path) as file:
            earlier = file.read().strip()
        if earlier != backend:
            logging.warning(
                "The run in %s was trained on the %s backend and resumes on %s: it "
                "continues from its checkpoint, but its numbers will differ from a "
                "continuation on %s (set KERAS_BACKEND=%s for that).",
                logdir, earlier, backend, earlier, earlier,
            )
    _write_atomically(os.path.join(logdir, CONFIG), lambda name: config_lib.save(config, name))
    _write_atomically(path, lambda name: _write_text(name, f"{backend}\n"))


def _write_text(path, text):
    with open(path, "w") as file:
        file.write(text)


def _write_atomically(path, write):
    temporary = os.path.join(os.path.dirname(path), f".tmp-{os.path.basename(path)}")
    write(temporary)
    os.replace(temporary, path)


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
    entries = [
        name for name in os.listdir(logdir) if not name.startswith(RESTARTED) and name != LOCK
    ]
    if not entries:
        return None
    destination = os.path.join(logdir, f"{RESTARTED}{datetime.datetime.now():%Y%m%d-%H%M%S-%f}")
    os.makedirs(destination)
    for name in entries:
        os.replace(os.path.join(logdir, name), os.path.join(destination, name))
    return destination


def purge_events(logdir, after):
    """Removes from the TensorBoard event files of `logdir` every event of a step
    beyond `after` (all of them for `after` = -1), and a last record cut short by a
    crash; returns the number of events removed.

    A resumed run logs the steps after its checkpoint again: without the purge,
    TensorBoard would show them twice. Only a record that ends the file early (TFRecord's
    "truncated record", what a crash leaves) is taken for a crash tail; a record whose
    checksum fails is damage the purge cannot repair without losing what follows it, so
    it stops, removing nothing. Files are rewritten to a temporary name (which
    TensorBoard does not read) and renamed, so a crash during the purge loses nothing.

    Raises:
        RunDirectoryError: an event file is corrupted before its end.
    """
    for stale in glob.glob(os.path.join(logdir, ".purge-*.tmp")):
        os.remove(stale)  # left by a purge that was interrupted
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
        except tf.errors.DataLossError as error:
            if "truncated record" not in str(error):
                raise RunDirectoryError(
                    f"The TensorBoard event file {path} is corrupted after {len(kept) + dropped} "
                    f"records, before its end: damage, not a write cut short by a crash, so "
                    f"nothing was removed from it. To resume, move that file out of "
                    f"{logdir!r} (TensorBoard then lacks its events), or start over with "
                    f"--restart."
                ) from None
            complete = False  # the crash cut the last record short
        if not dropped and complete:
            continue
        removed += dropped
        if len(kept) <= 1:  # the file-version header alone
            os.remove(path)
            continue
        temporary = os.path.join(logdir, f".purge-{os.getpid()}.tmp")
        with tf.io.TFRecordWriter(temporary) as writer:
            for record in kept:
                writer.write(record)
        os.replace(temporary, path)
    return removed
