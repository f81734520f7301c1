"""The LeCam regularizer of Tseng, Jiang, Liu, Yang and Yang, "Regularizing Generative
Adversarial Networks under Limited Data", CVPR 2021, eq. 3."""

from keras import ops


def lecam_penalty(real_logits, fake_logits, real_average, fake_average):
    """R_LC = E_x[‖D(x) − α_F‖²] + E_z[‖D(G(z)) − α_R‖²]: the discriminator's outputs
    on real data pulled towards the moving average α_F of its outputs on generated
    data, and those on generated data towards α_R, that of its outputs on real data
    (the averages held constant).

    Added to the discriminator's loss with weight λ, it keeps the discriminator's
    predictions from drifting apart on a small training set; the regularized
    objective of an optimal discriminator is the LeCam divergence (Tseng et al., §3).
    The expectations are means over every output value, as in the authors' code. That
    code (google/lecam-gan, `biggan_cifar/losses.py`, `stylegan2/lecam_loss.py`)
    clips each difference at 0 from below, relu(D(x) − α_F)² + relu(α_R − D(G(z)))²;
    this is the paper's two-sided eq. 3, the same wherever D scores real data above
    α_F and generated data below α_R.

    Example:
    >>> float(lecam_penalty(ops.ones((4, 1)), -ops.ones((4, 1)), 0.5, -0.5))  # 1.5² + 1.5²
    4.5
    """
    real_average = ops.stop_gradient(ops.convert_to_tensor(real_average, "float32"))
    fake_average = ops.stop_gradient(ops.convert_to_tensor(fake_average, "float32"))
    return (ops.mean(ops.square(real_logits - fake_average))
            + ops.mean(ops.square(fake_logits - real_average)))
