"""keras_edgan: entropy-regularized GANs (EDGAN, GAN+VER) for Keras 3.

Example:
```python
import keras_edgan as ke
G, D = ke.architectures.optimized_dcgan(image_size=32, channels=3, latent_dim=128)
gan = ke.models.EDGAN(G, D, latent_dim=128, penalty_weight=1.0, d_steps=2)
gan.compile(d_optimizer=ke.optimizers.OAdam(1e-4), g_optimizer=ke.optimizers.OAdam(4e-4))
```
"""

import importlib

from keras_edgan import (
    architectures, distribution, layers, losses, models, optimizers, techniques,
)

# These import TensorFlow (tf.summary, Inception, and `pipelines`, which metrics' GMM
# scores use), which JAX and PyTorch users training on arrays need not install: they
# load on first access (PEP 562), so that `import keras_edgan` and the subpackages
# above work without TensorFlow.
_NEEDS_TENSORFLOW = ("callbacks", "evaluation", "metrics")


def __getattr__(name):
    if name in _NEEDS_TENSORFLOW:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_NEEDS_TENSORFLOW})


__version__ = "0.1.0"

__all__ = [
    "architectures",
    "callbacks",
    "distribution",
    "evaluation",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "techniques",
]
