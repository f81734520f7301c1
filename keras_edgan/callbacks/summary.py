"""One TensorBoard event writer per run directory, shared by the callbacks.

`tf.summary.create_file_writer` opens a new event file on every call; sharing one
writer keeps a run's scalars, images and text in a single file.
"""

import functools

import tensorflow as tf


@functools.lru_cache(maxsize=None)
def writer(logdir):
    """The event writer of `logdir` (created on first use, flushed by its users)."""
    return tf.summary.create_file_writer(logdir)
