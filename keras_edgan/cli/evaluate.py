"""`evaluate`: score a saved generator with FID, IS and KID (or named substitutes).

    evaluate --checkpoint=runs/mnist5k_edgan_20250101-120000          # newest checkpoint of a run
    evaluate --checkpoint=runs/x/checkpoints/ckpt-0002000.weights.h5 --num_samples=10000
    evaluate --checkpoint=generator.keras --dataset=cifar10 --inception_path=/models/inception --json=scores.json
    evaluate --reference --dataset=mnist5k                             # the real-data floor
    evaluate --checkpoint=runs/x --manifold_metrics                    # + precision/recall, density/coverage
    evaluate --checkpoint=runs/x --parzen                              # + Parzen log-likelihood of held-out images

A run directory or a `ckpt-*.weights.h5` file is rebuilt from the run's
`config.json` (as `train` wrote it); a `.keras` generator is loaded as is. The
scores are named after the feature extractor: FID, IS and KID only with the
reference Inception network (--inception_path or $KERAS_EDGAN_INCEPTION).
--manifold_metrics adds improved precision and recall (Kynkäänniemi et al. 2019,
k=3) and density and coverage (Naeem et al. 2020, k=5) on the same features,
named after the extractor (precision-inception, ...).

--fid_resize chooses how the reference Inception network's input reaches
299x299 (keras_edgan.evaluation.resize): tf2_bilinear (the default, TF-GAN's
examples), tf1_bilinear (TF1's resize_bilinear, the original TTUR/improved-GAN
code) or pil_bicubic (clean-fid: uint8 pixels, PIL bicubic per channel). Any
but the default is part of every score's name (FID[pil_bicubic], IS[...],
KID[...]) and of the real statistics' cache key; the JSON records "resize".
Other extractors refuse the flag.

--reference scores held-out real images instead of a generator, against real
statistics of other images of the dataset: the floor of each distance (EDGAN's
Table 6, "Real Datasets"). The held-out images are another split (--held_out_split,
default test, else validation); mnist5k, a single split, holds out the last 100
digits of each class (1,000, the MNIST classifier's test digits), and its real
statistics come from the other 4,000.

--parzen adds the Parzen-window log-likelihood of held-out real images (the
images --reference scores, or --held_out_split) under Gaussian kernels centred
on the --num_samples generated images (Goodfellow et al. 2014, Table 1), pixels
scaled to [0, 1]: σ is the best of logspace(-1, 0, 10) on the first
min(1,000, half) held-out images (validation), the log-likelihood in nats per
image and its standard error over the others (test). With --reference the
kernel centres are --real_samples real images instead, disjoint from the
held-out ones: the real-data value with that many centres. mnist5k's held-out
digits are part of the single split a GAN trains on.
"""

# First: without TensorFlow, the command exits here naming the extra to install.
from keras_edgan.cli import needs_tensorflow  # noqa: F401, I001

import json

from absl import app, flags

import pipelines
# Importing keras_edgan registers its layers, so .keras generators load.
from keras_edgan import evaluation
from keras_edgan.cli.console import plain_lines
from keras_edgan.cli.saved_generator import generator_noise, load_generator

FLAGS = flags.FLAGS
# `train` defines flags of these names too, and one process (a test session, a
# notebook) may import both: allow_override lets it. Defaults of None: `evaluate`
# applies its own (a run's dataset, split, ...), whichever module comes first.
_SHARED = dict(default=None, allow_override=True)
flags.DEFINE_string("checkpoint", None, "A generator .keras file, a train run directory "
                    "(its newest checkpoint) or a ckpt-*.weights.h5 file of a run.")
flags.DEFINE_boolean("reference", False, "Score held-out real images instead of a generator: "
                     "the real-data floor of each metric. Needs --dataset; no --checkpoint.")
flags.DEFINE_string("held_out_split", None, "With --reference or --parzen: the split of the "
                    "held-out images (default: test, else validation; mnist5k: the last 100 "
                    "digits of each class, the real statistics using the other 4,000).")
flags.DEFINE_integer("image_size", help="With --reference: the side the real images are scored "
                     "at (default: the dataset's); pass the generators' (32 for the paper's "
                     "STL-10).", **_SHARED)
flags.DEFINE_string("dataset", help="Real data (default: the run's dataset).", **_SHARED)
flags.DEFINE_string("split", help="Split of the real data (default: the training split).",
                    **_SHARED)
flags.DEFINE_string("data_dir", help="Directory of prepared TFDS datasets (see BUILD.md).",
                    **_SHARED)
