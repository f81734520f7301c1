"""Imported first by the `train`, `evaluate` and `generate` commands: they read data
with tf.data, write TensorBoard summaries or read checkpoints written through them, so
without TensorFlow they exit naming the extra that installs it. (The configuration and
model building, `keras_edgan.cli.config` and `.build`, need no TensorFlow: the
step-speed benchmark runs them on JAX and PyTorch machines without it.)"""

import importlib.util

if importlib.util.find_spec("tensorflow") is None:
    raise SystemExit(
        "keras_edgan's train, evaluate and generate commands need TensorFlow (tf.data, "
        "TensorBoard), which is not installed. Install one of the extras: pip install "
        "'keras_edgan[cpu]' (CPU) or 'keras_edgan[gpu]' (tensorflow[and-cuda]); see "
        "BUILD.md, Install."
    )
