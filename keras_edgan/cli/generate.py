"""`generate`: images of a saved generator, from the shell.

    generate --checkpoint=runs/x --output=samples.png                  # an 8x8 grid
    generate --checkpoint=runs/x --output=grid.png --rows=4 --columns=10 --truncation=1.0
    generate --checkpoint=runs/x --output=samples --num_samples=1000   # samples/000000.png, ...
    generate --checkpoint=generator.keras --output=samples.npz --num_samples=10000
    generate --checkpoint=runs/x --output=walk.png --interpolate=10 --rows=4
    generate --checkpoint=runs/x --output=walk.gif --interpolate=30 --labels=7

--checkpoint is what `evaluate` reads (`saved_generator.load_generator`): a run
directory (its newest checkpoint), a `ckpt-*.weights.h5` file of a run, or a
generator `.keras` file; the noise (distribution, standard deviation) is the
run's config.json, else N(0, 1), followed by codes drawn from their priors for an
InfoGAN run. The extension of --output picks what is written:

- `.png`: a grid of --rows x --columns images (default 8 x 8), or of
  --num_samples images (ceil(sqrt(n)) columns, the last row filled with black);
  for a conditional model one row per class (--labels picks them: a list; one
  class instead fills the grid with that class), each column one noise vector
  in every row, as the training sample grid draws it;
- a directory (no extension, or an existing directory): --num_samples (default
  64) files 000000.png, 000001.png, ...;
- `.npz`: the arrays `images` (float32 in [-1, 1], as the generator outputs
  them), `images_uint8`, `z` and, for a conditional model, `labels`;
- `.gif`: an animated interpolation (needs --interpolate).

The images of a plain grid, a directory or an `.npz` are `GAN.generate(n,
seed=--seed, labels=--labels, truncation=--truncation)`: the same seed gives
the same images. The PNGs hold round((x + 1) * 127.5), clipped to [0, 255];
one channel is written as greyscale.

--interpolate=K draws --rows pairs of latent points and K steps from the first
to the second of each pair, endpoints included: a strip per pair (`.png`),
K frames (`.gif`), or the K x rows images (a directory, `.npz`). Normal noise
is interpolated spherically (slerp): in d dimensions its samples lie near the
sphere of radius noise_stddev*sqrt(d), and straight lines between two of them
pass inside it (the midpoint's norm is about 1/sqrt(2) of theirs), through
latents the generator never saw in training (White 2016, "Sampling generative
networks"). Uniform noise is interpolated linearly: the segment stays in its
cube [-1, 1]^d. A conditional model keeps one class along each strip.

Nothing is overwritten without --overwrite, and every file is written under a
temporary name and then renamed, so an interrupted run leaves no half-written
file (a new directory appears whole).
"""

# First: without TensorFlow, the command exits here naming the extra to install.
from keras_edgan.cli import needs_tensorflow  # noqa: F401, I001

import math
import os
import shutil

import numpy as np
from absl import app, flags
from PIL import Image

from keras_edgan.callbacks.sample_grid import image_grid, save_png
from keras_edgan.cli.console import plain_lines
from keras_edgan.cli.saved_generator import (
    generator_classes,
    generator_noise,
    is_infogan,
    load_generator,
)
from keras_edgan.techniques.conditioning import class_labels
from keras_edgan.techniques.latent_noise import numpy_latent_noise

FLAGS = flags.FLAGS
# `evaluate` and `train` define flags of some of these names: allow_override lets one
# process (a test session) hold all three commands.
_OVERRIDE = dict(allow_override=True)
flags.DEFINE_string("checkpoint", None, "A train run directory (its newest checkpoint), a "
                    "ckpt-*.weights.h5 file of a run or a generator .keras file.", **_OVERRIDE)
flags.DEFINE_string("output", None, "Where to write: NAME.png (a grid, or strips with "
                    "--interpolate), NAME.gif (an animated interpolation), NAME.npz (arrays) "
                    "or a directory (one PNG per image).", **_OVERRIDE)
flags.DEFINE_integer("num_samples", None, "Images to generate (default 64; for a .png grid "
                     "instead of --rows x --columns).", **_OVERRIDE)
flags.DEFINE_integer("rows", None, "Rows of a .png grid (default 8) or, with --interpolate, "
                     "the number of interpolations (default 1).", **_OVERRIDE)
flags.DEFINE_integer("columns", None, "Columns of a .png grid (default 8).", **_OVERRIDE)
flags.DEFINE_integer("interpolate", None, "Steps of a latent interpolation between two "
                     "random points (endpoints included; at least 2).", **_OVERRIDE)
flags.DEFINE_integer("seed", None, "Seed of the noise and of the labels drawn (default 0).",
                     **_OVERRIDE)
