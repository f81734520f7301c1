"""Differentiable Augmentation (Zhao, Liu, Lin, Zhu and Han, "Differentiable
Augmentation for Data-Efficient GAN Training", NeurIPS 2020): the same random,
differentiable transformations of every image the discriminator sees, real or
generated, in both updates, so that the discriminator cannot memorize a small training
set and the generator still receives its gradient through them.

The constants are those of the authors' code (mit-han-lab/data-efficient-gans,
`DiffAugment_tf.py` and `DiffAugment_pytorch.py` since its "Updated ratio" commit),
for images in [−1, 1] as theirs are:

- `color`: brightness x + b, b ~ U(−0.5, 0.5); saturation m + s·(x − m), m the mean
  over the channels of each pixel, s ~ U(0, 2); contrast m + c·(x − m), m the mean of
  the image, c ~ U(0.5, 1.5); one b, s, c per image, in that order;
- `translation`: a shift by whole pixels, up to H/8 rows and W/8 columns either way
  (rounded to the nearest integer, halves up; uniform integers, one shift per image),
  the pixels shifted in being 0;
- `cutout`: an h × w rectangle set to 0, h and w H/2 and W/2 rounded likewise,
  centred on a uniform position that lets it reach past the border (then only its
  part inside is cut), one per image.
"""

import keras
from keras import ops

POLICIES = ("color", "translation", "cutout")
"""The augmentations, by name, as the authors' code names them."""


def _shift_limit(size):
    """The largest shift along a side of `size` pixels: size/8, rounded."""
    return int(size * 0.125 + 0.5)


def _cutout_size(size):
    """The cut-out rectangle's side along a side of `size` pixels: size/2, rounded."""
    return int(size * 0.5 + 0.5)


def diff_augment_policy(policy):
    """The policy named by `policy`, as a comma-separated string of `POLICIES` in the
    order they apply (None: no augmentation).

    `policy` is None, "" or False (none), True (the paper's full policy,
    "color,translation,cutout"), a comma-separated string, or a list of names.

    Example:
    >>> diff_augment_policy(["translation", "color"])
    'translation,color'
    >>> diff_augment_policy(True)
    'color,translation,cutout'
    """
    if policy is None or policy is False or policy == "" or policy == []:
        return None
    if policy is True:
        return ",".join(POLICIES)
    if isinstance(policy, str):
        names = [name.strip() for name in policy.split(",")]
    elif isinstance(policy, (list, tuple)) and all(isinstance(n, str) for n in policy):
        names = [name.strip() for name in policy]
    else:
        raise ValueError(
            f"diff_augment must name DiffAugment policies, e.g. \"color,translation,"
            f"cutout\" (or True for those three, None for none); got {policy!r}."
        )
    unknown = [name for name in names if name not in POLICIES]
    if unknown:
        raise ValueError(
            f"diff_augment: unknown policy {unknown[0]!r} in {policy!r}. Choose from: "
            f"{', '.join(POLICIES)} (comma-separated)."
        )
    if len(set(names)) != len(names):
        raise ValueError(f"diff_augment names a policy twice: {policy!r}.")
    return ",".join(names)


def check_images(shape, policy):
    """Refuses DiffAugment for samples that are not images: `shape`, that of one
    sample, must be (height, width, channels)."""
    if policy and len(shape) != 3:
        raise ValueError(
            f"diff_augment={policy!r} transforms images (height, width, channels), but "
            f"the generator makes samples of shape {tuple(shape)}. DiffAugment is for "
            f"image data; leave it unset for points or vectors."
        )


