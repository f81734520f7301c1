"""The intra-class Fréchet distance (Miyato and Koyama 2018's intra-FID) and the
evaluation of conditional generators: the metric against scipy, its defining
property (good images of the wrong class), and conditional generators scored by
`evaluate_generator`, the FID callback of `train` and `evaluate`."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import scipy.linalg
from tensorboard.backend.event_processing import event_accumulator

from keras_edgan import evaluation, metrics
from pipelines import embedded
from test_conditional_gan import train_small_conditional_gan

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def reference_frechet_distance(a, b):
    """FID's formula with scipy's matrix square root (float64, unbiased covariances)."""
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = scipy.linalg.sqrtm(cov_a @ cov_b).real
    return float(np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a + cov_b - 2 * root))


def three_classes(rng, n):
    """Features of 3 classes, each its own Gaussian (mean k, scale 1 + k/2)."""
    labels = np.arange(n) % 3
    features = rng.normal(size=(n, 4)) * (1 + labels[:, None] / 2) + labels[:, None]
    return features, labels


def test_it_is_the_mean_over_classes_of_each_class_frechet_distance():
    rng = np.random.default_rng(0)
    real, real_labels = three_classes(rng, 600)
    generated, generated_labels = three_classes(rng, 300)
    generated = generated + 0.3 * rng.normal(size=generated.shape)
    expected = np.mean([
        reference_frechet_distance(real[real_labels == k], generated[generated_labels == k])
        for k in range(3)
    ])
    value = metrics.intra_class_frechet_distance(real, real_labels, generated, generated_labels)
    assert value == pytest.approx(expected, rel=1e-6)


def test_good_images_of_the_wrong_class_raise_it_and_not_the_overall_distance():
    rng = np.random.default_rng(1)
    real, labels = three_classes(rng, 900)
    # The same features asked for the next class: the overall set is unchanged.
    swapped = (labels + 1) % 3
    assert metrics.frechet_distance(real, real) == pytest.approx(0.0, abs=1e-9)
    assert metrics.intra_class_frechet_distance(real, labels, real, labels) == pytest.approx(
        0.0, abs=1e-9)
    expected = np.mean([
        reference_frechet_distance(real[labels == k], real[swapped == k]) for k in range(3)
    ])
    value = metrics.intra_class_frechet_distance(real, labels, real, swapped)
    assert value == pytest.approx(expected, rel=1e-6)
    assert value > 1.0  # class means 1 apart: each class's distance is at least 1


@pytest.mark.parametrize("generated_labels, message", [
    (np.zeros(10, int), "Class 1 has 50 real and 0 generated rows"),
    (np.arange(9) % 2, "10 generated feature rows but 9 generated labels"),
])
def test_missing_classes_and_mismatched_labels_are_clear_errors(generated_labels, message):
    real, real_labels = np.zeros((100, 2)), np.arange(100) % 2
    with pytest.raises(ValueError, match=message):
        metrics.intra_class_frechet_distance(real, real_labels, np.zeros((10, 2)), generated_labels)


def class_bank_generator(shift):
    """A conditional "generator" returning embedded real digits of class (y + shift)
    mod 10, picked by its noise: shift 0 draws the requested class, shift 1 draws
    equally good digits of the wrong class."""
    images, labels = embedded.mnist5k_arrays()
    bank = [images[labels == k].astype("float32") / 127.5 - 1.0 for k in range(10)]

    def generator(inputs, training=False):
        z, y = (np.asarray(x) for x in inputs)
        pick = (np.abs(z[:, 0]) * 1e4).astype(int)
        return np.stack([bank[(c + shift) % 10][i % len(bank[(c + shift) % 10])]
                         for c, i in zip(y, pick)])

    return generator


def test_a_conditional_generator_is_scored_per_class_against_labelled_real_statistics(tmp_path):
    extractor = evaluation.mnist_classifier_extractor()
    real = evaluation.real_statistics(extractor, "mnist5k", 2000, image_size=28,
                                      cache_dir=str(tmp_path), with_labels=True)
    assert real.labels.shape == (2000,) and set(np.unique(real.labels)) == set(range(10))
    plain = evaluation.real_statistics(extractor, "mnist5k", 2000, image_size=28,
                                       cache_dir=str(tmp_path))
    np.testing.assert_array_equal(plain.features, real.features)  # the same images, in order
    again = evaluation.real_statistics(extractor, "mnist5k", 2000, image_size=28,
                                       cache_dir=str(tmp_path), with_labels=True)
    np.testing.assert_array_equal(again.labels, real.labels)  # read back from the cache

    reports = {
        shift: evaluation.evaluate_generator(class_bank_generator(shift), 4, extractor, real, 1000,
                                             num_classes=10)
        for shift in (0, 1)
    }
    right, wrong = (reports[shift].scores for shift in (0, 1))
    assert list(right) == ["FD-mnist-classifier", "CS-mnist-classifier", "KD-mnist-classifier",
                           "intra-FD-mnist-classifier"]
    # Both draw real digits of every class equally often: the overall distance
    # cannot tell them apart, the intra-class distance does. The classes' features
    # are far apart for this classifier (FD between two classes: hundreds), while a
    # class's own real images (100 against 200) differ by a few units.
    assert right["intra-FD-mnist-classifier"] < 0.2 * wrong["intra-FD-mnist-classifier"]
    assert wrong["FD-mnist-classifier"] < 0.2 * wrong["intra-FD-mnist-classifier"]
    assert reports[0].classes == 10
    assert "1000 in 10 classes" in reports[0].table()

    with pytest.raises(ValueError, match="with_labels=True"):
        evaluation.evaluate_generator(class_bank_generator(0), 4, extractor, plain, 100,
                                      num_classes=10)


def test_generated_batches_ask_for_every_class_in_turn():
    seen = []

    def generator(inputs, training=False):
        z, y = inputs
        seen.append(y)
        return np.zeros((len(z), 2, 2, 1), "float32")

    batches = list(evaluation.generated_batches(generator, 3, 25, batch_size=10, num_classes=4))
    labels = np.concatenate([batch_labels for _, batch_labels in batches])
    np.testing.assert_array_equal(labels, np.arange(25) % 4)
    np.testing.assert_array_equal(np.concatenate(seen), labels)


@pytest.mark.slow
@pytest.mark.backends
def test_train_and_evaluate_score_a_conditional_gan_per_class(tmp_path):
    logdir = tmp_path / "run"
    result = train_small_conditional_gan(
        logdir, "wgan_layernorm", "--eval_every=2", "--eval_samples=200",
        "--extractor=mnist-classifier",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    events = event_accumulator.EventAccumulator(str(logdir), size_guidance={"tensors": 0})
    events.Reload()
    assert "evaluation/intra-FD-mnist-classifier" in events.Tags()["tensors"]
    setup = events.Tensors("evaluation/setup")[0].tensor_proto.string_val[0].decode()
    assert "intra-FD-mnist-classifier (each of the 10 classes asked for in turn)" in setup

    json_path = tmp_path / "scores.json"
    result = subprocess.run(
        [sys.executable, "-m", "keras_edgan.cli.evaluate", f"--checkpoint={logdir}",
         "--num_samples=200", "--extractor=mnist-classifier", f"--json={json_path}"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "intra-FD-mnist-classifier" in result.stdout
    record = json.loads(json_path.read_text())
    assert record["classes"] == 10
    assert record["scores"]["intra-FD-mnist-classifier"] > 0
