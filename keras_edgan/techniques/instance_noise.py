"""Instance noise: Gaussian noise on every sample the discriminator sees (Sønderby,
Caballero, Theis, Shi and Huszár, "Amortised MAP inference for image super-resolution",
ICLR 2017; Arjovsky and Bottou, "Towards principled methods for training generative
adversarial networks", ICLR 2017, §4)."""

import keras
from keras import ops


def instance_noise_stddev(step, initial_stddev, anneal_steps=0):
    """σ_t = σ₀·max(0, 1 − t/T): linearly annealed from σ₀ to 0 over T steps
    (T = 0: σ₀ throughout).

    Noise makes the supports of the real and the generated distributions overlap,
    so the discriminator cannot separate them perfectly and its gradient stays
    informative (Arjovsky and Bottou, §4); annealing it to 0 returns to the original
    objective, as Sønderby et al. do.

    Example:
    >>> float(instance_noise_stddev(250, 0.1, 1000))
    0.075
    """
    initial_stddev = float(initial_stddev)
    if not anneal_steps:
        return ops.convert_to_tensor(initial_stddev)
    fraction = ops.cast(step, "float32") / float(anneal_steps)
    return initial_stddev * ops.maximum(0.0, 1.0 - fraction)


def add_instance_noise(samples, stddev, seed=None):
    """`samples` + ε, ε ~ N(0, stddev² I) drawn independently for each value.

    Example:
    ```python
    noisy = add_instance_noise(images, 0.1, seed=keras.random.SeedGenerator(0))
    ```
    """
    noise = keras.random.normal(ops.shape(samples), dtype=samples.dtype, seed=seed)
    return samples + ops.cast(stddev, samples.dtype) * noise
