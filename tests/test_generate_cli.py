"""`generate` on tiny runs built in-process (a checkpoint, its config.json and the
generator .keras, as `train` writes them): the images are the model's own
`GAN.generate`, laid out and converted to uint8 as documented."""

import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from keras_edgan.cli import config as config_lib
from keras_edgan.cli import generate
from keras_edgan.cli.build import build_gan
from test_conditional_gan import SIDE, layout_generator, small_config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def uint8(images):
    """The documented conversion, independently of the code under test."""
    return np.clip(np.rint((np.asarray(images, np.float64) + 1.0) * 127.5), 0, 255).astype(np.uint8)


def write_run(directory, config):
    """A run directory as `train` leaves it, its generator's weights moved off their
    initial values (so that rebuilding the run without loading them would differ)."""
    gan, _ = build_gan(config)
    rng = np.random.default_rng(0)
    for weight in gan.generator.trainable_weights:
        weight.assign(weight + 0.05 * rng.standard_normal(weight.shape).astype("float32"))
    gan.generator_updates.assign(3)  # the step the checkpoint's name says
    config_lib.save(config, directory / "config.json")
    (directory / "checkpoints").mkdir()
    gan.save_weights(str(directory / "checkpoints" / "ckpt-0000003.weights.h5"))
    gan.generator.save(directory / "generator.keras")
    return gan


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """An unconditional run: 28x28 grey digits, z ~ N(0, 1) of 8 dimensions."""
    directory = tmp_path_factory.mktemp("run")
    config = config_lib.load("mnist5k_cpu", {"width": 4, "latent_dim": 8})
    return directory, write_run(directory, config)


@pytest.fixture(scope="module")
def conditional_run(tmp_path_factory):
    """A conditional run: 10 classes, 32x32 grey digits, 16-dimensional z."""
    directory = tmp_path_factory.mktemp("conditional")
    return directory, write_run(directory, small_config())


def test_npz_holds_the_models_own_samples(run, tmp_path):
    directory, gan = run
    output = tmp_path / "samples.npz"
    message = generate.generate(str(directory), str(output), num_samples=5, seed=3,
                                truncation=1.0)
    assert message.endswith(f"ckpt-0000003.weights.h5 (step 3) to {output}")
    arrays = np.load(output)
    assert sorted(arrays) == ["images", "images_uint8", "z"]  # no labels: unconditional
    expected = gan.generate(5, seed=3, truncation=1.0)
    assert arrays["images"].dtype == np.float32
    np.testing.assert_array_equal(arrays["images"], expected)
    np.testing.assert_array_equal(arrays["images_uint8"], uint8(expected))
    np.testing.assert_array_equal(arrays["z"], gan.numpy_noise(5, np.random.default_rng(3), 1.0))
    assert np.abs(arrays["z"]).max() <= 1.0
    # The checkpoint file and the saved generator give the same images.
    for source in (directory / "checkpoints" / "ckpt-0000003.weights.h5",
                   directory / "generator.keras"):
        again = tmp_path / f"{source.stem}.npz"
        generate.generate(str(source), str(again), num_samples=5, seed=3, truncation=1.0)
        np.testing.assert_array_equal(np.load(again)["images"], expected)
    other = tmp_path / "other.npz"
    generate.generate(str(directory), str(other), num_samples=5, seed=4)
    assert not np.array_equal(np.load(other)["images"], expected)


def test_conditional_npz_holds_the_labels(conditional_run, tmp_path):
    directory, gan = conditional_run
    generate.generate(str(directory), str(tmp_path / "a.npz"), seed=1, labels=[0, 1, 9, 9])
    arrays = np.load(tmp_path / "a.npz")
    np.testing.assert_array_equal(arrays["labels"], [0, 1, 9, 9])
    np.testing.assert_array_equal(arrays["images"], gan.generate(4, seed=1, labels=[0, 1, 9, 9]))
    # No labels: drawn uniformly, as GAN.generate draws them.
    generate.generate(str(directory), str(tmp_path / "b.npz"), num_samples=6, seed=2)
    arrays = np.load(tmp_path / "b.npz")
    rng = np.random.default_rng(2)
    gan.numpy_noise(6, rng)
    np.testing.assert_array_equal(arrays["labels"], rng.integers(0, 10, 6))
    np.testing.assert_array_equal(arrays["images"], gan.generate(6, seed=2))


