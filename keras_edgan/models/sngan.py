"""SNGAN: spectrally normalized discriminator, hinge loss (Miyato et al. 2018)."""

from keras_edgan.models import registry
from keras_edgan.models.hinge import HingeGAN


class SNGAN(HingeGAN):
    """Miyato, Kataoka, Koyama and Yoshida, "Spectral normalization for generative
    adversarial networks", ICLR 2018: the hinge loss with a discriminator whose
    every layer is spectrally normalized (`keras_edgan.architectures.sngan_resnet`
    or `sngan_cnn`), n_dis = 5 discriminator updates per generator update, Adam
    with learning rate 2e-4, β1 = 0, β2 = 0.9 (their best CIFAR-10 ResNet setting).

    Example:
    ```python
    G, D = keras_edgan.architectures.sngan_resnet(image_size=32)
    gan = keras_edgan.models.SNGAN(G, D, latent_dim=128)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.9))
    gan.fit(pipelines.load("cifar10", batch_size=5 * 64), epochs=...)
    ```
    """

    default_options = {"d_steps": 5}


registry.register("sngan", SNGAN)
