"""The discriminator features f(x) that feature matching compares (Salimans et al. 2016,
"Improved techniques for training GANs", §3.1)."""

import keras


def feature_extractor(discriminator, layer=None):
    """A `keras.Model` with the inputs of `discriminator` and the features f as output,
    sharing the discriminator's weights.

    Args:
        discriminator: a functional or Sequential `keras.Model`.
        layer: the name of the layer whose output is f; None takes the input of the
            discriminator's last layer (the features its logit is computed from, as in
            Salimans et al.'s code).

    Example:
    ```python
    f = feature_extractor(discriminator)  # penultimate features
    loss = feature_matching_loss(f(real), f(fake))
    ```
    """
    if not discriminator.layers:
        raise ValueError("The discriminator has no layers to take features from.")
    if layer is None:
        last = discriminator.layers[-1]
        try:
            features = last.input
        except (AttributeError, ValueError) as error:
            raise ValueError(
                f"Feature matching takes f from the input of the discriminator's last layer "
                f"{last.name!r}, which has no single input ({error}). Name a layer instead: "
                f"feature_matching='<layer name>'."
            ) from None
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
