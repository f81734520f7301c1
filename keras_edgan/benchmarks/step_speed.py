"""Step speed: keras_edgan's `fit` against a hand-written training loop of the same GAN.

    python -m keras_edgan.benchmarks.step_speed                     # every backend and workload
    python -m keras_edgan.benchmarks.step_speed --quick             # tiny sizes: checks it runs
    python -m keras_edgan.benchmarks.step_speed --backends=jax --workloads=pacgan_mlp --steps=400

Workloads, each built by `keras_edgan.cli.build.build_gan` from a configuration file,
as `train --config=...` builds it:

- `dcgan`: EDGAN (`configs/edgan_cifar10.toml`): OptimizedDCGAN at 32×32×3, width 64,
  z of 128, the CED penalty with λ = 1, 2 discriminator steps per generator step on
  minibatches of 64 (128 real images per step), OAdam (lr_D 1e-4, lr_G 4e-4,
  β = (0.5, 0.9)). Real data: random images in [-1, 1], batched and prefetched by
  tf.data (CIFAR-10 must be prepared offline, and the step's arithmetic does not depend
  on the pixels).
- `pacgan_mlp`: the plain non-saturating GAN (`vgan`) of `configs/ver_ring_vgan.toml`:
  PacGAN's MLPs on the 2-D ring, batch 64, 1 discriminator step, Adam 2e-4. Real data:
  the ring's own pipeline, `pipelines.load("ring")`.

Without TensorFlow (a JAX or PyTorch machine, such as the GPU machine of
`gpu_step_speed.sh`), the same arrays come as numpy batches from a Python generator,
reshuffled each epoch, and `fit` iterates that generator (no per-batch value check:
`fit` checks a generator's values nowhere).

`--dtype_policy=mixed_bfloat16` builds both sides' networks under that Keras dtype
policy, as `train --dtype_policy` does.

The hand-written loop trains networks of its own, built by the same architecture
function and started from the model's weights, with optimizers of the same class and
configuration, and draws z from a seed generator in the state of the model's, in
Algorithm 1's order: `d_steps` discriminator updates, each on its own minibatch, then
one generator update on the step's last minibatch with L_G = the non-saturating loss
(+ λ·CED for EDGAN), calling keras_edgan's loss functions. Per backend it is the loop
of Keras' guides: TensorFlow a `tf.function` with `tf.GradientTape`; JAX a `jax.jit`
step over `stateless_call` and `stateless_apply`; torch a Python loop with
`loss.backward()`. `tests/test_step_speed_benchmark.py` checks that one step of each
gives the model's weights.

Measured, per backend in its own process (Keras fixes the backend at import), per
workload, in interleaved repetitions (the four runs below in a rotating order, so
that the machine's load falls on all of them alike):

- keras_edgan: the wall time of `gan.fit(data, steps_per_epoch=steps)` over `steps`,
  from the call to the end of training (`on_train_end`, the state computed): `fit`'s
  set-up (data iterator, callbacks, the JAX state's round trip) is included, the
  deletion of its data iterator after training is not. Deleting a tf.data iterator
  took 0.2–0.6 s here, and on the loaded machine repetitions that timed it ended at
  2.56, 5.12 or 10.24 s (10 ms × 2^k) whatever their work: a cost paid once per `fit`,
  which a real run spreads over thousands of steps but which swamped the steps of a
  short repetition;
- hand-written: the wall time of `steps` steps of the loop over the same data, from
  the creation of its iterator, converted to the backend's tensors as `fit` converts
  them (TensorFlow: the dataset's tensors; JAX and torch: its numpy arrays, as
  tensors), the iterator deleted after;
- keras_edgan in memory: the same `fit` on the first steps' batches (at most
  `IN_MEMORY_ELEMENTS`) held in memory, repeated. "input wait %" is the share of
  keras_edgan's step that this saves, 1 − in-memory / keras_edgan: the time `fit`
  spends waiting for the pipeline, whatever makes it wait: timing the pipeline alone
  does not measure that, since tf.data prefetches in background threads while a step
  computes;
- input alone: the wall time of drawing `steps` batches, without training, from the
  data `fit` iterates (the pipeline with keras_edgan's value check,
  `models.validation.checked_training_data`), converted as above: what producing the
  input costs.

Each number is the median over the repetitions of seconds per generator step; the
ratio is keras_edgan's median over the hand-written loop's, both on the pipeline.
Warm-up steps (tracing and compilation; at least one) run before the repetitions, on
each side, and are not timed.
"""

