"""The Parzen-window log-likelihood of held-out images under generated ones (Goodfellow
et al. 2014) in `evaluate --parzen`, against scikit-learn's KernelDensity on the same
images: σ chosen on the validation images over logspace(-1, 0, 10), pixels in [0, 1],
the test images' mean log-density and its standard error."""

import json
import subprocess
import sys

import numpy as np
import pytest
import test_evaluate_cli
from absl import app
from absl.testing import flagsaver
from sklearn.neighbors import KernelDensity
from test_evaluation_callbacks import tiny_gan, toy_extractor

from keras_edgan import evaluation
from keras_edgan.cli import evaluate
from keras_edgan.evaluation import parzen
from keras_edgan.metrics.parzen import parzen_log_densities, parzen_log_likelihood

NAME = "Parzen log-likelihood (nats/image, pixels in [0,1])"
GRID = np.logspace(-1, 0, 10)  # Goodfellow et al.'s σ grid for pixels in [0, 1]


def scikit_learn_parzen(centres, validation, test):
    """The protocol with scikit-learn: images in [-1, 1] rescaled to [0, 1], the σ
    of GRID with the best mean validation log-density, then the test images'
    log-densities: (σ, mean, std / sqrt(N))."""
    centres, validation, test = (
        (np.asarray(x, np.float64).reshape(len(x), -1) + 1) / 2 for x in (centres, validation, test)
    )
    means = [kernel_density(sigma, centres).score_samples(validation).mean() for sigma in GRID]
    sigma = GRID[int(np.argmax(means))]
    densities = kernel_density(sigma, centres).score_samples(test)
    return sigma, densities.mean(), densities.std() / np.sqrt(len(densities))


# The session's cache (the MNIST classifier, trained once) of test_evaluate_cli.
cache_dir = test_evaluate_cli.cache_dir


def kernel_density(sigma, centres):
    """scikit-learn's Gaussian KDE on `centres`, exact: its tree's node bounds prune
    wrongly where every kernel is tiny (784-d digits: log-kernels of −170 to −440 give
    −478 nats instead of −540; scikit-learn issues #7492, #25799), so the tree is one
    leaf, every centre summed."""
    return KernelDensity(bandwidth=sigma, leaf_size=len(centres)).fit(centres)


@pytest.fixture(scope="module")
def generator_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("generator") / "generator.keras"
    tiny_gan().generator.save(path)
    return str(path)


def read_all(batches):
    return np.concatenate(list(batches))


def test_log_densities_are_scikit_learns_and_average_to_the_log_likelihood():
    rng = np.random.default_rng(0)
    samples, generated = rng.normal(size=(37, 5)), rng.normal(size=(23, 5)) + 0.5
    densities = parzen_log_densities(samples, generated, 0.6, block_size=10)
    expected = kernel_density(0.6, generated).score_samples(samples)
    np.testing.assert_allclose(densities, expected, rtol=1e-10)
    assert parzen_log_likelihood(samples, generated, 0.6) == pytest.approx(expected.mean(), rel=1e-12)


def test_parzen_scores_choose_sigma_on_validation_and_score_the_rest():
    rng = np.random.default_rng(1)
    # Images in [-1, 1], as generators and real_batches give them.
    centres = np.tanh(rng.normal(size=(60, 4, 4, 1)))
    held_out = np.tanh(rng.normal(size=(50, 4, 4, 1)) + 0.2)
    result = evaluation.parzen_scores(centres, held_out)
    # Half the 50 held-out images (fewer than 2 × 1,000) choose σ.
    assert (result.centres, result.validation_images, result.test_images) == (60, 25, 25)
    sigma, mean, standard_error = scikit_learn_parzen(centres, held_out[:25], held_out[25:])
    assert GRID[0] < sigma < GRID[-1] and not result.at_grid_edge
    assert result.bandwidth == sigma
    assert result.log_likelihood == pytest.approx(mean, rel=1e-10)
    assert result.standard_error == pytest.approx(standard_error, rel=1e-8)

    fewer = evaluation.parzen_scores(centres, held_out, validation_images=10)
    assert (fewer.validation_images, fewer.test_images) == (10, 40)
    for count, validation in ((1, None), (50, 50), (50, 0)):
        with pytest.raises(ValueError, match="both to choose σ and to score"):
            evaluation.parzen_scores(centres, held_out[:count], validation_images=validation)


