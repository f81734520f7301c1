"""Fréchet distance, classifier score and kernel distance against scipy, numpy and TF-GAN."""

import numpy as np
import pytest
import scipy.linalg
import scipy.special
import scipy.stats
import tensorflow as tf

from keras_edgan import metrics
from keras_edgan.evaluation import tfgan


def activations(n, d, seed, shift=0.0):
    """Correlated, non-negative activations, like pooled ReLU features."""
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(d, d)) / np.sqrt(d)
    return np.maximum(rng.normal(size=(n, d)) @ mixing + shift, 0.0).astype(np.float32)


def scipy_frechet_distance(a, b):
    """The formula of TTUR's reference code: means, np.cov, scipy.linalg.sqrtm."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = scipy.linalg.sqrtm(cov_a @ cov_b).real
    return np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * np.trace(root)


@pytest.mark.parametrize(
    "n_a, n_b, d",
    [(400, 300, 16), (1000, 1000, 128), (40, 60, 128), (10, 12, 200)],
    ids=["full-rank", "full-rank-128", "rank-deficient", "rank-deficient-tiny"],
)
def test_frechet_distance_equals_scipy_and_tfgan(n_a, n_b, d):
    a = activations(n_a, d, seed=1)
    b = activations(n_b, d, seed=2, shift=0.2)
    ours = metrics.frechet_distance(a, b)
    assert isinstance(ours, float)
    np.testing.assert_allclose(ours, scipy_frechet_distance(a, b), rtol=1e-6)
    reference = tfgan.classifier_metrics().frechet_classifier_distance_from_activations(
        a.astype(np.float64), b.astype(np.float64)
    )
    np.testing.assert_allclose(ours, float(reference), rtol=1e-6)


@pytest.mark.parametrize("n, d", [(500, 32), (20, 64)])
def test_frechet_distance_of_a_set_to_itself_is_zero(n, d):
    a = activations(n, d, seed=3)
    scale = np.trace(np.cov(a.astype(np.float64), rowvar=False))
    assert abs(metrics.frechet_distance(a, a)) < 1e-9 * scale
    assert metrics.frechet_distance(a, a + 1.0) == pytest.approx(d, rel=1e-9)


def test_frechet_distance_takes_tensors_and_moments():
    a, b = activations(100, 8, seed=4), activations(120, 8, seed=5, shift=0.5)
    expected = scipy_frechet_distance(a, b)
    np.testing.assert_allclose(metrics.frechet_distance(tf.constant(a), tf.constant(b)), expected, rtol=1e-6)
    from_moments = metrics.frechet_distance_from_moments(*metrics.moments(a), *metrics.moments(b))
    np.testing.assert_allclose(from_moments, expected, rtol=1e-6)


def test_moments_are_float64_mean_and_unbiased_covariance_over_chunks():
    a = activations(9000, 4, seed=6)  # more rows than one chunk
    mean, covariance = metrics.moments(a)
    assert mean.dtype == covariance.dtype == np.float64
    np.testing.assert_allclose(mean, a.astype(np.float64).mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(covariance, np.cov(a.astype(np.float64), rowvar=False), rtol=1e-10)


def test_frechet_distance_rejects_mismatched_or_too_few_activations():
    with pytest.raises(ValueError, match="different dimensions: 3 and 4"):
        metrics.frechet_distance(np.ones((5, 3)), np.ones((5, 4)))
    with pytest.raises(ValueError, match="at least 2 samples; got shape \\(1, 3\\)"):
        metrics.frechet_distance(np.ones((1, 3)), np.ones((5, 3)))


def numpy_classifier_score(logits):
    p = scipy.special.softmax(logits.astype(np.float64), axis=1)
    marginal = p.mean(axis=0)
    return np.exp(np.mean([scipy.stats.entropy(row, marginal) for row in p]))


def test_classifier_score_equals_numpy_and_tfgan():
    logits = np.random.default_rng(7).normal(scale=3.0, size=(300, 10)).astype(np.float32)
    ours = metrics.classifier_score(logits)
    assert isinstance(ours, float)
    np.testing.assert_allclose(ours, numpy_classifier_score(logits), rtol=1e-9)
    tfgan_score = tfgan.classifier_metrics().classifier_score_from_logits(logits.astype(np.float64))
    np.testing.assert_allclose(ours, float(tfgan_score), rtol=1e-9)


def test_classifier_score_bounds():
    confident = np.eye(10)[np.arange(1000) % 10] * 50.0  # every class equally often
    assert metrics.classifier_score(confident) == pytest.approx(10.0, rel=1e-6)
    assert metrics.classifier_score(np.tile(confident[:1], (50, 1))) == pytest.approx(1.0)


def numpy_kernel_distance(a, b):
    """Unbiased MMD² with k(x, y) = (xᵀy/d + 1)³, off-diagonal means written out."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    d = a.shape[1]
    k_aa, k_bb, k_ab = [(x @ y.T / d + 1) ** 3 for x, y in ((a, a), (b, b), (a, b))]
    off_a = ~np.eye(len(a), dtype=bool)
    off_b = ~np.eye(len(b), dtype=bool)
    return k_aa[off_a].mean() + k_bb[off_b].mean() - 2 * k_ab.mean()


def test_kernel_distance_equals_numpy_in_one_block():
    a, b = activations(200, 32, seed=8), activations(150, 32, seed=9, shift=0.3)
    ours = metrics.kernel_distance(a, b)
    assert isinstance(ours, float)
    np.testing.assert_allclose(ours, numpy_kernel_distance(a, b), rtol=1e-9)


@pytest.mark.parametrize("n_a, n_b, block", [(1000, 700, 256), (230, 230, 100)])
def test_kernel_distance_blocks_equal_tfgan(n_a, n_b, block):
    a, b = activations(n_a, 16, seed=10), activations(n_b, 16, seed=11, shift=0.1)
    ours = metrics.kernel_distance(a, b, max_block_size=block)
    reference = tfgan.classifier_metrics().kernel_classifier_distance_from_activations(
        tf.constant(a, tf.float64), tf.constant(b, tf.float64), max_block_size=block
    )
    np.testing.assert_allclose(ours, float(reference), rtol=1e-9)


def test_kernel_distance_rejects_blocks_of_one_sample():
    with pytest.raises(ValueError, match="at least 2 samples of each set"):
        metrics.kernel_distance(np.ones((30, 2)), np.ones((3, 2)), max_block_size=10)
