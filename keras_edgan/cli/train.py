"""`train`: train a GAN of the library from the shell.

    train                                   # EDGAN on the embedded MNIST digits
    train --config=edgan_cifar10 --data_dir=/data/tfds
    train --dataset=celeb_a --model=nsgan --steps=5000 --logdir=runs/celeba
    train --config=guide_cdcgan_cifar10 --data_dir=/data/tfds   # class-conditional

A logdir that holds a run resumes it (see `train`); `--restart` starts it over.
Flags override the values of `--config` (a TOML file in configs/, or a path). The
Keras backend is the one of KERAS_BACKEND (tensorflow by default).
"""

# First: without TensorFlow, the command exits here naming the extra to install.
from keras_edgan.cli import needs_tensorflow  # noqa: F401, I001

import contextlib
import datetime
import functools
import os
import shlex
import sys
import tomllib

import keras
import tensorflow as tf
from absl import app, flags, logging

import pipelines
from pipelines import gmm
from keras_edgan import callbacks, distribution, evaluation, models
from keras_edgan.cli import config as config_lib
from keras_edgan.cli import options, run_directory
from keras_edgan.cli.build import build_gan, check_data_size, check_names, check_periods
from keras_edgan.cli.console import plain_lines
from keras_edgan.cli.hyperparameters import comparable_settings

FLAGS = flags.FLAGS
flags.DEFINE_string("config", None, "A config name in configs/ or a path to a TOML file.")
flags.DEFINE_string("logdir", None, "Run directory (TensorBoard events, samples, "
                    "checkpoints). Default: runs/<dataset>_<model>_<time>.")
flags.DEFINE_bool("restart", False, "Start over in a --logdir that holds a run, instead "
                  "of resuming it; the earlier run is moved to logdir/restarted-<time>/.")


class _LiteralParser(flags.ArgumentParser):
    """A flag value read as a TOML value (true, 3, 0.5, [-1, 1]), else as a string."""

    def parse(self, argument):
        try:
            return tomllib.loads(f"value = {argument}")["value"]
        except tomllib.TOMLDecodeError:
            return argument

    def flag_type(self):
        return "value"


def _define(name, kind, help):
    definers = {bool: flags.DEFINE_bool, int: flags.DEFINE_integer,
                float: flags.DEFINE_float, str: flags.DEFINE_string}
    if kind in definers:
        definers[kind](name, None, help)
    else:
        flags.DEFINE(_LiteralParser(), name, None, help, serializer=flags.ArgumentSerializer())


# Every configuration key is a flag: the run's options, then every model's options
# (typed by their defaults; options without a typed default take TOML values).
for _option in options.OPTIONS:
    _define(_option.name, _option.kind, _option.help)
for _key, _owners in models.registry.all_options().items():
    _defaults = [models.registry.options(owner)[_key] for owner in _owners]
    _typed = {type(value) for value in _defaults if value is not None}
    _define(_key, _typed.pop() if len(_typed) == 1 else None, models.registry.describe(_key))


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    plain_lines()
    keys = (*options.RUN_OPTIONS, *models.registry.all_options())
    overrides = {key: FLAGS[key].value for key in keys}
    try:
        config = config_lib.load(FLAGS.config, overrides)
        check_names(config)
        check_data_size(config)
        check_periods(config)
    except (ValueError, FileNotFoundError) as error:
        raise app.UsageError(str(error)) from None
    logdir = FLAGS.logdir or os.path.join(
        "runs",
        f"{config['dataset'].replace('/', '-')}_{config['model']}_"
        f"{datetime.datetime.now():%Y%m%d-%H%M%S}",
    )
    try:
        train(config, logdir, restart=FLAGS.restart)
    except ConfigurationError as error:
        raise app.UsageError(str(error)) from None
    except (run_directory.RunDirectoryError, callbacks.CheckpointError,
            pipelines.DatasetNotPreparedError,
            callbacks.TrainingDiverged) as error:
        raise SystemExit(f"train: {error}") from None
    except callbacks.TrainingInterrupted as error:
        resume = [arg for arg in sys.argv if arg not in ("--restart", "-restart")]
        if not FLAGS.logdir:
            resume.append(f"--logdir={logdir}")
        print(f"train: {error} Resume with: {shlex.join(resume)}", file=sys.stderr)
        raise SystemExit(128 + error.signal_number) from None  # the shell's convention