import argparse
import dataclasses
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings

import keras
import numpy as np
from keras import ops

import pipelines
from pipelines import gmm
from keras_edgan import architectures
from keras_edgan.cli import build as build_lib
from keras_edgan.cli import config as config_lib
from keras_edgan.cli.options import RUN_OPTIONS
from keras_edgan.losses.conditional_entropy_distance import conditional_entropy_distance
from keras_edgan.losses.minimax import (
    minimax_discriminator_loss,
    non_saturating_generator_loss,
)
from keras_edgan.models import validation
from keras_edgan.techniques.latent_noise import latent_noise

try:
    import tensorflow as tf
except ModuleNotFoundError:  # JAX or PyTorch alone: numpy batches (see the docstring)
    tf = None

BACKENDS = ("tensorflow", "jax", "torch")


@dataclasses.dataclass(frozen=True)
class Workload:
    """A GAN to time: its configuration file and overrides, those of `--quick`, and the
    timed generator steps per repetition when `--steps` is not given."""

    config: str
    overrides: dict
    quick: dict
    steps: int


WORKLOADS = {
    "dcgan": Workload("edgan_cifar10", {}, {"width": 8, "batch_size": 8}, steps=3),
    # The MLPs' sizes are PacGAN's, fixed by the architecture: --quick shrinks the batch.
    "pacgan_mlp": Workload("ver_ring_vgan", {"model": "vgan"}, {"batch_size": 8}, steps=200),
}
QUICK = dict(steps=2, repeats=1, warmup=1)
DEFAULTS = dict(repeats=5, warmup=2)
# Random images for the image workload: more than one step's batch, so batches differ.
SYNTHETIC_IMAGES = 1024
# Steps' batches held in memory for `fit` without the input pipeline, cycled.
IN_MEMORY_ELEMENTS = 16


def build(name, quick=False, dtype_policy="float32"):
    """`(gan, config, data)`: the workload's compiled keras_edgan model as `train` builds
    it, its configuration and its dataset's `pipelines.DatasetInfo`. Keras' global dtype
    policy is left at `dtype_policy`, for the hand-written loop's networks too."""
    workload = WORKLOADS[name]
    overrides = {**workload.overrides, **(workload.quick if quick else {}),
                 "dtype_policy": dtype_policy}
    config = config_lib.load(workload.config, overrides)
    keras.config.set_dtype_policy(config["dtype_policy"])
    gan, data = build_lib.build_gan(config)
    return gan, config, data


def describe(name, config, data):
    """What workload `name` trains, in words, with its sizes."""
    m, d_steps = config["batch_size"], config["d_steps"]
    if data.point_dim is None:
        size = config["image_size"] or data.default_size
        what = (f"EDGAN (λ = {config['ced_weight']:g}, CED) on OptimizedDCGAN "
                f"{size}×{size}×{data.channels}, width {config['width']}, random images")
    else:
        what = (f"GAN ({config['model']}, non-saturating loss) on PacGAN's MLPs (G 4×400 "
                f"BN-ReLU, D 3×200 maxout of 5), {config['dataset']} points")
    return (f"{what}, z of {config['latent_dim']}, batch {m} × {d_steps} D step(s) "
            f"({m * d_steps} real samples per step), {config['optimizer']} (lr_D "
            f"{config['lr_d']:g}, lr_G {config['lr_g']:g}, β = ({config['beta_1']:g}, "
            f"{config['beta_2']:g})); configs/{WORKLOADS[name].config}.toml")