def test_png_grid_tiles_the_samples_row_by_row(run, tmp_path):
    directory, gan = run
    output = tmp_path / "grid.png"
    generate.generate(str(directory), str(output), rows=2, columns=3, seed=4)
    grid = Image.open(output)
    assert grid.mode == "L" and grid.size == (3 * 28, 2 * 28)  # (width, height)
    pixels = np.asarray(grid)
    expected = uint8(gan.generate(6, seed=4))[..., 0]
    for index in range(6):
        row, column = divmod(index, 3)
        tile = pixels[row * 28:(row + 1) * 28, column * 28:(column + 1) * 28]
        np.testing.assert_array_equal(tile, expected[index])


def test_png_grid_of_num_samples_fills_the_last_row_with_black(run, tmp_path):
    directory, gan = run
    generate.generate(str(directory), str(tmp_path / "five.png"), num_samples=5, seed=0)
    pixels = np.asarray(Image.open(tmp_path / "five.png"))
    assert pixels.shape == (2 * 28, 3 * 28)  # ceil(sqrt(5)) = 3 columns, 2 rows
    np.testing.assert_array_equal(pixels[28:, 28:56], uint8(gan.generate(5, seed=0))[4, ..., 0])
    assert not pixels[28:, 56:].any()


def test_conditional_grid_has_one_row_per_class(conditional_run, tmp_path):
    directory, gan = conditional_run
    generate.generate(str(directory), str(tmp_path / "all.png"), seed=5)
    assert Image.open(tmp_path / "all.png").size == (8 * 32, 10 * 32)
    generate.generate(str(directory), str(tmp_path / "two.png"), columns=2, labels=[3, 7],
                      seed=5)
    pixels = np.asarray(Image.open(tmp_path / "two.png"))
    assert pixels.shape == (2 * 32, 2 * 32)
    z = gan.numpy_noise(2, np.random.default_rng(5))  # one noise per column, in every row
    for row, label in enumerate([3, 7]):
        images = gan.generator.predict([z, np.full(2, label, "int32")], verbose=0)
        for column in range(2):
            tile = pixels[row * 32:(row + 1) * 32, column * 32:(column + 1) * 32]
            np.testing.assert_array_equal(tile, uint8(images[column])[..., 0])


def test_a_keras_generator_without_config_tells_its_classes(tmp_path):
    """No config.json: the number of classes comes from the one-hot layer."""
    path = tmp_path / "layout.keras"
    layout_generator(5, 4).save(path)
    generate.generate(str(path), str(tmp_path / "grid.png"), columns=3)
    pixels = np.asarray(Image.open(tmp_path / "grid.png"))
    assert pixels.shape == (5 * SIDE, 3 * SIDE)
    label_levels = pixels[::SIDE, 0].astype(int)  # top half: a grey growing with the class
    assert (np.diff(label_levels) > 0).all()


def test_directory_gets_one_png_per_sample_and_is_not_overwritten(run, tmp_path):
    directory, gan = run
    output = tmp_path / "images"
    generate.generate(str(directory), str(output), num_samples=4, seed=6)
    assert sorted(os.listdir(output)) == [f"00000{i}.png" for i in range(4)]
    expected = uint8(gan.generate(4, seed=6))[..., 0]
    for index in range(4):
        np.testing.assert_array_equal(np.asarray(Image.open(output / f"00000{index}.png")),
                                      expected[index])
    with pytest.raises(FileExistsError, match="already holds 4 of the files to write .*--overwrite"):
        generate.generate(str(directory), str(output), num_samples=4, seed=7)
    generate.generate(str(directory), str(output), num_samples=4, seed=7, overwrite=True)
    np.testing.assert_array_equal(np.asarray(Image.open(output / "000000.png")),
                                  uint8(gan.generate(4, seed=7))[0, ..., 0])
    assert sorted(os.listdir(tmp_path)) == ["images"]  # no temporary left behind