class ConfigurationError(ValueError):
    """The configuration names valid parts that do not fit together (e.g. an
    architecture and an image size); raised before anything is trained or written."""


def train(config, logdir, extra_callbacks=(), restart=False):
    """Trains the GAN described by `config`, writing everything under `logdir`.

    A `logdir` holding a checkpoint resumes from its newest one, exactly: same step,
    weights, optimizer states and noise stream, and the same data order (the
    pipeline, seeded, skips the batches already used: its cost is reading them), on
    to `config["steps"]`; TensorBoard events logged after that checkpoint are
    removed, so every step is logged once. The run's `config.json` must match
    `config` up to `run_directory.RESUMABLE_CHANGES`. `restart=True` moves an
    earlier run aside (to `logdir/restarted-<time>/`) and starts over.

    `extra_callbacks` run beside the usual ones (e.g. to keep scores in memory).

    Raises:
        run_directory.RunDirectoryError: `logdir` is not writable, is in use by
            another run (its lock is held for the whole run), or holds a run of
            another configuration.
        callbacks.CheckpointError: its newest checkpoint is unreadable or another
            model's.
        pipelines.DatasetNotPreparedError: the TFDS dataset is not in the data_dir
            (nothing is written to `logdir` then).
        ConfigurationError: the parts of `config` do not fit together, its data
            cannot be read, or its evaluation cannot run (e.g. `extractor=inception`
            without the network); nothing is written to `logdir` then.
        callbacks.TrainingInterrupted: SIGINT or SIGTERM arrived; the step in
            progress was finished and checkpointed (resume with the same call).
        callbacks.TrainingDiverged: a loss or weight became NaN or Inf (with
            `config["divergence_guard"]`); the last good checkpoint stays the newest.
    """
    with _dtype_policy(config["dtype_policy"]), _replicas(config):
        try:
            gan, data = build_gan(config)
        except ValueError as error:
            raise ConfigurationError(
                f"The configuration does not build its networks and model: {error}"
            ) from error
        if config["sync_batch_norm"]:
            distribution.synchronize_batch_norm(gan)
        if config["data_dir"] and data.source != "tfds":
            logging.warning("data_dir=%s is not read: %s is %s data, not a TFDS dataset.",
                            config["data_dir"], data.name, data.source)
        try:  # before the logdir is touched: a missing dataset or a bad split fails here
            _training_data(gan, data, config)
        except ValueError as error:
            raise ConfigurationError(
                f"The configuration's data cannot be read: {error}"
            ) from error
        try:  # as the data: a missing Inception network or a bad evaluation setting fails here
            watchers = _pictures_and_scores(logdir, config, data)
        except (ValueError, evaluation.InceptionNotFoundError) as error:
            raise ConfigurationError(f"The configuration's evaluation cannot run: {error}") from error
        with run_directory.locked(logdir):
            return _train(gan, data, config, logdir, watchers, extra_callbacks, restart)


