"""The projection discriminator (Miyato and Koyama 2018, eq. 3) and the conditional
SNGAN networks: ClassProjection against numpy (the row-wise dot product of the label's
spectrally normalized embedding row and φ(x)), the discriminators' unconditional part
unchanged, conditional batch normalization in the generators, the label-channel way,
the `train` config's path to them, saving, and a short `fit` on every backend."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import pipelines
from keras_edgan import models
from keras_edgan.architectures import registry, sngan_cnn, sngan_resnet
from keras_edgan.cli import config as config_lib
from keras_edgan.cli.build import build_gan
from keras_edgan.layers import ClassProjection, ConditionalBatchNormalization, SpectralNorm
from keras_edgan.techniques import feature_extractor

CLASSES, FEATURES = 4, 6
BUILDERS = {"sngan_cnn": sngan_cnn, "sngan_resnet": sngan_resnet}


def to_numpy(x):
    return ops.convert_to_numpy(x)


def normalize(x):
    return x / max(np.linalg.norm(x), 1e-12)


def projection_layer(spectral_norm, seed=0):
    layer = ClassProjection(CLASSES, spectral_norm=spectral_norm)
    layer.build([(None, FEATURES), (None,)])
    rng = np.random.default_rng(seed)
    layer.embeddings.kernel.assign(rng.normal(size=(CLASSES, FEATURES)).astype("float32"))
    if spectral_norm:
        layer.normalized.u.assign(normalize(rng.normal(size=FEATURES)).astype("float32"))
    return layer


def inputs(seed=1, n=5):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, FEATURES)).astype("float32"),
            rng.integers(0, CLASSES, n).astype("int32"))


# ClassProjection.

@pytest.mark.backends
def test_projection_is_the_dot_product_of_the_embedding_row_and_the_features():
    layer = projection_layer(spectral_norm=False)
    phi, labels = inputs()
    table = to_numpy(layer.embeddings.kernel)
    expected = np.array([table[y] @ f for f, y in zip(phi, labels)])[:, None]
    for training in (True, False):
        np.testing.assert_allclose(to_numpy(layer([phi, labels], training=training)), expected,
                                   rtol=1e-5, atol=1e-6)


@pytest.mark.backends
def test_spectral_norm_divides_the_table_by_its_power_iteration_sigma():
    """V̄ = V/σ(V), σ from one power-iteration step of Miyato et al.'s Algorithm 1 on the
    (classes × features) table in training, from the stored u in inference."""
    layer = projection_layer(spectral_norm=True)
    phi, labels = inputs()
    table, u = to_numpy(layer.embeddings.kernel), to_numpy(layer.normalized.u)

    v = normalize(table @ u)  # inference: u as stored
    sigma = v @ table @ u
    expected = np.sum(table[labels] / sigma * phi, axis=1, keepdims=True)
    np.testing.assert_allclose(to_numpy(layer([phi, labels], training=False)), expected,
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(to_numpy(layer.normalized.u), u)

    u_new = normalize(table.T @ normalize(table @ u))  # training: one step, stored
    sigma = normalize(table @ u) @ table @ u_new
    expected = np.sum(table[labels] / sigma * phi, axis=1, keepdims=True)
    np.testing.assert_allclose(to_numpy(layer([phi, labels], training=True)), expected,
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_numpy(layer.normalized.u), u_new, rtol=1e-5, atol=1e-6)

    for _ in range(50):  # the estimate converges to the largest singular value
        layer([phi, labels], training=True)
    top = np.linalg.svd(table, compute_uv=False)[0]
    np.testing.assert_allclose(to_numpy(layer.table()), table / top, rtol=1e-4, atol=1e-6)


def test_projection_refuses_what_is_not_features_and_class_indices():
    features = keras.Input((FEATURES,))
    with pytest.raises(ValueError, match="labels have dtype float32; expected integer"):
        ClassProjection(CLASSES)([features, keras.Input((), dtype="float32")])
    with pytest.raises(ValueError, match=r"one class index per example, shape \(n,\)"):
        ClassProjection(CLASSES)([features, keras.Input((CLASSES,), dtype="int32")])
    with pytest.raises(ValueError, match=r"features must be vectors .* \(None, 2, 2, 3\)"):
        ClassProjection(CLASSES)([keras.Input((2, 2, 3)), keras.Input((), dtype="int32")])
    with pytest.raises(ValueError, match="num_classes` must be an integer ≥ 2"):
        ClassProjection(1)


@pytest.mark.backends
def test_projection_saves_and_loads(tmp_path):
    phi, labels = inputs()
    features, y = keras.Input((FEATURES,)), keras.Input((), dtype="int32")
    layer = ClassProjection(CLASSES, embeddings_initializer="random_normal", name="projection")
    model = keras.Model([features, y], layer([features, y]))
    model([phi, labels], training=True)  # moves u
    model.save(tmp_path / "projection.keras")
    loaded = keras.saving.load_model(tmp_path / "projection.keras")
    assert loaded.get_layer("projection").get_config() == layer.get_config()
    assert [w.path for w in loaded.weights] == [w.path for w in model.weights]
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
    np.testing.assert_allclose(to_numpy(loaded([phi, labels])), to_numpy(model([phi, labels])),
                               rtol=1e-6)


# The conditional SNGAN networks.

def images_and_labels(n=4, seed=2):
    rng = np.random.default_rng(seed)
    return (rng.uniform(-1, 1, (n, 16, 16, 3)).astype("float32"),
            (np.arange(n) % CLASSES).astype("int32"))


def copy_shared_weights(source, target):
    """Copies the weights of `source`'s layers into `target`'s layers of the same name."""
    names = {layer.name for layer in target.layers}
    for layer in source.layers:
        if layer.weights and layer.name in names:
            target.get_layer(layer.name).set_weights(layer.get_weights())


@pytest.mark.backends
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_projection_discriminator_adds_the_class_term_to_the_unconditional_logit(name):
    """D(x, y) = ψ(φ(x)) + ⟨V̄_y, φ(x)⟩ with ψ∘φ the unconditional discriminator."""
    build = BUILDERS[name]
    _, discriminator = build(image_size=16, width=4, latent_dim=8, num_classes=CLASSES,
                             conditioning="projection")
    _, plain = build(image_size=16, width=4, latent_dim=8)
    copy_shared_weights(discriminator, plain)
    x, labels = images_and_labels()

    phi = to_numpy(feature_extractor(plain)(x))  # flattened (CNN) or sum-pooled (ResNet)
    projection = discriminator.get_layer("projection")
    table = to_numpy(projection.table(training=False))
    assert table.shape == (CLASSES, phi.shape[1])
    expected = to_numpy(plain(x)) + np.sum(table[labels] * phi, axis=1, keepdims=True)
    np.testing.assert_allclose(to_numpy(discriminator([x, labels])), expected,
                               rtol=1e-4, atol=1e-5)
    # Spectrally normalized with the rest of the discriminator.
    assert projection.spectral_norm and isinstance(projection.normalized, SpectralNorm)
    # Feature matching's default features stay φ(x).
    np.testing.assert_allclose(to_numpy(feature_extractor(discriminator)([x, labels])), phi,
                               rtol=1e-5, atol=1e-6)


def test_standard_cnn_projection_follows_its_spectral_norm_switch():
    _, discriminator = sngan_cnn(image_size=16, width=4, num_classes=CLASSES, spectral_norm=False)
    assert not discriminator.get_layer("projection").spectral_norm


@pytest.mark.backends
@pytest.mark.parametrize("name, conditional_bn", [
    ("sngan_cnn", ["project_bn", "deconv0_bn", "deconv1_bn", "deconv2_bn"]),
    ("sngan_resnet", [f"block{i}_bn{j}" for i in range(3) for j in range(2)]),
])
def test_projection_generator_uses_conditional_batch_norm(name, conditional_bn):
    generator, _ = BUILDERS[name](image_size=16, width=4, latent_dim=8, num_classes=CLASSES)
    normalizations = {layer.name: layer for layer in generator.layers
                      if isinstance(layer, (keras.layers.BatchNormalization,
                                            ConditionalBatchNormalization))}
    conditional = sorted(n for n, layer in normalizations.items()
                         if isinstance(layer, ConditionalBatchNormalization))
    assert conditional == sorted(conditional_bn)
    # The ResNet's last BN stays unconditional, as in Miyato and Koyama's generator.
    assert set(normalizations) - set(conditional) == ({"out_bn"} if name == "sngan_resnet" else set())
    z = np.random.default_rng(3).normal(size=(2, 8)).astype("float32")
    same_z = np.repeat(z[:1], 2, axis=0)
    labels = np.array([0, 3], "int32")
    # γ = 1 and β = 0 at first: the label changes nothing until the tables are learned.
    first = to_numpy(generator([same_z, labels], training=False))
    np.testing.assert_allclose(first[0], first[1], atol=1e-6)
    generator.get_layer(conditional_bn[-1]).beta.assign(
        np.random.default_rng(4).normal(size=generator.get_layer(conditional_bn[-1]).beta.shape)
    )
    second = to_numpy(generator([same_z, labels], training=False))
    assert np.abs(second[0] - second[1]).max() > 1e-3


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_label_channels_conditioning_appends_the_label(name):
    generator, discriminator = BUILDERS[name](image_size=16, width=4, latent_dim=8,
                                              num_classes=CLASSES, conditioning="label_channels")
    assert generator.get_layer("z_and_label").output.shape == (None, 8 + CLASSES)
    assert discriminator.get_layer("images_and_label").output.shape == (None, 16, 16, 3 + CLASSES)
    for network in (generator, discriminator):
        assert not [layer for layer in network.layers
                    if isinstance(layer, (ConditionalBatchNormalization, ClassProjection))]
        assert len(network.inputs) == 2


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_unconditional_networks_are_unchanged_and_refuse_a_conditioning(name):
    generator, discriminator = BUILDERS[name](image_size=16, width=4, latent_dim=8)
    assert len(generator.inputs) == len(discriminator.inputs) == 1
    with pytest.raises(ValueError, match="conditioning='projection' applies to conditional"):
        BUILDERS[name](width=4, conditioning="projection")
    with pytest.raises(ValueError, match="conditioning must be one of projection, label_chann"):
        BUILDERS[name](width=4, num_classes=CLASSES, conditioning="concat")
    with pytest.raises(ValueError, match="num_classes must be an integer ≥ 2"):
        BUILDERS[name](width=4, num_classes=1)


@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("conditioning", ["projection", "label_channels"])
def test_conditional_networks_survive_keras_saving(name, conditioning, tmp_path):
    generator, discriminator = BUILDERS[name](image_size=16, width=4, latent_dim=8,
                                              num_classes=CLASSES, conditioning=conditioning)
    x, labels = images_and_labels()
    z = np.random.default_rng(5).normal(size=(4, 8)).astype("float32")
    for network, data in ((generator, [z, labels]), (discriminator, [x, labels])):
        network(data, training=True)  # moves the statistics and u
        network.save(tmp_path / "network.keras")
        loaded = keras.saving.load_model(tmp_path / "network.keras")
        np.testing.assert_allclose(to_numpy(loaded(data)), to_numpy(network(data)),
                                   rtol=1e-5, atol=1e-6)


# From the train config.

def small_config(**overrides):
    return config_lib.load(None, dict(
        dict(dataset="mnist5k", image_size=32, model="nsgan", architecture="sngan_cnn",
             conditional=True, width=4, latent_dim=16, batch_size=8, d_steps=1,
             optimizer="adam", lr_d=2e-4, lr_g=2e-4),
        **overrides,
    ))


@pytest.mark.parametrize("architecture", sorted(BUILDERS))
def test_train_conditional_builds_the_projection_networks(architecture):
    gan, data = build_gan(small_config(architecture=architecture))
    assert gan.num_classes == data.num_classes == 10
    assert isinstance(gan.discriminator.get_layer("projection"), ClassProjection)
    assert [tuple(t.shape) for t in gan.generator.inputs] == [(None, 16), (None,)]
    gan, _ = build_gan(small_config(architecture=architecture, conditional=False))
    assert gan.num_classes is None and len(gan.discriminator.inputs) == 1


def test_registry_passes_the_conditioning_key_and_refuses_it_elsewhere():
    """`conditioning` reaches the builders as a config key (once `train` has the
    option); an architecture without it refuses it, naming those that have it."""
    config = dict(config_lib.DEFAULTS, image_size=32, latent_dim=8, width=4, num_classes=10)
    data = pipelines.info("mnist5k")
    for name in sorted(BUILDERS):
        _, discriminator = registry.ARCHITECTURES.build(
            name, dict(config, conditioning="label_channels"), data
        )
        assert discriminator.get_layer("images_and_label").output.shape[-1] == 1 + 10
        assert name in registry.CONDITIONAL
    with pytest.raises(ValueError, match=r"wgan_layernorm architecture has no option "
                                         r"conditioning; .* \(sngan_cnn, sngan_resnet\)"):
        registry.ARCHITECTURES.build("wgan_layernorm", dict(config, conditioning="projection"),
                                     data)


# Training.

@pytest.mark.backends
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_conditional_sngan_with_projection_fits(name):
    keras.utils.set_random_seed(0)
    generator, discriminator = BUILDERS[name](image_size=16, width=4, latent_dim=8,
                                              num_classes=CLASSES)
    gan = models.NSGAN(generator, discriminator, latent_dim=8, d_steps=1, num_classes=CLASSES)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2))
    x, labels = images_and_labels(n=8)
    projection = discriminator.get_layer("projection")
    cbn = generator.get_layer("block0_bn0" if name == "sngan_resnet" else "project_bn")
    before = [to_numpy(w) for w in (projection.embeddings.kernel, projection.normalized.u,
                                    cbn.gamma, cbn.beta)]
    history = gan.fit(tf.data.Dataset.from_tensors((x, labels)).repeat(), epochs=1,
                      steps_per_epoch=2, verbose=0).history
    assert np.isfinite(history["d_loss"][-1]) and np.isfinite(history["g_loss"][-1])
    after = [to_numpy(w) for w in (projection.embeddings.kernel, projection.normalized.u,
                                   cbn.gamma, cbn.beta)]
    for old, new in zip(before, after):
        assert not np.allclose(old, new), "a conditional weight did not train"
    fakes = gan.generate(CLASSES, seed=0, labels=np.arange(CLASSES))
    assert fakes.shape == (CLASSES, 16, 16, 3) and np.isfinite(fakes).all()


@pytest.mark.backends
def test_projection_networks_train_in_mixed_bfloat16():
    """`train --dtype_policy=mixed_bfloat16`: the conditional layers compute in bfloat16
    and keep float32 tables, statistics and u."""
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        keras.utils.set_random_seed(0)
        generator, discriminator = sngan_cnn(image_size=16, width=4, latent_dim=8,
                                             num_classes=CLASSES)
        gan = models.NSGAN(generator, discriminator, latent_dim=8, num_classes=CLASSES)
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-3),
                    g_optimizer=keras.optimizers.Adam(1e-3))
    finally:
        keras.config.set_dtype_policy("float32")
    for layer in (discriminator.get_layer("projection"), generator.get_layer("project_bn")):
        assert layer.compute_dtype == "bfloat16"
        assert all(v.dtype == "float32" for v in layer.weights)
    x, labels = images_and_labels(n=8)
    history = gan.fit(tf.data.Dataset.from_tensors((x, labels)).repeat(), epochs=1,
                      steps_per_epoch=2, verbose=0).history
    assert np.isfinite(history["d_loss"][-1]) and np.isfinite(history["g_loss"][-1])
    assert np.isfinite(gan.generate(2, seed=0, labels=[0, 1])).all()
