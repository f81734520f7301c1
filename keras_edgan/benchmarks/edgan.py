"""The EDGAN ablation: what the CED penalty does, against the same GAN without it.

    python -m keras_edgan.benchmarks.edgan                # the full run (see README.md)
    python -m keras_edgan.benchmarks.edgan --quick        # every row briefly, a few minutes
    python -m keras_edgan.benchmarks.edgan --datasets=ring --rows=no_penalty,edgan_nearest

Tan et al. 2020 (EDGAN, seed 000) compare No-Penalty, their CED penalty, a JS
penalty and the Bi-Penalty network (Table 5) and sweep λ (Table 3) by FID on
CIFAR-10-sized data. Here the same rows train with equal generator steps on data
where mode collapse is visible:

- `mnist5k`: the 5,000 embedded MNIST digits, OptimizedDCGAN at a CPU width, the
  paper's optimizer and step (OAdam β = (0.5, 0.9), lr_D 1e-4, lr_G 4e-4, 2 D steps,
  batch 64). Scores on `samples` generated digits against the statistics of all
  5,000: FD-, KD- and CS-mnist-classifier (the embedded MNIST classifier's features,
  not Inception: not FID), the number of classes generated and the KL divergence of
  the predicted-class histogram from uniform (0 when every class is as frequent).
- `ring`, `grid`: the 2-D Gaussian mixtures of GAN+VER with PacGAN's MLPs and Adam
  2e-4 (the settings of `configs/ver_*_vgan.toml`), the penalty's histogram bins over
  the data's range. Scores: Modes, HQ and KL of `keras_edgan.metrics.gmm_scores` on
  5 × 2,500 points.

Every row is one model class of `keras_edgan.models` with only the penalty changed;
each trains `seeds` times (one for the λ sweep) and reports mean ± standard
deviation and wall time. Results go to `<logdir>/tables.md` and `results.json`;
what each row draws (64 digits, or 2,500 points over the mixture) to
`<logdir>/<dataset>.png`, a picture per row.
"""

import json
import os
import time

import keras
import numpy as np
from absl import app, flags, logging

from PIL import Image

import pipelines
from keras_edgan import architectures, evaluation, models, optimizers
from keras_edgan.callbacks.sample_grid import image_grid
from keras_edgan.callbacks.scatter_plot import scatter_image
from keras_edgan.losses.conditional_entropy_distance import DEFAULT_COUPLING
from keras_edgan.losses.coupling import COUPLINGS
from keras_edgan.metrics import gmm_scores
from pipelines import gmm

DATASETS = ("mnist5k", "ring", "grid")


def _row(model, penalty_weight=1.0, sweep=False, **options):
    return dict(model=model, penalty_weight=penalty_weight, sweep=sweep, options=options)


# Each row: the model class, λ and the estimator's options. λ = 1 of the sweep is
# the default coupling's own row.
ROWS = {
    "no_penalty": _row(models.EDGAN, penalty_weight=0.0),
    **{f"edgan_{c}": _row(models.EDGAN, coupling=c) for c in COUPLINGS},
    "js_penalty": _row(models.JSPenaltyGAN),
    "bi_penalty": _row(models.BiPenaltyGAN, coupling=DEFAULT_COUPLING),
    **{f"lambda_{w:g}": _row(models.EDGAN, penalty_weight=w, sweep=True, coupling=DEFAULT_COUPLING)
       for w in (0.1, 5.0, 10.0)},
}

# The CPU budget of the full run (119 minutes measured on 2 cores, partly beside a test
# run: the digits train at about 10 generator steps/s, the mixtures at about 100) and of
# --quick.
FULL = dict(steps={"mnist5k": 1500, "ring": 3000, "grid": 3000}, seeds=3, samples=2000)
QUICK = dict(steps={"mnist5k": 4, "ring": 4, "grid": 4}, seeds=1, samples=200)
MNIST_WIDTH, QUICK_MNIST_WIDTH = 16, 4
# The histogram range of the penalty on each mixture: its means ± 4σ.
GMM_VALUE_RANGE = {"ring": (-1.2, 1.2), "grid": (-4.2, 4.2)}

FLAGS = flags.FLAGS