def test_interpolation_runs_between_two_drawn_points(run, tmp_path):
    directory, gan = run
    generate.generate(str(directory), str(tmp_path / "walk.npz"), interpolate=5, rows=2, seed=8)
    arrays = np.load(tmp_path / "walk.npz")
    z = arrays["z"].reshape(2, 5, 8)
    ends = gan.numpy_noise(4, np.random.default_rng(8)).reshape(2, 2, 8)
    np.testing.assert_array_equal(z[:, 0], ends[:, 0])
    np.testing.assert_array_equal(z[:, -1], ends[:, 1])
    images = arrays["images"].reshape(2, 5, 28, 28, 1)
    at_ends = gan.generator.predict(ends.reshape(4, 8), verbose=0).reshape(2, 2, 28, 28, 1)
    np.testing.assert_allclose(images[:, [0, -1]], at_ends, atol=1e-6)
    # Spherical: the path keeps the norm of the endpoints (a straight line dips inside).
    norms = np.linalg.norm(z, axis=-1)
    assert (norms[:, 2] > 0.95 * norms[:, [0, -1]].min(axis=1)).all()

    generate.generate(str(directory), str(tmp_path / "walk.png"), interpolate=5, rows=2, seed=8)
    assert Image.open(tmp_path / "walk.png").size == (5 * 28, 2 * 28)
    generate.generate(str(directory), str(tmp_path / "walk.gif"), interpolate=5, rows=2, seed=8)
    gif = Image.open(tmp_path / "walk.gif")
    assert (gif.n_frames, gif.size) == (5, (28, 2 * 28))
    gif.seek(4)  # the last frame: both interpolations' last images, one above the other
    np.testing.assert_array_equal(np.asarray(gif.convert("L")),
                                  uint8(images[:, -1]).reshape(2 * 28, 28))


def test_interpolate_latents_is_spherical_for_normal_and_linear_for_uniform_noise():
    a, b = np.array([[3.0, 0.0]]), np.array([[0.0, 3.0]])
    spherical = generate.interpolate_latents(a, b, 3, "normal")[0]
    np.testing.assert_allclose(spherical, [[3, 0], [3 / np.sqrt(2), 3 / np.sqrt(2)], [0, 3]],
                               atol=1e-6)
    linear = generate.interpolate_latents(a, b, 3, "uniform")[0]
    np.testing.assert_array_equal(linear, [[3, 0], [1.5, 1.5], [0, 3]])
    # Parallel points have no great circle: a straight line between them.
    np.testing.assert_allclose(generate.interpolate_latents(a, 2 * a, 3)[0],
                               [[3, 0], [4.5, 0], [6, 0]])


@pytest.mark.parametrize("options, error, message", [
    (dict(checkpoint="no/such/run"), FileNotFoundError, "No checkpoint no/such/run"),
    (dict(output="grid.jpg"), ValueError, "unknown extension '.jpg'. Expected NAME.png"),
    (dict(num_samples=0, output="x.npz"), ValueError, "--num_samples must be an integer ≥ 1; got 0"),
    (dict(interpolate=1), ValueError, "--interpolate must be an integer ≥ 2; got 1"),
    (dict(output="walk.gif"), ValueError, "A .gif animates a latent interpolation: add --interpolate"),
    (dict(output="x.npz", rows=2), ValueError, "--rows and --columns shape a .png grid"),
    (dict(interpolate=4, columns=3), ValueError, "--columns does not apply"),
    (dict(rows=2, columns=2, num_samples=5), ValueError, "holds 4 images, not --num_samples=5"),
    (dict(labels=3), ValueError, "this generator is unconditional .* Drop --labels"),
])
def test_bad_requests_say_what_to_do(run, tmp_path, options, error, message):
    options = dict(dict(checkpoint=str(run[0]), output="grid.png"), **options)
    options["output"] = str(tmp_path / options["output"])
    with pytest.raises(error, match=message):
        generate.generate(**options)
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize("options, message", [
    (dict(labels=[2, 10]), "class 10 is out of range; this generator has 10 classes, 0 to 9"),
    (dict(labels=-1, output="x.npz"), "class -1 is out of range"),
    (dict(labels=[1, 2], num_samples=3, output="x.npz"), "gives 2 classes for --num_samples=3"),
    (dict(rows=2), "A conditional grid has one row per class"),
    (dict(interpolate=3, rows=2, labels=[1, 2, 3]), "gives 3 classes for 2 interpolation"),
])
def test_bad_labels_say_what_to_do(conditional_run, tmp_path, options, message):
    options = dict(dict(output="grid.png"), **options)
    with pytest.raises(ValueError, match=message):
        generate.generate(str(conditional_run[0]), str(tmp_path / options.pop("output")), **options)