flags.DEFINE_integer("num_samples", 10_000, "Generated samples (with --reference: held-out "
                     "images, at most as many as are held out).")
flags.DEFINE_integer("real_samples", None, "Real samples of the statistics (default: "
                     "num_samples, at most the split's size).")
flags.DEFINE_string("extractor", help="Feature extractor: auto (the default), inception or "
                    "mnist-classifier. auto: Inception if a path is given, else the "
                    "dataset's own classifier (MNIST), named as such.", **_SHARED)
flags.DEFINE_string("inception_path", help="Directory of the reference Inception network "
                    "(TF-Hub module tensorflow/tfgan/eval/inception/1); default "
                    f"${evaluation.INCEPTION_ENV}.", **_SHARED)
flags.DEFINE_string("fid_resize", help="How images reach the reference Inception network's "
                    f"299x299 input: {', '.join(evaluation.RESIZE_DEFINITIONS)} (default "
                    f"{evaluation.DEFAULT_RESIZE}, TF-GAN's; tf1_bilinear: TTUR's; pil_bicubic: "
                    "clean-fid's). Not the default: part of the metric names, e.g. "
                    "FID[pil_bicubic], and of the real statistics' cache key. Only with the "
                    "Inception extractor.", **_SHARED)
flags.DEFINE_string("cache_dir", None, "Cache of real statistics and classifiers; default "
                    f"${evaluation.CACHE_ENV} or ~/.cache/keras_edgan.")
flags.DEFINE_float("noise_stddev", help="Standard deviation of z (default: the run's, "
                   "else 1).", **_SHARED)
flags.DEFINE_integer("batch_size", help="Images per generator and extractor call "
                     "(default 100).", **_SHARED)
flags.DEFINE_integer("seed", help="Seed of the generated samples and (with --reference or "
                     "--parzen) of the held-out images' order (default 0).", **_SHARED)
flags.DEFINE_boolean("manifold_metrics", False, "Also score improved precision and recall "
                     "(k=3) and density and coverage (k=5) on the extractor's features.")
flags.DEFINE_boolean("parzen", False, "Also report the Parzen-window log-likelihood of "
                     "held-out real images under the generated ones (with --reference: under "
                     "--real_samples other real images), in nats/image with pixels in [0,1]; "
                     "σ chosen on part of the held-out images (Goodfellow et al. 2014).")
flags.DEFINE_string("json", None, "Also write the scores to this JSON file.")

_COMMON = ("dataset", "split", "data_dir", "num_samples", "real_samples", "extractor",
           "inception_path", "cache_dir", "batch_size", "seed", "manifold_metrics", "parzen",
           "fid_resize")
_GENERATOR_ONLY = ("checkpoint", "noise_stddev")
_REFERENCE_ONLY = ("held_out_split", "image_size")


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    plain_lines()
    if FLAGS.reference:
        given = [f"--{name}" for name in _GENERATOR_ONLY if FLAGS[name].value is not None]
        if given:
            raise app.UsageError(
                f"--reference scores held-out real images, not a generator, but "
                f"{' and '.join(given)} was given. Drop it, or drop --reference."
            )
        if FLAGS.dataset is None:
            raise app.UsageError("--reference needs --dataset=NAME: the real images to score.")
        names, function = _COMMON + _REFERENCE_ONLY, evaluate_reference
    else:
        if FLAGS.checkpoint is None:
            raise app.UsageError(
                "Nothing to score: pass --checkpoint=PATH (a generator) or --reference "
                "--dataset=NAME (held-out real images, the real-data floor)."
            )
        # --parzen scores held-out real images too, from --held_out_split.
        allowed = ("held_out_split",) if FLAGS.parzen else ()
        given = [f"--{name}" for name in _REFERENCE_ONLY
                 if FLAGS[name].value is not None and name not in allowed]
        if given:
            raise app.UsageError(
                f"{' and '.join(given)} applies only with --reference (held-out real images; "
                f"--held_out_split also with --parzen); a generator is scored at its own image "
                f"size on --split. Drop it."
            )
        names, function = _COMMON + _GENERATOR_ONLY + allowed, evaluate
    options = {name: FLAGS[name].value for name in names if FLAGS[name].value is not None}
    try:
        table, _ = function(**options, json_path=FLAGS.json)
    except (ValueError, FileNotFoundError) as error:
        raise app.UsageError(str(error)) from None
    print(table)


