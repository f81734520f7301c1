"""Whole-training-state checkpoints: written atomically, the last few kept, restored
only into the model that wrote them."""

import contextlib
import errno
import glob
import hashlib
import os
import re
import shutil
import tempfile

import h5py
import numpy as np
from absl import logging

from keras_edgan.callbacks.divergence_guard import first_nonfinite
from keras_edgan.callbacks.periodic import PeriodicCallback


class CheckpointError(ValueError):
    """A checkpoint cannot be read, or holds the state of another model."""


class Checkpoint(PeriodicCallback):
    """Saves the GAN's full state every `every_n_steps` training steps and at the end.

    The file `logdir/checkpoints/ckpt-STEP.weights.h5` (STEP = generator updates) holds
    both networks, every optimizer's variables (OAdam's moments included)
    and the noise generator's state (the logged loss means restart with each epoch
    and need none). It is written to a temporary name, flushed to disk and renamed, so a crash or power loss during a
    save leaves the previous checkpoints intact; only the newest `keep` are kept. A
    state holding a NaN or Inf is not saved (see `DivergenceGuard`), so the newest
    checkpoint is always one to resume from.

    `restore(model)` loads the newest checkpoint back, after checking that it was
    written by a model with the same variables.

    Example:
    ```python
    checkpoint = keras_edgan.callbacks.Checkpoint("runs/a", every_n_steps=10)
    step = checkpoint.restore(gan)   # 0 when runs/a holds no checkpoint yet
    gan.fit(ds.skip(step), epochs=100, initial_epoch=step // 100, steps_per_epoch=100,
            callbacks=[checkpoint])
    ```
    """

    def __init__(self, logdir, every_n_steps=1, keep=3):
        super().__init__(every_n_steps)
        self.directory = os.path.join(logdir, "checkpoints")
        self.keep = keep
        self._saved_step = None

    def on_period(self):
        self.save()

    def on_train_end(self, logs=None):
        if self._saved_step != self.model.generator_step:
            self.save()

    def save(self):
        """Writes the checkpoint of the current step; returns its path, or None when the
        state holds a NaN or Inf (the previous checkpoints then stay the newest)."""
        step = self.model.generator_step
        diverged = first_nonfinite(self.model)
        if diverged is not None:
            logging.warning("Checkpoint of step %d not written: %s holds NaN or Inf.",
                            step, diverged)
            return None
        os.makedirs(self.directory, exist_ok=True)
        path = os.path.join(self.directory, f"ckpt-{step:07d}.weights.h5")
        temporary = os.path.join(self.directory, f".tmp-ckpt-{step:07d}.weights.h5")
        # HDF5 does not survive a write failing for want of space (h5py floods
        # errors, then the process segfaults), so a save that cannot fit is refused
        # before it starts.
        needed = _checkpoint_size(self.model, checkpoints(self.directory))
        free = shutil.disk_usage(self.directory).free
        if free < needed:
            self._failed(step, temporary, OSError(errno.ENOSPC, "No space left on device"),
                         f"the disk is full: {free / 2**20:.2f} MiB free, the checkpoint "
                         f"needs about {needed / 2**20:.2f} MiB")
        try:
            self.model.save_weights(temporary)
            _sync(temporary)
            _write_digest(temporary, path)  # before the checkpoint appears: never without it
        except OSError as error:
            self._failed(step, temporary, error)
        os.replace(temporary, path)
        _sync(self.directory)  # makes the rename itself durable
        self._saved_step = step
        for old in checkpoints(self.directory)[: -self.keep]:
            os.remove(old)
            with contextlib.suppress(FileNotFoundError):
                os.remove(old + DIGEST)
        return path

    def _failed(self, step, temporary, error, reason=None):
        """Removes the partial file of a failed save and raises `CheckpointError`
        saying what failed (`reason`, default from `error`) and what is intact."""
        removed = "nothing was written"
        with contextlib.suppress(OSError):
            os.remove(temporary)
            removed = "its partial file was removed"
        saved = checkpoints(self.directory)
        intact = (f"the newest checkpoint, {saved[-1]}, is intact" if saved
                  else "no earlier checkpoint was written")
        full = error.errno == errno.ENOSPC or "No space left on device" in str(error)
        reason = reason or ("the disk is full" if full else (error.strerror or str(error)))
        raise CheckpointError(
            f"The checkpoint of step {step} could not be written in {self.directory} "
            f"({reason}); {removed} and {intact}. "
            + ("Free some space" if full else "Fix the directory")
            + ", then run the same command again: training resumes from the newest "
            "checkpoint."
        ) from None

    def restore(self, model):
        """Loads the newest checkpoint into `model`, built and compiled as the model
        that wrote it; returns its step (generator updates), 0 if there is none.

        Each checkpoint is checked against the SHA-256 digest written with it: one
        that fails (corrupted on disk) is renamed `*.corrupt`, with a warning, and
        the previous one is restored instead.

        Raises:
            CheckpointError: no checkpoint passes its checksum; or the newest cannot
                be read (a checkpoint without a digest, written before digests),
                or holds the variables of another model. The message names the
                file and what to do.
        """
        # A save interrupted before its rename: never a complete checkpoint.
        for stale in glob.glob(os.path.join(self.directory, ".tmp-ckpt-*")):
            os.remove(stale)
        paths = self._verified(checkpoints(self.directory))
        if not paths:
            return 0
        path = paths[-1]
        if len(paths) > 1:
            remedy = (f"Delete or move it to resume from the previous checkpoint, "
                      f"{paths[-2]}, or start the run over (train --restart).")
        else:
            remedy = "Delete or move it, or start the run over (train --restart)."
        expected = _saved_by(model)
        try:
            found = _variable_shapes(path)
        except OSError as error:
            raise CheckpointError(
                f"Checkpoint {path} cannot be read ({error}): the file is truncated or "
                f"corrupted. {remedy}"
            ) from None
        if found != expected and _lagged_oadam(expected, found):
            raise CheckpointError(
                f"Checkpoint {path} was written by keras_edgan's earlier OAdam, whose "
                f"optimistic term used the moments of step t−2 (one step behind "
                f"Algorithm 1 of Daskalakis et al. 2018) and kept two more variables per "
                f"weight ({', '.join(_lagged_oadam(expected, found))}). The corrected "
                f"OAdam cannot continue that trajectory: start the run over (train "
                f"--restart), or resume with the keras_edgan version that wrote it."
            )
        if found != expected:
            raise CheckpointError(
                f"Checkpoint {path} holds the state of another model: "
                f"{_differences(expected, found)}. It was written by another configuration "
                f"(model, architecture, sizes or techniques): resume with that one, or "
                f"{remedy[0].lower()}{remedy[1:]}"
            )
        try:
            model.load_weights(path)
        except (OSError, ValueError, KeyError) as error:
            raise CheckpointError(
                f"Checkpoint {path} cannot be loaded ({error}): the file is corrupted. "
                f"{remedy}"
            ) from None
        return model.generator_step


    def _verified(self, paths):
        """`paths` up to the newest that passes its checksum; those after it (failing)
        are renamed `*.corrupt`, each with a warning."""
        while paths and not _digest_matches(paths[-1]):
            path = paths.pop()
            os.replace(path, path + ".corrupt")
            with contextlib.suppress(FileNotFoundError):
                os.replace(path + DIGEST, path + ".corrupt" + DIGEST)
            logging.warning(
                "Checkpoint %s does not match its SHA-256 digest (the file was changed or "
                "damaged on disk): kept as %s.corrupt and not used; %s", path, path,
                f"resuming from {paths[-1]}." if paths else "no earlier checkpoint is left.",
            )
            if not paths:
                raise CheckpointError(
                    f"Checkpoint {path} is damaged (it does not match its SHA-256 digest) "
                    f"and no earlier checkpoint is left: start the run over (train "
                    f"--restart). The damaged file is kept as {path}.corrupt."
                )
        return paths