flags.DEFINE_float("truncation", None, "BigGAN's truncation threshold on |z|/noise_stddev "
                   "(normal noise only; e.g. 0.5 to 2); default: no truncation.", **_OVERRIDE)
flags.DEFINE_string("labels", None, "A conditional model's classes: one class index or a "
                    "comma-separated list (default: every class for a grid, else drawn "
                    "uniformly).", **_OVERRIDE)
flags.DEFINE_integer("batch_size", None, "Images per generator call (default 256).",
                     **_OVERRIDE)
flags.DEFINE_boolean("overwrite", False, "Replace existing output files.", **_OVERRIDE)

_NAMES = ("checkpoint", "output", "num_samples", "rows", "columns", "interpolate", "seed",
          "truncation", "batch_size", "overwrite")
KINDS = {".png": "png", ".gif": "gif", ".npz": "npz"}
DEFAULT_SAMPLES, DEFAULT_GRID = 64, 8


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    plain_lines()
    for name in ("checkpoint", "output"):
        if FLAGS[name].value is None:
            raise app.UsageError(f"generate needs --{name}=PATH (see generate --help).")
    options = {name: FLAGS[name].value for name in _NAMES if FLAGS[name].value is not None}
    try:
        message = generate(**options, labels=parse_labels(FLAGS.labels))
    except (ValueError, OSError) as error:  # FileNotFoundError, FileExistsError
        raise app.UsageError(str(error)) from None
    print(message)


