"""Mixed precision (`keras_edgan.models.mixed_precision`): bfloat16 networks, float32
objectives and penalties."""

import keras
import numpy as np
import pytest

from keras_edgan import architectures, models, optimizers

pytestmark = pytest.mark.backends


def trained(policy, model=models.EDGAN, steps=6):
    """`steps` generator updates of a small OptimizedDCGAN under `policy`; the last
    logged losses and the model."""
    keras.config.set_dtype_policy(policy)
    try:
        keras.utils.set_random_seed(0)
        generator, discriminator = architectures.optimized_dcgan(
            image_size=28, channels=1, latent_dim=8, width=4
        )
        gan = model(generator, discriminator, latent_dim=8, seed=1)
        gan.compile(optimizers.OAdam(1e-3), optimizers.OAdam(1e-3))
    finally:
        keras.config.set_dtype_policy("float32")
    batch = gan.minibatches_per_step * 16
    real = np.random.default_rng(0).uniform(-1, 1, (steps * batch, 28, 28, 1)).astype("float32")
    history = gan.fit(real, batch_size=batch, epochs=1, shuffle=False, verbose=0).history
    return {name: values[-1] for name, values in history.items()}, gan


@pytest.mark.parametrize("model", [models.EDGAN, models.WGANGP])
def test_bfloat16_networks_train_close_to_float32(model):
    """The networks compute in bfloat16 (8 significant bits), their variables and the
    losses and penalties (CED, the gradient penalty) stay float32: after 6 steps the
    logged values are within 5 % of float32's (measured: 0.3 % for the losses, up to
    2 % for the gradient norms). Values made of D's outputs (their means, WGAN's
    difference of them) can be near 0 and differ by up to 0.011 (measured on the
    three backends), so each value is within 5 % or 0.05 absolute, a twentieth of
    the logits' unit scale."""
    reference, _ = trained("float32", model)
    logs, gan = trained("mixed_bfloat16", model)
    assert gan.discriminator.layers[-1].compute_dtype == "bfloat16"
    assert all(v.dtype == "float32" for v in gan.trainable_variables)
    assert set(logs) == set(reference)
    for name, value in logs.items():
        assert np.isfinite(value)
        assert value == pytest.approx(reference[name], rel=0.05, abs=0.05), name
    samples = gan.generate(3, seed=0)
    assert samples.dtype == np.float32 and np.isfinite(samples).all()


def test_float16_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="'mixed_float16' is not supported.*LossScaleOptimizer "
                                         "cannot sit inside the MultiOptimizer.*mixed_bfloat16"):
        trained("mixed_float16")
