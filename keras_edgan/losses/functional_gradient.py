"""Composite functional gradient learning of GANs (Johnson and Zhang, ICML 2018; seed
002, §4): the functional step that moves generated samples along the discriminator's
gradient, and the loss that distils the moved samples into a generator network."""

from keras import ops

from keras_edgan import backend

SCALINGS = ("constant", "gan")
"""The scaling functions s(x) of eq. 9 that `functional_gradient_step` offers."""


def functional_gradient_step(critic, samples, step_size, scaling="constant", training=False):
    """x + η·s(x)·∇ₓD(x): line 8 of ICFG (Algorithm 2), eq. 6 with g = s·∇D of eq. 9.

    D is the logistic discriminator of eq. 8 (its logit, D(x) > 0 for data-like
    samples), so the step moves each sample towards where D takes it for real data;
    for any s(x) > 0 and a small enough η it lowers the KL divergence between the
    data and the moved samples' distribution. `scaling` is s(x):

    - "constant": s(x) = 1, the paper's default ("most simply s_t(x) = 1") and that
      of the authors' code;
    - "gan": s(x) = σ(D(x))/η, so the step is x + σ(D(x))·∇ₓD(x). With it, one
      step followed by one distillation step (`approximation_loss`) gives the
      generator exactly the gradient of Goodfellow et al.'s log(1 − σ(D(G(z))))
      (eq. 11–12): the GAN is xICFG with T = 1.

    Example:
    ```python
    moved = functional_gradient_step(D, G(z), step_size=0.5)  # x + 0.5·∇D(x)
    ```

    Args:
        critic: a `keras.Model` (or `BoundDiscriminator`) mapping samples to one
            logit each.
        samples: a tensor `(n, ...)`.
        step_size: η > 0 (the authors use 0.1–2.5, by dataset and network).
        scaling: one of `SCALINGS`.
        training: the mode the critic is called in. In inference mode (False) its
            samples do not interact, so the gradient of Σᵢ D(xᵢ) is each sample's
            own; a discriminator with batch normalization trained on all-generated
            batches is the function it learned only in training mode (True, which
            also updates its moving statistics), the mode of the authors' code.
    """
    if scaling not in SCALINGS:
        raise ValueError(
            f"scaling must be one of {SCALINGS} (s(x) = 1, or σ(D(x))/η, which makes "
            f"T = 1 the GAN's generator update); got {scaling!r}."
        )
    samples = ops.convert_to_tensor(samples)
    def discriminate(x):
        return critic(x, training=training)

    gradient = backend.input_gradient(discriminate, samples, critic.variables)
    if scaling == "constant":
        return samples + step_size * gradient
    logits = ops.reshape(discriminate(samples), (-1,) + (1,) * (len(ops.shape(samples)) - 1))
    return samples + ops.sigmoid(logits) * gradient


def approximation_loss(approximated, target):
    """(1/n) Σᵢ ½‖G̃(zᵢ) − G(zᵢ)‖²: line 6 of xICFG (Algorithm 3), the loss that
    makes the approximator G̃ reproduce the samples G(z) of the composite generator,
    summed over each sample's values and averaged over the `n` samples (the authors'
    code divides the sum by n).

    Its gradient with respect to G̃'s weights, at G̃ = G and a target one functional
    step away (G(z) + η·s·∇D(G(z))), is −η·s·Σⱼ[∇D(G(z))]ⱼ ∂[G(z)]ⱼ/∂θ (eq. 12).

    Example:
    ```python
    loss = approximation_loss(G_tilde(z), ops.stop_gradient(moved))
    ```

    Args:
        approximated: G̃(z), a tensor `(n, ...)`, differentiable.
        target: the composite generator's samples of the same z and shape, held
            fixed (stop the gradient).
    """
    difference = ops.reshape(approximated - target, (ops.shape(approximated)[0], -1))
    return 0.5 * ops.mean(ops.sum(ops.square(difference), axis=1))
