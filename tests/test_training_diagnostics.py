"""What the updates log about the networks beside the losses: the adversarial term of
L_G alone, D's mean outputs (and probabilities for the logistic loss) and the gradient
norms, against a linear critic worked out by hand."""

import keras
import numpy as np
import pytest
from keras import ops

from keras_edgan import models

REAL = np.array([[1.0, -0.5], [0.2, 0.4], [-0.3, 0.8], [0.6, 0.1]], "float32")
FAKE = np.array([0.25, -0.75], "float32")  # G ignores z: every generated sample is this
W, B = np.array([0.8, -0.6], "float32"), np.float32(0.3)


def linear_gan(cls=models.NSGAN, **options):
    """G(z) = FAKE whatever z (zero kernel, bias FAKE); D(x) = W·x + B."""
    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    generator.set_weights([np.zeros((3, 2), "float32"), FAKE])
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    discriminator.set_weights([W[:, None], np.array([B])])
    gan = cls(generator, discriminator, latent_dim=3, seed=0, **options)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0))
    return gan


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


@pytest.mark.backends
def test_discriminator_update_logs_its_outputs_and_gradient_norm():
    """NSGAN's L_D = −E log σ(D(x)) − E log(1 − σ(D(G(z)))) with D linear: ∂L_D/∂W =
    −E[(1 − σ(r))·x] + σ(f)·x̃, ∂L_D/∂B = −E[1 − σ(r)] + σ(f)."""
    gan = linear_gan()
    _, logs = gan.discriminator_update(ops.convert_to_tensor(REAL), None)
    r, f = REAL @ W + B, FAKE @ W + B
    grad_w = -np.mean((1 - sigmoid(r))[:, None] * REAL, axis=0) + sigmoid(f) * FAKE
    grad_b = -np.mean(1 - sigmoid(r)) + sigmoid(f)
    expected = {
        "d_adversarial": -np.mean(np.log(sigmoid(r))) - np.log(1 - sigmoid(f)),
        "d_real": r.mean(), "d_fake": f, "p_real": sigmoid(r).mean(), "p_fake": sigmoid(f),
        "d_grad_norm": np.sqrt(np.sum(grad_w**2) + grad_b**2),
    }
    for name, value in expected.items():
        np.testing.assert_allclose(float(ops.convert_to_numpy(logs[name])), value, rtol=1e-5,
                                   err_msg=name)


@pytest.mark.backends
def test_generator_logs_its_adversarial_term_and_gradient_norm():
    """EDGAN's L_G = −E log σ(D(G(z))) + λρ: `g_adversarial` is the first term alone;
    the gradient norm is that of the gradients the update applies."""
    gan = linear_gan(models.EDGAN, penalty_weight=2.0)
    z = ops.convert_to_tensor(np.ones((4, 3), "float32"))
    loss, logs, grads = gan.generator_gradients(z, ops.convert_to_tensor(REAL), None)
    adversarial = -np.log(sigmoid(FAKE @ W + B))
    np.testing.assert_allclose(float(ops.convert_to_numpy(logs["g_adversarial"])), adversarial,
                               rtol=1e-5)
    np.testing.assert_allclose(
        float(ops.convert_to_numpy(loss)),
        adversarial + 2.0 * float(ops.convert_to_numpy(logs["ced"])), rtol=1e-5,
    )
    norm = np.sqrt(sum(np.sum(ops.convert_to_numpy(g) ** 2) for g in grads))
    np.testing.assert_allclose(float(ops.convert_to_numpy(logs["g_grad_norm"])), norm, rtol=1e-5)


@pytest.mark.backends
@pytest.mark.parametrize("cls, options", [
    (models.NSGAN, {"merged_update": True}),
    (models.WGAN, {"d_steps": 1}),
    (models.WGANTS, {"regression_steps": 1}),
])
def test_every_step_mode_logs_what_the_model_tracks(cls, options):
    """Each tracked name gets a value in every step mode (a tracker never updated
    would log 0); a Wasserstein critic has no probabilities."""
    gan = linear_gan(cls, **options)
    history = gan.fit(np.tile(REAL, (4, 1)), batch_size=4 * gan.minibatches_per_step,
                      epochs=1, verbose=0).history
    assert set(history) == set(gan.trackers)
    assert all(float(ops.convert_to_numpy(t.count)) > 0 for t in gan.trackers.values())
    assert {"d_adversarial", "g_adversarial", "d_real", "d_fake", "d_grad_norm",
            "g_grad_norm"} <= set(history)
    assert ("p_real" in history) == issubclass(cls, models.NSGAN)
    assert history["d_grad_norm"][0] > 0
