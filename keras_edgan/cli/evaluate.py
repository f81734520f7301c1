"""`evaluate`: score a saved generator with FID, IS and KID (or named substitutes).

    evaluate --checkpoint=runs/mnist5k_edgan_20250101-120000          # newest checkpoint of a run
    evaluate --checkpoint=runs/x/checkpoints/ckpt-0002000.weights.h5 --num_samples=10000
    evaluate --checkpoint=generator.keras --dataset=cifar10 --inception_path=/models/inception --json=scores.json

A run directory or a `ckpt-*.weights.h5` file is rebuilt from the run's
`config.json` (as `train` wrote it); a `.keras` generator is loaded as is. The
scores are named after the feature extractor: FID, IS and KID only with the
reference Inception network (--inception_path or $KERAS_EDGAN_INCEPTION).
"""

import json
import os

import keras
from absl import app, flags

import pipelines
# Importing keras_edgan registers its layers, so .keras generators load.
from keras_edgan import evaluation
from keras_edgan.callbacks.checkpoint import checkpoints
from keras_edgan.cli import config as config_lib
from keras_edgan.cli.build import build_gan

FLAGS = flags.FLAGS
# `train` defines flags of these names too, and one process (a test session, a
# notebook) may import both: allow_override lets it. Defaults of None: `evaluate`
# applies its own (a run's dataset, split, ...), whichever module comes first.
_SHARED = dict(default=None, allow_override=True)
flags.DEFINE_string("checkpoint", None, "A generator .keras file, a train run directory "
                    "(its newest checkpoint) or a ckpt-*.weights.h5 file of a run.")
flags.DEFINE_string("dataset", help="Real data (default: the run's dataset).", **_SHARED)
flags.DEFINE_string("split", help="Split of the real data (default: the training split).",
                    **_SHARED)
flags.DEFINE_string("data_dir", help="Directory of prepared TFDS datasets (see BUILD.md).",
                    **_SHARED)
flags.DEFINE_integer("num_samples", 10_000, "Generated samples.")
flags.DEFINE_integer("real_samples", None, "Real samples (default: num_samples, at most "
                     "the split's size).")
flags.DEFINE_string("extractor", help="Feature extractor: auto (the default), inception or "
                    "mnist-classifier. auto: Inception if a path is given, else the "
                    "dataset's own classifier (MNIST), named as such.", **_SHARED)
flags.DEFINE_string("inception_path", help="Directory of the reference Inception network "
                    "(TF-Hub module tensorflow/tfgan/eval/inception/1); default "
                    f"${evaluation.INCEPTION_ENV}.", **_SHARED)
flags.DEFINE_string("cache_dir", None, "Cache of real statistics and classifiers; default "
                    f"${evaluation.CACHE_ENV} or ~/.cache/keras_edgan.")
flags.DEFINE_float("noise_stddev", help="Standard deviation of z (default: the run's, "
                   "else 1).", **_SHARED)
flags.DEFINE_integer("batch_size", help="Images per generator and extractor call "
                     "(default 100).", **_SHARED)
flags.DEFINE_integer("seed", help="Seed of the generated samples (default 0).", **_SHARED)
flags.DEFINE_string("json", None, "Also write the scores to this JSON file.")
flags.mark_flag_as_required("checkpoint")


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    names = ("checkpoint", "dataset", "split", "data_dir", "num_samples", "real_samples",
             "extractor", "inception_path", "cache_dir", "noise_stddev", "batch_size", "seed")
    options = {name: FLAGS[name].value for name in names if FLAGS[name].value is not None}
    try:
        table, _ = evaluate(**options, json_path=FLAGS.json)
    except (ValueError, FileNotFoundError) as error:
        raise app.UsageError(str(error)) from None
    print(table)