def test_existing_files_are_kept_and_writes_are_atomic(run, tmp_path):
    output = tmp_path / "grid.png"
    output.write_bytes(b"mine")
    with pytest.raises(FileExistsError, match="grid.png exists. Pass --overwrite"):
        generate.generate(str(run[0]), str(output))
    assert output.read_bytes() == b"mine"

    def interrupted(path):
        with open(path, "wb") as f:
            f.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate._write_atomically(str(output), interrupted)
    assert output.read_bytes() == b"mine" and sorted(os.listdir(tmp_path)) == ["grid.png"]


def test_labels_flag_parses_one_class_or_a_list():
    assert generate.parse_labels(None) is None
    assert generate.parse_labels("3") == 3
    assert generate.parse_labels("0,2,5") == [0, 2, 5]
    with pytest.raises(ValueError, match="comma-separated list of them \\(e.g. 3 or 0,2,5\\); got 'cat'"):
        generate.parse_labels("cat")


def _command(*flags):
    return subprocess.run([sys.executable, "-m", "keras_edgan.cli.generate", *flags],
                          cwd=REPO, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, KERAS_BACKEND="tensorflow"))


@pytest.mark.slow
def test_generate_command_writes_a_grid_and_refuses_bad_flags(run, tmp_path):
    directory, gan = run
    output = tmp_path / "grid.png"
    result = _command(f"--checkpoint={directory}", f"--output={output}", "--rows=2",
                      "--columns=2", "--seed=9", "--truncation=1.5")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().startswith("generate: wrote a 2x2 grid of ")
    expected = uint8(gan.generate(4, seed=9, truncation=1.5))[..., 0]
    np.testing.assert_array_equal(np.asarray(Image.open(output))[:28, 28:], expected[1])
    for flags, message in [
        ([f"--checkpoint={directory}", "--output=x.png", "--labels=1"], "Drop --labels"),
        ([f"--checkpoint={directory}", "--output=x.png", "--parzen"],
         "Unknown command line flag 'parzen'"),
    ]:
        result = _command(*flags)
        assert result.returncode != 0 and message in result.stderr, result.stderr[-3000:]



def test_an_infogan_runs_samples_are_drawn_with_its_codes(tmp_path):
    """The inputs of an InfoGAN run's generator end in its codes: `generate` draws them
    as the model's own `generate` does, and refuses to interpolate them."""
    directory = tmp_path / "infogan"
    directory.mkdir()
    gan = write_run(directory, config_lib.load("infogan_mnist5k", {"width": 4}))
    output = tmp_path / "samples.npz"
    generate.generate(str(directory), str(output), num_samples=6, seed=3)
    arrays = np.load(output)
    np.testing.assert_array_equal(arrays["images"], gan.generate(6, seed=3))
    categorical = arrays["z"][:, gan.noise_dims:gan.noise_dims + gan.code_categories]
    np.testing.assert_array_equal(categorical.sum(axis=1), np.ones(6))
    with pytest.raises(ValueError, match="InfoGAN generator.*generate_with_codes"):
        generate.generate(str(directory), str(tmp_path / "walk.png"), interpolate=4)
