"""Noisy labels: a fraction of the discriminator's targets flipped (the practical guide
of Garrido et al. 2019, §4.5)."""

import keras
from keras import ops


def flip_targets(shape, target, flipped_target, rate, seed=None):
    """Targets of shape `shape`: each is `flipped_target` with probability `rate`,
    else `target`.

    With real samples' `target` and the fake samples' target as `flipped_target`,
    some real samples are labelled fake (and the other way round for generated
    samples), so the discriminator cannot become fully confident (guide §4.5; its
    runs with 5% and 10% flips turned to noise at some epoch, 78 and 75 in its
    figures, as with two-sided label smoothing).

    Example:
    ```python
    real_targets = flip_targets((64, 1), 0.9, 0.0, 0.05, seed=keras.random.SeedGenerator(0))
    ```
    """
    flip = keras.random.uniform(shape, seed=seed) < rate
    return ops.where(flip, float(flipped_target), float(target))
