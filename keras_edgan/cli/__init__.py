"""The `train` and `evaluate` commands. They read data with tf.data and write
TensorBoard summaries, so they need TensorFlow: installed by the `cpu` or the `gpu`
extra."""

import importlib.util

if importlib.util.find_spec("tensorflow") is None:
    raise SystemExit(
        "keras_edgan's train and evaluate commands need TensorFlow (tf.data, TensorBoard), "
        "which is not installed. Install one of the extras: pip install 'keras_edgan[cpu]' "
        "(CPU) or 'keras_edgan[gpu]' (tensorflow[and-cuda]); see BUILD.md, Install."
    )
