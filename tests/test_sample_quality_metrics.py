"""Improved precision and recall, density and coverage, and the Parzen-window
log-likelihood against brute-force computations written from the papers'
definitions, on cases with known answers, and in `evaluate` and the FID callback."""

import numpy as np
import pytest
import scipy.special
import scipy.stats
from absl.testing import flagsaver
from scipy.spatial.distance import cdist
from test_evaluation_callbacks import toy_extractor

from keras_edgan import evaluation, metrics
from keras_edgan.cli import evaluate

# The brute-force membership tests below compare counts exactly, so no distance
# may lie within this of a ball's radius (where round-off could flip a count).
MARGIN = 1e-9


def point_sets(n_real, n_fake, d, seed, shift=1.5):
    """Two overlapping Gaussian clouds: continuous data, so no ties."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n_real, d)), rng.normal(size=(n_fake, d)) + shift


def kth_neighbor_distances(x, k):
    """‖x_i − NN_k(x_i)‖: the k-th smallest distance to the other points, one point at a time."""
    distances = cdist(x, x)
    return np.array([np.sort(np.delete(distances[i], i))[k - 1] for i in range(len(x))])


def inside(points, centres, radii):
    """inside[p, c]: point p in the closed ball B(centre c, radius c), checked to be
    at least MARGIN away from every boundary."""
    distances = cdist(points, centres)
    assert np.abs(distances - radii[None, :]).min() > MARGIN
    return distances <= radii[None, :]


def brute_force_precision_recall(real, fake, k):
    """Kynkäänniemi et al. 2019, eqs. (1)-(3), written out with loops."""
    real_in_fake = inside(real, fake, kth_neighbor_distances(fake, k))
    fake_in_real = inside(fake, real, kth_neighbor_distances(real, k))
    precision = sum(any(fake_in_real[j, i] for i in range(len(real))) for j in range(len(fake)))
    recall = sum(any(real_in_fake[i, j] for j in range(len(fake))) for i in range(len(real)))
    return {"precision": precision / len(fake), "recall": recall / len(real)}


def brute_force_density_coverage(real, fake, k):
    """Naeem et al. 2020, §3.2, written out with loops."""
    fake_in_ball = inside(fake, real, kth_neighbor_distances(real, k))
    n, m = len(real), len(fake)
    density = sum(int(fake_in_ball[j, i]) for j in range(m) for i in range(n)) / (k * m)
    coverage = sum(any(fake_in_ball[j, i] for j in range(m)) for i in range(n)) / n
    return {"density": density, "coverage": coverage}


CASES = [(20, 30, 3, 1), (60, 45, 5, 3), (37, 52, 2, 5), (50, 50, 8, 7)]


@pytest.mark.parametrize("n_real, n_fake, d, k", CASES)
def test_precision_recall_equals_brute_force(n_real, n_fake, d, k):
    real, fake = point_sets(n_real, n_fake, d, seed=k)
    ours = metrics.precision_recall(real, fake, k=k)
    assert all(isinstance(value, float) for value in ours.values())
    assert ours == brute_force_precision_recall(real, fake, k)  # ratios of equal counts
    assert 0 < ours["precision"] < 1 and 0 < ours["recall"] < 1  # a case that tells


@pytest.mark.parametrize("n_real, n_fake, d, k", CASES)
def test_density_coverage_equals_brute_force(n_real, n_fake, d, k):
    real, fake = point_sets(n_real, n_fake, d, seed=10 + k)
    ours = metrics.density_coverage(real, fake, k=k)
    assert all(isinstance(value, float) for value in ours.values())
    assert ours == brute_force_density_coverage(real, fake, k)
    assert 0 < ours["coverage"] < 1


@pytest.mark.parametrize("k", [1, 3, 5])
def test_identical_sets(k):
    real, _ = point_sets(40, 1, 4, seed=20)
    assert metrics.precision_recall(real, real.copy(), k=k) == {"precision": 1.0, "recall": 1.0}
    # Each closed ball B(X_i, NND_k(X_i)) holds its centre and its k nearest
    # neighbours, the k-th on its boundary (the same blocked product gives both
    # distances), and no other point: density = N(k+1)/(kN) exactly.
    assert metrics.density_coverage(real, real.copy(), k=k) == {
        "density": (k + 1) / k, "coverage": 1.0,
    }


@pytest.mark.parametrize("k", [1, 3, 5])
def test_density_is_one_on_average_over_leave_one_out_splits(k):
    """E[density] = 1 for i.i.d. continuous data, exactly, at any sample size.

    With a fresh sample Y and the N real X_i, Y ∈ B(X_i, NND_k(X_i)) iff Y is
    among the k nearest of X_i's N neighbours {X_l, l ≠ i} ∪ {Y}. Over the N + 1
    splits of Z_0..Z_N into N real points and one fake Z_j, each Z_i is in this
    way "among the k nearest" for exactly k of the j ≠ i: the densities of the
    splits sum to exactly (N + 1) k / k = N + 1, their mean is 1 (no ties with
    continuous data).
    """
    points, _ = point_sets(31, 1, 3, seed=30 + k)
    counts = [
        metrics.density_coverage(np.delete(points, j, axis=0), points[j : j + 1], k=k)["density"] * k
        for j in range(len(points))
    ]
    np.testing.assert_allclose(counts, np.rint(counts), rtol=0, atol=1e-9)  # counts / k * k
    assert int(np.rint(counts).sum()) == k * len(points)


def test_disjoint_far_apart_sets_score_zero():
    real, fake = point_sets(30, 25, 3, seed=40, shift=100.0)
    assert metrics.precision_recall(real, fake) == {"precision": 0.0, "recall": 0.0}
    assert metrics.density_coverage(real, fake) == {"density": 0.0, "coverage": 0.0}


@pytest.mark.parametrize("k", [2, 5])
def test_a_collapsed_fake_set(k):
    real, _ = point_sets(50, 1, 3, seed=50)
    point = real[0] + 1e-3  # inside the ball of real[0], equal to no real sample
    fake = np.tile(point, (20, 1))
    # The fakes' k-NN radii are 0: their manifold is the single point, no real sample.
    assert metrics.precision_recall(real, fake, k=k) == {"precision": 1.0, "recall": 0.0}
    balls = inside(point[None, :], real, kth_neighbor_distances(real, k))[0]
    assert metrics.density_coverage(real, fake, k=k) == {
        "density": balls.sum() * 20 / (k * 20), "coverage": balls.mean(),
    }
    assert 0 < balls.mean() < 1


def test_block_size_changes_nothing():
    real, fake = point_sets(53, 41, 6, seed=60)
    for function in (metrics.precision_recall, metrics.density_coverage):
        assert function(real, fake, block_size=7) == function(real, fake, block_size=1000)
    generated = fake * 0.5
    small, large = (metrics.parzen_log_likelihood(real, generated, 0.7, block_size=size)
                    for size in (7, 1000))
    np.testing.assert_allclose(small, large, rtol=1e-12)


def test_float32_and_tensor_inputs():
    real, fake = point_sets(30, 30, 4, seed=70)
    expected = metrics.precision_recall(real.astype(np.float32), fake.astype(np.float32))
    import tensorflow as tf

    assert metrics.precision_recall(tf.constant(real, tf.float32), tf.constant(fake, tf.float32)) == expected


@pytest.mark.parametrize("function", [metrics.precision_recall, metrics.density_coverage])
def test_bad_inputs_say_what_was_expected(function):
    good = np.zeros((10, 3))
    with pytest.raises(ValueError, match=r"real_features must be a non-empty 2-D array .* got shape \(10,\)"):
        function(np.zeros(10), good)
    with pytest.raises(ValueError, match=r"fake_features must be a non-empty 2-D array .* \(10, 3, 1\)"):
        function(good, np.zeros((10, 3, 1)))
    with pytest.raises(ValueError, match="same number of features .* got 3 and 4"):
        function(good, np.zeros((10, 4)))
    bad = good.copy()
    bad[2, 1], bad[4, 0] = np.nan, np.inf
    with pytest.raises(ValueError, match="fake_features holds 2 non-finite values"):
        function(good, bad)
    with pytest.raises(ValueError, match="k=10 needs more than k samples in real_features"):
        function(good, good, k=10)
    with pytest.raises(ValueError, match="k must be a positive integer; got 0"):
        function(good, good, k=0)
    with pytest.raises(ValueError, match="block_size must be a positive integer; got 0"):
        function(good, good, block_size=0)


def test_only_precision_and_recall_need_k_fakes():
    real, fake = point_sets(30, 3, 2, seed=80)
    assert metrics.density_coverage(real, fake, k=5) == brute_force_density_coverage(real, fake, 5)
    with pytest.raises(ValueError, match="k=5 needs more than k samples in fake_features"):
        metrics.precision_recall(real, fake, k=5)


def brute_force_parzen(samples, generated, sigma):
    """(1/N) Σ_i log (1/n) Σ_j N(x_i; g_j, σ²I), one Gaussian density at a time."""
    d = samples.shape[1]
    covariance = sigma**2 * np.eye(d)
    return np.mean([
        scipy.special.logsumexp([scipy.stats.multivariate_normal(g, covariance).logpdf(x) for g in generated])
        - np.log(len(generated))
        for x in samples
    ])


@pytest.mark.parametrize("n, m, d, sigma", [(20, 30, 3, 0.5), (45, 25, 6, 1.3), (33, 60, 2, 0.1)])
def test_parzen_equals_brute_force_and_scikit_learn(n, m, d, sigma):
    samples, generated = point_sets(n, m, d, seed=90 + d)
    ours = metrics.parzen_log_likelihood(samples, generated, sigma)
    assert isinstance(ours, float)
    # Different summation orders: float64 round-off, far below 1e-10 for these sizes.
    np.testing.assert_allclose(ours, brute_force_parzen(samples, generated, sigma), rtol=1e-10)
    from sklearn.neighbors import KernelDensity

    sklearn = KernelDensity(bandwidth=sigma, kernel="gaussian").fit(generated)
    np.testing.assert_allclose(ours, sklearn.score_samples(samples).mean(), rtol=1e-10)


def test_parzen_of_one_generated_point_is_a_gaussian_log_density():
    rng = np.random.default_rng(100)
    samples, generated, sigma = rng.normal(size=(15, 4)), rng.normal(size=(1, 4)), 0.8
    squared = np.sum((samples - generated) ** 2, axis=1)
    expected = np.mean(-squared / (2 * sigma**2) - 2 * np.log(2 * np.pi * sigma**2))
    np.testing.assert_allclose(metrics.parzen_log_likelihood(samples, generated, sigma), expected, rtol=1e-12)
    # Far away, every exp() underflows; the log-sum-exp does not.
    far = samples + 100.0
    squared = np.sum((far - generated) ** 2, axis=1)
    expected = np.mean(-squared / (2 * 0.1**2) - 2 * np.log(2 * np.pi * 0.1**2))
    assert np.all(np.exp(-squared / (2 * 0.1**2)) == 0.0)
    np.testing.assert_allclose(metrics.parzen_log_likelihood(far, generated, 0.1), expected, rtol=1e-12)


def test_parzen_flattens_images():
    rng = np.random.default_rng(110)
    images, generated = rng.uniform(size=(12, 4, 4, 1)), rng.uniform(size=(9, 4, 4, 1))
    assert metrics.parzen_log_likelihood(images, generated, 0.3) == metrics.parzen_log_likelihood(
        images.reshape(12, -1), generated.reshape(9, -1), 0.3
    )


def test_parzen_bandwidth_maximizes_the_validation_likelihood():
    validation, generated = point_sets(40, 50, 3, seed=120, shift=0.0)
    candidates = np.logspace(-1.5, 1, 11)
    scores = [brute_force_parzen(validation, generated, sigma) for sigma in candidates]
    best = int(np.argmax(scores))
    assert 0 < best < len(candidates) - 1  # an interior maximum
    second = np.sort(scores)[-2]
    assert scores[best] - second > 1e-6  # not decided by round-off
    assert metrics.parzen_bandwidth(validation, generated, candidates) == candidates[best]
    assert metrics.parzen_bandwidth(validation, generated, [candidates[best]]) == candidates[best]


def test_parzen_bad_inputs():
    x = np.zeros((5, 3))
    for bandwidths in ([], [0.5, 0.0], [-1.0], [np.nan]):
        with pytest.raises(ValueError, match="Bandwidths must be positive finite numbers"):
            metrics.parzen_bandwidth(x, x, bandwidths)
    with pytest.raises(ValueError, match="Bandwidths must be positive finite numbers"):
        metrics.parzen_log_likelihood(x, x, 0.0)
    with pytest.raises(ValueError, match="samples and generated must have the same number of features"):
        metrics.parzen_log_likelihood(x, np.zeros((5, 4)), 1.0)
    with pytest.raises(ValueError, match=r"samples must be a non-empty 2-D array .* \(5,\)"):
        metrics.parzen_log_likelihood(np.zeros(5), x, 1.0)
    with pytest.raises(ValueError, match="generated holds 1 non-finite values"):
        metrics.parzen_log_likelihood(x, np.array([[0.0, np.inf, 0.0]]), 1.0)


def test_evaluate_images_adds_the_manifold_metrics_on_the_same_features():
    extractor = toy_extractor()
    rng = np.random.default_rng(130)
    real_images = rng.uniform(-1, 1, (60, 28, 28, 1)).astype("float32")
    fake_images = np.clip(real_images[:50] + rng.normal(0, 0.3, (50, 28, 28, 1)), -1, 1).astype("float32")
    real_features, _ = evaluation.stream_activations(extractor, [real_images], 60)
    fake_features, _ = evaluation.stream_activations(extractor, [fake_images], 50)
    real = evaluation.RealStatistics(real_features, "toy-test")

    plain = evaluation.evaluate_images([fake_images], extractor, real, 50)
    assert tuple(plain.scores) == ("FD-toy", "CS-toy", "KD-toy")
    report = evaluation.evaluate_images([fake_images], extractor, real, 50, manifold_metrics=True)
    assert tuple(report.scores) == evaluation.metric_names(extractor, manifold_metrics=True) == (
        "FD-toy", "CS-toy", "KD-toy", "precision-toy", "recall-toy", "density-toy", "coverage-toy",
    )
    expected = {
        **metrics.precision_recall(real_features, fake_features),
        **metrics.density_coverage(real_features, fake_features),
    }
    assert {name.split("-")[0]: report.scores[name] for name in tuple(report.scores)[3:]} == expected
    assert report.scores["FD-toy"] == plain.scores["FD-toy"]
    rows = {line.split()[0]: line.split()[1:] for line in report.table().splitlines()[2:]}
    assert rows["precision-toy"][1:] == rows["coverage-toy"][1:] == ["60", "50"]


def test_evaluate_reference_flag_reports_the_manifold_metrics(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(evaluation, "get_extractor", lambda *args: toy_extractor())
    argv = ["evaluate", "--reference", "--dataset=mnist5k", "--num_samples=40", "--real_samples=50",
            f"--cache_dir={tmp_path}", "--manifold_metrics", f"--json={tmp_path / 'scores.json'}"]
    with flagsaver.flagsaver():
        evaluate.FLAGS(argv)
        evaluate.main(argv[:1])
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()}
    for name in ("precision-toy", "recall-toy", "density-toy", "coverage-toy"):
        assert rows[name][1:] == ["50", "40"], name
        assert 0 <= float(rows[name][0])
    assert 0 <= float(rows["precision-toy"][0]) <= 1 and 0 <= float(rows["coverage-toy"][0]) <= 1
