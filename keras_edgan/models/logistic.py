"""The logistic discriminator loss shared by the GANs of Goodfellow et al.'s objective,
with the targets label smoothing and noisy labels change."""

from keras import ops

from keras_edgan.losses.minimax import minimax_discriminator_loss
from keras_edgan.techniques.noisy_labels import flip_targets


class LogisticDiscriminatorLoss:
    """The logistic (sigmoid cross-entropy) discriminator loss of EDGAN eq. 1
    (`minimax_discriminator_loss`), a mixin of the `GAN`s that use it, with its
    targets: only these models take `real_target`, `fake_target` and `flip_rate`.

    Args:
        real_target, fake_target: the targets of the loss (α and β of the guide,
            §4.1); the defaults 1 and 0 are the GAN objective. One-sided label
            smoothing (Salimans et al. 2016, §3.4) sets real_target=0.9. Two-sided
            smoothing also sets fake_target (e.g. 0.1); the optimal discriminator
            (α·p_data + β·p_model)/(p_data + p_model) then keeps a floor of β where
            only the model has mass: in every run of the guide the images later
            turned to noise (epoch 60–70) and never recovered.
        flip_rate: noisy labels (guide §4.5): each discriminator target is flipped
            with this probability, drawn from the model's stream. With 5% and 10%
            the guide's images turned to noise at some epoch (78 and 75).

    Example:
    ```python
    class NSGAN(LogisticDiscriminatorLoss, GAN):
        def generator_loss(self, fake_logits, real, fake, critic):
            return non_saturating_generator_loss(fake_logits), {}
    ```
    """

    output_names = ("d_real", "d_fake", "p_real", "p_fake")

    def __init__(self, *args, real_target=1.0, fake_target=0.0, flip_rate=0.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.real_target, self.fake_target = float(real_target), float(fake_target)
        self.flip_rate = float(flip_rate)
        if not 0.0 <= self.fake_target < self.real_target <= 1.0:
            raise ValueError(
                f"The discriminator targets must satisfy 0 ≤ fake_target < real_target ≤ 1; "
                f"got real_target={real_target}, fake_target={fake_target}. One-sided label "
                f"smoothing uses real_target=0.9, fake_target=0."
            )
        if not 0.0 <= self.flip_rate < 0.5:
            raise ValueError(
                f"flip_rate is the fraction of flipped discriminator targets (noisy labels), "
                f"in [0, 0.5); got {flip_rate}. The guide tried 0.05 and 0.1."
            )

    def discriminator_loss(self, real_logits, fake_logits, real, fake, critic):
        return minimax_discriminator_loss(
            real_logits, fake_logits, *self.discriminator_targets(real_logits, fake_logits)
        )

    def discriminator_outputs(self, real_logits, fake_logits):
        """`GAN.discriminator_outputs` and, D(x) being σ of its logit here, the mean
        probabilities D gives the real (`p_real`) and the generated samples
        (`p_fake`)."""
        return {
            **super().discriminator_outputs(real_logits, fake_logits),
            "p_real": ops.mean(ops.sigmoid(real_logits)),
            "p_fake": ops.mean(ops.sigmoid(fake_logits)),
        }

    def discriminator_targets(self, real_logits, fake_logits):
        """`(real_targets, fake_targets)`: `real_target` and `fake_target` (label
        smoothing), each flipped to the other with probability `flip_rate` (noisy
        labels), drawn from the model's seeded stream."""
        if not self.flip_rate:
            return self.real_target, self.fake_target
        real_targets = flip_targets(
            ops.shape(real_logits), self.real_target, self.fake_target, self.flip_rate,
            seed=self.seed_generator,
        )
        fake_targets = flip_targets(
            ops.shape(fake_logits), self.fake_target, self.real_target, self.flip_rate,
            seed=self.seed_generator,
        )
        return real_targets, fake_targets