DIGEST = ".sha256"
"""The suffix of a checkpoint's digest file: the SHA-256 of its bytes, in hex."""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_digest(source, path):
    """Writes the digest of `source` as that of checkpoint `path`, atomically."""
    temporary = os.path.join(os.path.dirname(path), f".tmp-{os.path.basename(path)}{DIGEST}")
    with open(temporary, "w") as file:
        file.write(_sha256(source) + "\n")
    os.replace(temporary, path + DIGEST)


def _digest_matches(path):
    """Whether checkpoint `path` has the bytes its digest says; True without a digest
    (a checkpoint of an earlier version: checked by reading it)."""
    try:
        with open(path + DIGEST) as file:
            expected = file.read().strip()
    except FileNotFoundError:
        return True
    return _sha256(path) == expected


def checkpoints(directory):
    """The checkpoint files in `directory`, oldest (fewest steps) first."""
    paths = glob.glob(os.path.join(directory, "ckpt-*.weights.h5"))
    return sorted(paths, key=lambda path: int(re.search(r"ckpt-(\d+)", path)[1]))


def _checkpoint_size(model, saved):
    """Bytes a checkpoint of `model` takes: the size of the newest one (the same
    variables give the same file), else its variables' bytes and HDF5's overhead;
    with 64 KiB to spare for the digest and the file system."""
    if saved:
        return os.path.getsize(saved[-1]) + 2**16
    variables = model.variables + model.optimizer.variables
    data = sum(int(np.prod(v.shape)) * np.dtype(v.dtype).itemsize for v in variables)
    return int(1.1 * data) + 2**17


