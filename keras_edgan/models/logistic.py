"""The logistic discriminator loss shared by the GANs of Goodfellow et al.'s objective,
with the targets label smoothing and noisy labels change."""

from keras import ops

from keras_edgan.losses.minimax import minimax_discriminator_loss
from keras_edgan.techniques.noisy_labels import flip_targets


class LogisticDiscriminatorLoss:
    """Mixin of the `GAN`s whose discriminator loss is the sigmoid cross-entropy of
    EDGAN eq. 1 (`minimax_discriminator_loss`): it is their `discriminator_loss`,
    with the targets of the GAN's `real_target`, `fake_target` and `flip_rate`.
    Only these models accept those arguments.

    Example:
    ```python
    class NSGAN(LogisticDiscriminatorLoss, GAN):
        def generator_loss(self, fake_logits, real, fake):
            return non_saturating_generator_loss(fake_logits), {}
    ```
    """

    def discriminator_loss(self, real_logits, fake_logits, real, fake):
        return minimax_discriminator_loss(
            real_logits, fake_logits, *self.discriminator_targets(real_logits, fake_logits)
        )

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
