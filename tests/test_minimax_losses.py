"""The GAN objective of EDGAN eq. 1–3 against numpy transcriptions."""

import numpy as np
import pytest
from keras import ops

from keras_edgan.losses.minimax import (
    minimax_discriminator_loss,
    minimax_generator_loss,
    non_saturating_generator_loss,
)

pytestmark = pytest.mark.backends


def d(logits):
    return 1.0 / (1.0 + np.exp(-logits.astype(np.float64)))


@pytest.fixture
def logits():
    return np.random.default_rng(0).normal(scale=3.0, size=(2, 32, 1)).astype("float32")


def test_discriminator_loss_is_eq_1(logits):
    real, fake = logits
    expected = -np.mean(np.log(d(real))) - np.mean(np.log(1.0 - d(fake)))
    np.testing.assert_allclose(float(minimax_discriminator_loss(real, fake)), expected, rtol=1e-5)


def test_generator_losses_are_eq_2_and_3(logits):
    fake = logits[1]
    np.testing.assert_allclose(
        float(minimax_generator_loss(fake)), np.mean(np.log(1.0 - d(fake))), rtol=1e-5
    )
    np.testing.assert_allclose(
        float(non_saturating_generator_loss(fake)), -np.mean(np.log(d(fake))), rtol=1e-5
    )


def test_saturated_logits_stay_finite():
    saturated = np.array([[-200.0], [200.0]], "float32")
    for value in (
        minimax_discriminator_loss(saturated, saturated),
        minimax_generator_loss(saturated),
        non_saturating_generator_loss(saturated),
    ):
        assert np.isfinite(float(ops.convert_to_numpy(value)))
    # D(G(z)) → 0: the non-saturating loss keeps a gradient of size 1, as eq. 3 intends.
    np.testing.assert_allclose(float(non_saturating_generator_loss(saturated[:1])), 200.0)
