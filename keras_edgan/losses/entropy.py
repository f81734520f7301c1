"""Shannon entropy of a probability tensor."""

from keras import ops


def entropy(probabilities):
    """Shannon entropy, in nats, of a discrete distribution given as a tensor.

    Implements eq. (4) of Tan et al., "GANs based on a penalty of a conditional
    entropy distance" (EDGAN), Journal of Software, 2020:
    `H(X) = -sum_x F_X(x) log F_X(x)`, summed over every entry of
    `probabilities`, so a (K, K) joint histogram gives the joint entropy
    `H(X, Y)`.

    By convention `0 log 0 = 0`. Soft histograms do hold exact zeros (a Gaussian
    weight underflows to 0 in float32 beyond ~13 bandwidths), where `p log p` would
    give NaN and its derivative `log p + 1` would be infinite; zeros are replaced
    by ones inside the logarithm, which makes their term and its gradient exactly
    0 without the bias a `log(p + epsilon)` would add to every other term.

    Example:

    >>> entropy(keras.ops.ones((4,)) / 4.0)  # log(4) = 1.386...

    Args:
        probabilities: float tensor of non-negative entries that sum to 1.

    Returns:
        Scalar tensor, the entropy in nats.
    """
    probabilities = ops.convert_to_tensor(probabilities)
    positive = ops.greater(probabilities, 0.0)
    safe = ops.where(positive, probabilities, ops.ones_like(probabilities))
    return -ops.sum(probabilities * ops.log(safe))
