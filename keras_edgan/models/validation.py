"""Checks of the training data against the GAN, before `fit` trains anything.

A batch of the wrong shape, type or scale would otherwise fail deep inside a traced
step with a backend's shape error, or, worse, train without failing: images in
[0, 255] fed to a tanh generator's discriminator make a GAN that learns nothing.
"""

import inspect
import sys

import keras
import numpy as np

# Images are compared with the generator's tanh range [-1, 1]; resizing with
# antialiasing overshoots it slightly.
_RANGE_TOLERANCE = 0.05


def checked_training_data(gan, data, labels=None):
    """Returns `data` to pass to `fit`, or raises a `ValueError` saying what to change
    when it cannot train `gan`.

    The images' shape after the batch axis must be the generator's output shape; they
    must be floating point, finite, and image data must lie in [-1, 1] (the range of
    the library's generators and of `pipelines.load`). An array is checked at once. A
    `tf.data.Dataset` is never iterated here, since a new iterator would advance its
    reshuffling and change the data order `fit` sees: its element spec and
    cardinality are checked now, and its values batch by batch as `fit` reads them
    (a min/max per batch), through a `map` that fails with the same messages.

    A conditional GAN's labels must be integer class indices of shape `(n,)` in
    `[0, num_classes)`: out-of-range labels would otherwise train as an all-zero
    one-hot, float labels would be truncated and one-hot labels fail deep inside
    the networks.
    """
    if _is_tf_dataset(data):
        spec = _images(data.element_spec)
        _check_spec(gan, spec.shape, spec.dtype)
        if gan.num_classes is not None and isinstance(data.element_spec, (tuple, list)):
            labels = data.element_spec[1]
            _check_label_spec(labels.shape, labels.dtype, spec.shape[0])
        check_batch_size(spec.shape[0], gan.minibatches_per_step, gan.minibatches_name)
        if int(data.cardinality()) == 0:
            raise ValueError(
                "The training dataset yields no batch. Is it smaller than one batch "
                f"with drop_remainder=True? Each element must hold {gan.minibatches_name} × m "
                f"images ({gan.minibatches_name}={gan.minibatches_per_step}); use a larger "
                f"dataset or a smaller batch."
            )
        return data.map(_value_check(len(spec.shape), gan.num_classes))
    if data is not None and not callable(getattr(data, "__next__", None)):
        images = np.asarray(_images(data))
        _check_spec(gan, images.shape, images.dtype)
        _check_range(np.all(np.isfinite(images)), images.ndim, images.min(), images.max())
        if labels is None and isinstance(data, (tuple, list)) and len(data) > 1:
            labels = data[1]
        if gan.num_classes is not None and labels is not None:
            labels = np.asarray(labels)
            _check_label_spec(labels.shape, labels.dtype, images.shape[0])
            _check_label_range(labels.min(), labels.max(), gan.num_classes)
    return data


def _is_tf_dataset(data):
    """Whether `data` is a `tf.data.Dataset`, without importing TensorFlow: JAX and
    PyTorch users training on arrays need not install it, and if it was never imported
    nothing can be a dataset."""
    tf = sys.modules.get("tensorflow")
    return tf is not None and isinstance(data, tf.data.Dataset)


def _value_check(rank, num_classes=None):
    import tensorflow as tf  # only reached for a tf.data.Dataset: TF is there

    def check(*element):
        images = _images(element)
        low, high = tf.reduce_min(images), tf.reduce_max(images)
        finite = tf.reduce_all(tf.math.is_finite(images))
        checks = [tf.numpy_function(
            lambda f, lo, hi: _check_range(f, rank, lo, hi) or np.bool_(True),
            [finite, low, high], tf.bool,
        )]
        if num_classes is not None and len(element) > 1:
            labels = element[1]
            checks.append(tf.numpy_function(
                lambda lo, hi: _check_label_range(lo, hi, num_classes) or np.bool_(True),
                [tf.reduce_min(labels), tf.reduce_max(labels)], tf.bool,
            ))
        with tf.control_dependencies(checks):  # no batch passes before its checks
            images = tf.identity(images)
        return (images, *element[1:]) if len(element) > 1 else images

    return check


def _check_label_spec(shape, dtype, batch):
    """Labels: integer class indices, one per image."""
    dtype = _dtype_name(dtype)
    shape = tuple(shape)
    if not dtype.startswith(("int", "uint")):
        raise ValueError(
            f"Class labels have dtype {dtype}; expected integer class indices (int32, "
            f"shape (n,)). Cast them with tf.cast(y, 'int32')"
            + ("; one-hot labels become indices with tf.argmax(y, axis=-1)."
               if len(shape) == 2 and shape[-1] not in (None, 1) else ".")
        )
    if len(shape) == 2 and shape[-1] == 1:
        return  # (n, 1) is read as (n,)
    if len(shape) != 1 or (batch is not None and shape[0] not in (None, batch)):
        raise ValueError(
            f"Class labels must be one index per image, shape ({batch},); got shape "
            f"{shape}. One-hot labels become indices with tf.argmax(y, axis=-1)."
        )


def _check_label_range(low, high, num_classes):
    if low < 0 or high >= num_classes:
        raise ValueError(
            f"Class labels must lie in [0, {num_classes}) (num_classes={num_classes}); a "
            f"batch holds labels from {low} to {high}. Check the dataset's labels, or "
            f"build the GAN with the dataset's number of classes."
        )