def parse_labels(text):
    """`--labels`: None, one class index (an int) or a list of them."""
    if text is None:
        return None
    try:
        labels = [int(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(f"--labels must be a class index or a comma-separated list of them "
                         f"(e.g. 3 or 0,2,5); got {text!r}.") from None
    return labels[0] if len(labels) == 1 else labels


def output_kind(output):
    """"png", "gif", "npz" or "directory" (an existing one, or a name without extension)."""
    extension = os.path.splitext(output.rstrip(os.sep))[1].lower()
    if os.path.isdir(output) or output.endswith(os.sep) or not extension:
        return "directory"
    if extension not in KINDS:
        raise ValueError(
            f"--output={output}: unknown extension {extension!r}. Expected NAME.png (a grid), "
            f"NAME.gif (an animated --interpolate), NAME.npz (arrays) or a directory (a name "
            f"without extension: one PNG per image)."
        )
    return KINDS[extension]


def generate(checkpoint, output, num_samples=None, rows=None, columns=None, interpolate=None,
             seed=0, truncation=None, labels=None, batch_size=256, overwrite=False):
    """Writes images of the generator of `checkpoint` to `output` (see the module's
    docstring for what each kind of output holds) and returns a line saying what
    was written. Bad arguments raise a ValueError, an output in the way a
    FileExistsError, a missing checkpoint a FileNotFoundError."""
    kind = output_kind(output)
    _check_integers(num_samples=num_samples, rows=rows, columns=columns, batch_size=batch_size)
    _check_integers(interpolate=interpolate, least=2)
    _check_layout(kind, num_samples, rows, columns, interpolate)
    if kind != "directory":
        _check_free(output, overwrite)
    generator, latent_dim, config, step, source = load_generator(checkpoint)
    config = config or {}
    num_classes = generator_classes(generator, config)
    _check_labels(labels, num_classes)
    rng = np.random.default_rng(seed)
    if interpolate:
        if is_infogan(config):
            raise ValueError(
                f"{source} is an InfoGAN generator, whose inputs end in one-hot codes that "
                f"interpolation would blur: generate samples or a grid, or interpolate its "
                f"codes from Python (InfoGAN.generate_with_codes)."
            )
        z, y, rows = interpolation_inputs(
            rng, latent_dim, num_classes, interpolate, rows or 1, labels,
            config.get("noise_distribution", "normal"), config.get("noise_stddev", 1.0),
            truncation,
        )
        columns = interpolate
    else:
        noise = generator_noise(config, latent_dim, truncation=truncation)
        if kind == "png":
            z, y, rows, columns = grid_inputs(rng, noise, num_classes, num_samples, rows,
                                              columns, labels)
        else:
            z, y = sample_inputs(rng, noise, num_classes, num_samples, labels)
    if kind == "directory":
        _check_directory(output, len(z), overwrite)
    images = generator.predict(z if y is None else [z, y], batch_size=batch_size, verbose=0)
    images = images.astype("float32", copy=False)
    if kind == "directory":
        _write_directory(output, to_uint8(images), overwrite)
    elif kind == "npz":
        arrays = dict(images=images, images_uint8=to_uint8(images), z=z)
        _write_atomically(output, lambda f: np.savez(f, **arrays, **(
            {} if y is None else {"labels": y})))
    elif kind == "png":
        _write_atomically(output, lambda f: save_png(_tiles(images, rows, columns), f))
    else:
        _write_atomically(output, lambda f: _save_gif(images, rows, interpolate, f))
    what = (f"{rows} interpolation(s) of {interpolate} steps" if interpolate
            else f"a {rows}x{columns} grid" if kind == "png" else f"{len(images)} images")
    step_text = "" if step is None else f" (step {step})"
    return f"generate: wrote {what} of {source}{step_text} to {output}"


def grid_inputs(rng, noise, num_classes, num_samples, rows, columns, labels):
    """`(z, labels or None, rows, columns)` of a `.png` grid, z drawn by `noise(n,
    rng)` (`generator_noise`). A conditional grid has one row per class of `labels`
    (default: every class), the same `columns` noise vectors in each row; a single
    class fills a plain grid."""
    if num_classes is not None and not isinstance(labels, int):
        if rows is not None or num_samples is not None:
            raise ValueError(
                "A conditional grid has one row per class, chosen with --labels (a list; "
                "default: every class), and --columns noise vectors; --rows and "
                "--num_samples do not apply. Give one class in --labels for a grid of "
                "--rows x --columns images of that class."
            )
        classes = np.arange(num_classes) if labels is None else np.asarray(labels)
        columns = columns or DEFAULT_GRID
        z = np.tile(noise(columns, rng), (len(classes), 1))
        return z, np.repeat(classes, columns).astype("int32"), len(classes), columns
    if num_samples is None:
        rows, columns = rows or DEFAULT_GRID, columns or DEFAULT_GRID
        num_samples = rows * columns
    elif rows is None and columns is None:
        columns = math.ceil(math.sqrt(num_samples))
        rows = math.ceil(num_samples / columns)
    elif rows is None or columns is None:
        given = rows or columns
        rows, columns = (rows or math.ceil(num_samples / given),
                         columns or math.ceil(num_samples / given))
    elif rows * columns != num_samples:
        raise ValueError(
            f"--rows={rows} x --columns={columns} holds {rows * columns} images, not "
            f"--num_samples={num_samples}: give two of the three."
        )
    return (*sample_inputs(rng, noise, num_classes, num_samples, labels), rows, columns)


def sample_inputs(rng, noise, num_classes, num_samples, labels):
    """`(z, labels or None)` of `GAN.generate(num_samples, seed, labels, truncation)`,
    drawn in its order from `rng` (z by `noise(n, rng)`, `generator_noise`);
    `num_samples` defaults to the length of a list of labels, else 64."""
    if isinstance(labels, list):
        if num_samples is not None and num_samples != len(labels):
            raise ValueError(
                f"--labels gives {len(labels)} classes for --num_samples={num_samples}: give "
                f"one class, one per sample, or none (drawn at random)."
            )
        num_samples = len(labels)
    num_samples = num_samples or DEFAULT_SAMPLES
    z = noise(num_samples, rng)
    y = None if num_classes is None else class_labels(num_samples, num_classes, labels, rng)
    return z, y


def interpolation_inputs(rng, latent_dim, num_classes, steps, rows, labels, distribution,
                         stddev, truncation):
    """`(z, labels or None, rows)`: `rows` interpolations of `steps` latents each,
    row-major, between pairs of points drawn from `rng`; one class per row."""
    ends = numpy_latent_noise(rng, (rows, 2, latent_dim), distribution, stddev, truncation)
    z = interpolate_latents(ends[:, 0], ends[:, 1], steps, distribution)
    y = None
    if num_classes is not None:
        if isinstance(labels, list) and len(labels) != rows:
            raise ValueError(
                f"--labels gives {len(labels)} classes for {rows} interpolation(s): give one "
                f"class, one per --rows, or none (drawn at random)."
            )
        y = np.repeat(class_labels(rows, num_classes, labels, rng), steps)
    return z.reshape(rows * steps, latent_dim), y, rows


def interpolate_latents(start, end, steps, distribution="normal"):
    """`(n, steps, d)` float32 latents from `start` to `end` (`(n, d)`), both included
    exactly: spherical for normal noise, linear for uniform noise (see the module's
    docstring); pairs too close to (anti)parallel for slerp are interpolated linearly."""
    a, b = np.asarray(start, np.float64), np.asarray(end, np.float64)
    t = np.linspace(0.0, 1.0, steps)[None, :, None]
    weights = (1.0 - t, t)
    if distribution == "normal":
        cosine = np.sum(a * b, -1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))
        angle = np.arccos(np.clip(cosine, -1.0, 1.0))[:, None, None]
        sine = np.sin(angle)
        spherical = sine > 1e-6
        safe = np.where(spherical, sine, 1.0)
        weights = tuple(np.where(spherical, np.sin(w * angle) / safe, w) for w in weights)
    return (weights[0] * a[:, None] + weights[1] * b[:, None]).astype("float32")


def to_uint8(images):
    """Images in [-1, 1] as uint8: round((x + 1) * 127.5), clipped (`image_grid`'s)."""
    return image_grid(images, rows=len(images)).reshape(images.shape)


def _tiles(images, rows, columns):
    """The uint8 grid of `images`, row-major, black tiles after the last image."""
    missing = rows * columns - len(images)
    if missing:
        images = np.concatenate([images, np.full((missing, *images.shape[1:]), -1.0, "float32")])
    return image_grid(images, rows)


def _save_gif(images, rows, steps, path):
    """Frame k: step k of every interpolation, one above the other; 10 frames a second,
    looping. (GIF has 256 colours: colour frames are quantized.)"""
    by_step = images.reshape(rows, steps, *images.shape[1:]).swapaxes(0, 1)
    frames = [image_grid(column, rows) for column in by_step]
    frames = [Image.fromarray(f[..., 0] if f.shape[-1] == 1 else f) for f in frames]
    frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:], duration=100,
                   loop=0)