def evaluate(checkpoint, dataset=None, split=None, data_dir=None, num_samples=10_000,
             real_samples=None, extractor="auto", inception_path=None, cache_dir=None,
             noise_stddev=None, batch_size=100, seed=0, manifold_metrics=False, parzen=False,
             held_out_split=None, json_path=None, fid_resize=None):
    """Scores the generator of `checkpoint` (see `load_generator`).

    With `parzen`, also the Parzen-window log-likelihood of held-out real
    images (`held_out_images(dataset, split, held_out_split)`) under
    `num_samples` generated images (`evaluation.parzen_evaluation`).

    Returns `(table, record)`: the text table `evaluate` prints and the record
    it writes to `json_path` if given: checkpoint, step, dataset, split,
    extractor, extractor_weights (the Inception module's digest), resize (the
    Inception network's FID resize definition, `fid_resize` or its default;
    None for other extractors), real_samples, generated_samples, {metric name:
    value} scores (with the intra-class Fréchet distance for a conditional
    generator, asked for each class in turn) and, with `parzen`, parzen
    (`ParzenEvaluation.record()`).
    """
    _check_counts(num_samples=num_samples, real_samples=real_samples, batch_size=batch_size)
    generator, latent_dim, config, step, source = load_generator(checkpoint)
    dataset = dataset or (config or {}).get("dataset")
    if dataset is None:
        raise ValueError(
            f"{checkpoint} has no config.json beside it to name its dataset: pass --dataset."
        )
    meta = pipelines.info(dataset)
    evaluation.check_image_dataset(meta.name)
    split = split or meta.train_split
    if held_out_split is not None and not parzen:
        raise ValueError("held_out_split applies to a generator only with parzen=True.")
    held_out = evaluation.held_out_images(meta.name, split, held_out_split)[1] if parzen else None
    noise = generator_noise(config, latent_dim, noise_stddev)
    real_samples = real_samples or min(num_samples, meta.splits.get(split, num_samples))
    feature_extractor = evaluation.get_extractor(
        extractor, meta.name, inception_path, cache_dir, fid_resize
    )
    num_classes = _num_classes(generator, meta)
    image_size = evaluation.generated_image_size(generator, latent_dim, num_classes is not None)
    real = evaluation.real_statistics(
        feature_extractor, meta.name, real_samples, image_size, split=split, data_dir=data_dir,
        cache_dir=cache_dir, batch_size=batch_size, with_labels=num_classes is not None,
    )
    report = evaluation.evaluate_generator(
        generator, latent_dim, feature_extractor, real, num_samples, batch_size=batch_size,
        seed=seed, manifold_metrics=manifold_metrics, num_classes=num_classes, noise=noise,
    )
    record = {
        "checkpoint": source, "step": step, "dataset": meta.name, "split": split,
        "extractor": report.extractor, "extractor_weights": report.extractor_weights,
        "resize": report.resize, "real_samples": report.real_samples,
        "generated_samples": report.generated_samples, "classes": report.classes,
        "scores": report.scores,
    }
    step_text = "" if step is None else f" (step {step})"
    lines = [f"checkpoint: {source}{step_text}", f"dataset: {meta.name} ({split})", report.table()]
    if parzen:
        centres = evaluation.generated_batches(
            generator, latent_dim, num_samples, batch_size=batch_size, seed=seed,
            num_classes=num_classes, noise=noise,
        )
        if num_classes is not None:
            centres = (images for images, _ in centres)
        _add_parzen(record, lines, centres, num_samples, "generated images", meta.name, held_out,
                    image_size, data_dir, batch_size, seed)
    _write_json(record, json_path)
    return "\n".join(lines), record


def _num_classes(generator, meta):
    """The classes of a conditional generator (two inputs, `[z, y]`): its dataset's;
    None for an unconditional one."""
    if len(generator.inputs) == 1:
        return None
    if meta.num_classes is None:
        raise ValueError(
            f"The generator takes two inputs [z, y], as a conditional one does, but "
            f"{meta.name} has no class labels to score its classes against: pass the "
            f"labelled dataset it was trained on (--dataset)."
        )
    return meta.num_classes


def _add_parzen(record, lines, centre_batches, num_centres, centre_images, dataset, held_out,
                image_size, data_dir, batch_size, seed):
    """Adds `evaluation.parzen_evaluation` to the record and the table's lines."""
    result = evaluation.parzen_evaluation(
        centre_batches, num_centres, centre_images, dataset, held_out, image_size,
        data_dir=data_dir, batch_size=batch_size, seed=seed,
    )
    record["parzen"] = result.record()
    lines.append(result.table())


