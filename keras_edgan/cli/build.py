"""The model a configuration describes, built without flags: `train`, `evaluate` and
scripts share it.

Example:
>>> from keras_edgan.cli import build, config
>>> gan, data = build.build_gan(config.load("mnist5k_cpu", {"width": 4}))
"""

import keras

import pipelines
from keras_edgan import architectures, models, optimizers, techniques

OPTIMIZERS = ("oadam", "adam", "rmsprop")


def build_gan(config):
    """Returns `(gan, data)`: the compiled model of `config` and its dataset's info."""
    data = pipelines.info(config["dataset"])
    encoder = _representative_encoder(config, data)
    # After the encoder's pre-training, so a run builds the same networks whether its
    # encoder was trained now or read from the cache.
    keras.utils.set_random_seed(config["seed"])
    config = dict(config, num_classes=_num_classes(config, data))
    config = dict(config, replay_buffer_size=_replay_buffer_size(config, data))
    generator, discriminator = architectures.registry.ARCHITECTURES.build(
        config["architecture"], config, data
    )
    if encoder is not None:
        discriminator = techniques.representative_feature_discriminator(discriminator, encoder)
    gan = models.registry.MODELS.build(config["model"], generator, discriminator, config)

    def optimizer(learning_rate):
        if config["optimizer"] == "rmsprop":  # WGAN's optimizer: no momentum
            return keras.optimizers.RMSprop(learning_rate)
        cls = optimizers.OAdam if config["optimizer"] == "oadam" else keras.optimizers.Adam
        return cls(learning_rate, beta_1=config["beta_1"], beta_2=config["beta_2"])

    gan.compile(
        d_optimizer=optimizer(config["lr_d"]), g_optimizer=optimizer(config["lr_g"]),
        jit_compile="auto" if config["jit_compile"] is None else config["jit_compile"],
        steps_per_execution=config["steps_per_execution"],
    )
    return gan, data


def check_names(config):
    """Unknown dataset, model, architecture or optimizer names fail before any work."""
    pipelines.info(config["dataset"])
    models.registry.MODELS.check(config["model"])
    architectures.registry.ARCHITECTURES.check(config["architecture"])
    if config["optimizer"] not in OPTIMIZERS:
        raise ValueError(
            f"Unknown optimizer {config['optimizer']!r}. Choose one of: {', '.join(OPTIMIZERS)}."
        )


def check_data_size(config):
    """A split smaller than one training step's batch would make the repeated
    pipeline empty: training would wait forever for a first batch."""
    data = pipelines.info(config["dataset"])
    split = config["split"] or data.train_split
    examples = data.splits.get(split)
    needed = config["batch_size"] * config["d_steps"]
    if examples is not None and examples < needed:
        raise ValueError(
            f"The {split!r} split of {config['dataset']!r} has {examples} examples, fewer "
            f"than one training step needs: batch_size × d_steps = {config['batch_size']} "
            f"× {config['d_steps']} = {needed}. Lower --batch_size or --d_steps, or use a "
            f"larger split."
        )


def _representative_encoder(config, data):
    """RFGAN's frozen encoder with `representative_features`, else None."""
    if not config["representative_features"]:
        return None
    if config["conditional"]:
        raise ValueError(
            "representative_features=true builds RFGAN's unconditional discriminator; "
            "conditional=true asks for one that takes labels. Set one of them to false."
        )
    return techniques.pretrained_encoder(
        data.name, config["image_size"] or data.default_size, width=config["width"],
        epochs=config["representative_features_epochs"], split=config["split"],
        data_dir=config["data_dir"], seed=config["seed"],
    )


def _num_classes(config, data):
    """The number of classes fed to the networks of a conditional run; None otherwise."""
    if not config["conditional"]:
        return None
    split = config["split"] or data.train_split
    if data.num_classes is None or not data.has_labels(split):
        where = f"dataset {data.name!r}" if data.num_classes is None else (
            f"split {split!r} of dataset {data.name!r}"
        )
        labelled = [name for name in pipelines.DATASETS if pipelines.info(name).num_classes]
        raise ValueError(
            f"conditional=true needs class labels, but {where} has none. Train on a "
            f"labelled dataset ({', '.join(labelled)}) and split, or set conditional=false."
        )
    conditional = sorted(architectures.registry.CONDITIONAL)
    if config["architecture"] not in conditional:
        raise ValueError(
            f"conditional=true, but architecture {config['architecture']!r} does not take "
            f"class labels. Pick one that does ({', '.join(conditional)}), or set "
            f"conditional=false."
        )
    return data.num_classes


def _replay_buffer_size(config, data):
    """The configured replay buffer size or, with `experience_replay` and no size, the
    guide's: one stored sample per minibatch of an epoch."""
    if not config["experience_replay"] or config["replay_buffer_size"]:
        return config["replay_buffer_size"]
    split = config["split"] or data.train_split
    if split not in data.splits:
        raise ValueError(
            f"experience_replay derives replay_buffer_size from the size of the split, "
            f"unknown for {split!r}; set --replay_buffer_size."
        )
    return techniques.replay_buffer_size(data.splits[split], config["batch_size"])


def check_periods(config):
    """With `steps_per_execution` > 1 the callbacks run once per execution, so every
    period they act on must end where an execution ends."""
    every = config["steps_per_execution"]
    names = ("log_every", "sample_every", "checkpoint_every", "eval_every",
             "condition_number_every")
    off = [f"{name}={config[name]}" for name in names if config[name] % every]
    if off:
        raise ValueError(
            f"steps_per_execution={every} runs the callbacks once every {every} steps, so "
            f"{', '.join(off)} would be missed: choose multiples of {every}."
        )