def test_evaluate_parzen_on_mnist5k_matches_scikit_learn(generator_path, monkeypatch, tmp_path):
    # The Parzen window is in pixel space; any extractor does for the other scores.
    monkeypatch.setattr(evaluation, "get_extractor", lambda *args: toy_extractor())
    json_path = tmp_path / "scores.json"
    table, record = evaluate.evaluate(generator_path, dataset="mnist5k", num_samples=200,
                                      cache_dir=str(tmp_path), parzen=True, json_path=str(json_path))
    assert json.loads(json_path.read_text()) == record
    result = record["parzen"]
    assert result["name"] == NAME
    assert result["pixel_scale"] == [0.0, 1.0]
    assert result["bandwidths"] == pytest.approx(GRID, rel=1e-15)
    assert (result["centres"], result["centre_images"]) == (200, "generated images")
    # mnist5k's 1,000 held-out digits: 500 choose σ, 500 are scored.
    assert (result["validation_images"], result["test_images"]) == (500, 500)
    assert result["held_out_images"] == "mnist5k train, the last 100 digits of each class (1000 images)"

    # The same images, generated and read as `evaluate` does (test_evaluate_cli checks
    # which digits part="held-out" reads), scored by scikit-learn.
    generator = evaluate.load_generator(generator_path)[0]
    generated = read_all(evaluation.generated_batches(generator, 4, 200, seed=0))
    held_out = read_all(evaluation.real_batches("mnist5k", 28, seed=0, part="held-out"))
    sigma, mean, standard_error = scikit_learn_parzen(generated, held_out[:500], held_out[500:])
    assert result["bandwidth"] == sigma
    assert result["bandwidth_at_grid_edge"] == (sigma in (GRID[0], GRID[-1]))
    assert result["log_likelihood"] == pytest.approx(mean, rel=1e-9)
    assert result["standard_error"] == pytest.approx(standard_error, rel=1e-7)

    lines = table.splitlines()
    start = lines.index("Parzen window (Goodfellow et al. 2014), pixels in [0,1]")
    assert lines[start + 1] == "  kernel centres: 200 generated images"
    assert lines[start + 2].endswith("(1000 images): 500 validation, 500 test images")
    assert lines[start + 3].startswith(f"  σ: {sigma:.6g} (best validation log-likelihood of logspace(-1, 0, 10)")
    value, _, error = lines[start + 4].removeprefix(f"  {NAME}: ").split()[:3]
    assert float(value) == pytest.approx(mean, rel=1e-5)
    assert float(error) == pytest.approx(standard_error, rel=1e-2)


def test_reference_parzen_centres_kernels_on_other_real_images(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(evaluation, "get_extractor", lambda *args: toy_extractor())
    json_path = tmp_path / "floor.json"
    argv = ["evaluate", "--reference", "--dataset=mnist5k", "--num_samples=100", "--real_samples=300",
            f"--cache_dir={tmp_path}", "--parzen", f"--json={json_path}"]
    with flagsaver.flagsaver():
        evaluate.FLAGS(argv)
        evaluate.main(argv[:1])
    out = capsys.readouterr().out
    assert "  kernel centres: 300 real images (mnist5k train, all but the last 100 digits of each class)" in out
    result = json.loads(json_path.read_text())["parzen"]
    assert (result["centres"], result["validation_images"], result["test_images"]) == (300, 500, 500)
    # Every held-out digit is scored or chooses σ (not the 100 the other scores use),
    # under the first 300 of the other digits in the same seeded order.
    centres = read_all(evaluation.real_batches("mnist5k", 28, seed=0, part="rest"))[:300]
    held_out = read_all(evaluation.real_batches("mnist5k", 28, seed=0, part="held-out"))
    expected = parzen.parzen_scores(centres, held_out)
    assert result["log_likelihood"] == pytest.approx(expected.log_likelihood, rel=1e-12)
    assert result["bandwidth"] == expected.bandwidth


@pytest.mark.parametrize("flags, message", [
    # --held_out_split reaches held_out_images with --parzen (mnist5k's train is its only split)...
    (["--parzen", "--held_out_split=train"], "both use train"),
    # ...and is refused without it; --image_size stays --reference's.
    (["--held_out_split=train"], "--held_out_split applies only with --reference"),
    (["--parzen", "--image_size=32"], "--image_size applies only with --reference"),
])
def test_held_out_split_applies_to_a_generator_with_parzen(generator_path, flags, message):
    argv = ["evaluate", f"--checkpoint={generator_path}", "--dataset=mnist5k", *flags]
    with flagsaver.flagsaver(), pytest.raises(app.UsageError, match=message):
        evaluate.FLAGS(argv)
        evaluate.main(argv[:1])


@pytest.mark.slow
def test_evaluate_parzen_prints_and_writes_the_log_likelihood(generator_path, cache_dir, tmp_path):
    json_path = tmp_path / "scores.json"
    result = subprocess.run(
        [sys.executable, "-m", "keras_edgan.cli.evaluate", f"--checkpoint={generator_path}",
         "--dataset=mnist5k", "--extractor=mnist-classifier", "--num_samples=200", "--parzen",
         f"--cache_dir={cache_dir}", f"--json={json_path}"],
        cwd=test_evaluate_cli.REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    # After the checkpoint, dataset and extractor lines and the three scores' table.
    assert lines[7:10] == [
        "Parzen window (Goodfellow et al. 2014), pixels in [0,1]",
        "  kernel centres: 200 generated images",
        "  held-out: mnist5k train, the last 100 digits of each class (1000 images): "
        "500 validation, 500 test images",
    ]
    record = json.loads(json_path.read_text())
    assert tuple(record["scores"]) == ("FD-mnist-classifier", "CS-mnist-classifier", "KD-mnist-classifier")
    parzen_record = record["parzen"]
    assert lines[11] == (f"  {NAME}: {parzen_record['log_likelihood']:.6g} ± "
                         f"{parzen_record['standard_error']:.3g} (standard error over the 500 test images)")
    assert np.isfinite(parzen_record["log_likelihood"]) and parzen_record["standard_error"] > 0