def _write_json(record, json_path):
    if json_path:
        with open(json_path, "w") as f:
            json.dump(record, f, indent=2)


def _check_counts(**counts):
    """Sample counts of at least 2 (a covariance needs two) and a positive batch size;
    None leaves a count to its default."""
    for name, value in counts.items():
        least = 1 if name == "batch_size" else 2
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < least):
            raise ValueError(
                f"--{name} must be an integer ≥ {least}"
                + ("" if least == 1 else " (the Fréchet distance needs a covariance)")
                + f"; got {value!r}."
            )


def evaluate_reference(dataset, split=None, held_out_split=None, data_dir=None,
                       num_samples=10_000, real_samples=None, extractor="auto",
                       inception_path=None, cache_dir=None, image_size=None, batch_size=100,
                       seed=0, manifold_metrics=False, parzen=False, json_path=None,
                       fid_resize=None):
    """Scores held-out real images of `dataset` as `evaluate` scores a generator.

    The real statistics come from `split` and the held-out images from images
    disjoint from them (see `evaluation.held_out_images`), so the scores are
    the floor a generator of that data can reach with this extractor and
    these sample counts.

    Returns `(table, record)`: the text table `evaluate --reference` prints and
    the record it writes to `json_path` if given: reference, dataset, split,
    held_out_split, real_images, held_out_images (which images, in words),
    extractor, extractor_weights, resize (as in `evaluate`), real_samples,
    held_out_samples, {metric name: value} scores and, with `parzen`, parzen:
    the Parzen-window log-likelihood of all the held-out images under
    `real_samples` real images (`evaluation.parzen_evaluation`).
    """
    _check_counts(num_samples=num_samples, real_samples=real_samples, batch_size=batch_size)
    meta = pipelines.info(dataset)
    evaluation.check_image_dataset(meta.name)
    real_images, held_out = evaluation.held_out_images(meta.name, split, held_out_split)
    real_samples = real_samples or min(num_samples, real_images.size or num_samples)
    if real_images.size is not None and real_samples > real_images.size:
        raise ValueError(
            f"real_samples={real_samples}, but the real statistics' images ({meta.name} "
            f"{real_images.description}) number {real_images.size}. Ask for at most that."
        )
    held_out_samples = min(num_samples, held_out.size or num_samples)
    image_size = image_size or meta.default_size
    feature_extractor = evaluation.get_extractor(
        extractor, meta.name, inception_path, cache_dir, fid_resize
    )
    real = evaluation.real_statistics(
        feature_extractor, meta.name, real_samples, image_size, split=real_images.split,
        data_dir=data_dir, cache_dir=cache_dir, batch_size=batch_size, part=real_images.part,
    )
    batches = evaluation.real_batches(
        meta.name, image_size, split=held_out.split, data_dir=data_dir, batch_size=batch_size,
        seed=seed, part=held_out.part,
    )
    report = evaluation.evaluate_images(
        batches, feature_extractor, real, held_out_samples, samples_name="held-out",
        manifold_metrics=manifold_metrics,
    )
    record = {
        "reference": "held-out real images (real-data floor)", "dataset": meta.name,
        "split": real_images.split, "held_out_split": held_out.split,
        "real_images": real_images.description, "held_out_images": held_out.description,
        "image_size": image_size, "extractor": report.extractor,
        "extractor_weights": report.extractor_weights, "resize": report.resize,
        "real_samples": report.real_samples, "held_out_samples": report.generated_samples,
        "scores": report.scores,
    }
    lines = [
        "reference: held-out real images scored against the real statistics (the real-data floor)",
        f"dataset: {meta.name} ({image_size}x{image_size})",
        f"real: {_counted(real_images, report.real_samples)}",
        f"held-out: {_counted(held_out, report.generated_samples)}",
        report.table(),
    ]
    if parzen:
        centres = evaluation.real_batches(
            meta.name, image_size, split=real_images.split, data_dir=data_dir,
            batch_size=batch_size, seed=seed, part=real_images.part,
        )
        _add_parzen(record, lines, centres, real_samples,
                    f"real images ({meta.name} {real_images.description})", meta.name, held_out,
                    image_size, data_dir, batch_size, seed)
    _write_json(record, json_path)
    return "\n".join(lines), record


def _counted(images, count):
    """`images` described with how many of them were used."""
    total = "" if images.size is None else f" of {images.size}"
    return f"{images.description} ({count}{total} images)"


def run():
    """Console-script entry point."""
    app.run(main)


if __name__ == "__main__":
    run()
