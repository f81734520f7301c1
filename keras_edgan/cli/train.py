"""`train`: train a GAN of the library from the shell.

    train                                   # EDGAN on the embedded MNIST digits
    train --config=edgan_cifar10 --data_dir=/data/tfds
    train --dataset=celeb_a --model=nsgan --steps=5000 --logdir=runs/celeba
    train --config=guide_cdcgan_cifar10 --data_dir=/data/tfds   # class-conditional

A logdir that holds a run resumes it (see `train`); `--restart` starts it over.
Flags override the values of `--config` (a TOML file in configs/, or a path). The
Keras backend is the one of KERAS_BACKEND (tensorflow by default).
"""

import datetime
import os

import keras
import tensorflow as tf
from absl import app, flags, logging

import pipelines
from pipelines import gmm
from keras_edgan import callbacks
from keras_edgan.cli import config as config_lib
from keras_edgan.cli.build import build_gan, check_data_size, check_names
from keras_edgan.cli import run_directory
from keras_edgan.losses.coupling import COUPLINGS

FLAGS = flags.FLAGS
flags.DEFINE_string("config", None, "A config name in configs/ or a path to a TOML file.")
flags.DEFINE_string("logdir", None, "Run directory (TensorBoard events, samples, "
                    "checkpoints). Default: runs/<dataset>_<model>_<time>.")
flags.DEFINE_string("dataset", None, "Dataset name (mnist5k, mnist, cifar10, svhn_cropped, "
                    "stl10, celeb_a, lsun/bedroom; ring, grid: GAN+VER's 2-D mixtures).")
flags.DEFINE_string("split", None, "Dataset split (default: the dataset's training split).")
flags.DEFINE_string("data_dir", None, "Directory of prepared TFDS datasets (see BUILD.md).")
flags.DEFINE_integer("image_size", None, "Image size (28, 32 or 64); default: the dataset's.")
flags.DEFINE_string("model", None, "GAN model (edgan, nsgan, ...: keras_edgan.models.registry).")
flags.DEFINE_string("architecture", None, "Networks (keras_edgan.architectures.registry): "
                    "optimized_dcgan, dcgan, pacgan_mlp (2-D points), pacgan_mnist, ...")
flags.DEFINE_bool("conditional", None, "Class-conditional GAN: the generator and "
                  "discriminator also take the dataset's labels (needs a labelled dataset "
                  "and an architecture that takes labels, e.g. guide_dcgan).")
flags.DEFINE_integer("width", None, "Base number of channels of the networks.")
flags.DEFINE_string("initializer", None, "Kernel initializer of both networks.")
flags.DEFINE_string("g_initializer", None, "Kernel initializer of the generator "
                    "(overrides --initializer): a Keras name or a JSON Keras config.")
flags.DEFINE_string("d_initializer", None, "Kernel initializer of the discriminator "
                    "(overrides --initializer): a Keras name or a JSON Keras config.")
flags.DEFINE_bool("remove_311", None, "dcgan/optimized_dcgan: remove the generator's "
                  "3x3 stride-1 layers (EDGAN's R311).")
flags.DEFINE_bool("sn_in_penultimate", None, "dcgan/optimized_dcgan: spectral norm in the "
                  "discriminator's penultimate layer (EDGAN's SN_in_P).")
flags.DEFINE_integer("latent_dim", None, "Size of the noise z.")
flags.DEFINE_float("noise_stddev", None, "Standard deviation of z.")
flags.DEFINE_enum("noise_distribution", None, ["normal", "uniform"], "Distribution of z: "
                  "normal N(0, noise_stddev²) or uniform U[-1, 1] (DCGAN).")
flags.DEFINE_float("penalty_weight", None, "λ of EDGAN's CED penalty (and of the JS penalty; "
                   "of the MI term of the *_ver models).")
flags.DEFINE_enum("coupling", None, list(COUPLINGS), "How EDGAN's CED pairs real and "
                  "generated samples for the joint histogram (keras_edgan.losses.coupling; "
                  f"default {config_lib.DEFAULTS['coupling']}).")
flags.DEFINE_integer("bins", None, "Histogram bins per variable of the CED (and JS) "
                     "estimator (default 32).")
flags.DEFINE_float("bandwidth", None, "Gaussian soft-binning kernel width of the CED (and "
                   "JS) estimator, as a fraction of the bin spacing (default 0.5).")
flags.DEFINE_float("gp_weight", None, "λ of the discriminator's gradient penalty "
                   "(bi_penalty, gan_0gp).")
flags.DEFINE_float("clip_value", None, "wgan: bound c of the critic's weights.")
flags.DEFINE_float("lsgan_a", None, "lsgan: the discriminator's target for generated data.")
flags.DEFINE_float("lsgan_b", None, "lsgan: the discriminator's target for real data.")
flags.DEFINE_float("lsgan_c", None, "lsgan: the generator's target for its samples.")
flags.DEFINE_float("wgan_div_k", None, "wgan_div: weight k of the gradient term.")
flags.DEFINE_float("wgan_div_p", None, "wgan_div: exponent p of the gradient norm.")
flags.DEFINE_float("qp_weight", None, "gan_qp: λ of the quadratic potential.")
flags.DEFINE_integer("d_steps", None, "Discriminator updates per generator update.")
flags.DEFINE_bool("merged_update", None, "Update both networks from one gradient "
                  "computation per step (stop-gradient merge; needs --d_steps=1).")
