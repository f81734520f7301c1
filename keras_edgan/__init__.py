"""keras_edgan: entropy-regularized GANs (EDGAN, GAN+VER) for Keras 3.

Example:
```python
import keras_edgan as ke
G, D = ke.architectures.optimized_dcgan(image_size=32, channels=3, latent_dim=128)
gan = ke.models.EDGAN(G, D, latent_dim=128, penalty_weight=1.0, d_steps=2)
gan.compile(d_optimizer=ke.optimizers.OAdam(1e-4), g_optimizer=ke.optimizers.OAdam(4e-4))
```
"""

from keras_edgan import (
    architectures,
    callbacks,
    evaluation,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    techniques,
)

__version__ = "0.1.0"

__all__ = [
    "architectures",
    "callbacks",
    "evaluation",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "techniques",
]
