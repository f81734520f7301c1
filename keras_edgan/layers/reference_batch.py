"""The fixed reference batch of a network with virtual or reference batch
normalization."""

import keras
import numpy as np
from keras import ops

from keras_edgan.layers.virtual_batch_normalization import VirtualBatchNormalization


@keras.saving.register_keras_serializable(package="keras_edgan")
class ReferenceBatch(keras.Model):
    """Runs a network with virtual or reference batch normalization on a fixed
    reference batch.

    Virtual batch normalization (Salimans et al. 2016, §3.4) normalizes each
    example with the statistics of a reference batch chosen once at the start
    of training and of the example itself; reference batch normalization (the
    practical guide's §4.4) with the reference statistics alone.
    `VirtualBatchNormalization(reference_size=N)` and
    `ReferenceBatchNormalization(reference_size=N)` take that batch as the first
    N rows of their input; this model stores the N reference inputs of
    `network` and, in every call, prepends them to the inputs, runs `network`
    and strips the N reference rows from its outputs. It has the inputs and
    outputs of `network`, so a GAN model uses it like any generator or
    discriminator. The reference inputs are a non-trainable
    variable: they are saved with the weights and read, not traced as
    constants, under `jit`; the reference statistics are recomputed from
    them with the current weights in every call.

    The reference batch is, for a generator, a fixed noise batch z_ref drawn
    once from the GAN's noise distribution (pass it as `reference`); for a
    discriminator, a fixed batch of real images (pass it as `reference`, or
    later with `set_reference` before training). A reference left unset is
    all zeros. Keep `MinibatchDiscrimination` out of a network wrapped here:
    the reference rows would join every minibatch it compares.

    Conditional networks (inputs `[z, y]`, or any several inputs): with
    `label_aware=False` the reference holds every input, `[z_ref, y_ref]`.
    With `label_aware=True` only the first input is stored, and the
    reference rows of the other inputs (the labels) are the current call's
    rows, repeated cyclically up to N rows: the fixed noise with the current
    labels, which the practical guide (seed 003, §4.4, figures 16 and 17)
    found necessary for a conditional generator to follow its labels.

    Example:

    ```python
    inputs = keras.Input((128,))
    h = keras.layers.Dense(256)(inputs)
    h = VirtualBatchNormalization(reference_size=64)(h)
    outputs = keras.layers.Dense(784, activation="tanh")(keras.layers.ReLU()(h))
    z_ref = np.random.default_rng(0).normal(size=(64, 128))  # drawn once
    generator = ReferenceBatch(keras.Model(inputs, outputs), reference=z_ref)
    images = generator(keras.random.normal((16, 128)))  # (16, 784)
    ```

    Args:
        network: A built `keras.Model` with known input shapes (functional or
            `Sequential` with an `Input`) containing `VirtualBatchNormalization`
            or `ReferenceBatchNormalization` layers, all with the same
            `reference_size` N.
        reference: The N reference inputs: an array of shape `(N, ...)` for
            a network with one input, or a list with one array per input (per
            stored input: only the first one if `label_aware`). `None`
            leaves zeros, to be replaced with `set_reference`.
        label_aware: Whether the reference rows of every input but the first
            are taken from the current call instead of being stored.
        **kwargs: Model arguments (`name`, ...).
    """

    def __init__(self, network, reference=None, label_aware=False, **kwargs):
        reference_size = _reference_size(network)
        flat_inputs = network.inputs
        # A Sequential model has `inputs` but no `input` until called.
        structure = flat_inputs[0] if len(flat_inputs) == 1 else network.input
        if label_aware and len(flat_inputs) < 2:
            raise ValueError(
                "ReferenceBatch: label_aware=True takes the reference labels from "
                "the inputs after the first, but the network has one input. Pass "
                "label_aware=False."
            )
        inputs = keras.tree.map_structure(
            lambda t: keras.Input(t.shape[1:], dtype=t.dtype), structure
        )
        rows = _ReferenceRows(
            reference_size,
            shapes=[tuple(t.shape[1:]) for t in flat_inputs],
            dtypes=[t.dtype for t in flat_inputs],
            label_aware=label_aware,
            name="reference_rows",
        )
        prepended = rows(keras.tree.flatten(inputs))
        outputs = network(keras.tree.pack_sequence_as(structure, prepended))
        outputs = keras.tree.map_structure(
            _DropReferenceRows(reference_size, name="drop_reference_rows"), outputs
        )
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        self.network = network
        self.label_aware = label_aware
        self.reference_size = reference_size
        self._rows = rows
        if reference is not None:
            self.set_reference(reference)

    @property
    def reference(self):
        """The stored reference inputs, a list of variables."""
        return list(self._rows.references)

    def set_reference(self, reference):
        """Replaces the stored reference inputs (see the `reference` argument)."""
        arrays = list(reference) if isinstance(reference, (list, tuple)) else [reference]
        variables = self._rows.references
        if len(arrays) != len(variables):
            raise ValueError(
                f"ReferenceBatch: the reference must hold {len(variables)} array(s), "
                f"one per stored input of the network"
                f"{' (the first input: label_aware=True)' if self.label_aware else ''}; "
                f"received {len(arrays)}."
            )
        for variable, array in zip(variables, arrays):
            array = np.asarray(array)
            if array.shape != tuple(variable.shape):
                raise ValueError(
                    f"ReferenceBatch: a reference of shape {array.shape} was given for "
                    f"the network input of shape (batch,) + {tuple(variable.shape[1:])}, "
                    f"whose reference batch normalization layers take "
                    f"{self.reference_size} reference rows. Pass an array of shape "
                    f"{tuple(variable.shape)}."
                )
            variable.assign(array.astype(variable.dtype))

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "network": keras.saving.serialize_keras_object(self.network),
            "label_aware": self.label_aware,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        network = keras.saving.deserialize_keras_object(
            config.pop("network"), custom_objects=custom_objects
        )
        return cls(network, **config)


