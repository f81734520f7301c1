"""The Parzen-window log-likelihood of held-out real images under generated ones.

The protocol of Goodfellow et al. 2014 ("Generative Adversarial Nets", §5,
Table 1, and their `parzen_ll.py`), after Breuleux et al. 2011: Gaussian kernels
of covariance σ²I are centred on generated images, in pixel space with pixels
scaled to [0, 1]; σ is the value of `BANDWIDTHS` (their grid, logspace(−1, 0,
10)) giving the highest mean log-likelihood of validation images; the test
images' mean log-likelihood under that σ is reported in nats per image with
its standard error, `std / sqrt(N)` over the test images (numpy's std, ddof=0,
as their script). Their MNIST numbers used 10,000 generated images, 1,000
validation images (`limit_size`) and the 10,000 test images.

Here the validation and test images are the held-out real images of
`held_out_images` (another split; for mnist5k its last 100 digits of each
class), in the seeded shuffled order of `real_batches`: the first
min(`VALIDATION_IMAGES`, half) choose σ, all the others are the test images.
mnist5k is a single split, so a GAN trained on it has seen those digits; for a
likelihood of unseen images, hold out another split of a dataset that has one.

The estimate is poor in high dimension and ranks models unreliably (Theis et
al. 2016, "A note on the evaluation of generative models"): report it only to
compare with papers that do.

Example:

>>> _, held_out = held_out_images("mnist5k")
>>> result = parzen_evaluation(
...     generated_batches(generator, latent_dim, 10_000), 10_000, "generated images", "mnist5k",
...     held_out, image_size=28)
>>> print(result.table())
"""

import dataclasses

import numpy as np

from keras_edgan.evaluation.activations import real_batches
from keras_edgan.metrics.parzen import parzen_bandwidth, parzen_log_densities

NAME = "Parzen log-likelihood (nats/image, pixels in [0,1])"
PIXEL_SCALE = (0.0, 1.0)
# Goodfellow et al.'s σ grid (`--sigma_start=-1 --sigma_end=0 --cross_val=10`),
# for pixels in [0, 1].
BANDWIDTH_GRID = "logspace(-1, 0, 10)"
BANDWIDTHS = tuple(float(sigma) for sigma in np.logspace(-1, 0, 10))
# Their validation images (`--limit_size`); fewer if the held-out images are few.
VALIDATION_IMAGES = 1000


@dataclasses.dataclass(frozen=True)
class ParzenEvaluation:
    """A Parzen-window log-likelihood, its standard error and how it was computed.

    Attributes:
        log_likelihood: mean log-density of the test images, nats per image,
            pixels in [0, 1].
        standard_error: std / sqrt(test_images) of the test images' log-densities.
        bandwidth: the σ chosen on the validation images.
        bandwidths: the σ grid tried.
        centres: generated (or real) images the kernels are centred on.
        validation_images: held-out images that chose σ.
        test_images: held-out images scored.
        centre_images: what the kernel centres are, in words ("generated images").
        held_out_images: what the held-out images are, in words.
    """

    log_likelihood: float
    standard_error: float
    bandwidth: float
    bandwidths: tuple
    centres: int
    validation_images: int
    test_images: int
    centre_images: str = "generated images"
    held_out_images: str = "held-out images"

    @property
    def at_grid_edge(self):
        """Whether σ is the grid's smallest or largest value (the optimum may lie beyond)."""
        return self.bandwidth in (min(self.bandwidths), max(self.bandwidths))

    def table(self):
        """The result as text lines, the number named for what it is."""
        edge = "; at the grid's edge, the best σ may lie beyond it" if self.at_grid_edge else ""
        grid = BANDWIDTH_GRID if self.bandwidths == BANDWIDTHS else "the given grid"
        return "\n".join([
            "Parzen window (Goodfellow et al. 2014), pixels in [0,1]",
            f"  kernel centres: {self.centres} {self.centre_images}",
            f"  held-out: {self.held_out_images}: {self.validation_images} validation, "
            f"{self.test_images} test images",
            f"  σ: {self.bandwidth:.6g} (best validation log-likelihood of {grid}{edge})",
            f"  {NAME}: {self.log_likelihood:.6g} ± {self.standard_error:.3g} "
            f"(standard error over the {self.test_images} test images)",
        ])

    def record(self):
        """The result as a JSON-ready dict, `name` saying what `log_likelihood` is."""
        return {
            "name": NAME, "log_likelihood": self.log_likelihood,
            "standard_error": self.standard_error, "bandwidth": self.bandwidth,
            "bandwidths": list(self.bandwidths), "bandwidth_at_grid_edge": self.at_grid_edge,
            "pixel_scale": list(PIXEL_SCALE), "centres": self.centres,
            "centre_images": self.centre_images, "validation_images": self.validation_images,
            "test_images": self.test_images, "held_out_images": self.held_out_images,
        }


