"""The classifier score: the Inception Score with any classifier's logits."""

import numpy as np
from keras import ops
from scipy.special import log_softmax


def classifier_score(logits):
    """exp(E_x[KL(p(y|x) ‖ p(y))]) of a classifier's logits on generated samples.

    Salimans et al. 2016, "Improved Techniques for Training GANs", §4 (the
    Inception Score), as written in GAN+VER §IV-A:

        IS = exp(E_{x ~ P_G}[KL(p_M(y|x) ‖ p_M(y))]),

    with p(y) the mean of p(y|x) over all samples (one split, in float64, like
    TF-GAN's `classifier_score_from_logits`). With the reference Inception
    network's logits this is the Inception Score; GAN+VER computes it on MNIST
    with a classifier trained on MNIST, which keras_edgan names after that
    classifier ("CS-mnist-classifier"). It lies in [1, number of classes].

    Example:

    >>> classifier_score(np.eye(10) * 100.0)  # ten confident, distinct classes
    10.0...

    Args:
        logits: array or tensor of shape (n, classes): unnormalized log-probabilities.

    Returns:
        The score, a Python float.
    """
    logits = np.asarray(ops.convert_to_numpy(logits), np.float64)
    if logits.ndim != 2 or logits.shape[0] < 1:
        raise ValueError(
            f"logits must be a 2-D array (samples, classes) with at least one sample; "
            f"got shape {logits.shape}."
        )
    log_p = log_softmax(logits, axis=1)
    p = np.exp(log_p)
    log_marginal = np.log(p.mean(axis=0))
    kl = np.sum(p * (log_p - log_marginal), axis=1)
    return float(np.exp(kl.mean()))
