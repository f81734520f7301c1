"""GAN+VER's sample scores: the mixture scores on samples of known quality, and every
two-sample score against an independent reference (brute force, scipy, scikit-learn)."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import accuracy_score, precision_score, recall_score
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.model_selection import LeaveOneOut, cross_val_predict
from sklearn.neighbors import KNeighborsClassifier

from keras_edgan import metrics
from pipelines import gmm


# Five repeats of 1,000 points (the paper's 2,500 make the exact assignment slower).
FLOOR = {"ring": dict(kl=0.25, wd=0.1), "grid": dict(kl=0.45, wd=0.45)}


@pytest.mark.parametrize("name", ["ring", "grid"])
def test_samples_of_the_mixture_score_as_real(name):
    samples, _ = gmm.sample(name, 5 * 1000, seed=123)
    scores = metrics.gmm_scores(samples, name)
    assert scores["modes"] == len(gmm.means(name))
    # HQ: P(‖N(0, σ²I₂)‖ ≤ 3σ) = 1 − e^(−4.5) = 98.89 %; 4 binomial standard errors.
    assert metrics.gmm.HIGH_QUALITY_EXPECTED == pytest.approx(98.889, abs=1e-3)
    assert abs(scores["hq"] - 98.889) < 4 * 100 * math.sqrt(0.9889 * 0.0111 / 5000)
    # KL and WD: only the estimators' finite-sample floors; MMD ≈ a few times 1/n.
    assert scores["kl"] < FLOOR[name]["kl"] and scores["wd"] < FLOOR[name]["wd"]
    assert scores["mmd"] < 0.003
    for key in ("ta", "ra", "ga", "pr", "re"):
        assert abs(scores[key] - 50.0) < 3.0, (key, scores[key])


@pytest.mark.parametrize("name, k", [("ring", 3), ("grid", 10)])
def test_samples_of_k_modes_are_caught(name, k):
    points, components = gmm.sample(name, 40_000, seed=7)
    collapsed = metrics.gmm_scores(points[components < k][: 5 * 500], name)
    real = metrics.gmm_scores(points[: 5 * 500], name)
    assert collapsed["modes"] == k
    assert collapsed["hq"] > 95.0  # collapsed samples still look sharp
    assert collapsed["kl"] > real["kl"] + 0.3 and collapsed["mmd"] > 0.1
    assert collapsed["ta"] > 70.0 and collapsed["wd"] > 5 * real["wd"]


def test_mode_scores_counts_points_within_three_sigma():
    means = gmm.means("grid")
    inside = means[:4] + [2.9 * gmm.STDDEV, 0.0]
    outside = means[4:6] + [3.1 * gmm.STDDEV, 0.0]
    assert metrics.mode_scores(np.concatenate([inside, outside]), "grid") == {
        "modes": 4, "hq": pytest.approx(100 * 4 / 6),
    }


def test_nearest_neighbor_scores_match_scikit_learn_leave_one_out():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(40, 3))
    generated = rng.normal(0.4, 1.2, size=(50, 3))
    x = np.concatenate([real, generated])
    y = np.r_[np.ones(40, int), np.zeros(50, int)]
    predicted = cross_val_predict(KNeighborsClassifier(n_neighbors=1), x, y, cv=LeaveOneOut())
    expected = {
        "ta": accuracy_score(y, predicted),
        "ra": recall_score(y, predicted, pos_label=1),
        "ga": recall_score(y, predicted, pos_label=0),
        "pr": precision_score(y, predicted, pos_label=1),
        "re": recall_score(y, predicted, pos_label=1),
    }
    scores = metrics.nearest_neighbor_scores(real, generated, block_size=16)
    assert scores == pytest.approx({key: 100 * value for key, value in expected.items()})


def test_wasserstein_distance_is_the_optimal_assignment():
    rng = np.random.default_rng(1)
    real, generated = rng.normal(size=(2, 6, 2))
    brute_force = min(
        np.mean(np.linalg.norm(real - generated[list(order)], axis=1))
        for order in itertools.permutations(range(6))
    )
    assert metrics.wasserstein_distance(real, generated) == pytest.approx(brute_force)
    # On a line W₁ has a closed form (sorted samples), which scipy computes.
    a, b = rng.normal(size=300), rng.normal(0.5, 2.0, size=300)
    on_line = metrics.wasserstein_distance(np.c_[a, 0 * a], np.c_[b, 0 * b])
    assert on_line == pytest.approx(stats.wasserstein_distance(a, b))


def test_maximum_mean_discrepancy_matches_an_rbf_kernel_reference():
    rng = np.random.default_rng(2)
    real, generated = rng.normal(size=(30, 4)), rng.normal(0.3, 1.0, size=(20, 4))
    squared_bandwidth = np.mean(np.sum((real[:, None] - real[None]) ** 2, axis=-1))
    gamma = 1.0 / (2.0 * squared_bandwidth)
    expected = (rbf_kernel(real, real, gamma=gamma).mean()
                - 2 * rbf_kernel(real, generated, gamma=gamma).mean()
                + rbf_kernel(generated, generated, gamma=gamma).mean())
    assert metrics.maximum_mean_discrepancy(real, generated) == pytest.approx(expected)
    fixed = rbf_kernel(real, generated, gamma=1 / 8).mean()
    assert metrics.maximum_mean_discrepancy(real, generated, bandwidth=2.0) == pytest.approx(
        rbf_kernel(real, real, gamma=1 / 8).mean() - 2 * fixed
        + rbf_kernel(generated, generated, gamma=1 / 8).mean())


def test_binned_kl_is_scipy_entropy_of_smoothed_sigma_histograms():
    rng = np.random.default_rng(3)
    real, generated = rng.normal(0, 0.2, size=(300, 2)), rng.normal(0.1, 0.15, size=(200, 2))
    sigma = gmm.STDDEV
    edges = np.arange(-40, 41) * sigma  # every point falls inside ±2
    h_real = np.histogram2d(*real.T, bins=[edges, edges])[0].ravel()
    h_generated = np.histogram2d(*generated.T, bins=[edges, edges])[0].ravel()
    occupied = (h_real + h_generated) > 0
    expected = stats.entropy(h_real[occupied] + 0.5, h_generated[occupied] + 0.5)
    assert metrics.binned_kl_divergence(real, generated) == pytest.approx(expected)
    assert metrics.label_kl_divergence([1, 1, 2], [1, 1, 2]) == pytest.approx(0.0)


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="repeats=5 equal parts"):
        metrics.gmm_scores(np.zeros((12, 2)), "ring")
    with pytest.raises(ValueError, match="shape \\(n, 2\\)"):
        metrics.gmm_scores(np.zeros((10, 3)), "ring", repeats=1)
    with pytest.raises(ValueError, match="Unknown mixture 'moon'"):
        metrics.gmm_scores(np.zeros((10, 2)), "moon", repeats=1)
    with pytest.raises(ValueError, match="samples of equal size"):
        metrics.wasserstein_distance(np.zeros((3, 2)), np.zeros((4, 2)))
