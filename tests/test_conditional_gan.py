"""Class-conditional GANs in the base model: `[z, y]` and `[x, y]` networks, labelled
data, fakes with the real minibatch's labels, `generate(labels=...)`."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_edgan import models

CLASSES = 3


def conditional_networks(latent_dim=2, features=2):
    """G([z, y]) = Dense(z) + E_G[y]; D([x, y]) = frozen Dense(x) + E_D[y], so D's only
    trainable weights are one logit per class."""
    keras.utils.set_random_seed(0)
    z, y = keras.Input((latent_dim,)), keras.Input((), dtype="int32")
    g_table = keras.layers.Embedding(CLASSES, features, name="g_table",
                                     embeddings_initializer=keras.initializers.Constant(
                                         np.arange(CLASSES * features).reshape(CLASSES, features)))
    generator = keras.Model(
        [z, y], keras.layers.Add()([keras.layers.Dense(features, kernel_initializer="zeros")(z),
                                    g_table(y)])
    )
    x, y = keras.Input((features,)), keras.Input((), dtype="int32")
    d_table = keras.layers.Embedding(CLASSES, 1, name="d_table",
                                     embeddings_initializer=keras.initializers.Constant(
                                         [[0.5], [-1.0], [2.0]]))
    frozen = keras.layers.Dense(1, trainable=False, name="frozen")
    discriminator = keras.Model([x, y], keras.layers.Add()([frozen(x), d_table(y)]))
    return generator, discriminator


class PerClassLoss(models.GAN):
    """L_D = E[D(x, y)²] + E[D(G(z, y'), y')]; with D's x path frozen at 0 the update of the
    class logits depends only on the real labels y and the fakes' labels y'."""

    def discriminator_loss(self, real_logits, fake_logits, real, fake):
        return ops.mean(real_logits**2) + ops.mean(fake_logits)

    def generator_loss(self, fake_logits, real, fake):
        return ops.mean(fake_logits), {}


@pytest.mark.backends
def test_discriminator_updates_use_each_minibatch_labels_for_real_and_fake():
    generator, discriminator = conditional_networks()
    discriminator.get_layer("frozen").set_weights([np.zeros((2, 1)), np.zeros(1)])
    gan = PerClassLoss(generator, discriminator, latent_dim=2, d_steps=2, num_classes=CLASSES)
    lr = 0.1
    gan.compile(d_optimizer=keras.optimizers.SGD(lr), g_optimizer=keras.optimizers.SGD(0.0))
    images = np.random.default_rng(0).normal(size=(8, 2)).astype("float32")
    labels = np.array([0, 0, 2, 1, 2, 2, 2, 0], "int32")
    gan.fit(tf.data.Dataset.from_tensors((images, labels)), epochs=1, verbose=0)

    table = np.array([0.5, -1.0, 2.0])
    for minibatch in np.split(labels, 2):  # fakes take the minibatch's labels
        counts = np.bincount(minibatch, minlength=CLASSES)
        grad = (2.0 * counts * table + counts) / len(minibatch)
        table = table - lr * grad
    np.testing.assert_allclose(
        ops.convert_to_numpy(discriminator.get_layer("d_table").embeddings)[:, 0], table, rtol=1e-5
    )


@pytest.mark.backends
def test_conditional_wgan_gp_binds_the_labels_in_its_penalty():
    generator, discriminator = conditional_networks()
    gan = models.WGANGP(generator, discriminator, latent_dim=2, d_steps=1, num_classes=CLASSES)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    images = np.random.default_rng(0).normal(size=(8, 2)).astype("float32")
    labels = np.arange(8, dtype="int32") % CLASSES
    history = gan.fit(tf.data.Dataset.from_tensors((images, labels)).repeat(), epochs=1,
                      steps_per_epoch=2, verbose=0).history
    assert np.isfinite(history["d_loss"][0]) and np.isfinite(history["g_loss"][0])


def test_generate_takes_labels_or_draws_them_uniformly():
    gan = PerClassLoss(*conditional_networks(), latent_dim=2, num_classes=CLASSES)
    per_class = np.arange(CLASSES * 2).reshape(CLASSES, 2)  # G's output is E_G[y]
    np.testing.assert_array_equal(gan.generate(4, seed=0, labels=2), np.tile(per_class[2], (4, 1)))
    np.testing.assert_array_equal(gan.generate(3, seed=0, labels=[1, 0, 2]), per_class[[1, 0, 2]])
    drawn = gan.generate(3000, seed=1)
    counts = np.bincount([int(row[0]) // 2 for row in drawn], minlength=CLASSES)
    np.testing.assert_allclose(counts / 3000, 1.0 / CLASSES, atol=0.03)
    np.testing.assert_array_equal(drawn, gan.generate(3000, seed=1))
    with pytest.raises(ValueError, match=r"class indices in \[0, 3\)"):
        gan.generate(2, labels=[0, 3])
    with pytest.raises(ValueError, match="one class index or 2 of them"):
        gan.generate(2, labels=[0, 1, 2])


def test_mismatched_networks_and_unlabelled_data_are_clear_errors():
    generator, discriminator = conditional_networks()
    plain_generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    plain_discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="generator takes two inputs, .* but num_classes is None"):
        models.NSGAN(generator, discriminator, latent_dim=2)
    with pytest.raises(ValueError, match=r"discriminator takes two inputs \[x, y\] .* takes 1"):
        models.NSGAN(generator, plain_discriminator, latent_dim=2, num_classes=CLASSES)
    with pytest.raises(ValueError, match="num_classes must be an integer ≥ 2"):
        models.NSGAN(plain_generator, plain_discriminator, latent_dim=2, num_classes=1)
    gan = models.NSGAN(generator, discriminator, latent_dim=2, num_classes=CLASSES)
    gan.compile(d_optimizer="sgd", g_optimizer="sgd")
    with pytest.raises(ValueError, match="with_labels=True"):
        gan.fit(tf.data.Dataset.from_tensors(np.zeros((4, 2), "float32")), verbose=0)
    unconditional = models.NSGAN(plain_generator, plain_discriminator, latent_dim=2)
    with pytest.raises(ValueError, match="unconditional GAN"):
        unconditional.generate(2, labels=1)
    with pytest.raises(ValueError, match="wraps unconditional GANs only"):
        models.VER(gan)