def define_flags():
    """The command's flags, defined when it runs: importing the module (the tests do,
    beside `train`, whose flags share names) defines none."""
    flags.DEFINE_bool("quick", False, "Every row for a few steps on narrow networks, 200 "
                      "evaluation samples: checks that everything runs, measures nothing.")
    flags.DEFINE_list("datasets", list(DATASETS), f"Datasets: {', '.join(DATASETS)}.")
    flags.DEFINE_list("rows", list(ROWS), f"Rows: {', '.join(ROWS)}.")
    flags.DEFINE_string("logdir", os.path.join("runs", "edgan_benchmark"), "Output directory.")


def networks(dataset, quick):
    if dataset == "mnist5k":
        width = QUICK_MNIST_WIDTH if quick else MNIST_WIDTH
        generator, discriminator = architectures.optimized_dcgan(
            image_size=28, channels=1, latent_dim=128, width=width
        )
        return generator, discriminator, 128
    generator, discriminator = architectures.pacgan_mlp()
    return generator, discriminator, 2


def build(dataset, row, seed, quick):
    """One row's model, compiled with the dataset's optimizers."""
    keras.utils.set_random_seed(seed)
    generator, discriminator, latent_dim = networks(dataset, quick)
    spec = ROWS[row]
    options = dict(spec["options"])
    if dataset in GMM_VALUE_RANGE:
        options["value_range"] = GMM_VALUE_RANGE[dataset]
    d_steps = 2 if dataset == "mnist5k" else 1
    gan = spec["model"](generator, discriminator, latent_dim=latent_dim, d_steps=d_steps,
                        penalty_weight=spec["penalty_weight"], seed=seed, **options)
    if dataset == "mnist5k":
        gan.compile(d_optimizer=optimizers.OAdam(1e-4, beta_1=0.5, beta_2=0.9),
                    g_optimizer=optimizers.OAdam(4e-4, beta_1=0.5, beta_2=0.9))
    else:
        gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                    g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    return gan