@contextlib.contextmanager
def _dtype_policy(name):
    """Keras' global dtype policy `name` while the run builds and trains its networks."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


@contextlib.contextmanager
def _replicas(config):
    """The data-parallel context of `config["distribution"]`, logged, or none."""
    if config["distribution"] == "none":
        yield
        return
    with contextlib.ExitStack() as stack:
        try:
            replicas = stack.enter_context(distribution.data_parallel(config["devices"]))
        except ValueError as error:
            raise ConfigurationError(str(error)) from None
        if config["batch_size"] % replicas.count:
            raise ConfigurationError(
                f"batch_size={config['batch_size']} cannot be split evenly over "
                f"{replicas.count} replicas: choose a multiple of {replicas.count}."
            )
        logging.info("Data parallel: %s; each minibatch of %d split into %d × %d.",
                     replicas.engine, config["batch_size"], replicas.count,
                     config["batch_size"] // replicas.count)
        yield


def _train(gan, data, config, logdir, watchers, extra_callbacks, restart):
    """`train` after building the model, its data and `watchers` (its pictures and
    scores), with the logdir locked."""
    period = _Period(config)
    earlier_run = run_directory.prepare(logdir, config, restart)
    checkpoint = callbacks.Checkpoint(logdir, every_n_steps=config["checkpoint_every"])
    taken = _resume(gan, checkpoint, logdir, config, earlier_run, period)
    if not taken:  # a resumed run keeps those of its start
        with callbacks.summary.writer(logdir).as_default():
            tf.summary.text("config", config_lib.as_markdown(config), step=0)
    logging.info("Training %s on %s (%s), %d steps; logdir %s; backend %s.",
                 config["model"], config["dataset"], _data_shape(config, data),
                 period.total, logdir, keras.backend.backend())
    if taken >= period.total:
        logging.info("%s already holds step %d of %d: nothing left to train.",
                     logdir, taken, period.total)
    else:
        stop = callbacks.StopOnSignal()
        run_callbacks = [
            # First: a diverged state reaches no other callback.
            *([callbacks.DivergenceGuard()] if config["divergence_guard"] else []),
            stop,
            callbacks.Progress(total_steps=period.total),
            callbacks.Scalars(logdir, images_per_step=gan.minibatches_per_step * config["batch_size"]),
            *watchers,
            *([callbacks.ConditionNumber(logdir, every_n_steps=config["condition_number_every"])]
              if config["condition_number_every"] else []),
            *([] if taken else [callbacks.Hyperparameters(logdir, comparable_settings(config))]),
            *extra_callbacks,
            checkpoint,  # last: everything of its step is logged before it is saved
        ]
        dataset = functools.partial(_training_data, gan, data, config)
        _fit(gan, dataset, period, taken, run_callbacks, checkpoint, logdir, stop)
        if stop.received:
            raise callbacks.TrainingInterrupted(
                stop.received, gan.training_steps, checkpoint.directory
            )
    _save_networks(gan, logdir, data)
    return gan


class _Period:
    """`fit`'s epochs are periods of `log_every` training steps: the run's scalars
    are logged, and the callbacks act, at the end of a period."""

    def __init__(self, config):
        self.steps = min(config["log_every"], config["steps"])
        self.count = -(-config["steps"] // self.steps)
        self.total = self.count * self.steps
        if self.total != config["steps"]:
            logging.warning("steps=%d is not a multiple of log_every=%d: training %d steps.",
                            config["steps"], self.steps, self.total)


def _resume(gan, checkpoint, logdir, config, earlier_run, period):
    """Restores the newest checkpoint of `logdir` into `gan`, records the config,
    removes the events logged after that checkpoint; returns the steps taken."""
    step = checkpoint.restore(gan)
    taken = gan.training_steps
    run_directory.record(logdir, config)
    if earlier_run:
        removed = run_directory.purge_events(logdir, after=step if taken else -1)
        if taken:
            logging.info("Resuming %s at step %d; %d events logged after it removed; "
                         "re-reading the %d batches already used (the data order).",
                         logdir, step, removed, taken)
    return taken


def _training_data(gan, data, config):
    """The training pipeline of one pass over the data."""
    return pipelines.load(
        config["dataset"],
        batch_size=config["batch_size"] * gan.minibatches_per_step,
        image_size=config["image_size"] or data.default_size,
        split=config["split"],
        data_dir=config["data_dir"],
        seed=config["seed"],
        with_labels=config["conditional"],
    )


def _data_shape(config, data):
    if data.point_dim is not None:
        return "2-D points"
    size = config["image_size"] or data.default_size
    return f"{size}x{size}"


def _pictures_and_scores(logdir, config, data):
    """The sample pictures and, with `eval_every`, the quality scores of the run."""
    sample_every, eval_every = config["sample_every"], config["eval_every"]
    evaluate = eval_every > 0
    if data.point_dim is None:
        samples = callbacks.SampleGrid(logdir, every_n_steps=sample_every)
        return [samples, *(_image_scores(logdir, config) if evaluate else [])]
    # GAN+VER's 2-D mixtures: scatter plots (Fig. 3) and mixture scores (Fig. 4)
    real, _ = gmm.sample(data.name, 2500, seed=config["seed"])
    samples = callbacks.ScatterPlot(logdir, real, every_n_steps=sample_every)
    scores = [callbacks.GMMScores(
        logdir, data.name, samples=config["eval_samples"], every_n_steps=eval_every,
    )] if evaluate else []
    return [samples, *scores]


def _image_scores(logdir, config):
    """The FID callback of the run, or none with a warning where `extractor=auto` finds
    no extractor (no Inception network, a dataset without a classifier of its own):
    a paper config then trains without its quality curve rather than not at all."""
    try:
        return [callbacks.FID(
            logdir, config["dataset"], extractor=config["extractor"],
            num_samples=config["eval_samples"], split=config["split"],
            data_dir=config["data_dir"], inception_path=config["inception_path"],
            every_n_steps=config["eval_every"], manifold_metrics=config["eval_manifold_metrics"],
            fid_resize=config["fid_resize"],
        )]
    except evaluation.InceptionNotFoundError as error:
        if config["extractor"] != "auto":
            raise
        logging.warning("No quality scores in this run (eval_every=%d): %s",
                        config["eval_every"], error)
        return []


def _fit(gan, dataset, period, taken, run_callbacks, checkpoint, logdir, stop):
    """Trains from step `taken` to the end on `dataset()` from that step; a run
    stopped within a period (by a signal) first finishes that period. A divergence
    says which checkpoint holds the last good state.

    Each `fit` gets a new pipeline: a second iterator of the same `tf.data` object
    would shuffle in another order than the run that wrote the checkpoint."""

    def fit(start, steps_per_epoch, **epochs):
        gan.fit(dataset().repeat().skip(start), steps_per_epoch=steps_per_epoch,
                shuffle=False,  # the pipeline shuffles
                verbose=0, callbacks=run_callbacks, **epochs)

    try:
        rest = -taken % period.steps
        if rest:  # stopped by a signal within a period: the rest of that period first
            fit(taken, rest, epochs=1)
            taken += rest
        if not stop.received and taken < period.total:
            fit(taken, period.steps, epochs=period.count, initial_epoch=taken // period.steps)
    except callbacks.TrainingDiverged as error:
        saved = callbacks.checkpoint.checkpoints(checkpoint.directory)
        kept = (f"The newest checkpoint, {saved[-1]}, holds the last good state; resuming "
                f"from it repeats the same steps, so start over with other settings "
                f"(--restart or another --logdir)." if saved else
                "No checkpoint was written before it.")
        raise callbacks.TrainingDiverged(f"{error} {kept}", error.step, error.quantity) from None
    finally:
        callbacks.summary.close(logdir)


def _save_networks(gan, logdir, data):
    """Writes both networks as `.keras` files, each under a temporary name renamed
    into place: a crash never leaves a half-written one. `generator.keras` is the
    generator that samples; with `ema` that is the moving average, and the
    trained generator is `generator_raw.keras`."""
    networks = [("generator", gan.sampling_generator), ("discriminator", gan.discriminator)]
    if gan.sampling_generator is not gan.generator:
        networks.append(("generator_raw", gan.generator))
    for name, network in networks:
        temporary = os.path.join(logdir, f".tmp-{name}.keras")
        network.save(temporary)
        os.replace(temporary, os.path.join(logdir, f"{name}.keras"))
    logging.info("Done. Samples: %s; generator: %s; TensorBoard: tensorboard --logdir %s",
                 os.path.join(logdir, "samples.png" if data.point_dim is None else "scatter.png"),
                 os.path.join(logdir, "generator.keras"), logdir)


def run():
    """Console-script entry point."""
    app.run(main)


if __name__ == "__main__":
    run()
