"""RFGAN's representative features: a discriminator that also sees the features of a
frozen encoder, pre-trained as an auto-encoder on the real data.

Bang and Shim 2018, "Improved Training of Generative Adversarial Networks using
Representative Features" (seed 002, §3 and its figure 3): the encoder E of an
auto-encoder trained beforehand on the real images gives the representative
features h₁ = E(x); the discriminator's own features h₂ are concatenated with them,
and one output unit (a sigmoid, Y in the figure) classifies [h₁; h₂]. E stays frozen
while the GAN trains: only the discriminator's own layers and the output unit learn.
The auto-encoder's objective is the forward KL(P_data ‖ P_model), which weighs every
real example, so its features describe the data's modes as a whole and counter the
mode-seeking reverse KL of the GAN.
"""

import json
import os
import re

import keras
from absl import logging
from keras import layers

from keras_edgan.techniques.feature_matching import feature_extractor

# Not given by the seed: the auto-encoder's code size, optimizer and batch; a
# DCGAN-style network with a 128-d code, Adam 1e-3, minibatches of 64.
CODE_DIM = 128
LEARNING_RATE = 1e-3
BATCH_SIZE = 64


def autoencoder(image_shape, width=64, code_dim=CODE_DIM):
    """Returns `(encoder, autoencoder)` for images in [−1, 1] of `image_shape` (side a
    multiple of 4).

    The encoder is DCGAN's discriminator body: two 4×4 stride-2 convolutions (width,
    2·width channels) with LeakyReLU(0.2), then a dense layer to the `code_dim`
    representative features; the decoder mirrors it and ends in tanh.

    Example:
    ```python
    encoder, model = autoencoder((28, 28, 1), width=32)
    model.compile("adam", "mse")
    ```
    """
    size, _, channels = image_shape
    if size % 4:
        raise ValueError(
            f"The auto-encoder halves the image side twice, so it needs a multiple of 4; got "
            f"images of {size}×{size}. Resize them (train --image_size=32)."
        )
    x = keras.Input(image_shape)
    h = layers.Conv2D(width, 4, strides=2, padding="same")(x)
    h = layers.LeakyReLU(0.2)(h)
    h = layers.Conv2D(2 * width, 4, strides=2, padding="same")(h)
    h = layers.LeakyReLU(0.2)(h)
    code = layers.Dense(code_dim, name="representative_features")(layers.Flatten()(h))
    encoder = keras.Model(x, code, name="representative_encoder")

    side = size // 4
    h = layers.Dense(side * side * 2 * width)(code)
    h = layers.LeakyReLU(0.2)(layers.Reshape((side, side, 2 * width))(h))
    h = layers.Conv2DTranspose(width, 4, strides=2, padding="same")(h)
    h = layers.LeakyReLU(0.2)(h)
    images = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="tanh")(h)
    return encoder, keras.Model(x, images, name="autoencoder")


def pretrained_encoder(dataset, image_size, width=64, epochs=10, split=None, data_dir=None,
                       seed=0, cache_dir=None):
    """The frozen encoder of an auto-encoder trained on `dataset`'s real images.

    Trained once (mean squared reconstruction error, Adam, `epochs` passes over the
    split, the loss logged after each; `seed` seeds the weights and the data order,
    and the global Keras seed) and cached in
    `cache_directory(cache_dir)/representative_features/KEY.keras`, KEY naming the
    dataset, split, image size, width, code size, epochs and seed; later calls load it.

    Example:
    ```python
    encoder = pretrained_encoder("mnist5k", image_size=32, width=16, epochs=5)
    ```

    Returns:
        The encoder, a `keras.Model` from images to `CODE_DIM` features, with
        `trainable` False.
    """
    # Here, not at the top: the data and the cache need TensorFlow, and
    # keras_edgan.techniques must import without it (JAX- or torch-only installs).
    import pipelines
    from keras_edgan.evaluation.cache import cache_directory

    meta = pipelines.info(dataset)
    if meta.point_dim is not None:
        raise ValueError(
            f"Representative features come from an auto-encoder of images; {meta.name} holds "
            f"{meta.point_dim}-D points. Train on an image dataset, or without them."
        )
    split = split or meta.train_split
    key = f"{meta.name}_{split}_{image_size}px_w{width}_d{CODE_DIM}_e{epochs}_s{seed}"
    directory = os.path.join(cache_directory(cache_dir), "representative_features")
    path = os.path.join(directory, re.sub(r"[^\w.+-]", "-", key) + ".keras")
    if os.path.isfile(path):
        encoder = keras.saving.load_model(path, compile=False)
    else:
        encoder = _train_encoder(meta, split, data_dir, image_size, width, epochs, seed, path, key)
    encoder.trainable = False
    return encoder


def _train_encoder(meta, split, data_dir, image_size, width, epochs, seed, path, key):
    import pipelines

    keras.utils.set_random_seed(seed)
    images = pipelines.load(meta.name, batch_size=BATCH_SIZE, image_size=image_size, split=split,
                            data_dir=data_dir, seed=seed)
    channels = images.element_spec.shape[-1]
    encoder, model = autoencoder((image_size, image_size, channels), width)
    model.compile(keras.optimizers.Adam(LEARNING_RATE), "mse")
    logging.info("Pre-training RFGAN's auto-encoder on %s (%s), %d epochs (cached in %s).",
                 meta.name, split, epochs, path)
    history = model.fit(images.map(lambda x: (x, x)), epochs=epochs, verbose=0, shuffle=False,
                        callbacks=[_EpochLog(epochs)])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.keras"
    encoder.save(temporary)
    os.replace(temporary, path)
    with open(path[: -len(".keras")] + ".json", "w") as f:
        json.dump({"key": key, "reconstruction_mse": history.history["loss"]}, f)
    return encoder


class _EpochLog(keras.callbacks.Callback):
    def __init__(self, epochs):
        super().__init__()
        self.epochs = epochs

    def on_epoch_end(self, epoch, logs=None):
        logging.info("auto-encoder epoch %d/%d: reconstruction MSE %.4f", epoch + 1, self.epochs,
                     logs["loss"])


def representative_feature_discriminator(discriminator, encoder):
    """RFGAN's discriminator: one output unit on [E(x); f(x)], E the frozen `encoder`
    and f the features `discriminator` feeds its output layer (`feature_extractor`).

    The result shares f's layers and weights with `discriminator`, whose output
    layer it replaces by `Dense(1)` on the concatenation; it returns logits, like
    every discriminator here (the losses apply the sigmoid).

    Example:
    ```python
    encoder = pretrained_encoder("mnist5k", image_size=32)
    discriminator = representative_feature_discriminator(discriminator, encoder)
    ```
    """
    if len(discriminator.inputs) != 1:
        raise ValueError(
            "Representative features are defined for an unconditional discriminator D(x); "
            "this one takes [x, y]. Train without --conditional, or without them."
        )
    encoder.trainable = False
    own_features = feature_extractor(discriminator)
    x = keras.Input(discriminator.inputs[0].shape[1:])
    representative = layers.Flatten()(encoder(x, training=False))
    features = layers.Concatenate()([representative, layers.Flatten()(own_features(x))])
    logits = layers.Dense(1, name="representative_output")(features)
    return keras.Model(x, logits, name=f"{discriminator.name}_rf")
