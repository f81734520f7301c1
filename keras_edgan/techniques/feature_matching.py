"""The discriminator features f(x) that feature matching compares (Salimans et al. 2016,
"Improved techniques for training GANs", §3.1)."""

import keras


def feature_extractor(discriminator, layer=None):
    """A `keras.Model` with the inputs of `discriminator` and the features f as output,
    sharing the discriminator's weights.

    Salimans et al. (2016), §3.1: the generator minimizes
    ‖E_x f(x) − E_z f(G(z))‖²₂, f(x) "activations on an intermediate layer of the
    discriminator"; their code takes them from just below the output layer.

    By default f is the discriminator's last feature map with more than one value
    per example: walking back from the output, the nearest tensor that is not a
    single value per example. That is the input of the compression layer, the
    Conv or Dense that maps the features to the logit. The input of the last layer
    alone is not enough: DCGAN's discriminators end with a Flatten, whose input is
    the logit itself, shape `(n, 1, 1, 1)`.

    Args:
        discriminator: a functional or Sequential `keras.Model`; a conditional one
            takes `[x, y]`, and so does the extractor.
        layer: the name of the layer whose output is f; None takes the last
            multi-valued features, as above.

    Example:
    ```python
    f = feature_extractor(discriminator)  # the compression layer's input
    loss = feature_matching_loss(f(real), f(fake))
    ```
    """
    if not discriminator.layers:
        raise ValueError("The discriminator has no layers to take features from.")
    if layer is None:
        features = _last_features(discriminator)
    else:
        names = [l.name for l in discriminator.layers]
        if layer not in names:
            raise ValueError(
                f"Feature matching: the discriminator has no layer {layer!r}. Its layers: "
                f"{', '.join(names)}."
            )
        features = discriminator.get_layer(layer).output
    inputs = discriminator.inputs
    return keras.Model(
        inputs[0] if len(inputs) == 1 else inputs, features, name=f"{discriminator.name}_features"
    )


def _last_features(discriminator):
    """The tensor nearest the output of `discriminator`'s graph with more than one
    value per example, found breadth-first through the operations' inputs; a
    ValueError when there is none but an input, or several."""
    hint = "Name the layer whose output is f instead: feature_matching='<layer name>'."
    try:
        pending = list(discriminator.outputs)
    except AttributeError:
        raise ValueError(
            f"Feature matching walks back from the output of the discriminator "
            f"{discriminator.name!r}, which has no graph to walk: build it as a "
            f"functional or Sequential model starting from keras.Input."
        ) from None
    found, seen = [], set()
    while pending:
        tensor = pending.pop(0)
        if id(tensor) in seen:
            continue
        seen.add(id(tensor))
        operation, node_index, _ = tensor._keras_history
        # An unknown size (None) may well be more than one value.
        if any(size != 1 for size in tensor.shape[1:]):
            found.append(tensor)
        elif operation is not None:
            pending.extend(operation._inbound_nodes[node_index].input_tensors)
    sources = [tensor._keras_history.operation for tensor in found]
    if len(found) == 1 and not _is_input(sources[0]):
        return found[0]
    if len(found) > 1:
        raise ValueError(
            f"Feature matching: walking back from the output of {discriminator.name!r}, "
            f"the nearest tensors with more than one value per example come from "
            f"{', '.join(repr(s.name) for s in sources)}; one was expected. {hint}"
        )
    raise ValueError(
        f"Feature matching: {discriminator.name!r} has no layer between its inputs and "
        f"its output that gives more than one value per example (a nested model's "
        f"layers are not searched). {hint}"
    )


def _is_input(operation):
    return operation is None or isinstance(operation, keras.layers.InputLayer)
