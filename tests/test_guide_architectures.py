"""The architectures of Garrido et al.'s practical guide (seed 003): sizes against the
guide's tables (§2.2, §3.1.7, §3.3.1, §4.3, §5.6), the kernel sizes of §3.2, the ways
the label is fed (§2.7, §3.3.1, §5.5) and label-aware virtual and reference batch
normalization (§4.4)."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import pipelines
from keras_edgan.architectures import (
    guide_dcgan,
    guide_dcgan_minibatch,
    guide_dcgan_vbn,
    guide_gan,
    registry,
    wgan_layernorm,
)
from keras_edgan.architectures.guide import guide_dcgan_rbn
from keras_edgan.cli import config as config_lib

CONDITIONAL = {
    "guide_gan": guide_gan,
    "guide_dcgan": guide_dcgan,
    "guide_dcgan_minibatch": guide_dcgan_minibatch,
    "guide_dcgan_vbn": guide_dcgan_vbn,
    "guide_dcgan_rbn": guide_dcgan_rbn,
    "wgan_layernorm": wgan_layernorm,
}
# The builders of guide.py, which take `kernel_size` (§3.2).
KERNEL_SIZED = sorted(set(CONDITIONAL) - {"wgan_layernorm"})
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


def tensor(x):
    return keras.ops.convert_to_tensor(x)


# Parameter counts written from the tables' rows (kernel k×k, features in → out).
def dense(n_in, n_out):
    return n_in * n_out + n_out


def conv(k, c_in, c_out):
    return k * k * c_in * c_out + c_out


def batch_norm(c):
    return 4 * c  # γ, β, moving mean, moving variance


def layer_norm(h, w, c):
    return 2 * h * w * c  # γ, β over each sample's (h, w, c)


def table_generator(z=100, classes=0, k=5):
    """§3.1.7 / §3.3.1 (and §2.2.1: upsampling + 5×5 convolution, the same weights):
    [z, c] → Dense 256·4·4 (BN) → 256 → 128 → 64 (BN each) → 3; k = 5 (§3.2: k×k)."""
    return (
        dense(z + classes, 256 * 4 * 4) + batch_norm(256 * 4 * 4)
        + conv(k, 256, 256) + batch_norm(256)
        + conv(k, 256, 128) + batch_norm(128)
        + conv(k, 128, 64) + batch_norm(64)
        + conv(k, 64, 3)
    )


def table_trunk(k=5):
    """The discriminator's three k×k convolutions (5×5 in the tables), BN each."""
    return (
        conv(k, 3, 64) + batch_norm(64)
        + conv(k, 64, 128) + batch_norm(128)
        + conv(k, 128, 256) + batch_norm(256)
    )


TABLE_TRUNK = table_trunk()


def test_dcgan_matches_sections_3_1_7_and_3_3_1():
    generator, discriminator = guide_dcgan()
    assert generator.count_params() == table_generator()
    assert discriminator.count_params() == TABLE_TRUNK + conv(4, 256, 1)
    generator, discriminator = guide_dcgan(num_classes=10)
    assert generator.count_params() == table_generator(classes=10)
    # Concatenate with c: 256·4·4 + 10 → Dense 256 → Dense 1.
    assert discriminator.count_params() == TABLE_TRUNK + dense(4096 + 10, 256) + dense(256, 1)
    shapes = {
        "z_and_label": (110,), "reshape": (4, 4, 256), "deconv0": (8, 8, 256),
        "deconv1": (16, 16, 128), "deconv2": (32, 32, 64), "tanh": (32, 32, 3),
    }
    for name, shape in shapes.items():
        assert generator.get_layer(name).output.shape[1:] == shape, name
    shapes = {
        "conv0": (16, 16, 64), "conv1": (8, 8, 128), "conv2": (4, 4, 256),
        "features_and_label": (4096 + 10,), "dense": (256,), "logit": (1,),
    }
    for name, shape in shapes.items():
        assert discriminator.get_layer(name).output.shape[1:] == shape, name


def test_gan_matches_section_2_2():
    generator, discriminator = guide_gan()
    assert generator.count_params() == table_generator()
    assert discriminator.count_params() == TABLE_TRUNK + conv(4, 256, 1)
    assert [generator.get_layer(f"upsample{i}").output.shape[1:] for i in range(3)] == [
        (8, 8, 256), (16, 16, 256), (32, 32, 128)
    ]
    # Convolution (5×5, stride 1) at full size, then 2×2 max pooling.
    assert [discriminator.get_layer(f"conv{i}").output.shape[1:] for i in range(3)] == [
        (32, 32, 64), (16, 16, 128), (8, 8, 256)
    ]
    assert [discriminator.get_layer(f"pool{i}").output.shape[1:] for i in range(3)] == [
        (16, 16, 64), (8, 8, 128), (4, 4, 256)
    ]
    kinds = {type(layer) for layer in discriminator.layers}
    assert keras.layers.MaxPooling2D in kinds and keras.layers.LeakyReLU not in kinds


