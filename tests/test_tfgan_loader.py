"""TF-GAN's evaluation module loads on this TensorFlow, or the failure says what to install."""

import importlib.util
import sys

import numpy as np
import pytest

from keras_edgan.evaluation import tfgan


def test_tfgan_classifier_metrics_load_and_compute():
    module = tfgan.classifier_metrics()
    assert module.__name__ == "tensorflow_gan.python.eval.classifier_metrics"
    assert "tensorflow_gan" in module.__file__
    a = np.random.default_rng(0).normal(size=(50, 4))
    assert float(module.frechet_classifier_distance_from_activations(a, a)) == pytest.approx(0.0, abs=1e-9)


def test_missing_tfgan_says_how_to_install(monkeypatch):
    monkeypatch.delitem(sys.modules, tfgan._MODULE, raising=False)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match=r"pip install --no-deps tensorflow-gan==2\.1\.0"):
        tfgan.classifier_metrics()
