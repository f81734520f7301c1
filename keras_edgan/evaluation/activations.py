"""Activations of many images, computed batch by batch so no image set sits in memory."""

import numpy as np
import tensorflow as tf
from keras import ops

import pipelines
from keras_edgan.evaluation import held_out
from keras_edgan.techniques.latent_noise import numpy_latent_noise


def stream_activations(extractor, batches, num_samples):
    """Runs `extractor` over image batches until `num_samples` images are seen.

    Only the features and logits are kept (50,000 × 2048 float32 features are
    400 MB; the images of 50,000 64×64 samples would be 2.4 GB as floats).

    Example:

    >>> features, logits = stream_activations(extractor, generated_batches(g, 128, 5000), 5000)

    Args:
        extractor: a `FeatureExtractor`.
        batches: an iterable of image batches (n, H, W, C) in [-1, 1].
        num_samples: how many images to use.

    Returns:
        `(features, logits)`: float32 arrays of `num_samples` rows.

    Raises:
        ValueError: `batches` ran out before `num_samples` images.
    """
    features = logits = None
    count = 0
    for images in batches:
        images = images[: num_samples - count]
        batch_features, batch_logits = extractor(images)
        if features is None:
            features = np.empty((num_samples, batch_features.shape[1]), np.float32)
            logits = np.empty((num_samples, batch_logits.shape[1]), np.float32)
        features[count : count + len(images)] = batch_features
        logits[count : count + len(images)] = batch_logits
        count += len(images)
        if count == num_samples:
            return features, logits
    raise ValueError(
        f"The images ran out after {count} of the {num_samples} requested. "
        f"Ask for at most {count} samples."
    )


def stream_labelled_activations(extractor, batches, num_samples):
    """`stream_activations` of `(images, labels)` batches: returns `(features,
    logits, labels)`, the labels int32 of `num_samples` rows."""
    labels = []

    def images():
        for batch_images, batch_labels in batches:
            labels.append(np.asarray(batch_labels))
            yield batch_images

    features, logits = stream_activations(extractor, images(), num_samples)
    return features, logits, np.concatenate(labels)[:num_samples].astype("int32")


def generated_image_size(generator, latent_dim, conditional=False):
    """The side of the images `generator` makes, from one image of z = 0 (of class 0
    for a `conditional` generator, which takes `[z, labels]`): the resolution the
    real images are read at to be compared with them."""
    z = np.zeros((1, latent_dim), "float32")
    inputs = [z, np.zeros((1,), "int32")] if conditional else z
    return int(generator(inputs, training=False).shape[1])


def generated_batches(generator, latent_dim, num_samples, noise_stddev=1.0, batch_size=100, seed=0,
                      noise_distribution="normal", num_classes=None, noise=None):
    """Yields `num_samples` generated images in batches (inference mode).

    The noise z ~ N(0, noise_stddev²) (or U[−1, 1] with `noise_distribution`
    "uniform") comes from numpy's generator seeded with `seed`, as in
    `GAN.generate`, so an evaluation never touches the training noise stream and
    repeats exactly. `noise`, a function `(n, rng)` → generator inputs such as a
    GAN's `numpy_noise`, replaces that draw (InfoGAN's inputs hold its codes). A
    conditional generator (`num_classes`) gets the classes 0, 1, ...,
    num_classes − 1 in turn, so that every class has the same number of images
    (± 1), and the batches are `(images, labels)`.
    """
    rng = np.random.default_rng(seed)
    if noise is None:
        def noise(n, rng):
            return numpy_latent_noise(rng, (n, latent_dim), noise_distribution, noise_stddev)
    for start in range(0, num_samples, batch_size):
        size = min(batch_size, num_samples - start)
        z = noise(size, rng)
        if num_classes is None:
            yield ops.convert_to_numpy(generator(z, training=False))
        else:
            labels = (np.arange(start, start + size) % num_classes).astype("int32")
            yield ops.convert_to_numpy(generator([z, labels], training=False)), labels


def real_batches(dataset, image_size, split=None, data_dir=None, batch_size=100, seed=0, part=None,
                 with_labels=False):
    """Yields batches of real images in [-1, 1] from `pipelines.load`, in a fixed
    shuffled order (`seed`), keeping the last incomplete batch.

    With `image_size` the generator's, real and generated images reach the
    extractor at the same resolution. `part` ("held-out" or "rest") keeps only
    that side of a single-split dataset's partition (`held_out.PARTITIONS`).
    `with_labels` yields `(images, labels)` batches.
    """
    if part is None:
        images = pipelines.load(
            dataset, batch_size=1, image_size=image_size, split=split, data_dir=data_dir, seed=seed,
            with_labels=with_labels,
        )
        return images.unbatch().batch(batch_size).as_numpy_iterator()
    keep = held_out.partition_mask(dataset, part)
    # Read in stored order, the mask's, and shuffled once the part is chosen.
    images = pipelines.load(
        dataset, batch_size=1, image_size=image_size, split=split, data_dir=data_dir, shuffle=False,
        with_labels=with_labels,
    ).unbatch()
    mask = tf.constant(keep)
    images = images.enumerate().filter(lambda index, _: mask[index]).map(lambda _, example: example)
    images = images.shuffle(len(keep), seed=seed)
    return images.batch(batch_size).as_numpy_iterator()
