"""The options of a `train` run, defined once: name, default, help and check. The
configuration's keys and `train`'s flags follow from these and from the models'
options (`keras_edgan.models.registry`)."""

import dataclasses


def _positive_int(value):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        return "must be a positive integer"


def _nonnegative_int(value):
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return "must be a non-negative integer"


def _positive(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
        0 < value < float("inf")
    ):
        return "must be positive and finite"


def _unit_interval(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        return "must be in [0, 1)"


def _boolean(value):
    if value not in (True, False):
        return "must be true or false"


def _optional_boolean(value):
    if value is not None and value not in (True, False):
        return "must be true or false (or unset)"


def _one_of(*choices):
    def check(value):
        if value not in choices:
            return f"must be one of {', '.join(choices)}"
    return check


def _optional(check):
    def optional(value):
        if value is not None:
            return check(value)
    return optional


@dataclasses.dataclass(frozen=True)
class Option:
    """One option of a run: a configuration key and the `train` flag of that name.

    `kind` is the flag's type (bool, int, float, str); `check(value)` returns what is
    wrong with a value, or None."""

    name: str
    default: object
    help: str
    kind: type = str
    check: object = None


OPTIONS = (
    Option("dataset", "mnist5k", "Dataset name (mnist5k, mnist, cifar10, svhn_cropped, stl10, "
           "celeb_a, lsun/bedroom; ring, grid: GAN+VER's 2-D mixtures)."),
    Option("split", None, "Dataset split (default: the dataset's training split)."),
    Option("data_dir", None, "Directory of prepared TFDS datasets (see BUILD.md)."),
    Option("image_size", None, "Image size (28, 32 or 64); default: the dataset's.", int,
           lambda v: None if v is None else _positive_int(v)),
    Option("model", "edgan", "GAN model (edgan, nsgan, ...: keras_edgan.models.registry)."),
    Option("architecture", "optimized_dcgan", "Networks (keras_edgan.architectures.registry): "
           "optimized_dcgan, dcgan, pacgan_mlp (2-D points), pacgan_mnist, ..."),
    Option("conditional", False, "Class-conditional GAN: the generator and discriminator also "
           "take the dataset's labels (needs a labelled dataset and an architecture that "
           "takes labels, e.g. guide_dcgan).", bool, _boolean),
    Option("width", 64, "Base number of channels of the networks.", int, _positive_int),
    Option("initializer", None, "Kernel initializer of both networks."),
    Option("g_initializer", None, "Kernel initializer of the generator (overrides "
           "--initializer): a Keras name or a JSON Keras config."),
    Option("d_initializer", None, "Kernel initializer of the discriminator (overrides "
           "--initializer): a Keras name or a JSON Keras config."),
    Option("remove_311", None, "dcgan/optimized_dcgan: remove the generator's 3x3 stride-1 "
           "layers (EDGAN's R311).", bool, _optional_boolean),
    Option("sn_in_penultimate", None, "dcgan/optimized_dcgan: spectral norm in the "
           "discriminator's penultimate layer (EDGAN's SN_in_P).", bool, _optional_boolean),
    Option("conditioning", None, "sngan_cnn/sngan_resnet with --conditional: projection "
           "(the default: conditional batch normalization in G, a projection discriminator, "
           "Miyato and Koyama 2018) or label_channels (the one-hot label appended to z and "
           "as D's input channels).", str, _optional(_one_of("projection", "label_channels"))),
    Option("kernel_size", None, "guide_gan and the guide_dcgan* architectures: side of the "
           "square convolution kernels (default 5, the guide's; its §3.2 compares 3, 4 "
           "and 5).", int, _optional(_positive_int)),
    Option("representative_features", False, "RFGAN (Bang and Shim 2018): the discriminator's "
           "output unit also sees the features of a frozen encoder, pre-trained as an "
           "auto-encoder on the real images before the run (cached; "
           "keras_edgan.techniques.representative_features).", bool, _boolean),
    Option("representative_features_epochs", 10, "Epochs of the auto-encoder's pre-training "
           "(with --representative_features).", int, _positive_int),
    Option("latent_dim", 128, "Size of the noise z.", int, _positive_int),
    Option("experience_replay", False, "Experience replay with the guide's buffer size, one "
           "stored sample per minibatch of an epoch (dataset size // batch size), unless "
           "--replay_buffer_size sets it.", bool, _boolean),
    Option("batch_size", 64, "Minibatch size m of each update.", int, _positive_int),
    Option("optimizer", "oadam", "oadam, adam or rmsprop (rmsprop ignores the betas).",
           str, _one_of("oadam", "adam", "rmsprop")),
    Option("lr_d", 1e-4, "Discriminator learning rate.", float, _positive),
    Option("lr_g", 4e-4, "Generator learning rate.", float, _positive),
    Option("beta_1", 0.5, "Optimizer β1.", float, _unit_interval),
    Option("beta_2", 0.9, "Optimizer β2.", float, _unit_interval),
    Option("steps", 100_000, "Generator updates (the papers' iterations).", int, _positive_int),
    Option("log_every", 100, "Steps between scalar logs and progress lines.", int, _positive_int),
    Option("sample_every", 1000, "Steps between sample grids.", int, _positive_int),
    Option("checkpoint_every", 1000, "Steps between checkpoints.", int, _positive_int),
    Option("divergence_guard", True, "Stop with an error at the first NaN or Inf loss or "
           "weight, keeping the last good checkpoint.", bool, _boolean),
    Option("seed", 0, "Seed of weights, noise and data order.", int, _nonnegative_int),
    Option("dtype_policy", "float32", "float32, or mixed_bfloat16: the networks compute in "
           "bfloat16 (variables, losses and penalties stay float32; see "
           "keras_edgan.models.mixed_precision).", str, _one_of("float32", "mixed_bfloat16")),
    Option("jit_compile", None, "Compile the train step with XLA (Keras' jit_compile; default "
           "Keras' choice per backend).", bool, _optional_boolean),
    Option("steps_per_execution", 1, "Training steps per call of the compiled step (fewer "
           "Python round trips for small networks; TensorFlow and JAX, Keras' PyTorch "
           "trainer takes 1); log_every, sample_every and checkpoint_every must be "
           "multiples of it.", int, _positive_int),
    Option("distribution", "none", "none, or data_parallel: a replica of both networks on each "
           "local device (tf.distribute or keras.distribution; see BUILD.md), each batch of "
           "batch_size split evenly over them.", str, _one_of("none", "data_parallel")),
    Option("devices", None, "data_parallel: how many local devices (default all; a CPU-only "
           "TensorFlow splits the CPU into this many).", int,
           lambda v: None if v is None else _positive_int(v)),
    Option("sync_batch_norm", False, "data_parallel on TensorFlow: BatchNormalization with the "
           "global batch's statistics (an all-reduce per layer and step) instead of each "
           "replica's; under JAX they always are.", bool, _boolean),
    Option("condition_number_every", 0, "Steps between logs of the generator's mean log "
           "condition number (Odena et al. 2018; keras_edgan.callbacks.ConditionNumber, "
           "16 fixed latent points; 0: none).", int, _nonnegative_int),
    Option("eval_every", 0, "Steps between FID/IS/KID evaluations (0: none). With "
           "extractor=auto and no Inception network for a dataset without a classifier of "
           "its own, the run trains without them and says so.", int, _nonnegative_int),
    Option("eval_samples", 5000, "Generated samples per evaluation.", int, _positive_int),
    Option("extractor", "auto", "Evaluation features: auto, inception or mnist-classifier "
           "(auto: Inception if a path is given, else MNIST's classifier for MNIST, its "
           "scores named after it)."),
    Option("inception_path", None, "Directory of the reference Inception network for FID "
           "(default: $KERAS_EDGAN_INCEPTION; see BUILD.md)."),
    Option("fid_resize", None, "How images reach the Inception network's 299x299: "
           "tf2_bilinear (TF-GAN's, the default), tf1_bilinear (the original TTUR code's) or "
           "pil_bicubic (clean-fid's); another than the default names the scores "
           "(FID[pil_bicubic]). Inception only.", str,
           _optional(_one_of("tf2_bilinear", "tf1_bilinear", "pil_bicubic"))),
    Option("eval_manifold_metrics", False, "Also evaluate improved precision and recall "
           "(k=3) and density and coverage (k=5) on the extractor's features.", bool,
           _boolean),
)

RUN_OPTIONS = {option.name: option for option in OPTIONS}
