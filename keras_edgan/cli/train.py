"""`train`: train a GAN of the library from the shell.

    train                                   # EDGAN on the embedded MNIST digits
    train --config=edgan_cifar10 --data_dir=/data/tfds
    train --dataset=celeb_a --model=nsgan --steps=5000 --logdir=runs/celeba

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
from keras_edgan import architectures, callbacks, models, optimizers
from keras_edgan.cli import config as config_lib

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
flags.DEFINE_float("penalty_weight", None, "λ of EDGAN's CED penalty (and of the JS penalty; "
                   "of the MI term of the *_ver models).")
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
flags.DEFINE_integer("eval_every", None, "Steps between FID/IS/KID evaluations (0: none).")
flags.DEFINE_integer("eval_samples", None, "Generated samples per evaluation.")
flags.DEFINE_string("extractor", None, "Evaluation features: auto, inception or "
                    "mnist-classifier (auto: Inception if a path is given, else MNIST's "
                    "classifier for MNIST, its scores named after it).")
flags.DEFINE_string("inception_path", None, "Directory of the reference Inception network "
                    "for FID (default: $KERAS_EDGAN_INCEPTION; see BUILD.md).")

OPTIMIZERS = ("oadam", "adam", "rmsprop")


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    overrides = {key: FLAGS[key].value for key in config_lib.DEFAULTS}
    try:
        config = config_lib.load(FLAGS.config, overrides)
        _check_names(config)
    except (ValueError, FileNotFoundError) as error:
        raise app.UsageError(str(error)) from None
    logdir = FLAGS.logdir or os.path.join(
        "runs",
        f"{config['dataset'].replace('/', '-')}_{config['model']}_"
        f"{datetime.datetime.now():%Y%m%d-%H%M%S}",
    )
    train(config, logdir)


def build_gan(config):
    """Returns `(gan, data)`: the compiled model of `config` and its dataset's info."""
    keras.utils.set_random_seed(config["seed"])
    data = pipelines.info(config["dataset"])
    generator, discriminator = architectures.registry.ARCHITECTURES.build(
        config["architecture"], config, data
    )
    gan = models.registry.MODELS.build(config["model"], generator, discriminator, config)

    def optimizer(learning_rate):
        if config["optimizer"] == "rmsprop":  # WGAN's optimizer: no momentum
            return keras.optimizers.RMSprop(learning_rate)
        cls = optimizers.OAdam if config["optimizer"] == "oadam" else keras.optimizers.Adam
        return cls(learning_rate, beta_1=config["beta_1"], beta_2=config["beta_2"])

    gan.compile(d_optimizer=optimizer(config["lr_d"]), g_optimizer=optimizer(config["lr_g"]))
    return gan, data


def train(config, logdir, extra_callbacks=()):
    """Trains the GAN described by `config`, writing everything under `logdir`.

    `extra_callbacks` run beside the usual ones (e.g. to keep scores in memory).
    """
    os.makedirs(logdir, exist_ok=True)
    config_lib.save(config, os.path.join(logdir, "config.json"))
    gan, data = build_gan(config)
    image_size = config["image_size"] or data.default_size
    dataset = pipelines.load(
        config["dataset"],
        batch_size=config["batch_size"] * config["d_steps"],
        image_size=image_size,
        split=config["split"],
        data_dir=config["data_dir"],
        seed=config["seed"],
    ).repeat()

    log_every = min(config["log_every"], config["steps"])
    epochs = -(-config["steps"] // log_every)
    if epochs * log_every != config["steps"]:
        logging.warning("steps=%d is not a multiple of log_every=%d: training %d steps.",
                        config["steps"], log_every, epochs * log_every)
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
    gan.fit(
        dataset,
        epochs=epochs,
        steps_per_epoch=log_every,
        shuffle=False,  # the pipeline shuffles
        verbose=0,
        callbacks=[
            callbacks.Progress(total_steps=epochs * log_every),
            callbacks.Scalars(logdir),
            samples,
            callbacks.Checkpoint(logdir, every_n_epochs=max(1, config["checkpoint_every"] // log_every)),
            callbacks.Hyperparameters(logdir, config),
            *scores,
            *extra_callbacks,
        ],
    )
    gan.generator.save(os.path.join(logdir, "generator.keras"))
    gan.discriminator.save(os.path.join(logdir, "discriminator.keras"))
    logging.info("Done. Samples: %s; generator: %s; TensorBoard: tensorboard --logdir %s",
                 os.path.join(logdir, "samples.png" if data.point_dim is None else "scatter.png"),
                 os.path.join(logdir, "generator.keras"), logdir)
    return gan


def _check_names(config):
    """Unknown dataset, model, architecture or optimizer names fail before any work."""
    pipelines.info(config["dataset"])
    models.registry.MODELS.check(config["model"])
    architectures.registry.ARCHITECTURES.check(config["architecture"])
    if config["optimizer"] not in OPTIMIZERS:
        raise ValueError(
            f"Unknown optimizer {config['optimizer']!r}. Choose one of: {', '.join(OPTIMIZERS)}."
        )


def run():
    """Console-script entry point."""
    app.run(main)


if __name__ == "__main__":
    run()