def real_data(config, data):
    """The training data, endless: each element is one step's `d_steps` minibatches. A
    repeated `tf.data.Dataset`, or without TensorFlow a `NumpyBatches`."""
    per_step = config["batch_size"] * config["d_steps"]
    if data.point_dim is not None:
        if tf is not None:
            return pipelines.load(
                config["dataset"], batch_size=per_step, seed=config["seed"]
            ).repeat()
        examples, _ = gmm.train_arrays(config["dataset"])
    else:
        size = config["image_size"] or data.default_size
        examples = np.random.default_rng(config["seed"]).uniform(
            -1, 1, (SYNTHETIC_IMAGES, size, size, data.channels)
        ).astype("float32")
        if tf is not None:
            dataset = tf.data.Dataset.from_tensor_slices(examples).repeat()
            return dataset.batch(per_step, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
    return NumpyBatches(examples, per_step, config["seed"])


class NumpyBatches:
    """Endless batches of `batch_size` rows of `examples`, reshuffled each epoch with a
    seeded numpy generator: each `iter()` is a fresh Python generator, as `fit` on JAX
    or PyTorch takes it."""

    def __init__(self, examples, batch_size, seed):
        self.examples, self.batch_size, self.seed = examples, batch_size, seed

    def __iter__(self):
        rng = np.random.default_rng(self.seed)
        while True:
            order = rng.permutation(len(self.examples))
            for start in range(0, len(order) - self.batch_size + 1, self.batch_size):
                yield self.examples[order[start:start + self.batch_size]]


class Cycle:
    """Endless repetitions of `elements` (numpy arrays); each `iter()` is a fresh
    Python generator."""

    def __init__(self, elements):
        self.elements = elements

    def __iter__(self):
        yield from itertools.cycle(self.elements)


def is_numpy(data):
    """Whether `data` is one of the numpy sources above rather than a tf.data.Dataset."""
    return isinstance(data, (NumpyBatches, Cycle))


def numpy_batches(data):
    """A fresh iterator over the elements of `data` as numpy arrays."""
    return iter(data) if is_numpy(data) else data.as_numpy_iterator()


def fit_input(data):
    """What `fit` takes to iterate `data`: the dataset itself, or a fresh generator of
    `(x,)` tuples (Keras' form for a generator's elements)."""
    return ((x,) for x in data) if is_numpy(data) else data


def in_memory(data, n):
    """The first `n` elements of `data` held in memory and repeated: the same kind of
    batches without the pipeline's work (reading, shuffling, batching, prefetching)."""
    elements = list(itertools.islice(numpy_batches(data), n))
    if is_numpy(data):
        return Cycle(elements)
    return tf.data.Dataset.from_tensor_slices(np.stack(elements)).repeat()


def backend_batches(data):
    """The elements of `data` as the backend's tensors, converted as `fit` converts
    them: TensorFlow's `fit` takes a dataset's tensors, JAX's and torch's numpy arrays."""
    if keras.backend.backend() == "tensorflow" and not is_numpy(data):
        return iter(data)
    return (ops.convert_to_tensor(batch) for batch in numpy_batches(data))


class EndTime(keras.callbacks.Callback):
    """Notes when `fit` has trained (its state computed), before `fit` deletes its data
    iterator: a repetition times the set-up of its iterator, not its tear-down (see
    `measure`)."""

    def on_train_end(self, logs=None):
        wait([v.value for v in self.model.variables])
        self.time = time.perf_counter()


def wait(values):
    """Returns once the tensors `values` are computed (JAX dispatches work
    asynchronously; the TensorFlow and torch steps return when done on the CPU)."""
    if keras.backend.backend() == "jax":
        import jax

        jax.block_until_ready(values)


# The hand-written loops.


@dataclasses.dataclass
class Parts:
    """What a hand-written loop trains with: its own networks and optimizers, its seed
    generator, and Algorithm 1's settings."""

    generator: keras.Model
    discriminator: keras.Model
    d_optimizer: keras.optimizers.Optimizer
    g_optimizer: keras.optimizers.Optimizer
    seed_generator: keras.random.SeedGenerator
    latent_dim: int
    noise_distribution: str
    noise_stddev: float
    d_steps: int
    ced_weight: float | None  # λ of EDGAN's L_G; None: the non-saturating loss alone
    ced_options: dict  # the estimator's bins, bandwidth, coupling (and value range)

    def noise(self, n):
        """z for `n` samples from the seed generator, as the model draws it."""
        return latent_noise((n, self.latent_dim), self.noise_distribution, self.noise_stddev,
                            self.seed_generator)

    def discriminator_loss(self, real_logits, fake_logits):
        return minimax_discriminator_loss(real_logits, fake_logits)

    def generator_loss(self, fake_logits, real, fake):
        loss = non_saturating_generator_loss(fake_logits)
        if self.ced_weight is None:
            return loss
        return loss + self.ced_weight * conditional_entropy_distance(
            real, fake, **self.ced_options
        )


def hand_written_parts(gan, config, data):
    """`Parts` for `gan`'s workload: networks by the same architecture function, with
    `gan`'s weights; optimizers of the same class and configuration; a seed generator
    in the state of `gan`'s, so that both draw the same z."""
    generator, discriminator = architectures.registry.ARCHITECTURES.build(
        config["architecture"], config, data
    )
    generator.set_weights(gan.generator.get_weights())
    discriminator.set_weights(gan.discriminator.get_weights())
    d_optimizer, g_optimizer = (
        type(optimizer).from_config(optimizer.get_config())
        for optimizer in (gan.d_optimizer, gan.g_optimizer)
    )
    d_optimizer.build(discriminator.trainable_variables)
    g_optimizer.build(generator.trainable_variables)
    seed_generator = keras.random.SeedGenerator()
    # A copy: JAX's `fit` donates (deletes) the arrays of the model's state.
    seed_generator.state.assign(ops.convert_to_numpy(gan.seed_generator.state))
    edgan = config["model"] == "edgan"
    ced_options = {key: config[key] for key in ("bins", "bandwidth", "coupling")} if edgan else {}
    if edgan and config["value_range"] is not None:
        ced_options["value_range"] = tuple(config["value_range"])
    return Parts(generator, discriminator, d_optimizer, g_optimizer, seed_generator,
                 config["latent_dim"], config["noise_distribution"], config["noise_stddev"],
                 config["d_steps"], config["ced_weight"] if edgan else None, ced_options)


def hand_written_loop(gan, config, data):
    """`(train, parts)`: `train(batches)` runs the hand-written loop of the current
    backend over an iterable of batches, each one step's `d_steps` minibatches, and
    leaves the trained state in the variables of `parts`."""
    parts = hand_written_parts(gan, config, data)
    loops = {"tensorflow": tensorflow_loop, "jax": jax_loop, "torch": torch_loop}
    return loops[keras.backend.backend()](parts), parts


def tensorflow_loop(parts):
    """`train(batches)` as in Keras' guide "Writing a training loop from scratch in
    TensorFlow": a `tf.function` step, `tf.GradientTape`, `apply_gradients`."""
    generator, discriminator = parts.generator, parts.discriminator

    @tf.function
    def train_step(batch):
        for real in ops.split(batch, parts.d_steps):
            fake = generator(parts.noise(ops.shape(real)[0]), training=True)
            with tf.GradientTape() as tape:
                d_loss = parts.discriminator_loss(
                    discriminator(real, training=True), discriminator(fake, training=True)
                )
            grads = tape.gradient(d_loss, discriminator.trainable_variables)
            parts.d_optimizer.apply_gradients(zip(grads, discriminator.trainable_variables))
        z = parts.noise(ops.shape(real)[0])
        with tf.GradientTape() as tape:
            fake = generator(z, training=True)
            g_loss = parts.generator_loss(discriminator(fake, training=True), real, fake)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        parts.g_optimizer.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss

    def train(batches):
        for batch in batches:
            train_step(batch)

    return train


def jax_loop(parts):
    """`train(batches)` as in Keras' guide "... from scratch in JAX": a `jax.jit` step
    of pure functions over the state (`stateless_call`, `jax.value_and_grad`,
    `stateless_apply`), the state written back to the variables at the end."""
    import jax

    generator, discriminator = parts.generator, parts.discriminator
    seed_state = parts.seed_generator.state

    def noise(seed, n):
        """z, and the seed generator's next state, from its state `seed`."""
        with keras.StatelessScope(state_mapping=[(seed_state, seed)]) as scope:
            z = parts.noise(n)
        return z, scope.get_current_value(seed_state)

    def d_loss_fn(d_trainable, d_non_trainable, real, fake):
        real_logits, d_non_trainable = discriminator.stateless_call(
            d_trainable, d_non_trainable, real, training=True
        )
        fake_logits, d_non_trainable = discriminator.stateless_call(
            d_trainable, d_non_trainable, fake, training=True
        )
        return parts.discriminator_loss(real_logits, fake_logits), d_non_trainable

    def g_loss_fn(g_trainable, g_non_trainable, d_trainable, d_non_trainable, z, real):
        fake, g_non_trainable = generator.stateless_call(
            g_trainable, g_non_trainable, z, training=True
        )
        fake_logits, d_non_trainable = discriminator.stateless_call(
            d_trainable, d_non_trainable, fake, training=True
        )
        loss = parts.generator_loss(fake_logits, real, fake)
        return loss, (g_non_trainable, d_non_trainable)

    @jax.jit
    def train_step(state, batch):
        g_trainable, g_non_trainable, d_trainable, d_non_trainable, g_opt, d_opt, seed = state
        for real in ops.split(batch, parts.d_steps):
            z, seed = noise(seed, real.shape[0])
            fake, g_non_trainable = generator.stateless_call(
                g_trainable, g_non_trainable, z, training=True
            )
            (d_loss, d_non_trainable), grads = jax.value_and_grad(d_loss_fn, has_aux=True)(
                d_trainable, d_non_trainable, real, fake
            )
            d_trainable, d_opt = parts.d_optimizer.stateless_apply(d_opt, grads, d_trainable)
        z, seed = noise(seed, real.shape[0])
        (g_loss, (g_non_trainable, d_non_trainable)), grads = jax.value_and_grad(
            g_loss_fn, has_aux=True
        )(g_trainable, g_non_trainable, d_trainable, d_non_trainable, z, real)
        g_trainable, g_opt = parts.g_optimizer.stateless_apply(g_opt, grads, g_trainable)
        state = (g_trainable, g_non_trainable, d_trainable, d_non_trainable, g_opt, d_opt, seed)
        return state, (d_loss, g_loss)

    groups = (
        generator.trainable_variables, generator.non_trainable_variables,
        discriminator.trainable_variables, discriminator.non_trainable_variables,
        parts.g_optimizer.variables, parts.d_optimizer.variables,
    )

    def train(batches):
        # The state travels outside the variables during the loop, as in `fit`.
        state = (*([v.value for v in group] for group in groups), seed_state.value)
        for batch in batches:
            state, _ = train_step(state, batch)
        *values, seed = state
        for group, group_values in zip(groups, values):
            for variable, value in zip(group, group_values):
                variable.assign(value)
        seed_state.assign(seed)

    return train


def torch_loop(parts):
    """`train(batches)` as in Keras' guide "... from scratch in PyTorch": an eager
    step, `loss.backward()`, `optimizer.apply` on the parameters' `.grad`."""
    import torch

    generator, discriminator = parts.generator, parts.discriminator

    def train_step(batch):
        for real in ops.split(batch, parts.d_steps):
            with torch.no_grad():
                fake = generator(parts.noise(real.shape[0]), training=True)
            d_loss = parts.discriminator_loss(
                discriminator(real, training=True), discriminator(fake, training=True)
            )
            discriminator.zero_grad()
            d_loss.backward()
            with torch.no_grad():
                parts.d_optimizer.apply(
                    [v.value.grad for v in discriminator.trainable_variables],
                    discriminator.trainable_variables,
                )
        fake = generator(parts.noise(real.shape[0]), training=True)
        g_loss = parts.generator_loss(discriminator(fake, training=True), real, fake)
        generator.zero_grad()
        # The generator's gradients only, as the model takes them: a plain backward()
        # would also compute (and accumulate) those of the discriminator's weights.
        g_loss.backward(inputs=[v.value for v in generator.trainable_variables])
        with torch.no_grad():
            parts.g_optimizer.apply(
                [v.value.grad for v in generator.trainable_variables],
                generator.trainable_variables,
            )
        return d_loss, g_loss

    def train(batches):
        for batch in batches:
            train_step(batch)

    return train


# Measuring, in the process of one backend.


def measure(name, quick, steps, repeats, warmup, dtype_policy):
    """One workload's timings on the current backend: a JSON-ready dict."""
    gan, config, data = build(name, quick, dtype_policy)
    train, parts = hand_written_loop(gan, config, data)
    dataset = real_data(config, data)
    # What `fit` iterates: the dataset with its per-batch value check, or the numpy data.
    checked = validation.checked_training_data(gan, dataset) if not is_numpy(dataset) else dataset
    memory = in_memory(dataset, min(steps, IN_MEMORY_ELEMENTS))
    networks = [*parts.generator.variables, *parts.discriminator.variables]

    def fit(source, n):
        end = EndTime()
        start = time.perf_counter()
        gan.fit(fit_input(source), epochs=1, steps_per_epoch=n, verbose=0, callbacks=[end])
        return end.time - start

    def hand_written(n):
        start = time.perf_counter()
        batches = backend_batches(dataset)
        train(itertools.islice(batches, n))
        wait([v.value for v in networks])
        return time.perf_counter() - start  # `batches` is deleted after: untimed

    def input_alone(n):
        start = time.perf_counter()
        batches = backend_batches(checked)
        for batch in itertools.islice(batches, n):
            pass
        wait(batch)
        return time.perf_counter() - start

    runs = {
        "keras_edgan": lambda n: fit(dataset, n),
        "hand_written": hand_written,
        "keras_edgan_in_memory": lambda n: fit(memory, n),
        "input_alone": input_alone,
    }
    for run in runs.values():
        run(warmup)
    seconds = {key: [] for key in runs}
    for repeat in range(repeats):
        order = list(runs)[repeat % len(runs):] + list(runs)[:repeat % len(runs)]
        for key in order:
            seconds[key].append(runs[key](steps) / steps)
        print(f"{keras.backend.backend()} {name} repetition {repeat + 1}/{repeats}: "
              + ", ".join(f"{key} {seconds[key][-1]:.4g} s/step" for key in runs),
              file=sys.stderr, flush=True)
    median = {key: statistics.median(values) for key, values in seconds.items()}
    return {
        "backend": keras.backend.backend(),
        "workload": name,
        "dtype_policy": dtype_policy,
        "description": describe(name, config, data),
        "steps": steps,
        "repeats": repeats,
        "warmup": warmup,
        "seconds_per_step": seconds,
        "keras_edgan_s": median["keras_edgan"],
        "hand_written_s": median["hand_written"],
        "ratio": median["keras_edgan"] / median["hand_written"],
        "keras_edgan_in_memory_s": median["keras_edgan_in_memory"],
        "input_wait_percent": 100 * (1 - median["keras_edgan_in_memory"] / median["keras_edgan"]),
        "input_alone_s": median["input_alone"],
    }


# The parent process.


def run_backend(backend, args):
    """Runs the workloads in a process of `backend`; returns its results (JSON lines on
    its stdout; its stderr, with the progress, passes through)."""
    command = [sys.executable, "-m", "keras_edgan.benchmarks.step_speed", "--in-process",
               f"--workloads={','.join(args.workloads)}", f"--repeats={args.repeats}",
               f"--warmup={args.warmup}", f"--dtype_policy={args.dtype_policy}"]
    if args.steps is not None:
        command.append(f"--steps={args.steps}")
    if args.quick:
        command.append("--quick")
    run = subprocess.run(command, env=dict(os.environ, KERAS_BACKEND=backend),
                         stdout=subprocess.PIPE, text=True)
    results = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    if run.returncode != 0:
        print(f"The {backend} run failed (exit {run.returncode}); its output is above.",
              file=sys.stderr, flush=True)
    return results, run.returncode == 0


COLUMNS = (
    ("backend", lambda r: r["backend"]),
    ("workload", lambda r: r["workload"]),
    ("dtype policy", lambda r: r["dtype_policy"]),
    ("timed steps × repetitions", lambda r: f"{r['steps']} × {r['repeats']}"),
    ("warm-up steps", lambda r: str(r["warmup"])),
    ("keras_edgan s/step", lambda r: f"{r['keras_edgan_s']:.4g}"),
    ("hand-written s/step", lambda r: f"{r['hand_written_s']:.4g}"),
    ("ratio", lambda r: f"{r['ratio']:.3f}"),
    ("keras_edgan in-memory s/step", lambda r: f"{r['keras_edgan_in_memory_s']:.4g}"),
    ("input wait %", lambda r: f"{r['input_wait_percent']:.1f}"),
    ("input alone s/step", lambda r: f"{r['input_alone_s']:.2g}"),
)


def table(results, machine):
    """The results as an aligned table, with what each number is."""
    cells = [[header for header, _ in COLUMNS]]
    cells += [[cell(result) for _, cell in COLUMNS] for result in results]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    described = {result["workload"]: result["description"] for result in results}
    load = ", ".join(f"{x:.1f}" for x in machine["load_average_1_5_15_min"])
    threads = machine["OMP_NUM_THREADS"]
    threads = "" if threads is None else f", OMP_NUM_THREADS={threads}"
    return "\n".join([
        "Seconds per generator step (s/step): for each side, the median over its "
        "repetitions of the repetition's wall time / its timed steps. ratio = keras_edgan "
        "s/step / hand-written s/step, both on the input pipeline. keras_edgan in-memory: "
        "fit on batches held in memory; input wait % = (keras_edgan − in-memory) / "
        "keras_edgan × 100 (negative: below the noise). input alone: drawing the batches "
        "that fit iterates, without training. The warm-up steps (tracing, compilation) "
        "run first on each side, untimed.",
        f"Machine: {machine['cpus']} CPUs ({machine['cpu']}), load average {load} (1, 5, "
        f"15 min){threads}.",
        *[f"{name}: {text}" for name, text in described.items()],
        "",
        *lines,
    ])


PROGRAM = "python -m keras_edgan.benchmarks.step_speed"


def parse(argv):
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Seconds per generator step of keras_edgan's fit and of a hand-written "
                    "loop of the same GAN, per Keras backend.",
    )
    listed = lambda text: [item for item in text.split(",") if item]  # noqa: E731
    parser.add_argument("--backends", type=listed, default=list(BACKENDS),
                        help=f"Comma-separated backends: {', '.join(BACKENDS)}.")
    parser.add_argument("--workloads", type=listed, default=list(WORKLOADS),
                        help=f"Comma-separated workloads: {', '.join(WORKLOADS)}.")
    parser.add_argument("--steps", type=int, help="Timed generator steps per repetition "
                        "(default: " + ", ".join(f"{k} {w.steps}" for k, w in WORKLOADS.items())
                        + f"; {QUICK['steps']} with --quick).")
    parser.add_argument("--repeats", type=int, help="Repetitions of each side (default "
                        f"{DEFAULTS['repeats']}; {QUICK['repeats']} with --quick).")
    parser.add_argument("--warmup", type=int, help="Untimed steps of each side before the "
                        f"repetitions, ≥ 1 (default {DEFAULTS['warmup']}; {QUICK['warmup']} "
                        "with --quick).")
    parser.add_argument("--quick", action="store_true", help="Tiny sizes (width 8, batch 8), "
                        "2 steps, 1 repetition: checks that it runs, measures nothing.")
    policy = RUN_OPTIONS["dtype_policy"]
    parser.add_argument("--dtype_policy", default=policy.default, help=policy.help)
    parser.add_argument("--json", metavar="PATH", help="Also write the results to PATH.")
    parser.add_argument("--in-process", action="store_true", help="Measure on this "
                        "process's backend (KERAS_BACKEND) and print one JSON line per "
                        "workload: what each backend's process runs.")
    args = parser.parse_args(argv)
    for given, known in ((args.backends, BACKENDS), (args.workloads, WORKLOADS)):
        unknown = sorted(set(given) - set(known))
        if unknown:
            parser.error(f"unknown {unknown}; choose from {', '.join(known)}")
    wrong = RUN_OPTIONS["dtype_policy"].check(args.dtype_policy)
    if wrong:
        parser.error(f"--dtype_policy={args.dtype_policy} {wrong}")
    budget = QUICK if args.quick else DEFAULTS
    args.repeats = budget["repeats"] if args.repeats is None else args.repeats
    args.warmup = budget["warmup"] if args.warmup is None else args.warmup
    if args.steps is None and args.quick:
        args.steps = QUICK["steps"]
    if min(args.repeats, args.warmup, args.steps or 1) < 1:
        parser.error("--steps, --repeats and --warmup must be ≥ 1 (a warm-up step compiles)")
    return args


def machine():
    """The CPU, its cores and their load: the machine's share of every number."""
    models = []
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as f:
            models = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
    return {"cpus": os.cpu_count(), "cpu": models[0] if models else platform.processor(),
            "platform": platform.platform(), "load_average_1_5_15_min": os.getloadavg(),
            # torch's intra-op threads (its default: one per core).
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS")}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    if args.in_process:
        # Keras warns at every `fit` on a dataset that its default shuffle=True does not
        # apply to one.
        warnings.filterwarnings("ignore", "`shuffle=True` was passed")
        for name in args.workloads:
            steps = args.steps or WORKLOADS[name].steps
            result = measure(name, args.quick, steps, args.repeats, args.warmup,
                             args.dtype_policy)
            print(json.dumps(result), flush=True)
        return 0
    results, failed = [], []
    for backend in args.backends:
        backend_results, ok = run_backend(backend, args)
        results += backend_results
        if not ok:
            failed.append(backend)
    at = machine()
    print(table(results, at), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"command": " ".join([PROGRAM, *argv]), "machine": at,
                       "results": results}, f, indent=1)
    if failed:
        print(f"Failed: {', '.join(failed)}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
