"""The models, layers, losses, optimizers and architectures work without TensorFlow:
a JAX or PyTorch user training on numpy arrays need not install it (BUILD.md, Install).

Each check runs in a fresh child process, so that nothing this process imported (this
suite runs on TensorFlow) leaks into it.
"""

import importlib.util
import json
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]

# TensorFlow is installed here (the TensorFlow backend and the tf.data tests need it):
# the child hides it as if it were not. Each meta path finder is wrapped to find nothing
# for `tensorflow`, its submodules and its companions (tensorflow_datasets, ...), so
# that `import tensorflow` raises ModuleNotFoundError and `importlib.util.find_spec`
# returns None, as when it is absent. (A finder that raised ImportError would not do:
# optional imports probe with find_spec, which must answer None, e.g. torch._dynamo.)
HIDE_TENSORFLOW = textwrap.dedent("""\
    import sys

    def hidden(name):
        top = name.partition(".")[0]
        return top == "tensorflow" or top.startswith("tensorflow_")

    class Hide:
        def __init__(self, finder):
            self.finder = finder

        def find_spec(self, name, path=None, target=None):
            if hidden(name) or not hasattr(self.finder, "find_spec"):
                return None
            return self.finder.find_spec(name, path, target)

        def __getattr__(self, name):  # invalidate_caches, find_distributions, ...
            return getattr(self.finder, name)

    assert not any(hidden(name) for name in sys.modules)
    sys.meta_path[:] = [Hide(finder) for finder in sys.meta_path]
""")

TRAIN_WITHOUT_TENSORFLOW = textwrap.dedent("""\
    import os

    import keras
    import numpy as np

    import keras_edgan  # callbacks, evaluation and metrics load only on access
    from keras_edgan import architectures, layers, losses, models, optimizers
    from keras_edgan.architectures import conditioning

    weights_dir = sys.argv[1]
    rng = np.random.default_rng(0)
    # Small networks: the time goes into JAX's compilations of each step.
    mlp = dict(generator_units=8, generator_layers=1, discriminator_units=8,
               discriminator_layers=1, pieces=2)

    # EDGAN on the 2-D networks of GAN+VER: fit on an array, generate, save and reload.
    def edgan():
        keras.utils.set_random_seed(0)
        generator, discriminator = architectures.pacgan_mlp(latent_dim=2, **mlp)
        gan = models.EDGAN(generator, discriminator, latent_dim=2, d_steps=2)
        gan.compile(d_optimizer=optimizers.OAdam(1e-3), g_optimizer=optimizers.OAdam(1e-3))
        return gan

    gan = edgan()
    assert any(isinstance(layer, layers.LinearMaxout) for layer in gan.discriminator.layers)
    points = rng.normal(size=(32, 2)).astype("float32")
    history = gan.fit(points, batch_size=16, epochs=1, verbose=0).history
    assert np.isfinite(history["d_loss"][-1]) and "ced" in history, history
    assert gan.generate(3, seed=0).shape == (3, 2)

    path = os.path.join(weights_dir, "edgan.weights.h5")
    gan.save_weights(path)
    restored = edgan()
    restored.load_weights(path)
    for a, b in zip(gan.weights, restored.weights):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))
    np.testing.assert_allclose(restored.generate(3, seed=0), gan.generate(3, seed=0), atol=1e-6)

    # GAN+VER, fed by a Python generator.
    keras.utils.set_random_seed(0)
    generator, discriminator = architectures.pacgan_mlp(latent_dim=2, **mlp)
    ver = models.VER(models.NSGAN(generator, discriminator, latent_dim=2), statistics_units=8)
    ver.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3),
                t_optimizer=keras.optimizers.Adam(1e-3))

    def batches():
        while True:
            yield (rng.normal(size=(16, 2)).astype("float32"),)  # Keras takes (x,)

    history = ver.fit(batches(), steps_per_epoch=2, epochs=1, verbose=0).history
    assert set(history) >= {"d_loss", "g_loss", "mi"}, history
    assert ver.generate(5, seed=0).shape == (5, 2)

    # A conditional GAN of (4×4 grey) images: fit(x, y) on numpy images and labels.
    # The checks of models/validation.py still run on arrays.
    keras.utils.set_random_seed(0)
    z, y = keras.Input((4,)), conditioning.label_input()
    h = keras.layers.Dense(16, activation="tanh")(conditioning.concatenate_label(z, y, 3, "zc"))
    generator = keras.Model([z, y], keras.layers.Reshape((4, 4, 1))(h))
    x, y = keras.Input((4, 4, 1)), conditioning.label_input()
    h = conditioning.concatenate_label(keras.layers.Flatten()(x), y, 3, "xc")
    discriminator = keras.Model([x, y], keras.layers.Dense(1)(h))
    cgan = models.NSGAN(generator, discriminator, latent_dim=4, d_steps=2, num_classes=3)
    cgan.compile(d_optimizer=optimizers.OAdam(1e-3), g_optimizer=optimizers.OAdam(1e-3))
    images = rng.uniform(-1, 1, (16, 4, 4, 1)).astype("float32")
    labels = rng.integers(0, 3, 16).astype("int32")
    for x, y, message in [
        (images * 127.5, labels, "must lie in [-1, 1]"),
        (images.astype("uint8"), labels, "dtype uint8"),
        (images, labels + 1.5, "expected integer class indices"),
        (images, labels + 1, "must lie in [0, 3)"),
    ]:
        try:
            cgan.fit(x, y, batch_size=8, epochs=1, verbose=0)
            raise AssertionError(f"trained despite {message!r}")
        except ValueError as error:
            assert message in str(error), error
    history = cgan.fit(images, labels, batch_size=8, epochs=1, verbose=0).history
    assert np.isfinite(history["g_loss"][-1]), history
    assert cgan.generate(4, seed=0, labels=[0, 1, 2, 0]).shape == (4, 4, 4, 1)

    assert callable(losses.entropy)
    assert keras.backend.backend() == os.environ["KERAS_BACKEND"]
    assert "keras_edgan.callbacks" not in sys.modules  # loaded on access only
    leaked = sorted(name for name in sys.modules if name.partition(".")[0] == "tensorflow")
    assert not leaked, leaked
    assert "tensorflow" not in sys.modules
""")