def _check_integers(least=1, **values):
    for name, value in values.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < least):
            raise ValueError(f"--{name} must be an integer ≥ {least}; got {value!r}.")


def _check_layout(kind, num_samples, rows, columns, interpolate):
    """The flags that shape the output fit its kind."""
    if interpolate:
        given = [f"--{name}" for name, value in (("num_samples", num_samples),
                                                 ("columns", columns)) if value is not None]
        if given:
            raise ValueError(
                f"--interpolate=K makes --rows interpolations of K steps; {' and '.join(given)} "
                f"does not apply. Drop it."
            )
    elif kind == "gif":
        raise ValueError("A .gif animates a latent interpolation: add --interpolate=K (its "
                         "number of frames), or write a .png grid.")
    elif kind != "png" and (rows is not None or columns is not None):
        raise ValueError(f"--rows and --columns shape a .png grid; a {kind} output takes "
                         f"--num_samples. Drop them, or write NAME.png.")


def _check_free(path, overwrite):
    if os.path.exists(path) and not overwrite:
        raise FileExistsError(f"{path} exists. Pass --overwrite to replace it, or choose "
                              f"another --output.")


def _temporary(path):
    """A name beside `path` for writing it, hidden, with the same extension."""
    directory, name = os.path.split(os.path.abspath(path))
    return os.path.join(directory, f".tmp-{os.getpid()}-{name}")


def _write_atomically(path, write):
    """`write(temporary path)`, then the file renamed to `path`: whole or absent."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    temporary = _temporary(path)
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _write_directory(path, pixels, overwrite):
    """One PNG per image, 000000.png, ...; a new directory is written under a
    temporary name and renamed, into an existing one each file is renamed in."""
    names = _file_names(len(pixels))
    _check_directory(path, len(pixels), overwrite)
    temporary = _temporary(path)
    os.makedirs(temporary)
    try:
        for name, image in zip(names, pixels):
            save_png(image, os.path.join(temporary, name))
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            os.rename(temporary, path)
            return
        for name in names:
            os.replace(os.path.join(temporary, name), os.path.join(path, name))
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _file_names(count):
    return [f"{index:06d}.png" for index in range(count)]


def _check_directory(path, count, overwrite):
    """Raises unless `count` images can be written into the directory `path`."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise FileExistsError(f"--output={path} is a file, not a directory. Choose another "
                              f"--output, or NAME.png for a grid.")
    taken = [name for name in _file_names(count) if os.path.exists(os.path.join(path, name))]
    if taken and not overwrite:
        raise FileExistsError(f"{path} already holds {len(taken)} of the files to write "
                              f"({taken[0]}, ...). Pass --overwrite to replace them, or choose "
                              f"another --output.")


def _check_labels(labels, num_classes):
    if labels is None:
        return
    if num_classes is None:
        raise ValueError("--labels was given, but this generator is unconditional (it takes "
                         "noise only). Drop --labels.")
    values = np.atleast_1d(np.asarray(labels))
    outside = [int(v) for v in values if not 0 <= v < num_classes]
    if outside:
        raise ValueError(f"--labels: class {outside[0]} is out of range; this generator has "
                         f"{num_classes} classes, 0 to {num_classes - 1}.")


def run():
    """Console-script entry point."""
    app.run(main)


if __name__ == "__main__":
    run()