flags.DEFINE_float("real_target", None, "Discriminator target of real samples (logistic-loss "
                   "models: nsgan, mmgan, edgan, ...); 0.9 is one-sided label smoothing.")
flags.DEFINE_float("fake_target", None, "Discriminator target of generated samples; > 0 is "
                   "two-sided label smoothing (the guide's runs collapsed around epoch 60-70).")
flags.DEFINE_float("flip_rate", None, "Noisy labels: fraction of flipped discriminator "
                   "targets (the guide's 5% and 10% runs collapsed around epoch 75-78).")
flags.DEFINE_float("instance_noise", None, "Stddev of the Gaussian instance noise on every "
                   "sample the discriminator sees (0: none).")
flags.DEFINE_integer("instance_noise_steps", None, "Generator updates over which the "
                     "instance noise anneals linearly to 0 (0: constant).")
flags.DEFINE_bool("experience_replay", None, "Experience replay: the discriminator sees "
                  "stored past generated samples again (guide §4.2).")
flags.DEFINE_integer("replay_buffer_size", None, "Stored samples, and discriminator updates "
                     "between replays (default: dataset size // batch size, one per epoch).")
flags.DEFINE_string("feature_matching", None, "Feature matching generator loss: 'true' for "
                    "the discriminator's last features with more than one value per image "
                    "(the input of the layer that compresses them to the logit), or a "
                    "discriminator layer name.")
flags.DEFINE_float("historical_averaging", None, "Weight of the historical averaging "
                   "penalty on both networks (0: none).")
flags.DEFINE_integer("critic_schedule", None, "WGAN's critic schedule: 100 critic updates "
                     "before each of the first N generator updates and every 500th, d_steps "
                     "otherwise (guide: 100; Arjovsky et al.: 25). Steps then count critic "
                     "updates.")
flags.DEFINE_integer("batch_size", None, "Minibatch size m of each update.")
flags.DEFINE_string("optimizer", None, "oadam, adam or rmsprop (rmsprop ignores the betas).")
flags.DEFINE_float("lr_d", None, "Discriminator learning rate.")
flags.DEFINE_float("lr_g", None, "Generator learning rate.")
flags.DEFINE_float("beta_1", None, "Optimizer β1.")
flags.DEFINE_float("beta_2", None, "Optimizer β2.")
flags.DEFINE_integer("steps", None, "Generator updates (the papers' iterations).")
flags.DEFINE_integer("log_every", None, "Steps between scalar logs and progress lines.")
flags.DEFINE_integer("sample_every", None, "Steps between sample grids.")
flags.DEFINE_integer("checkpoint_every", None, "Steps between checkpoints.")
flags.DEFINE_integer("seed", None, "Seed of weights, noise and data order.")
flags.DEFINE_bool("divergence_guard", None, "Stop with an error at the first NaN or Inf "
                  "loss or weight, keeping the last good checkpoint (default: true).")
flags.DEFINE_bool("restart", False, "Start over in a --logdir that holds a run, instead "
                  "of resuming it; the earlier run is moved to logdir/restarted-<time>/.")
flags.DEFINE_integer("eval_every", None, "Steps between FID/IS/KID evaluations (0: none).")
flags.DEFINE_integer("eval_samples", None, "Generated samples per evaluation.")
flags.DEFINE_string("extractor", None, "Evaluation features: auto, inception or "
                    "mnist-classifier (auto: Inception if a path is given, else MNIST's "
                    "classifier for MNIST, its scores named after it).")
flags.DEFINE_string("inception_path", None, "Directory of the reference Inception network "
                    "for FID (default: $KERAS_EDGAN_INCEPTION; see BUILD.md).")