def check_batch_size(batch, minibatches, name="d_steps"):
    """A batch of `batch` images (None: unknown) must split into `minibatches` equal
    minibatches (the d_steps of Algorithm 1; `name` says what counts them)."""
    if batch is not None and batch % minibatches:
        raise ValueError(
            f"A training batch of {batch} images cannot be split into "
            f"{name}={minibatches} equal minibatches. Batch the dataset at "
            f"{name} * m images (m = minibatch size), e.g. "
            f"{minibatches * max(1, batch // minibatches)}, with drop_remainder=True."
        )


def _images(element):
    return element[0] if isinstance(element, (tuple, list)) else element


def _check_spec(gan, shape, dtype):
    expected = tuple(gan.generator.output_shape[1:])
    shape = tuple(shape)
    if len(shape) != len(expected) + 1:
        raise ValueError(
            f"Training batches must have shape (batch, {', '.join(map(str, expected))}) "
            f"like the generator's output; got rank {len(shape)} (shape {shape}). "
            + ("Batch the dataset (dataset.batch(d_steps * m))."
               if len(shape) == len(expected) else "")
        )
    mismatched = [
        (axis, got, want) for axis, (got, want) in enumerate(zip(shape[1:], expected), 1)
        if got is not None and want is not None and got != want
    ]
    if mismatched:
        channels = len(expected) == 3 and mismatched[-1][0] == 3
        raise ValueError(
            f"Training images have shape {shape[1:]} but the generator makes {expected}. "
            + ("The channel counts differ (grey vs RGB?): build the networks with "
               f"channels={shape[-1]}, or convert the images. " if channels else
               "Resize the images (pipelines.load(..., image_size=...)) or build the "
               "networks for this size. ")
        )
    dtype = _dtype_name(dtype)
    if not dtype.startswith(("float", "bfloat")):
        raise ValueError(
            f"Training images have dtype {dtype}; expected float32 in "
            "[-1, 1]. Scale them, e.g. tf.cast(x, 'float32') / 127.5 - 1 "
            "(pipelines.load does this)."
        )


def _dtype_name(dtype):
    """'float32', 'uint8', ... of a numpy dtype or of the `tf.DType` of a dataset's
    element spec (both have the same names), without importing TensorFlow."""
    return getattr(dtype, "name", None) or np.dtype(dtype).name


def _check_range(finite, rank, low, high):
    if not finite:
        raise ValueError("A training batch holds NaN or Inf values; clean the data.")
    if rank == 4:
        low, high = float(low), float(high)
        if low < -1 - _RANGE_TOLERANCE or high > 1 + _RANGE_TOLERANCE:
            hint = (" They look like [0, 255] pixels: use x / 127.5 - 1."
                    if high > 2 and low >= 0 else "")
            raise ValueError(
                f"Training images must lie in [-1, 1], the range of the generator's tanh "
                f"output; a batch spans [{low:.3g}, {high:.3g}].{hint}"
            )


def check_networks(generator, discriminator, latent_dim):
    """Raises unless both networks are built `keras.Model`s and the generator takes
    noise of `latent_dim` features."""
    for role, network in (("generator", generator), ("discriminator", discriminator)):
        if not isinstance(network, keras.Model):
            raise TypeError(
                f"{role} must be a keras.Model (e.g. from keras_edgan.architectures); "
                f"got {type(network).__name__}."
            )
        if not network.built:
            raise ValueError(
                f"The {role} is not built. Build it (call it once on an input, or use a "
                f"functional/Sequential model with an Input) before wrapping it in a GAN."
            )
    generator_latent = generator.inputs[0].shape[-1] if generator.inputs else None
    if generator_latent is not None and generator_latent != latent_dim:
        raise ValueError(
            f"latent_dim={latent_dim} does not match the generator, whose input "
            f"has {generator_latent} features. Pass latent_dim={generator_latent} "
            f"or build the generator with latent_dim={latent_dim}."
        )


def check_keywords(model, keywords, allowed):
    """Raises for a keyword argument `model` does not take, naming the models whose
    constructors do (real_target belongs to the logistic discriminator loss)."""
    for name in keywords:
        if name in allowed:
            continue
        owners = _constructor_owners(name)
        if not owners:
            raise TypeError(f"{type(model).__name__} got an unexpected argument {name!r}.")
        models = ", ".join(sorted({model_class.__name__ for _, model_class in owners}))
        mixins = sorted({_mixin_summary(definer) for definer, _ in owners} - {None})
        where = (f"an option of {'; '.join(mixins)} ({models})" if mixins
                 else f"an argument of {models}")
        raise ValueError(
            f"{type(model).__name__} takes no argument {name!r}: it is {where}. Use one "
            f"of those models, or leave {name} out."
        )


def _constructor_owners(name):
    """`(class defining the argument, model class taking it)` pairs over the library's
    GAN classes."""
    from keras_edgan.models.gan import GAN  # the models import this module

    pairs = []
    for model_class in _subclasses(GAN):
        if not model_class.__module__.startswith("keras_edgan."):
            continue
        for cls in model_class.__mro__:
            init = cls.__dict__.get("__init__")
            if init is not None and name in inspect.signature(init).parameters:
                pairs.append((cls, model_class))
                break
    return pairs


def _mixin_summary(cls):
    """The first line of a mixin's docstring, as a phrase (the logistic loss); None
    for a model class, named by the models it is part of."""
    from keras_edgan.models.gan import GAN

    if issubclass(cls, GAN) or not cls.__doc__:
        return None
    line = cls.__doc__.strip().splitlines()[0].rstrip(".")
    return line[0].lower() + line[1:]


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)
