"""Feature extractors: images in [-1, 1] to (features, logits), with a name."""

import abc

import numpy as np
from keras import ops


class FeatureExtractor(abc.ABC):
    """Maps a batch of images in [-1, 1] to features and class logits.

    The `name` travels with every number computed from these features: only the
    reference Inception network (`is_reference = True`) gives numbers called
    FID, IS and KID; any other extractor gives "FD-name", "CS-name", "KD-name".
    `cache_id` identifies the weights in the keys of cached real statistics;
    `weights`, where not None, says which weights in reports (a file digest).
    `resize`, where not None, names how images reach the network's input (the
    reference Inception network's FID resize definitions, see
    `keras_edgan.evaluation.resize`), reported with the scores; `variant`,
    where not None, is appended in brackets to every metric name
    ("FID[pil_bicubic]"), and must then be part of `cache_id` too.

    Subclasses implement `__call__(images) -> (features, logits)`, numpy float32
    arrays of shapes (n, d) and (n, classes).
    """

    name = None
    is_reference = False
    weights = None
    resize = None
    variant = None

    @property
    def cache_id(self):
        return self.name

    @abc.abstractmethod
    def __call__(self, images):
        """Returns `(features, logits)` for a batch of images."""


class KerasExtractor(FeatureExtractor):
    """A Keras model mapping images to `[features, logits]` as an extractor.

    Images of another size than the model's input are resized bilinearly
    (antialiased), so a classifier of 28×28 digits also rates 32×32 samples.

    Example:

    >>> extractor = KerasExtractor(keras.Model(inputs, [features, logits]), "my-classifier")
    >>> features, logits = extractor(images)

    Args:
        model: a built Keras model with one image input and two outputs,
            features (n, ...) and logits (n, classes).
        name: the extractor's name in metric names, e.g. "mnist-classifier".
        cache_id: identifies the weights in cache keys; default `name`.
    """

    def __init__(self, model, name, cache_id=None):
        self.model = model
        self.name = name
        self._cache_id = cache_id or name
        self.input_shape = tuple(model.inputs[0].shape[1:])

    @property
    def cache_id(self):
        return self._cache_id

    def __call__(self, images):
        images = ops.convert_to_tensor(images, "float32")
        height, width, channels = self.input_shape
        if images.shape[-1] != channels:
            raise ValueError(
                f"The {self.name} extractor takes images with {channels} channel(s); got "
                f"shape {tuple(images.shape)}. Choose an extractor for this dataset."
            )
        if tuple(images.shape[1:3]) != (height, width):
            images = ops.image.resize(images, (height, width), interpolation="bilinear", antialias=True)
        features, logits = self.model(images, training=False)
        n = images.shape[0]
        return (
            np.reshape(ops.convert_to_numpy(features), (n, -1)),
            np.reshape(ops.convert_to_numpy(logits), (n, -1)),
        )
