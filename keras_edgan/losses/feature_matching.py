"""The feature matching objective of the generator (Salimans, Goodfellow, Zaremba,
Cheung, Radford and Chen 2016, "Improved techniques for training GANs", §3.1)."""

from keras import ops


def feature_matching_loss(real_features, fake_features):
    """‖E_x f(x) − E_z f(G(z))‖²₂, f the activations of an intermediate layer of the
    discriminator, the expectations taken over the minibatches.

    The generator matches the statistics of real data that the discriminator finds
    worth computing, instead of maximizing its output; the fixed point is where
    these features' means agree. Salimans et al.'s code averages the squared
    differences over the features, i.e. this loss divided by the number of features.

    Example:
    >>> float(feature_matching_loss(ops.ones((4, 3)), ops.zeros((4, 3))))
    3.0
    """
    n_real, n_fake = ops.shape(real_features)[0], ops.shape(fake_features)[0]
    real_mean = ops.mean(ops.reshape(real_features, (n_real, -1)), axis=0)
    fake_mean = ops.mean(ops.reshape(fake_features, (n_fake, -1)), axis=0)
    return ops.sum(ops.square(real_mean - fake_mean))