@pytest.mark.parametrize("dense_after", [True, False])
def test_minibatch_discriminator_matches_section_4_3(dense_after):
    _, discriminator = guide_dcgan_minibatch(num_classes=10, dense_after=dense_after)
    # Dense 256 → Minibatch Discrimination (B = 128, C = 5: T ∈ R^{256×128×5}) →
    # [Dense 256] → Dense 1.
    head = dense(4106, 256) + 256 * 128 * 5
    head += dense(256 + 128, 256) + dense(256, 1) if dense_after else dense(256 + 128, 1)
    assert discriminator.count_params() == TABLE_TRUNK + head
    assert discriminator.get_layer("minibatch").output.shape[1:] == (256 + 128,)
    _, unconditional = guide_dcgan_minibatch(dense_after=dense_after)
    assert unconditional.count_params() == TABLE_TRUNK + head - 10 * 256


def test_wgan_critic_matches_section_5_6():
    generator, critic = wgan_layernorm(num_classes=10)
    assert generator.count_params() == table_generator(classes=10)
    # Input (32, 32, 3) with the condition as (32, 32, 10): 13 input channels; LN.
    assert critic.count_params() == (
        conv(5, 13, 64) + layer_norm(16, 16, 64)
        + conv(5, 64, 128) + layer_norm(8, 8, 128)
        + conv(5, 128, 256) + layer_norm(4, 4, 256)
        + conv(4, 256, 1)
    )
    assert critic.get_layer("images_and_label").output.shape[1:] == (32, 32, 13)
    assert not any(isinstance(layer, keras.layers.Dense) for layer in critic.layers)


def convolutions(model):
    """The (transposed) convolutions of a network, inside its ReferenceBatch if any."""
    layers = getattr(model, "network", model).layers
    return {
        layer.name: layer for layer in layers
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose))
    }


def output_shapes(model):
    return {layer.name: layer.output.shape for layer in getattr(model, "network", model).layers}


@pytest.mark.parametrize("kernel_size", [3, 4, 5])
@pytest.mark.parametrize("name", KERNEL_SIZED)
def test_kernel_size_sets_every_convolution_of_section_3_2(name, kernel_size):
    """§3.2 changes "the convolutions' kernel size in both our generator and our
    discriminator"; the discriminator's last convolution, 4×4 valid on the 4×4
    features, maps them to one output whatever the kernel size."""
    build = CONDITIONAL[name]
    networks = build(latent_dim=8, width=4, kernel_size=kernel_size)
    defaults = build(latent_dim=8, width=4)
    for network, default in zip(networks, defaults):
        kernels = {n: layer.kernel_size for n, layer in convolutions(network).items()}
        head = kernels.pop("logit", None)
        assert head in (None, (4, 4)), head
        assert len(kernels) >= 3
        assert set(kernels.values()) == {(kernel_size, kernel_size)}, kernels
        assert output_shapes(network) == output_shapes(default)


@pytest.mark.parametrize("kernel_size", [3, 4])
def test_kernel_size_changes_the_tables_parameter_counts(kernel_size):
    generator, discriminator = guide_dcgan(kernel_size=kernel_size)
    assert generator.count_params() == table_generator(k=kernel_size)
    assert discriminator.count_params() == table_trunk(kernel_size) + conv(4, 256, 1)


@pytest.mark.parametrize("kernel_size", [0, -3, 2.5, True, "5", None])
@pytest.mark.parametrize("name", KERNEL_SIZED)
def test_rejects_bad_kernel_size(name, kernel_size):
    with pytest.raises(
        ValueError, match=f"{name}: kernel_size must be a positive integer, the side of"
    ):
        CONDITIONAL[name](width=2, kernel_size=kernel_size)


