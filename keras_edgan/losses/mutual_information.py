"""The variational lower bound of InfoGAN (Chen et al. 2016, "InfoGAN: Interpretable
Representation Learning by Information Maximizing Generative Adversarial Nets", §5).

The mutual information between a latent code c and the generated x = G(z, c) is
bounded below with an auxiliary distribution Q(c|x) (eq. 4–5):

    I(c; G(z, c)) ≥ L_I(G, Q) = E_{c~P(c), x~G(z,c)}[log Q(c|x)] + H(c),

an equality when Q is the true posterior. With codes of known prior, H(c) is a
constant: log K for a uniform categorical code of K values, log(b − a) for a
uniform continuous code on [a, b]. Maximizing L_I trains G and Q together (eq. 6).
Each function below returns a scalar in nats; `categorical_information_bound` and
`continuous_information_bound` are the two kinds of codes' terms of L_I.
"""

import math

from keras import ops


def categorical_log_likelihood(codes, logits):
    """log Q(c|x) of one-hot categorical codes under Q's logits, per example.

    Q is a softmax over each code's K values, so log Q(c|x) is minus the
    cross-entropy of the code's index. Several codes are independent given x
    (Q factorizes, InfoGAN §6): their log-likelihoods add up.

    Example:
    >>> float(categorical_log_likelihood([[[0.0, 1.0, 0.0, 0.0]]], ops.zeros((1, 1, 4)))[0])
    -1.3862...

    Args:
        codes: one-hot codes, shape `(n, codes, K)` (or `(n, K)` for one code).
        logits: Q's unnormalized log-probabilities, the shape of `codes`.

    Returns:
        Shape `(n,)`.
    """
    codes = ops.convert_to_tensor(codes)
    log_probabilities = ops.log_softmax(ops.convert_to_tensor(logits, codes.dtype), axis=-1)
    return ops.sum(ops.reshape(codes * log_probabilities, (ops.shape(codes)[0], -1)), axis=-1)


def gaussian_log_likelihood(codes, mean, log_std=0.0):
    """log Q(c|x) of continuous codes under a factored Gaussian N(mean, e^(2·log_std)),
    per example: InfoGAN's Q for continuous codes (§6: "treating Q(c_i|x) as a
    factored Gaussian").

        log N(c; μ, σ) = −(c − μ)² / (2σ²) − log σ − ½ log 2π, summed over the codes.

    Example:
    >>> float(gaussian_log_likelihood(ops.zeros((1, 1)), ops.zeros((1, 1)))[0])  # −½ log 2π
    -0.9189...

    Args:
        codes: shape `(n, d)`.
        mean: Q's means, shape `(n, d)`.
        log_std: log σ, broadcastable to `(n, d)`; 0 is a fixed σ = 1.

    Returns:
        Shape `(n,)`.
    """
    codes = ops.convert_to_tensor(codes)
    mean = ops.convert_to_tensor(mean, codes.dtype)
    log_std = ops.convert_to_tensor(log_std, codes.dtype)
    standardized = (codes - mean) * ops.exp(-log_std)
    log_density = -0.5 * ops.square(standardized) - log_std - 0.5 * math.log(2.0 * math.pi)
    return ops.sum(ops.reshape(log_density, (ops.shape(codes)[0], -1)), axis=-1)


def uniform_categorical_entropy(categories):
    """H(c) = log K of a categorical code uniform over its K values, in nats."""
    if int(categories) < 2:
        raise ValueError(
            f"A categorical code needs at least 2 values; got categories={categories!r}."
        )
    return math.log(int(categories))


def categorical_information_bound(codes, logits):
    """L_I of one-hot categorical codes drawn uniformly (InfoGAN eq. 5):
    E[log Q(c|x)] + H(c), the minibatch mean of `categorical_log_likelihood` plus
    log K per code. At most Σ log K, reached when Q recovers every code.

    Example:
    >>> float(categorical_information_bound([[[1.0, 0.0]]], [[[0.0, 0.0]]]))  # Q knows nothing
    0.0

    Args:
        codes: one-hot codes, shape `(n, codes, K)`.
        logits: Q's logits, the same shape.
    """
    codes = ops.convert_to_tensor(codes)
    count, categories = codes.shape[-2:]
    entropy = count * uniform_categorical_entropy(categories)
    return ops.mean(categorical_log_likelihood(codes, logits)) + entropy


def continuous_information_bound(codes, mean, log_std=0.0, low=-1.0, high=1.0):
    """L_I of continuous codes drawn from U(low, high) (InfoGAN eq. 5): E[log Q(c|x)]
    with Q the factored Gaussian of `gaussian_log_likelihood`, plus the differential
    entropy H(c) = log(high − low) per code.

    Example:
    >>> float(continuous_information_bound(ops.zeros((1, 2)), ops.zeros((1, 2))))
    -0.4515...

    Args:
        codes: shape `(n, d)`, values in [low, high].
        mean, log_std: Q's Gaussian, as in `gaussian_log_likelihood`.
        low, high: the range of the codes' uniform prior (InfoGAN: Unif(−1, 1)).
    """
    codes = ops.convert_to_tensor(codes)
    entropy = codes.shape[-1] * math.log(high - low)
    return ops.mean(gaussian_log_likelihood(codes, mean, log_std)) + entropy
