"""One TensorBoard event writer per run directory, shared by the callbacks.

`tf.summary.create_file_writer` opens a new event file on every call; sharing one
writer keeps a run's scalars, images and text in a single file.
"""

import tensorflow as tf

_WRITERS = {}


def writer(logdir):
    """The event writer of `logdir` (created on first use, flushed by its users)."""
    if logdir not in _WRITERS:
        _WRITERS[logdir] = tf.summary.create_file_writer(logdir)
    return _WRITERS[logdir]


def close(logdir):
    """Flushes and closes the writer of `logdir`, if open; the next `writer(logdir)`
    starts a new event file (after a run's event files were edited, e.g. on resume)."""
    if logdir in _WRITERS:
        _WRITERS.pop(logdir).close()