def run_child(code, backend, *args):
    env = {**os.environ, "KERAS_BACKEND": backend}
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=REPO, env=env, capture_output=True,
        text=True, timeout=300,
    )


def test_the_child_cannot_import_tensorflow():
    """TensorFlow is installed, and hidden in the child: else the test below would
    pass without showing anything."""
    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip("TensorFlow is not installed: nothing to hide")
    child = run_child(HIDE_TENSORFLOW + textwrap.dedent("""\
        import importlib.util

        for name in ("tensorflow", "tensorflow.data", "tensorflow_datasets"):
            assert importlib.util.find_spec(name.partition(".")[0]) is None, name
            try:
                __import__(name)
            except ModuleNotFoundError as error:
                assert error.name == name.partition(".")[0], error
            else:
                raise AssertionError(f"{name} was imported")
        import keras  # the JAX backend imports without it
        assert "tensorflow" not in sys.modules
    """), "jax")
    assert child.returncode == 0, child.stderr


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_train_generate_save_and_load_without_tensorflow(backend, tmp_path):
    child = run_child(HIDE_TENSORFLOW + TRAIN_WITHOUT_TENSORFLOW, backend, str(tmp_path))
    assert child.returncode == 0, child.stderr


def test_tensorflow_subpackages_still_load_on_access():
    """`keras_edgan.callbacks`, `.evaluation` and `.metrics` load lazily (they need
    TensorFlow), and are reached as before when it is installed. (In a child: here
    other tests may have imported them already.)"""
    child = run_child(textwrap.dedent("""\
        import sys

        import keras_edgan
        assert "keras_edgan.callbacks" not in sys.modules
        assert "callbacks" in dir(keras_edgan)
        assert keras_edgan.callbacks.SampleGrid
        assert keras_edgan.evaluation.FeatureExtractor
        assert keras_edgan.metrics.frechet_distance
        from keras_edgan import callbacks, evaluation, metrics
        assert callbacks is keras_edgan.callbacks
        try:
            keras_edgan.no_such_module
        except AttributeError:
            pass
        else:
            raise AssertionError("keras_edgan.no_such_module resolved")
    """), "tensorflow")
    assert child.returncode == 0, child.stderr


@pytest.mark.parametrize("command", ["train", "evaluate", "generate"])
def test_the_commands_without_tensorflow_name_the_extra_to_install(command):
    child = run_child(HIDE_TENSORFLOW + f"import keras_edgan.cli.{command}\n", "jax")
    assert child.returncode == 1
    assert "need TensorFlow" in child.stderr and "pip install 'keras_edgan[cpu]'" in child.stderr


@pytest.mark.slow
def test_the_step_speed_benchmark_runs_without_tensorflow():
    """The GPU machine's run (keras_edgan/benchmarks/gpu_step_speed.sh) has JAX and
    PyTorch but no TensorFlow: the benchmark feeds numpy batches there. Both workloads,
    tiny, on torch (the quickest to start), under bfloat16 as the GPU script runs it."""
    child = run_child(HIDE_TENSORFLOW + textwrap.dedent("""\
        import json
        import runpy

        sys.argv = ["step_speed", "--in-process", "--quick", "--dtype_policy=mixed_bfloat16"]
        try:
            runpy.run_module("keras_edgan.benchmarks.step_speed", run_name="__main__")
        except SystemExit as exit:
            assert exit.code == 0, exit.code
        assert "tensorflow" not in sys.modules
    """), "torch")
    assert child.returncode == 0, child.stderr[-3000:]
    results = [json.loads(line) for line in child.stdout.splitlines() if line.startswith("{")]
    assert [(r["workload"], r["dtype_policy"]) for r in results] == [
        ("dcgan", "mixed_bfloat16"), ("pacgan_mlp", "mixed_bfloat16")
    ]
    for result in results:
        assert all(s > 0 for seconds in result["seconds_per_step"].values() for s in seconds)
