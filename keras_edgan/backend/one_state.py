"""The replica hooks of the backends whose train step holds one state for every
device: JAX (under `keras.distribution.DataParallel` a step is one program over
sharded arrays, drawing the global batch's random numbers once) and PyTorch (one
device). tf.distribute's replicas need more (`backend.tensorflow`)."""


def from_first_replica(x):
    """`x` unchanged: there is one state, not one per replica."""
    return x


def replica_seed(seed):
    """`seed` unchanged: no replica repeats another's draw."""
    return seed
