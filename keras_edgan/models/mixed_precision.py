"""Mixed precision for GANs: networks compute in bfloat16, the objectives and
penalties in float32.

The networks follow Keras' global dtype policy, set before they are built
(`keras.config.set_dtype_policy("mixed_bfloat16")`, or `train --dtype_policy`): their
variables stay float32, their computations use bfloat16. `GAN` casts what leaves a
network (logits, samples, features) to the network's variable dtype, float32, so the
losses, the entropy estimators, the gradient penalties' norms and MINE's bound are
computed in float32 (in float64 under a float64 policy).

"mixed_float16" is refused: float16 needs its losses scaled against underflow, and
Keras' `LossScaleOptimizer` cannot sit inside the `MultiOptimizer` that carries a
GAN's optimizers through Keras' trainers (Keras raises "LossScaleOptimizer cannot
be used inside an MultiOptimizer"). bfloat16 has float32's exponent range, needs no
scaling, and runs on CPUs, TPUs and NVIDIA GPUs since Ampere.
"""

import keras
from keras import ops


def full_precision(network, outputs):
    """`outputs` of `network` in its variables' dtype: float32 under a mixed policy,
    unchanged where the network computes in that dtype."""
    if keras.backend.standardize_dtype(outputs.dtype) == network.dtype:
        return outputs
    return ops.cast(outputs, network.dtype)


def check_policy():
    """Raises ValueError if Keras' global dtype policy computes in float16."""
    policy = keras.config.dtype_policy()
    if policy.compute_dtype == "float16":
        raise ValueError(
            f"The dtype policy {policy.name!r} is not supported for GANs: float16 needs "
            f"loss scaling, and Keras' LossScaleOptimizer cannot sit inside the "
            f"MultiOptimizer that carries a GAN's optimizers. Use mixed_bfloat16, which "
            f"needs no loss scaling (or float32)."
        )
