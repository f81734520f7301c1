"""Tests of the Jensen-Shannon divergence penalty (EDGAN Table 5, "With-JS-Penalty")."""

import math

import keras
import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon

from keras_edgan.losses import js_divergence
from keras_edgan.losses import soft_histogram


def batch(seed, shape=(16, 16, 16, 3), transform=None):
    values = np.random.default_rng(seed).uniform(-1.0, 1.0, shape)
    return (values if transform is None else transform(values)).astype("float32")


def js(real, fake, **binning):
    return float(keras.ops.convert_to_numpy(js_divergence(real, fake, **binning)))


def scipy_js(real, fake, **binning):
    """scipy's Jensen-Shannon distance, squared, in nats, on the same soft marginals."""
    p = keras.ops.convert_to_numpy(soft_histogram(real, **binning)).astype(np.float64)
    q = keras.ops.convert_to_numpy(soft_histogram(fake, **binning)).astype(np.float64)
    return jensenshannon(p, q, base=math.e) ** 2


@pytest.mark.backends
@pytest.mark.parametrize(
    "real, fake, binning",
    [
        (batch(0), batch(1, transform=np.tanh), {}),
        (batch(0), batch(1, transform=lambda v: v**3), {"bins": 8, "bandwidth": 1.0}),
        (batch(0, transform=lambda v: (v + 1.0) / 2.0), batch(1), {"value_range": (0.0, 1.0)}),
    ],
)
def test_matches_scipy_jensen_shannon(real, fake, binning):
    expected = scipy_js(real, fake, **binning)
    assert js(real, fake, **binning) == pytest.approx(expected, rel=1e-4, abs=1e-7)


@pytest.mark.backends
def test_zero_for_identical_batches():
    real = batch(0, transform=np.tanh)
    assert js(real, real) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.backends
def test_symmetric():
    real, fake = batch(0), batch(1, transform=np.tanh)
    assert js(real, fake) == pytest.approx(js(fake, real), rel=1e-5)


@pytest.mark.backends
def test_bounded_by_log_2_and_reaches_it_for_disjoint_values():
    low, high = np.full((4, 8, 8, 3), -1.0, "float32"), np.full((4, 8, 8, 3), 1.0, "float32")
    assert js(low, high) == pytest.approx(math.log(2.0), abs=1e-5)
    assert js(batch(0), batch(1, transform=np.tanh)) < math.log(2.0)


@pytest.mark.backends
def test_compares_marginals_so_batch_sizes_may_differ():
    real, fake = batch(0, shape=(16, 8, 8, 3)), batch(1, shape=(4, 8, 8, 3), transform=np.tanh)
    assert js(real, fake) == pytest.approx(scipy_js(real, fake), rel=1e-4)


@pytest.mark.backends
def test_bad_binning_is_a_clear_error():
    with pytest.raises(ValueError, match="`bins` must be an integer >= 2"):
        js_divergence(batch(0), batch(1), bins=0)