def evaluate(checkpoint, dataset=None, split=None, data_dir=None, num_samples=10_000,
             real_samples=None, extractor="auto", inception_path=None, cache_dir=None,
             noise_stddev=None, batch_size=100, seed=0, json_path=None):
    """Scores the generator of `checkpoint` (see `load_generator`).

    Returns `(table, record)`: the text table `evaluate` prints and the record
    it writes to `json_path` if given: checkpoint, step, dataset, split,
    extractor, real_samples, generated_samples and {metric name: value} scores.
    """
    generator, latent_dim, config, step, source = load_generator(checkpoint)
    dataset = dataset or (config or {}).get("dataset")
    if dataset is None:
        raise ValueError(
            f"{checkpoint} has no config.json beside it to name its dataset: pass --dataset."
        )
    meta = pipelines.info(dataset)
    evaluation.check_image_dataset(meta.name)
    split = split or meta.train_split
    noise_stddev = noise_stddev or (config or {}).get("noise_stddev", 1.0)
    real_samples = real_samples or min(num_samples, meta.splits.get(split, num_samples))
    feature_extractor = evaluation.get_extractor(extractor, meta.name, inception_path, cache_dir)
    image_size = int(generator(keras.ops.zeros((1, latent_dim)), training=False).shape[1])
    real = evaluation.real_statistics(
        feature_extractor, meta.name, real_samples, image_size, split=split, data_dir=data_dir,
        cache_dir=cache_dir, batch_size=batch_size,
    )
    report = evaluation.evaluate_generator(
        generator, latent_dim, feature_extractor, real, num_samples,
        noise_stddev=noise_stddev, batch_size=batch_size, seed=seed,
        noise_distribution=(config or {}).get("noise_distribution", "normal"),
    )
    record = {
        "checkpoint": source, "step": step, "dataset": meta.name, "split": split,
        "extractor": report.extractor, "real_samples": report.real_samples,
        "generated_samples": report.generated_samples, "scores": report.scores,
    }
    if json_path:
        with open(json_path, "w") as f:
            json.dump(record, f, indent=2)
    step_text = "" if step is None else f" (step {step})"
    table = f"checkpoint: {source}{step_text}\ndataset: {meta.name} ({split})\n{report.table()}"
    return table, record


def load_generator(checkpoint):
    """Returns `(generator, latent_dim, config or None, step or None, source path)`.

    `checkpoint` is a `.keras` generator (with the run's config.json beside it
    if any), a `ckpt-*.weights.h5` file in `RUN/checkpoints/`, or a run
    directory (its newest checkpoint, else its generator.keras).
    """
    if os.path.isdir(checkpoint):
        found = checkpoints(os.path.join(checkpoint, "checkpoints"))
        fallback = os.path.join(checkpoint, "generator.keras")
        if not found and not os.path.isfile(fallback):
            raise FileNotFoundError(
                f"The run directory {checkpoint} has no checkpoints/ckpt-*.weights.h5 and no "
                f"generator.keras. Pass a directory written by `train`, or one of those files."
            )
        checkpoint = found[-1] if found else fallback
    if not os.path.isfile(checkpoint):
        raise FileNotFoundError(f"No checkpoint {checkpoint}: the file does not exist.")
    if checkpoint.endswith(".keras"):
        generator = keras.saving.load_model(checkpoint, compile=False)
        config_path = os.path.join(os.path.dirname(checkpoint), "config.json")
        config = config_lib.load(config_path) if os.path.isfile(config_path) else None
        return generator, generator.inputs[0].shape[-1], config, None, checkpoint
    if checkpoint.endswith(".weights.h5"):
        run = os.path.dirname(os.path.dirname(os.path.abspath(checkpoint)))
        config_path = os.path.join(run, "config.json")
        if not os.path.isfile(config_path):
            raise FileNotFoundError(
                f"Rebuilding {checkpoint} needs its run's config.json, expected at "
                f"{config_path} (train writes RUN/config.json and RUN/checkpoints/ckpt-*). "
                f"Pass the run directory or a generator .keras file instead."
            )
        config = config_lib.load(config_path)
        gan, _ = build_gan(config)
        gan.load_weights(checkpoint)
        return gan.generator, gan.latent_dim, config, int(gan.g_optimizer.iterations), checkpoint
    raise ValueError(
        f"Cannot read {checkpoint}: expected a generator .keras file, a "
        f"ckpt-*.weights.h5 checkpoint or a train run directory."
    )


def run():
    """Console-script entry point."""
    app.run(main)


if __name__ == "__main__":
    run()
