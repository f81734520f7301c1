"""How `train` sets up its quality curve: scores where an extractor exists, a warning
and none where `extractor=auto` finds none, and a configuration error (before the
logdir is touched) where the evaluation asked for cannot run."""

import logging

import pytest

from keras_edgan import evaluation
from keras_edgan.cli import config as config_lib
from keras_edgan.cli import train


@pytest.fixture(autouse=True)
def no_inception(monkeypatch):
    monkeypatch.delenv(evaluation.INCEPTION_ENV, raising=False)


def config(**overrides):
    return config_lib.load("mnist5k_cpu", {"width": 4, "batch_size": 8, **overrides})


def test_auto_without_an_extractor_trains_without_scores_and_says_so(tmp_path, caplog):
    settings = config(dataset="cifar10", image_size=32, eval_every=10)
    with caplog.at_level(logging.WARNING):
        assert train._image_scores(str(tmp_path), settings) == []
    assert "No quality scores in this run (eval_every=10)" in caplog.text
    assert "--inception_path" in caplog.text or evaluation.INCEPTION_ENV in caplog.text


def test_the_scores_take_the_run_options(tmp_path):
    (scores,) = train._image_scores(str(tmp_path), config(eval_manifold_metrics=True))
    assert scores.extractor.name == "mnist-classifier"
    assert scores.manifold_metrics and scores.num_samples == 1000


@pytest.mark.parametrize("overrides, message", [
    ({"extractor": "inception"}, "Inception"),
    ({"fid_resize": "pil_bicubic"}, "resize"),
])
def test_an_evaluation_that_cannot_run_fails_before_the_logdir(tmp_path, overrides, message):
    logdir = tmp_path / "run"
    with pytest.raises(train.ConfigurationError, match="evaluation cannot run") as error:
        train.train(config(**overrides), str(logdir))
    assert message in str(error.value)
    assert not logdir.exists()
