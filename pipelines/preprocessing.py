"""Image preprocessing: decode, centre-crop, resize, scale to [-1, 1].

Every function works on one image (H, W, C) inside a `tf.data` map.

Example:

>>> import numpy as np
>>> from pipelines import preprocessing
>>> image = np.zeros((218, 178, 3), np.uint8)  # one CelebA-sized image
>>> out = preprocessing.preprocess(image, channels=3, size=32, crop=preprocessing.crop_for("celeb_a"))
>>> out.shape, out.dtype
(TensorShape([32, 32, 3]), tf.float32)
"""

import functools

import tensorflow as tf

# CelebA's aligned images are 218x178 with the face centred. The centred
# 108x108 window (the crop of the widely reused DCGAN-TensorFlow CelebA
# pipeline) keeps eyes, nose, mouth and chin and drops most hair and
# background, so a 32x32 generator spends its capacity on the face.
CELEB_A_CROP = 108


def rescale(image):
    """Maps uint8 [0, 255] to float32 [-1, 1] exactly as `x / 127.5 - 1`."""
    image = tf.convert_to_tensor(image)
    if image.dtype != tf.uint8:
        raise TypeError(
            f"rescale expects uint8 pixels in [0, 255], got dtype {image.dtype.name}; "
            "decode the image first (see decode) or cast whole-number pixels to uint8."
        )
    return tf.cast(image, tf.float32) / 127.5 - 1.0


def center_crop(image, height, width):
    """Crops the centred `height` x `width` window (offsets rounded down)."""
    shape = tf.shape(image)
    top = (shape[0] - height) // 2
    left = (shape[1] - width) // 2
    return tf.image.crop_to_bounding_box(image, top, left, height, width)


def center_square_crop(image):
    """Crops the centred square whose side is the image's shorter side."""
    shape = tf.shape(image)
    side = tf.minimum(shape[0], shape[1])
    return center_crop(image, side, side)


def resize(image, size):
    """Resizes a float image to `size` x `size`: bilinear, antialiased when downsampling.

    TF's antialias flag only changes downsampling (a triangle filter as wide as
    the scale factor, like PIL's BILINEAR); upsampling stays plain bilinear.
    """
    if tuple(image.shape[:2]) == (size, size):
        return image
    resized = tf.image.resize(image, [size, size], method="bilinear", antialias=True)
    # Interpolation weights sum to one only up to rounding, which can push a
    # pixel a few ulp past the [-1, 1] bounds.
    return tf.clip_by_value(resized, -1.0, 1.0)


def decode(encoded, channels):
    """Decodes PNG or JPEG bytes to a uint8 (H, W, channels) image.

    JPEGs are decoded with the accurate integer DCT, libjpeg's default: pixels
    then equal PIL's, which reference GAN-metric pipelines read images with
    (TF's default DCT does not match them exactly). TF documents that
    `decode_jpeg` decodes PNGs as well.
    """
    return tf.io.decode_jpeg(encoded, channels=channels, dct_method="INTEGER_ACCURATE")


def crop_for(name):
    """The crop dataset `name` needs before resizing, or None.

    celeb_a: the centred 108x108 window (see `CELEB_A_CROP`); lsun/bedroom:
    the centred square of the shorter side, so resizing keeps the aspect ratio.
    """
    crops = {
        "celeb_a": functools.partial(center_crop, height=CELEB_A_CROP, width=CELEB_A_CROP),
        "lsun/bedroom": center_square_crop,
    }
    return crops.get(name)


def preprocess(image, channels, size, crop=None):
    """Turns one stored image into a float32 (size, size, channels) image in [-1, 1].

    Args:
        image: encoded bytes (PNG/JPEG, as TFDS stores them) or a uint8 array.
        channels: channels of the output.
        size: side of the output.
        crop: applied to the uint8 image before resizing (see `crop_for`).
    """
    image = tf.convert_to_tensor(image)
    if image.dtype == tf.string:
        image = decode(image, channels)
    if crop is not None:
        image = crop(image)
    return resize(rescale(image), size)