def mnist_scores(gan, samples, real, extractor):
    """FD/KD/CS-mnist-classifier, classes generated and the class histogram's KL from uniform."""
    batches = np.array_split(gan.generate(samples, seed=1), max(1, samples // 100))
    report = evaluation.evaluate_images(batches, extractor, real, samples)
    _, logits = evaluation.stream_activations(extractor, batches, samples)
    counts = np.bincount(logits.argmax(axis=1), minlength=10)
    frequencies = counts / counts.sum()
    present = frequencies > 0
    return {
        **{name.split("-")[0].lower(): value for name, value in report.scores.items()},
        "classes": int(present.sum()),
        "class_kl": float(np.sum(frequencies[present] * np.log(10 * frequencies[present]))),
    }


def run(dataset, row, seed, budget, quick, scorer):
    gan = build(dataset, row, seed, quick)
    steps = budget["steps"][dataset]
    d_steps = gan.d_steps
    data = pipelines.load(dataset, batch_size=d_steps * 64, seed=seed).repeat().take(steps)
    start = time.perf_counter()
    gan.fit(data, epochs=1, verbose=0)
    seconds = time.perf_counter() - start
    scores = scorer(gan)
    return {"scores": scores, "seconds": seconds, "steps": gan.generator_step,
            "picture": picture(dataset, gan)}


def picture(dataset, gan):
    """What the generator draws: 8×8 digits, or 2,500 points over the mixture."""
    if dataset == "mnist5k":
        return image_grid(gan.generate(64, seed=2), rows=8).repeat(3, axis=-1)
    real, _ = gmm.sample(dataset, 2500, seed=2)
    limits = (GMM_VALUE_RANGE[dataset][0] * 1.2, GMM_VALUE_RANGE[dataset][1] * 1.2)
    return scatter_image(real, gan.generate(2500, seed=2), limits=limits, size=2.24)


def save_pictures(logdir, dataset, rows):
    """`<logdir>/<dataset>.png`: the first seed's picture of every row so far, left to
    right in the table's order; each run's own is `<logdir>/<dataset>/<row>_seed<k>.png`."""
    strip = np.concatenate([runs[0]["picture"] for runs in rows.values() if runs], axis=1)
    Image.fromarray(strip).save(os.path.join(logdir, f"{dataset}.png"))


def scorer_for(dataset, budget):
    if dataset == "mnist5k":
        extractor = evaluation.mnist_classifier_extractor()
        real = evaluation.real_statistics(extractor, "mnist5k", 5000, image_size=28)
        return lambda gan: mnist_scores(gan, budget["samples"], real, extractor)
    repeats = 5 if budget is FULL else 1
    size = 2500 if budget is FULL else budget["samples"]
    return lambda gan: gmm_scores(gan.generate(repeats * size, seed=1), dataset, repeats=repeats)


COLUMNS = {"mnist5k": ("fd", "kd", "cs", "classes", "class_kl"),
           "ring": ("modes", "hq", "kl"), "grid": ("modes", "hq", "kl")}
HEADERS = {"fd": "FD-mnist-classifier", "kd": "KD-mnist-classifier",
           "cs": "CS-mnist-classifier", "classes": "classes", "class_kl": "class KL",
           "modes": "Modes", "hq": "HQ (%)", "kl": "KL"}


def table(dataset, results):
    """Markdown: a row per ablation row, mean ± standard deviation over seeds."""
    columns = COLUMNS[dataset]
    lines = [f"### {dataset}", "",
             "| row | seeds | " + " | ".join(HEADERS[c] for c in columns) + " | s per run |",
             "|---|---|" + "---|" * (len(columns) + 1)]
    for row, runs in results.items():
        cells = []
        for column in columns:
            values = np.array([run["scores"][column] for run in runs], dtype=float)
            cells.append(f"{values.mean():.3g} ± {values.std():.2g}" if len(values) > 1
                         else f"{values[0]:.3g}")
        seconds = np.mean([run["seconds"] for run in runs])
        lines.append(f"| {row} | {len(runs)} | " + " | ".join(cells) + f" | {seconds:.0f} |")
    return "\n".join(lines)


def write(logdir, results, budget, seconds, quick, finished):
    """tables.md and results.json of the runs so far: a stopped benchmark keeps them."""
    report = "\n\n".join(
        [f"EDGAN ablation ({'quick' if quick else 'full'}{'' if finished else ', unfinished'}), "
         f"backend {keras.backend.backend()}, {seconds / 60:.1f} min in all; steps per run "
         f"{budget['steps']}, default coupling {DEFAULT_COUPLING}. Pictures, left to right "
         f"in the tables' row order: " + ", ".join(f"{d}.png" for d in results) + "."]
        + [table(dataset, {row: runs for row, runs in rows.items() if runs})
           for dataset, rows in results.items()]
    )
    with open(os.path.join(logdir, "tables.md"), "w") as f:
        f.write(report + "\n")
    plain = {dataset: {row: [{k: v for k, v in run.items() if k != "picture"} for run in runs]
                       for row, runs in rows.items()} for dataset, rows in results.items()}
    with open(os.path.join(logdir, "results.json"), "w") as f:
        json.dump({"quick": quick, "finished": finished, "seconds": seconds,
                   "results": plain}, f, indent=1)
    return report


def main(argv):
    del argv
    unknown = sorted(set(FLAGS.datasets) - set(DATASETS)) + sorted(set(FLAGS.rows) - set(ROWS))
    if unknown:
        raise app.UsageError(f"Unknown dataset or row {unknown}; datasets: "
                             f"{', '.join(DATASETS)}; rows: {', '.join(ROWS)}.")
    budget = QUICK if FLAGS.quick else FULL
    start = time.perf_counter()
    results = {}
    for dataset in [d for d in DATASETS if d in FLAGS.datasets]:
        os.makedirs(os.path.join(FLAGS.logdir, dataset), exist_ok=True)
        scorer = scorer_for(dataset, budget)
        results[dataset] = {}
        for row in [r for r in ROWS if r in FLAGS.rows]:
            seeds = 1 if ROWS[row]["sweep"] else budget["seeds"]
            results[dataset][row] = []
            for seed in range(seeds):
                logging.info("=== %s, %s, seed %d", dataset, row, seed)
                result = run(dataset, row, seed, budget, FLAGS.quick, scorer)
                logging.info("    %s in %.0f s", result["scores"], result["seconds"])
                Image.fromarray(result["picture"]).save(
                    os.path.join(FLAGS.logdir, dataset, f"{row}_seed{seed}.png"))
                results[dataset][row].append(result)
                save_pictures(FLAGS.logdir, dataset, results[dataset])
                write(FLAGS.logdir, results, budget, time.perf_counter() - start,
                      FLAGS.quick, finished=False)
    print(write(FLAGS.logdir, results, budget, time.perf_counter() - start, FLAGS.quick,
                finished=True), flush=True)


if __name__ == "__main__":
    define_flags()
    app.run(main)
