"""The Jensen-Shannon divergence penalty (EDGAN's "With-JS-Penalty" baseline)."""

from keras_edgan.losses.entropy import entropy
from keras_edgan.losses.soft_histogram import soft_histogram


def js_divergence(real, fake, bins=32, bandwidth=0.5, value_range=(-1.0, 1.0)):
    """Jensen-Shannon divergence between the value histograms of two batches.

    The generator penalty of the "With-JS-Penalty" baseline in Table 5 of Tan
    et al., "GANs based on a penalty of a conditional entropy distance"
    (EDGAN), Journal of Software, 2020, which replaces the conditional entropy
    distance of eq. (10) by the Jensen-Shannon divergence, the symmetrized
    KL divergence of eq. (6):

        JS(P, Q) = KL(P || M) / 2 + KL(Q || M) / 2 = H(M) - H(P) / 2 - H(Q) / 2,
        M = (P + Q) / 2,

    in nats, in [0, log 2]. The paper does not say how P and Q are estimated;
    here they are the Gaussian soft histograms (`soft_histogram`, our
    estimator, the marginals of the joint used by
    `conditional_entropy_distance`) of all the values of each batch. Unlike
    the conditional entropy distance it compares only the two marginal
    distributions, so the batches need not be paired or of equal size.

    Example:

    >>> real = keras.random.uniform((64, 32, 32, 3), -1.0, 1.0, seed=1)
    >>> js_divergence(real, keras.ops.tanh(real))  # > 0: tanh pulls values towards 0

    Args:
        real: float tensor, a batch of real samples.
        fake: float tensor, a batch of generated samples (any shape).
        bins: number of histogram bins, an integer >= 2.
        bandwidth: Gaussian kernel standard deviation as a fraction of the
            bin spacing.
        value_range: `(lo, hi)`, the interval the bins cover; (-1, 1) for
            tanh outputs.

    Returns:
        Scalar tensor, the divergence in nats.
    """
    p = soft_histogram(real, bins=bins, bandwidth=bandwidth, value_range=value_range)
    q = soft_histogram(fake, bins=bins, bandwidth=bandwidth, value_range=value_range)
    return entropy(0.5 * (p + q)) - 0.5 * entropy(p) - 0.5 * entropy(q)
