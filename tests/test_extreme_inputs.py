"""Losses, penalties, layers and metrics stay finite on extreme but valid inputs: images
all equal, pixels saturated at ±1, a batch of one, huge logits, zero kernels.

A NaN from any of these would reach the divergence guard as a "diverged" run that
did not diverge; every case below is one a real run meets (a collapsed generator
gives equal images, a saturated tanh gives ±1, a confident discriminator huge
logits).
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from keras_edgan import layers, losses, metrics

SETTINGS = settings(max_examples=25, deadline=None)

batch_sizes = st.integers(1, 6)
pixel = st.floats(-1.0, 1.0, width=32)


@st.composite
def image_pairs(draw):
    """Real and fake batches of one of the extreme kinds, in [-1, 1]."""
    n = draw(batch_sizes)
    kind = draw(st.sampled_from(["constant", "saturated", "one_value_each"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    shape = (n, 8, 8, 1)
    if kind == "constant":
        real, fake = np.full(shape, draw(pixel)), np.full(shape, draw(pixel))
    elif kind == "saturated":
        real, fake = rng.choice([-1.0, 1.0], shape), rng.choice([-1.0, 1.0], shape)
    else:  # each image one grey level: zero variance within images
        real = np.broadcast_to(rng.uniform(-1, 1, (n, 1, 1, 1)), shape)
        fake = np.broadcast_to(rng.choice([-1.0, 1.0], (n, 1, 1, 1)), shape)
    return real.astype("float32"), fake.astype("float32")


def value_and_input_gradient(fn, x, *args):
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = fn(x, *args)
    return value.numpy(), tape.gradient(value, x).numpy()


@SETTINGS
@given(image_pairs())
def test_histogram_penalties_are_finite_with_finite_gradients(pair):
    real, fake = pair
    for penalty in (losses.conditional_entropy_distance, losses.js_divergence):
        value, gradient = value_and_input_gradient(lambda f: penalty(real, f), fake)
        assert np.isfinite(value) and value > -1e-4, (penalty.__name__, value)
        assert np.all(np.isfinite(gradient)), penalty.__name__


def logits(bound):
    """Batches of 1 to 6 logits (n, 1) in [−bound, bound]."""
    return st.lists(st.floats(-bound, bound, width=32), min_size=1, max_size=6).map(
        lambda v: np.array(v, "float32")[:, None]
    )


huge_logits = logits(1e4)


@SETTINGS
@given(huge_logits, huge_logits)
def test_logit_losses_are_finite_on_huge_logits(real, fake):
    n = min(len(real), len(fake))
    real, fake = real[:n], fake[:n]
    for name, loss in {
        "minimax_d": lambda: losses.minimax_discriminator_loss(real, fake),
        "minimax_g": lambda: losses.minimax_generator_loss(fake),
        "non_saturating_g": lambda: losses.non_saturating_generator_loss(fake),
        "hinge_d": lambda: losses.hinge_discriminator_loss(real, fake),
        "relativistic_d": lambda: losses.relativistic_discriminator_loss(real, fake),
        "relativistic_average_g": lambda: losses.relativistic_average_generator_loss(real, fake),
        "js_d": lambda: losses.f_gan_discriminator_loss(real, fake, "js"),
        "js_g": lambda: losses.f_gan_generator_loss(fake, "js"),
    }.items():
        value = np.asarray(loss())
        assert np.all(np.isfinite(value)), (name, real.ravel(), fake.ravel(), value)


large_logits = logits(30.0)


@SETTINGS
@given(large_logits, large_logits)
def test_f_gan_losses_are_finite_on_large_logits(real, fake):
    """The KL-type f-divergences grow like exp(|logit|) (f*(t) = exp(t − 1) for KL,
    g_f(v) = −exp(−v) for reverse KL): beyond |logit| ≈ 88 their true value exceeds
    float32, so they are checked up to 30 (values up to ~1e13)."""
    n = min(len(real), len(fake))
    for divergence in losses.F_DIVERGENCES:
        d_loss = losses.f_gan_discriminator_loss(real[:n], fake[:n], divergence)
        g_loss = losses.f_gan_generator_loss(fake[:n], divergence)
        assert np.isfinite(np.asarray(d_loss)) and np.isfinite(np.asarray(g_loss)), divergence


@SETTINGS
@given(st.integers(1, 5), st.sampled_from([0.0, 1.0, -1.0]))
def test_layers_are_finite_on_constant_inputs(n, level):
    x = np.full((n, 8, 8, 4), level, "float32")
    zero_conv = layers.SpectralNorm(
        keras.layers.Conv2D(4, 3, padding="same", kernel_initializer="zeros")
    )
    attention = layers.SelfAttention()
    maxout = layers.LinearMaxout(units=3, pieces=5)
    minibatch = layers.MinibatchDiscrimination(num_kernels=4, kernel_dim=3)
    # The reference rows are constant too: a zero variance everywhere.
    virtual_bn = layers.VirtualBatchNormalization(reference_size=2)
    with_reference = np.concatenate([np.full((2, 8, 8, 4), level, "float32"), x])
    for name, output in {
        "spectral_norm(zero kernel)": zero_conv(x, training=True),
        "self_attention": attention(x, training=True),
        "linear_maxout": maxout(x.reshape(n, -1)),
        "minibatch_discrimination": minibatch(x.reshape(n, -1)),
        "virtual_batch_normalization": virtual_bn(with_reference, training=True),
    }.items():
        assert np.all(np.isfinite(np.asarray(output))), name


def test_frechet_distance_of_collapsed_samples_is_finite():
    """All generated activations equal: a zero covariance (rank 0), as a collapsed
    generator gives; the distance must be the squared mean difference plus the
    trace of the real covariance, finite."""
    rng = np.random.default_rng(0)
    real = rng.normal(size=(64, 16))
    collapsed = np.ones((64, 16))
    expected = np.sum((real.mean(0) - 1.0) ** 2) + np.trace(np.cov(real, rowvar=False))
    assert metrics.frechet_distance(real, collapsed) == pytest.approx(expected, rel=1e-4)
    assert metrics.frechet_distance(collapsed, collapsed) == pytest.approx(0.0, abs=1e-6)
