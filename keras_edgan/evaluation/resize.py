"""How images reach the reference Inception network's 299×299 input: three named
resize definitions, each the one of a family of published FID numbers.

Published FIDs of one model differ by points between libraries partly because
of this step (Parmar et al. 2022, "On Aliased Resizing and Surprising Subtleties
in GAN Evaluation"), so the definition is part of a score's name when it is not
the default (`FID[pil_bicubic]`, see `keras_edgan.evaluation.metric_names`) and
of the cache key of real statistics.

- "tf2_bilinear" (the default): `tf.image.resize(images, size, "bilinear")` on
  the float images in [-1, 1]: half-pixel centres (source coordinate
  (dst + ½)·in/out − ½, clamped to the image), no antialiasing. What TF-GAN's
  examples do (`tensorflow_gan/examples/cifar/util.py`), and what keras_edgan
  always did before the option existed.
- "tf1_bilinear": TensorFlow 1's `resize_bilinear` with align_corners=False, the
  op inside the 2015 Inception graph that the original TTUR and improved-GAN
  code feed (`FID_Inception_Net/ExpandDims:0`) and clean-fid's
  "legacy_tensorflow" mode: the legacy asymmetric mapping, source coordinate
  dst·in/out (no half-pixel shift), the last source pixel repeated beyond the
  edge. Run as `tf.raw_ops.ResizeBilinear(half_pixel_centers=False)`.
- "pil_bicubic": clean-fid's "clean" mode (`cleanfid/resize.py`,
  `make_resizer("PIL", False, "bicubic", (299, 299))`): images quantised to
  uint8 first (x in [-1, 1] → round((x + 1)·127.5), the inverse of the
  pipelines' x / 127.5 − 1, so real images get their stored pixels back), then
  each channel resized on its own by PIL in float mode ("F") with
  `Image.BICUBIC` (antialiased when shrinking), clipped to [0, 255] and scaled
  back to [-1, 1] by x / 127.5 − 1 for the TF-Hub module.

All three end in [-1, 1] by x / 127.5 − 1, the TF-Hub module's input; the
original graph (and clean-fid's copy of it) normalises its [0, 255] input by
(x − 128) / 128 instead, a 0.4 % affine difference that no definition here
reproduces.
"""

import numpy as np
import tensorflow as tf
from PIL import Image

DEFAULT_RESIZE = "tf2_bilinear"
RESIZE_DEFINITIONS = ("tf2_bilinear", "tf1_bilinear", "pil_bicubic")


def check_resize(resize):
    """Raises a ValueError naming the definitions if `resize` is not one of them."""
    if resize not in RESIZE_DEFINITIONS:
        raise ValueError(
            f"Unknown FID resize definition {resize!r}. Choose one of: "
            f"{', '.join(RESIZE_DEFINITIONS)} (see keras_edgan.evaluation.resize)."
        )


def resize_images(images, size, resize=DEFAULT_RESIZE):
    """Resizes images in [-1, 1] to `size`×`size` with the definition `resize`.

    Example:

    >>> resize_images(images, 299, "pil_bicubic").shape   # images (n, 32, 32, 3)
    TensorShape([n, 299, 299, 3])

    Args:
        images: float array or tensor (n, H, W, C) in [-1, 1].
        size: the output side.
        resize: one of `RESIZE_DEFINITIONS`.

    Returns:
        A float32 tensor (n, size, size, C) in [-1, 1] (pil_bicubic: exactly;
        the bilinear ones interpolate, so they stay within the input's range).
    """
    check_resize(resize)
    images = tf.convert_to_tensor(images, tf.float32)
    if resize == "tf2_bilinear":
        return tf.image.resize(images, (size, size), method="bilinear")
    if resize == "tf1_bilinear":
        return tf.raw_ops.ResizeBilinear(
            images=images, size=[size, size], align_corners=False, half_pixel_centers=False
        )
    return tf.convert_to_tensor(_pil_bicubic(images.numpy(), size))


def to_uint8(images):
    """Images in [-1, 1] as uint8 pixels: round((x + 1)·127.5), half up, clipped."""
    return np.clip(np.floor((np.asarray(images) + 1.0) * 127.5 + 0.5), 0, 255).astype(np.uint8)


def _pil_bicubic(images, size):
    pixels = to_uint8(images)
    resized = np.empty(pixels.shape[:1] + (size, size) + pixels.shape[3:], np.float32)
    for index, image in enumerate(pixels):
        for channel in range(image.shape[-1]):
            # A 2-D float32 array is a PIL image of mode "F" (32-bit float pixels).
            plane = Image.fromarray(image[..., channel].astype(np.float32))
            resized[index, ..., channel] = np.asarray(plane.resize((size, size), Image.BICUBIC))
    return np.clip(resized, 0.0, 255.0) / 127.5 - 1.0