def _sync(path):
    """Flushes a file, or a directory's entries, to the disk."""
    if os.path.isdir(path) and os.name != "posix":
        return  # only POSIX can open a directory to sync it
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _saved_by(model):
    """The variable shapes of `model`'s checkpoints, from a temporary weights file."""
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "model.weights.h5")
        model.save_weights(path)
        return _variable_shapes(path)


def _variable_shapes(path):
    """{variable path in the file: shape} of a weights file."""
    shapes = {}
    with h5py.File(path, "r") as file:
        file.visititems(
            lambda name, item: shapes.update({name: item.shape})
            if isinstance(item, h5py.Dataset) else None
        )
    return shapes


def _lagged_oadam(expected, found):
    """The optimizers in `found` holding 4 slots per weight where `expected` holds 2
    (iterations and learning rate besides): the earlier OAdam's layout."""
    def slot_counts(shapes):
        counts = {}
        for name in shapes:
            group = name.rsplit("/", 1)[0]
            if "optimizer" in group:
                counts[group] = counts.get(group, 0) + 1
        return counts

    expected_counts, found_counts = slot_counts(expected), slot_counts(found)
    return sorted(
        group for group, count in found_counts.items()
        if expected_counts.get(group, 0) > 2 and count - 2 == 2 * (expected_counts[group] - 2)
    )


def _differences(expected, found, shown=3):
    """A short account of how the variables `found` differ from those `expected`."""
    def networks_first(names):  # the networks' names tell more than the optimizers'
        return sorted(names, key=lambda name: ("optimizer" in name, name))

    missing = networks_first(set(expected) - set(found))
    extra = networks_first(set(found) - set(expected))
    reshaped = networks_first(name for name in set(expected) & set(found)
                              if expected[name] != found[name])
    parts = []
    if missing:
        parts.append(f"{len(missing)} of this model's variables are missing "
                     f"(e.g. {', '.join(missing[:shown])})")
    if extra:
        parts.append(f"{len(extra)} of its variables are not this model's "
                     f"(e.g. {', '.join(extra[:shown])})")
    if reshaped:
        parts.append(f"{len(reshaped)} have another shape (e.g. "
                     + ", ".join(f"{name} {found[name]} instead of {expected[name]}"
                                 for name in reshaped[:shown]) + ")")
    return "; ".join(parts)