def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    overrides = {key: FLAGS[key].value for key in config_lib.DEFAULTS}
    try:
        config = config_lib.load(FLAGS.config, overrides)
        check_names(config)
        check_data_size(config)
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
            callbacks.TrainingDiverged) as error:
        raise SystemExit(f"train: {error}") from None


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
        run_directory.RunDirectoryError: `logdir` is not writable, or holds a run of
            another configuration.
        callbacks.CheckpointError: its newest checkpoint is unreadable or another
            model's.
        callbacks.TrainingDiverged: a loss or weight became NaN or Inf (with
            `config["divergence_guard"]`); the last good checkpoint stays the newest.
    """
    try:
        gan, data = build_gan(config)
    except ValueError as error:
        raise ConfigurationError(
            f"The configuration does not build its networks and model: {error}"
        ) from error
    earlier_run = run_directory.prepare(logdir, config, restart)
    log_every = min(config["log_every"], config["steps"])
    checkpoint = callbacks.Checkpoint(
        logdir, every_n_epochs=max(1, config["checkpoint_every"] // log_every)
    )
    step = checkpoint.restore(gan)
    taken = _steps_taken(gan)
    if taken % log_every:
        raise run_directory.RunDirectoryError(
            f"The run in {logdir!r} resumes at step {taken}, which log_every="
            f"{log_every} does not divide: training continues in whole log "
            f"periods. Resume with the log_every of that run, or one dividing {taken}."
        )
    run_directory.record(logdir, config)
    if earlier_run:
        removed = run_directory.purge_events(logdir, after=step if taken else -1)
        if taken:
            logging.info("Resuming %s at step %d; %d events logged after it removed; "
                         "re-reading the %d batches already used (the data order).",
                         logdir, step, removed, taken)
    image_size = config["image_size"] or data.default_size
    dataset = pipelines.load(
        config["dataset"],
        batch_size=config["batch_size"] * gan.minibatches_per_step,
        image_size=image_size,
        split=config["split"],
        data_dir=config["data_dir"],
        seed=config["seed"],
        with_labels=config["conditional"],
    ).repeat().skip(taken)

    epochs = -(-config["steps"] // log_every)
    if epochs * log_every != config["steps"]:
        logging.warning("steps=%d is not a multiple of log_every=%d: training %d steps.",
                        config["steps"], log_every, epochs * log_every)
    if not taken:  # a resumed run keeps those of its start
        with callbacks.summary.writer(logdir).as_default():
            tf.summary.text("config", config_lib.as_markdown(config), step=0)
    logging.info("Training %s on %s (%s), %d steps; logdir %s; backend %s.",
                 config["model"], config["dataset"],
                 f"{image_size}x{image_size}" if data.point_dim is None else "2-D points",
                 epochs * log_every, logdir, keras.backend.backend())
    sample_every = max(1, config["sample_every"] // log_every)
    eval_every = max(1, config["eval_every"] // log_every)
    if data.point_dim is None:
        samples = callbacks.SampleGrid(logdir, every_n_epochs=sample_every)
        scores = [callbacks.FID(
            logdir, config["dataset"], extractor=config["extractor"],
            num_samples=config["eval_samples"], split=config["split"],
            data_dir=config["data_dir"], inception_path=config["inception_path"],
            every_n_epochs=eval_every,
        )] if config["eval_every"] > 0 else []
    else:  # GAN+VER's 2-D mixtures: scatter plots (Fig. 3) and mixture scores (Fig. 4)
        real, _ = gmm.sample(data.name, 2500, seed=config["seed"])
        samples = callbacks.ScatterPlot(logdir, real, every_n_epochs=sample_every)
        scores = [callbacks.GMMScores(
            logdir, data.name, samples=config["eval_samples"], every_n_epochs=eval_every,
        )] if config["eval_every"] > 0 else []
    if taken >= epochs * log_every:
        logging.info("%s already holds step %d of %d: nothing left to train.",
                     logdir, taken, epochs * log_every)
    else:
        try:
            gan.fit(
                dataset,
                epochs=epochs,
                initial_epoch=taken // log_every,
                steps_per_epoch=log_every,
                shuffle=False,  # the pipeline shuffles
                verbose=0,
                callbacks=[
                    # First: a diverged state reaches no other callback.
                    *([callbacks.DivergenceGuard()] if config["divergence_guard"] else []),
                    callbacks.Progress(total_steps=epochs * log_every),
                    callbacks.Scalars(logdir),
                    samples,
                    *([] if taken else [callbacks.Hyperparameters(logdir, config)]),
                    *scores,
                    *extra_callbacks,
                    checkpoint,  # last: everything of its step is logged before it is saved
                ],
            )
        except callbacks.TrainingDiverged as error:
            saved = callbacks.checkpoint.checkpoints(checkpoint.directory)
            kept = (f"The newest checkpoint, {saved[-1]}, holds the last good state; resuming "
                    f"from it repeats the same steps, so start over with other settings "
                    f"(--restart or another --logdir)." if saved else
                    "No checkpoint was written before it.")
            raise callbacks.TrainingDiverged(
                f"{error} {kept}", error.step, error.quantity
            ) from None
        finally:
            callbacks.summary.close(logdir)
    gan.generator.save(os.path.join(logdir, "generator.keras"))
    gan.discriminator.save(os.path.join(logdir, "discriminator.keras"))
    logging.info("Done. Samples: %s; generator: %s; TensorBoard: tensorboard --logdir %s",
                 os.path.join(logdir, "samples.png" if data.point_dim is None else "scatter.png"),
                 os.path.join(logdir, "generator.keras"), logdir)
    return gan


def _steps_taken(gan):
    """Training steps (dataset elements) behind `gan`: one per generator update, or per
    critic update under WGAN's critic schedule."""
    if getattr(gan, "critic_schedule", None) is not None:
        return int(gan.d_optimizer.iterations)
    return int(gan.g_optimizer.iterations)


def run():
    """Console-script entry point."""
    app.run(main)


if __name__ == "__main__":
    run()