def test_kernel_size_reaches_only_the_guide_builders_from_the_config():
    config = config_lib.load(None, {"architecture": "guide_dcgan", "width": 4, "kernel_size": 3})
    for name in KERNEL_SIZED:
        generator, discriminator = registry.ARCHITECTURES.build(
            name, config, pipelines.info("cifar10")
        )
        assert {layer.kernel_size for layer in convolutions(generator).values()} == {(3, 3)}
        assert convolutions(discriminator)["conv0"].kernel_size == (3, 3), name
    for other in ("dcgan", "wgan_layernorm"):
        with pytest.raises(
            ValueError,
            match=f"The {other} architecture has no option kernel_size; unset it or pick an "
            r"architecture that has \(guide_dcgan, ",
        ) as error:
            registry.ARCHITECTURES.build(other, config, pipelines.info("cifar10"))
        assert all(name in str(error.value) for name in KERNEL_SIZED)
    with pytest.raises(ValueError, match="kernel_size must be a positive integer; got 0"):
        config_lib.load(None, {"kernel_size": 0})


@pytest.mark.slow
def test_train_takes_the_kernel_size_flag(tmp_path):
    logdir = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, "-m", "keras_edgan.cli.train", "--dataset=mnist5k",
         "--image_size=32", "--model=nsgan", "--architecture=guide_dcgan", "--kernel_size=3",
         "--width=4", "--latent_dim=8", "--batch_size=8", "--steps=2", "--log_every=2",
         "--sample_every=2", "--checkpoint_every=2", "--eval_every=0", f"--logdir={logdir}"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads((logdir / "config.json").read_text())["kernel_size"] == 3
    generator = keras.saving.load_model(logdir / "generator.keras")
    assert {layer.kernel_size for layer in convolutions(generator).values()} == {(3, 3)}


def test_vbn_generator_replaces_batch_norm_and_holds_a_fixed_reference():
    generator, discriminator = guide_dcgan_vbn(num_classes=10, reference_size=64, seed=3)
    _, reference_discriminator = guide_dcgan(num_classes=10)
    assert discriminator.count_params() == reference_discriminator.count_params()
    vbn = table_generator(classes=10) - sum(  # γ and β only: no moving statistics
        2 * c for c in (256 * 4 * 4, 256, 128, 64)
    )
    assert generator.network.count_params() == vbn
    network_kinds = {type(layer).__name__ for layer in generator.network.layers}
    assert "VirtualBatchNormalization" in network_kinds
    assert "BatchNormalization" not in network_kinds
    (z_ref,) = generator.reference
    assert tuple(z_ref.shape) == (64, 100)
    np.testing.assert_allclose(
        to_numpy(z_ref), np.random.default_rng(3).normal(size=(64, 100)), rtol=1e-6
    )


@pytest.mark.backends
@pytest.mark.parametrize("name", sorted(CONDITIONAL))
def test_conditional_networks_use_the_label(name):
    generator, discriminator = CONDITIONAL[name](num_classes=10, latent_dim=8, width=4)
    rng = np.random.default_rng(0)
    z = tensor(rng.normal(size=(4, 8)).astype("float32"))
    labels = tensor(np.array([0, 1, 2, 3], "int32"))
    other = tensor(np.array([5, 6, 7, 8], "int32"))
    images = generator([z, labels], training=False)
    assert tuple(images.shape) == (4, 32, 32, 3)
    changed = to_numpy(generator([z, other], training=False)) - to_numpy(images)
    assert np.all(np.abs(changed).reshape(4, -1).max(axis=1) > 1e-4)
    scores = discriminator([images, labels], training=False)
    assert tuple(scores.shape) == (4, 1)
    changed = to_numpy(discriminator([images, other], training=False)) - to_numpy(scores)
    assert np.all(np.abs(changed) > 1e-6)


@pytest.mark.parametrize("name", sorted(CONDITIONAL))
def test_unconditional_networks_take_no_label(name):
    generator, discriminator = CONDITIONAL[name](latent_dim=8, width=4)
    assert len(generator.inputs) == 1 and len(discriminator.inputs) == 1


@pytest.mark.backends
def test_label_is_concatenated_one_hot_to_z_and_to_the_flat_features():
    """§2.7 and §3.3.1: [z, c] and [flatten(conv features), c], c one-hot."""
    generator, discriminator = guide_dcgan(num_classes=5, latent_dim=3, width=2)
    rng = np.random.default_rng(1)
    z = rng.normal(size=(4, 3)).astype("float32")
    labels = np.array([4, 0, 2, 2], "int32")
    c = np.eye(5)[labels]
    probe = keras.Model(generator.inputs, generator.get_layer("z_and_label").output)
    np.testing.assert_allclose(
        to_numpy(probe([tensor(z), tensor(labels)])), np.concatenate([z, c], 1)
    )
    x = rng.uniform(-1, 1, size=(4, 32, 32, 3)).astype("float32")
    probe = keras.Model(
        discriminator.inputs,
        [discriminator.get_layer(name).output for name in ("flatten", "features_and_label")],
    )
    features, joined = (to_numpy(t) for t in probe([tensor(x), tensor(labels)]))
    np.testing.assert_allclose(joined, np.concatenate([features, c], 1))