def diff_augment_draws(images, policy, seed=None):
    """The random draws of `policy` for the batch `images` (n, H, W, C), from
    `seed` (a `keras.random.SeedGenerator`): a dict with, per policy,

    - `color`: `brightness`, `saturation`, `contrast`, each (n,), of U(−0.5, 0.5),
      U(0, 2) and U(0.5, 1.5);
    - `translation`: (n, 2) int32 shifts (rows, columns) in [−s_H, s_H] × [−s_W, s_W],
      s the side's size/8 rounded;
    - `cutout`: (n, 2) int32 centres (row, column) in [0, H − (h mod 2)] ×
      [0, W − (w mod 2)], h × w the rectangle (H/2 × W/2 rounded).

    `apply_diff_augment(images, policy, draws)` then transforms the images.
    """
    images = ops.convert_to_tensor(images)
    n = ops.shape(images)[0]
    height, width = images.shape[1], images.shape[2]
    dtype = keras.backend.standardize_dtype(images.dtype)
    draws = {}
    for name in (policy or "").split(","):
        if name == "color":
            draws["brightness"] = keras.random.uniform((n,), dtype=dtype, seed=seed) - 0.5
            draws["saturation"] = keras.random.uniform((n,), dtype=dtype, seed=seed) * 2.0
            draws["contrast"] = keras.random.uniform((n,), dtype=dtype, seed=seed) + 0.5
        elif name == "translation":
            draws["translation"] = ops.stack([
                keras.random.randint((n,), -_shift_limit(size), _shift_limit(size) + 1,
                                     dtype="int32", seed=seed)
                for size in (height, width)
            ], axis=1)
        elif name == "cutout":
            draws["cutout"] = ops.stack([
                keras.random.randint((n,), 0, size + 1 - _cutout_size(size) % 2,
                                     dtype="int32", seed=seed)
                for size in (height, width)
            ], axis=1)
    return draws


def apply_diff_augment(images, policy, draws):
    """`images` (n, H, W, C) transformed by `policy` with the given `draws` (those of
    `diff_augment_draws`); differentiable with respect to `images`."""
    images = ops.convert_to_tensor(images)
    for name in (policy or "").split(","):
        if name == "color":
            images = _color(images, draws["brightness"], draws["saturation"],
                            draws["contrast"])
        elif name == "translation":
            images = _translate(images, draws["translation"])
        elif name == "cutout":
            images = _cut_out(images, draws["cutout"])
    return images


def diff_augment(images, policy, seed=None):
    """`images` (n, H, W, C) augmented by `policy` ("color,translation,cutout" or a
    part of it), with fresh draws from `seed`.

    Example:
    ```python
    seen = diff_augment(images, "color,translation,cutout",
                        seed=keras.random.SeedGenerator(0))
    ```
    """
    return apply_diff_augment(images, policy, diff_augment_draws(images, policy, seed))


def _per_image(values):
    return ops.reshape(values, (-1, 1, 1, 1))


def _color(images, brightness, saturation, contrast):
    images = images + _per_image(brightness)
    pixel_mean = ops.mean(images, axis=3, keepdims=True)
    images = pixel_mean + _per_image(saturation) * (images - pixel_mean)
    image_mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
    return image_mean + _per_image(contrast) * (images - image_mean)


def _translate(images, shifts):
    """Output pixel (i, j) of image b is input pixel (i + shifts[b, 0], j + shifts[b, 1]),
    0 outside the image: a gather from the image padded with one ring of zeros, the
    indices clipped onto that ring. A gather, not a product with shift matrices: it
    is exact where matrix units round float32 (TF32)."""
    height, width, channels = images.shape[1], images.shape[2], images.shape[3]
    padded = ops.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)))
    rows = ops.clip(ops.arange(height, dtype="int32")[None, :] + shifts[:, :1] + 1,
                    0, height + 1)
    columns = ops.clip(ops.arange(width, dtype="int32")[None, :] + shifts[:, 1:] + 1,
                       0, width + 1)
    n = ops.shape(images)[0]
    first = ops.arange(n, dtype="int32")[:, None, None] * ((height + 2) * (width + 2))
    index = first + rows[:, :, None] * (width + 2) + columns[:, None, :]  # (n, H, W)
    flat = ops.reshape(padded, (-1, channels))
    return ops.reshape(ops.take(flat, ops.reshape(index, (-1,)), axis=0),
                       (n, height, width, channels))


def _cut_out(images, centres):
    """Zeroes, in image b, the rows [r − ⌊h/2⌋, r − ⌊h/2⌋ + h) × columns
    [c − ⌊w/2⌋, c − ⌊w/2⌋ + w) within the image, (r, c) = centres[b], h × w the
    rectangle's size."""
    height, width = images.shape[1], images.shape[2]

    def inside(size, centre):
        cut = _cutout_size(size)
        start = centre[:, None] - cut // 2
        position = ops.arange(size, dtype="int32")[None, :]
        return ops.logical_and(position >= start, position < start + cut)

    cut = ops.logical_and(inside(height, centres[:, 0])[:, :, None],
                          inside(width, centres[:, 1])[:, None, :])
    return images * ops.cast(ops.logical_not(cut), images.dtype)[..., None]