def parzen_scores(centres, held_out, bandwidths=BANDWIDTHS, validation_images=None,
                  block_size=1024, **descriptions):
    """The Parzen-window evaluation of `held_out` images under kernels on `centres`.

    Both image sets are in [−1, 1], as the generator's and `real_batches`'; they
    are rescaled to [0, 1] (the protocol's pixels, to which `BANDWIDTHS` and the
    reported number refer). The first `validation_images` of `held_out`
    (default min(`VALIDATION_IMAGES`, half of them)) choose σ among `bandwidths`
    (`parzen_bandwidth`); the others are scored (`parzen_log_densities`).

    Args:
        centres: images (n, ...) in [−1, 1], the kernel centres.
        held_out: images (N, ...) in [−1, 1], N ≥ 2, validation images first.
        bandwidths: σ values to try, for pixels in [0, 1].
        validation_images: how many of `held_out` choose σ; at least one of
            `held_out` must be left to score.
        block_size: as in `parzen_log_likelihood`.
        **descriptions: `centre_images` and `held_out_images`, in words.

    Returns:
        A `ParzenEvaluation`.
    """
    count = len(held_out)
    if validation_images is None:
        validation_images = min(VALIDATION_IMAGES, count // 2)
    if not 1 <= validation_images < count:
        raise ValueError(
            f"The Parzen window needs held-out images both to choose σ and to score; got "
            f"{count} held-out images and validation_images={validation_images}. Hold out "
            f"at least 2 images and leave some to score."
        )
    centres, held_out = (_unit_pixels(images) for images in (centres, held_out))
    validation, test = held_out[:validation_images], held_out[validation_images:]
    bandwidth = parzen_bandwidth(validation, centres, bandwidths, block_size)
    densities = parzen_log_densities(test, centres, bandwidth, block_size)
    return ParzenEvaluation(
        float(densities.mean()), float(densities.std() / np.sqrt(len(densities))), bandwidth,
        tuple(float(sigma) for sigma in bandwidths), len(centres), len(validation), len(test),
        **descriptions,
    )


def parzen_evaluation(centre_batches, num_centres, centre_images, dataset, held_out, image_size,
                      data_dir=None, batch_size=100, seed=0):
    """`parzen_scores` of the first `num_centres` images of `centre_batches` and
    all the `held_out` images of `dataset`, read at `image_size` in the order of
    `real_batches(..., seed=seed)`.

    Args:
        centre_batches: batches (n, H, W, C) in [−1, 1]: `generated_batches`,
            or `real_batches` of real images disjoint from `held_out`.
        num_centres: how many of them to use.
        centre_images: what they are, in words ("generated images", ...).
        dataset: the image dataset of `held_out`.
        held_out: a `RealImages` of `held_out_images`.
        image_size: the side the held-out images are read at, the centres'.
        data_dir, batch_size, seed: as in `real_batches`.

    Returns:
        A `ParzenEvaluation`.
    """
    centres = _take(centre_batches, num_centres, "kernel-centre")
    held_out_batches = real_batches(
        dataset, image_size, split=held_out.split, data_dir=data_dir, batch_size=batch_size,
        seed=seed, part=held_out.part,
    )
    images = _take(held_out_batches, None, "held-out")
    return parzen_scores(
        centres, images, centre_images=centre_images,
        held_out_images=f"{dataset} {held_out.description} ({len(images)} images)",
    )


def _unit_pixels(images):
    """Images in [−1, 1] as float64 pixels in [0, 1]."""
    return (np.asarray(images, np.float64) + 1.0) / 2.0


def _take(batches, count, what):
    """The first `count` images of `batches` (all of them for None) in one array."""
    taken, total = [], 0
    for images in batches:
        if count is not None:
            images = images[: count - total]
        taken.append(np.asarray(images))
        total += len(images)
        if total == count:
            break
    if not total or (count is not None and total < count):
        raise ValueError(
            f"The {what} images ran out after {total} of the {count or 'some'} needed. "
            f"Ask for at most {total}."
        )
    return np.concatenate(taken)