@pytest.mark.backends
def test_wgan_critic_takes_the_label_as_constant_input_channels():
    """§5.5: an n×n×c image and a one-hot label of length m give n×n×(c + m) inputs,
    channel c + k all ones for label k, all zeros otherwise."""
    _, critic = wgan_layernorm(num_classes=4, latent_dim=3, width=2)
    rng = np.random.default_rng(2)
    x = rng.uniform(-1, 1, size=(3, 32, 32, 3)).astype("float32")
    labels = np.array([2, 0, 3], "int32")
    planes = np.zeros((3, 32, 32, 4))
    for i, k in enumerate(labels):
        planes[i, :, :, k] = 1.0
    probe = keras.Model(critic.inputs, critic.get_layer("images_and_label").output)
    np.testing.assert_allclose(
        to_numpy(probe([tensor(x), tensor(labels)])), np.concatenate([x, planes], -1)
    )


@pytest.mark.backends
def test_vbn_generator_is_label_aware_and_ignores_the_other_examples_noise():
    """§4.4: each example is normalized with the fixed reference noise carrying the
    current batch's labels: an example's image changes with the batch's labels, never
    with the other examples' noise (unlike BatchNormalization in training)."""
    rng = np.random.default_rng(4)
    z = rng.normal(size=(4, 8)).astype("float32")
    moved = z.copy()
    moved[1:] = rng.normal(size=(3, 8))
    labels = np.array([0, 1, 2, 3], "int32")
    relabelled = np.array([0, 9, 9, 9], "int32")

    def first_image(generator, z, labels):
        return to_numpy(generator([tensor(z), tensor(labels)], training=True))[0]

    generator, _ = guide_dcgan_vbn(num_classes=10, latent_dim=8, width=4, reference_size=4, seed=0)
    image = first_image(generator, z, labels)
    np.testing.assert_allclose(first_image(generator, moved, labels), image, atol=1e-5)
    assert np.abs(first_image(generator, z, relabelled) - image).max() > 1e-4
    batch_norm_generator, _ = guide_dcgan(num_classes=10, latent_dim=8, width=4)
    image = first_image(batch_norm_generator, z, labels)
    assert np.abs(first_image(batch_norm_generator, moved, labels) - image).max() > 1e-4


@pytest.mark.parametrize(
    "name", ["guide_dcgan_minibatch", "guide_dcgan_vbn", "guide_dcgan_rbn", "wgan_layernorm"]
)
def test_conditional_networks_survive_keras_saving(name, tmp_path):
    generator, discriminator = CONDITIONAL[name](num_classes=10, latent_dim=8, width=4)
    rng = np.random.default_rng(5)
    z = tensor(rng.normal(size=(4, 8)).astype("float32"))
    labels = tensor(np.array([1, 3, 5, 7], "int32"))
    images = generator([z, labels])
    for network, inputs in ((generator, [z, labels]), (discriminator, [images, labels])):
        path = tmp_path / f"{network.name}.keras"
        network.save(path)
        loaded = keras.saving.load_model(path)
        np.testing.assert_allclose(
            to_numpy(loaded(inputs)), to_numpy(network(inputs)), rtol=1e-5, atol=1e-6
        )


def test_registry_builds_conditional_networks_from_the_config():
    config = dict(config_lib.DEFAULTS, latent_dim=16, width=4, batch_size=8, num_classes=10)
    for name in sorted(CONDITIONAL):
        assert name in registry.CONDITIONAL
        generator, discriminator = registry.ARCHITECTURES.build(
            name, config, pipelines.info("cifar10")
        )
        assert [tuple(t.shape) for t in generator.inputs] == [(None, 16), (None,)], name
        assert len(discriminator.inputs) == 2, name
        generator, _ = registry.ARCHITECTURES.build(
            name, dict(config, num_classes=None), pipelines.info("cifar10")
        )
        assert len(generator.inputs) == 1, name
    assert "optimized_dcgan" not in registry.CONDITIONAL


@pytest.mark.parametrize("num_classes", [1, 2.5, True, "10"])
def test_rejects_bad_num_classes(num_classes):
    for build in CONDITIONAL.values():
        with pytest.raises(ValueError, match="num_classes must be an integer ≥ 2"):
            build(num_classes=num_classes, width=2)


def test_rejects_bad_reference_size():
    with pytest.raises(ValueError, match="reference_size must be a positive integer"):
        guide_dcgan_vbn(reference_size=0, width=2)
