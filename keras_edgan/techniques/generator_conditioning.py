"""The conditioning of a generator: the condition number of its metric tensor J_zᵀJ_z
(Odena et al., "Is Generator Conditioning Causally Related to GAN Performance?", ICML
2018; eq. 13–15 of the memo of five ICML'18 papers, §5)."""

import numpy as np
from keras import ops

from keras_edgan import backend


def jacobian_vector_products(fn, x, v, variables=()):
    """J(xᵢ)·vᵢ for every example i of `x`, by exact reverse-mode autodiff.

    `fn` must act on each example alone (no BatchNormalization in training mode).
    uᵀJv is linear in u, so J v = ∇_u ⟨Jᵀu, v⟩ with Jᵀu = ∇ₓ⟨fn(x), u⟩: two nested
    `keras_edgan.backend.input_gradient`s (the "double VJP"), the same on every
    backend; u's value is irrelevant and is 0.

    Args:
        fn: a function of a batch `(n, d)` to outputs `(n, ...)`.
        x, v: tensors `(n, d)`: the points and a direction at each.
        variables: the variables `fn` reads (see `backend.input_gradient`).

    Returns:
        `(n, ...)`, the outputs' shape: J(xᵢ)vᵢ in row i.
    """
    u = ops.zeros_like(fn(x))

    def directional(u):
        transposed = backend.input_gradient(lambda points: fn(points) * u, x, variables)
        return transposed * v

    return backend.input_gradient(directional, u, variables)


def generator_jacobians(generator, z, labels=None, batch_size=1024):
    """J_z per example, J_z[i, j] = ∂G(z)_i/∂z_j (eq. 14), as a float32 numpy array
    of shape `(n, n_x, n_z)`, n_x the flattened output size.

    The generator runs in inference mode (BatchNormalization's moving statistics:
    the function `generate` samples, one example at a time). Column j of every
    J_z comes from one Jacobian-vector product with the basis vector e_j
    (`jacobian_vector_products`): each example is repeated n_z times, and
    `batch_size` of these rows go through the generator at once.

    Args:
        generator: a `keras.Model` from z `(n, n_z)` (and labels `(n,)` for a
            conditional one, `[z, y]`) to outputs `(n, ...)`.
        z: `(n, n_z)` latent points.
        labels: a conditional generator's int32 class indices `(n,)`, else None.
        batch_size: rows (an example and a direction) per generator call.
    """
    z = np.asarray(z, dtype="float32")
    n, latent_dim = z.shape
    per_call = max(1, int(batch_size) // latent_dim)
    columns = []
    for start in range(0, n, per_call):
        chunk = z[start:start + per_call]
        m = len(chunk)
        points = ops.convert_to_tensor(np.repeat(chunk, latent_dim, axis=0))
        directions = ops.convert_to_tensor(np.tile(np.eye(latent_dim, dtype="float32"), (m, 1)))
        if labels is None:
            def fn(points):
                return ops.cast(generator(points, training=False), "float32")
        else:
            repeated = ops.convert_to_tensor(
                np.repeat(np.asarray(labels[start:start + per_call], "int32"), latent_dim)
            )

            def fn(points, repeated=repeated):
                return ops.cast(generator([points, repeated], training=False), "float32")

        products = jacobian_vector_products(fn, points, directions, generator.variables)
        products = ops.convert_to_numpy(products).reshape(m, latent_dim, -1)
        columns.append(products.transpose(0, 2, 1))
    return np.concatenate(columns, axis=0)


def generator_condition_number(generator, z, labels=None, batch_size=1024):
    """λ_max/λ_min of M_z = J_zᵀJ_z at each z (the memo's eq. 13–15): a float64 numpy
    array `(n,)`.

    The eigenvalues λ_k of the metric tensor M_z are the squared singular values
    of the generator's Jacobian J_z (eq. 15: √λ_k is how much a step along the k-th
    eigenvector is stretched), so the condition number is (σ_max/σ_min)², computed
    here from an SVD of J_z in float64 rather than from M_z, whose forming squares
    the round-off. A generator with fewer outputs than latent dimensions has
    λ_min = 0: its condition numbers are inf. Odena et al. find the mean log
    condition number over z ~ p_z (`mean_log_condition_number`) to be predictive
    of the Inception Score and FID of a run, and Jacobian Clamping to lower it
    (`TrainingOptions.jacobian_clamping`).

    Example:
    ```python
    z = gan.numpy_noise(64, np.random.default_rng(0))
    print(mean_log_condition_number(generator_condition_number(gan.generator, z)))
    ```

    Args: see `generator_jacobians`.
    """
    jacobians = generator_jacobians(generator, z, labels, batch_size).astype("float64")
    _, outputs, latent_dim = jacobians.shape
    if outputs < latent_dim:
        return np.full(len(jacobians), np.inf)
    singular = np.linalg.svd(jacobians, compute_uv=False)
    with np.errstate(divide="ignore"):
        return (singular[:, 0] / singular[:, -1]) ** 2


def mean_log_condition_number(condition_numbers):
    """The mean over z of log(λ_max/λ_min) (natural log): the "mean log condition
    number" the paper plots for each run.

    >>> float(mean_log_condition_number([1.0, np.e ** 2]))
    1.0
    """
    return float(np.mean(np.log(np.asarray(condition_numbers, dtype="float64"))))
