"""Reference batch normalization (Garrido et al., seed 003, §4.4)."""

import keras

from keras_edgan.layers.virtual_batch_normalization import VirtualBatchNormalization


@keras.saving.register_keras_serializable(package="keras_edgan")
class ReferenceBatchNormalization(VirtualBatchNormalization):
    """Normalizes every example with the statistics of a fixed reference batch only.

    Garrido, Lafourcade, Lapertot and Lefevre, "A practical guide to
    understanding and applying Generative Adversarial Networks and their
    improvements" (2019), §4.4, after Goodfellow's NIPS 2016 GAN tutorial:
    "we use a reference batch, that is sampled at the beginning of the
    training, and is never changed throughout the training. [...] We then use
    the μ and σ parameters of the reference batch, and apply them on both
    batches." As in `VirtualBatchNormalization`, the reference batch travels
    in the same call as the examples: the first `reference_size` = N rows of
    every input are the reference batch, the other rows the examples. Per
    feature (channel), with μ_ref and σ²_ref the mean and variance of the
    reference rows over the batch and spatial axes, every row, reference or
    example, becomes

        γ·(x − μ_ref)/sqrt(σ²_ref + ε) + β,

    γ and β learned per feature. Unlike virtual batch normalization, which
    mixes each example's own statistics into its normalization, an example's
    output is an affine function of the example alone, its coefficients set
    by the reference batch and the weights: it does not depend on the other
    examples, nor on the example's own mean and variance. The reference
    statistics are recomputed in every call from the current weights; the
    layer computes the same thing in training and in inference and keeps no
    moving statistics. The guide names the method's limit, that the model can
    overfit the reference batch, as the reason for VBN.

    Feed the reference batch with `keras_edgan.layers.ReferenceBatch`, as for
    `VirtualBatchNormalization`; called directly, the layer treats the first
    `reference_size` rows of its input as the reference.

    Example:

    ```python
    layer = ReferenceBatchNormalization(reference_size=64)
    reference = 2.0 + keras.random.normal((64, 8, 8, 32))
    examples = keras.random.normal((16, 8, 8, 32))
    y = layer(keras.ops.concatenate([reference, examples]))  # (80, 8, 8, 32)
    examples_normalized = y[64:]  # ≈ examples − 2, with γ = 1 and β = 0 as initialized
    ```

    Args:
        reference_size: N, the number of leading rows of each input that
            form the reference batch.
        **kwargs: The other arguments of `VirtualBatchNormalization`: `axis`
            (the feature axis), `epsilon`, `center`, `scale`, and the
            initializers, regularizers and constraints of β and γ; and the
            base layer's (`name`, `dtype`, ...).
    """

    def _example_moments(self, examples, spatial, reference_mean, reference_variance):
        """The reference batch's mean and variance, for every example."""
        return reference_mean, reference_variance
