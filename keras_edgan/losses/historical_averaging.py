"""The historical averaging penalty of Salimans et al. 2016, "Improved techniques for
training GANs", §3.3."""

from keras import ops


def historical_averaging_penalty(weights, averages):
    """Σ ‖θ − (1/t) Σᵢ θᵢ‖², summed over a network's weights θ and their running
    means (held constant).

    Added to a player's cost, it pulls its weights towards their historical mean, a
    heuristic inspired by fictitious play that helps some games of low-dimensional
    gradient descent converge where they would orbit (Salimans et al., §3.3).

    Example:
    >>> float(historical_averaging_penalty([ops.ones((2,))], [ops.zeros((2,))]))
    2.0
    """
    return sum(
        ops.sum(ops.square(w - ops.stop_gradient(a))) for w, a in zip(weights, averages)
    )
