"""The 2-D mixtures of GAN+VER: geometry, σ, component balance, the seeded training
set, and `pipelines.load` / `pipelines.info` for them."""

import itertools

import numpy as np
import pytest
from scipy import stats

import pipelines
from pipelines import gmm


def test_ring_is_eight_equally_spaced_points_on_the_unit_circle():
    means = gmm.means("ring")
    np.testing.assert_allclose(np.linalg.norm(means, axis=1), 1.0)
    angles = np.sort(np.mod(np.arctan2(means[:, 1], means[:, 0]), 2 * np.pi))
    np.testing.assert_allclose(np.diff(angles), 2 * np.pi / 8)


def test_grid_is_a_five_by_five_lattice_spanning_a_square_of_side_8():
    means = gmm.means("grid")
    assert sorted(map(tuple, means)) == sorted(itertools.product([-4, -2, 0, 2, 4], repeat=2))
    assert np.ptp(means[:, 0]) == np.ptp(means[:, 1]) == 8


@pytest.mark.parametrize("name", ["ring", "grid"])
def test_training_set_components_sigma_and_seed(name):
    points, components = gmm.train_arrays(name)
    assert points.shape == (100_000, 2) and points.dtype == np.float32
    means = gmm.means(name)
    # Each point lies next to its own component's mean, with N(0, 0.05² I) offsets.
    offsets = points - means[components]
    assert abs(offsets.std() - 0.05) < 0.001 and np.abs(offsets.mean(axis=0)).max() < 0.001
    # Components are equally likely (chi-square goodness of fit).
    counts = np.bincount(components, minlength=len(means))
    assert stats.chisquare(counts).pvalue > 0.001
    # The same points in every call: the set is drawn once from a fixed seed.
    gmm.train_arrays.cache_clear()
    np.testing.assert_array_equal(gmm.train_arrays(name)[0], points)


def test_sample_is_seeded():
    a, _ = gmm.sample("ring", 10, seed=3)
    b, _ = gmm.sample("ring", 10, seed=3)
    c, _ = gmm.sample("ring", 10, seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_info_describes_point_data():
    meta = pipelines.info("grid")
    assert (meta.source, meta.point_dim, meta.num_classes, meta.channels) == ("synthetic", 2, 25, None)
    assert meta.splits["train"] == 100_000 and "ring" in pipelines.DATASETS


def test_load_batches_shuffled_points_and_labels():
    batches = pipelines.load("ring", batch_size=64, seed=0, with_labels=True)
    points, labels = next(iter(batches))
    assert points.shape == (64, 2) and labels.shape == (64,)
    means = gmm.means("ring")
    assert np.linalg.norm(points.numpy() - means[labels.numpy()], axis=1).max() < 0.5
    again = next(iter(pipelines.load("ring", batch_size=64, seed=0)))
    np.testing.assert_array_equal(again.numpy(), points.numpy())
    unshuffled = next(iter(pipelines.load("ring", batch_size=8, shuffle=False)))
    np.testing.assert_array_equal(unshuffled.numpy(), gmm.train_arrays("ring")[0][:8])


def test_image_arguments_and_unknown_mixtures_are_clear_errors():
    with pytest.raises(ValueError, match="2-D points, not images"):
        pipelines.load("grid", batch_size=8, image_size=28)
    with pytest.raises(ValueError, match="Unknown mixture 'rings'"):
        gmm.means("rings")