@keras.saving.register_keras_serializable(package="keras_edgan")
class _ReferenceRows(keras.layers.Layer):
    """Prepends the N reference rows to each input of a list (see `ReferenceBatch`).

    Stores the reference of every input, or, with `label_aware`, of the first
    input only; the others get the call's own rows, repeated cyclically.
    """

    def __init__(self, reference_size, shapes, dtypes, label_aware=False, **kwargs):
        super().__init__(**kwargs)
        self.reference_size = reference_size
        self.shapes = [tuple(shape) for shape in shapes]
        self.dtypes = list(dtypes)
        self.label_aware = label_aware
        stored = self.shapes[:1] if label_aware else self.shapes
        self.references = [
            self.add_weight(
                name=f"reference_{index}",
                shape=(reference_size, *shape),
                dtype=dtype,
                initializer="zeros",
                trainable=False,
            )
            for index, (shape, dtype) in enumerate(zip(stored, self.dtypes))
        ]
        self.built = True

    def call(self, inputs):
        outputs = []
        for index, x in enumerate(inputs):
            if index < len(self.references):
                reference = ops.cast(self.references[index], x.dtype)
            else:
                cycle = ops.mod(ops.arange(self.reference_size), ops.shape(x)[0])
                reference = ops.take(x, cycle, axis=0)
            outputs.append(ops.concatenate([reference, x], axis=0))
        return outputs

    def compute_output_shape(self, input_shape):
        return [(None, *shape[1:]) for shape in input_shape]

    def get_config(self):
        return {
            **super().get_config(),
            "reference_size": self.reference_size,
            "shapes": self.shapes,
            "dtypes": self.dtypes,
            "label_aware": self.label_aware,
        }


@keras.saving.register_keras_serializable(package="keras_edgan")
class _DropReferenceRows(keras.layers.Layer):
    """Removes the first `reference_size` rows (see `ReferenceBatch`)."""

    def __init__(self, reference_size, **kwargs):
        super().__init__(**kwargs)
        self.reference_size = reference_size

    def call(self, inputs):
        return inputs[self.reference_size :]

    def compute_output_shape(self, input_shape):
        return (None, *input_shape[1:])

    def get_config(self):
        return {**super().get_config(), "reference_size": self.reference_size}


def _reference_size(network):
    """The `reference_size` shared by the network's VirtualBatchNormalization layers
    (ReferenceBatchNormalization among them, a subclass)."""
    if not isinstance(network, keras.Model) or not network.built:
        raise ValueError(
            "ReferenceBatch wraps a built keras.Model (functional, or Sequential with "
            f"an Input). Received: {network!r}."
        )
    specs = getattr(network, "inputs", None)
    if not specs or any(None in tuple(t.shape[1:]) for t in specs):
        raise ValueError(
            "ReferenceBatch needs a network with known input shapes, to store its "
            f"reference inputs. {network.name!r} has none: build it as a functional "
            "model or a Sequential model starting with keras.Input(shape)."
        )
    # _flatten_layers also finds the layers of nested models and wrappers.
    sizes = {
        layer.reference_size
        for layer in network._flatten_layers(include_self=False)
        if isinstance(layer, VirtualBatchNormalization)
    }
    if len(sizes) != 1:
        raise ValueError(
            f"ReferenceBatch: the VirtualBatchNormalization and "
            f"ReferenceBatchNormalization layers of {network.name!r} must share one "
            f"reference_size, the number of reference rows; found "
            f"{sorted(sizes) or 'no such layer'}. Build the network with "
            "VirtualBatchNormalization(reference_size=N) or "
            "ReferenceBatchNormalization(reference_size=N) layers, N the same for all."
        )
    return sizes.pop()
