"""The networks of EDGAN's Table 6 baselines (SNGAN's ResNet and CNN, SAGAN, the
layer-normalized WGAN critic), and the Table 1 switches and Table 4 initializers of
the DCGAN builders."""

import json

import keras
import numpy as np
import pytest

import pipelines
from keras_edgan import architectures
from keras_edgan.architectures import dcgan, optimized_dcgan, sagan, sngan_cnn, sngan_resnet
from keras_edgan.architectures import wgan_layernorm
from keras_edgan.architectures.initializers import initializer_factory
from keras_edgan.cli import config as config_lib
from keras_edgan.layers import SelfAttention, SpectralNorm

BUILDERS = {
    "sngan_resnet": sngan_resnet,
    "sngan_cnn": sngan_cnn,
    "sagan": sagan,
    "wgan_layernorm": wgan_layernorm,
}
WEIGHTED = (keras.layers.Dense, keras.layers.Conv2D, keras.layers.Conv2DTranspose)


def weighted_layers(model):
    """Every Dense/Conv layer, as (layer, spectrally normalized?)."""
    for layer in model._flatten_layers(include_self=False):
        if isinstance(layer, SpectralNorm):
            yield layer.layer, True
        elif isinstance(layer, WEIGHTED) and not any(
            isinstance(outer, SpectralNorm) and outer.layer is layer
            for outer in model._flatten_layers(include_self=False)
        ):
            yield layer, False


# Standard Keras layers plus SpectralNorm and SelfAttention, whose own tests run on
# every backend: the shapes are checked on TensorFlow only.
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_shapes_and_ranges(name):
    generator, discriminator = BUILDERS[name](image_size=32, channels=3, latent_dim=8, width=8)
    z = np.random.default_rng(0).normal(scale=5.0, size=(3, 8)).astype("float32")
    images = keras.ops.convert_to_numpy(generator(z, training=True))
    assert images.shape == (3, 32, 32, 3) and np.all(np.abs(images) <= 1.0)
    scores = keras.ops.convert_to_numpy(discriminator(images, training=True))
    assert scores.shape == (3, 1) and np.all(np.isfinite(scores))


def test_sngan_normalizes_every_discriminator_layer_and_no_generator_layer():
    for builder in (sngan_resnet, sngan_cnn):
        generator, discriminator = builder(width=8)
        assert all(sn for _, sn in weighted_layers(discriminator))
        assert not any(sn for _, sn in weighted_layers(generator))
    _, plain = sngan_cnn(width=8, spectral_norm=False)
    assert not any(sn for _, sn in weighted_layers(plain))


def test_sngan_cnn_discriminator_follows_table_3():
    _, discriminator = sngan_cnn(width=64)
    convolutions = [
        (layer.filters, layer.kernel_size[0], layer.strides[0])
        for layer, _ in weighted_layers(discriminator)
        if isinstance(layer, keras.layers.Conv2D)
    ]
    assert convolutions == [
        (64, 3, 1), (64, 4, 2), (128, 3, 1), (128, 4, 2), (256, 3, 1), (256, 4, 2), (512, 3, 1)
    ]
    slopes = {
        layer.negative_slope
        for layer in discriminator.layers
        if isinstance(layer, keras.layers.LeakyReLU)
    }
    assert slopes == {0.1}


def resnet_parameter_counts(latent_dim=128, generator_channels=256, discriminator_channels=128):
    """Parameters of Miyato et al.'s 32×32 ResNets (Table 4), BN statistics and SN's
    vectors u (one per layer, of its output size) included."""
    c = generator_channels
    conv = lambda k, i, o: k * k * i * o + o  # noqa: E731
    block = conv(1, c, c) + conv(3, c, c) + conv(3, c, c) + 2 * 4 * c
    g = latent_dim * 16 * c + 16 * c + 3 * block + 4 * c + conv(3, c, 3)
    c = discriminator_channels
    d = conv(3, 3, c) + conv(3, c, c) + conv(1, 3, c) + 3 * c  # block 0 and its u's
    d += conv(3, c, c) * 2 + conv(1, c, c) + 3 * c  # block 1
    d += 2 * (2 * conv(3, c, c) + 2 * c)  # blocks 2 and 3
    d += c + 1 + 1  # linear output and its u
    return g, d


def test_sngan_resnet_parameter_counts_match_its_table():
    generator, discriminator = sngan_resnet()
    assert (generator.count_params(), discriminator.count_params()) == resnet_parameter_counts()
    assert generator.count_params() == pytest.approx(4.28e6, rel=0.01)


def test_sagan_has_spectral_norm_everywhere_and_attention_at_16():
    for model in sagan(width=8):
        assert all(sn for _, sn in weighted_layers(model))
        attention = [layer for layer in model.layers if isinstance(layer, SelfAttention)]
        assert len(attention) == 1 and attention[0].spectral_norm
        assert attention[0].input.shape[1:3] == (16, 16)
    with pytest.raises(ValueError, match="attention_size must be"):
        sagan(attention_size=32)


def test_wgan_critic_uses_layer_norm_and_no_batch_norm():
    generator, critic = wgan_layernorm(width=8)
    kinds = {type(layer) for layer in critic.layers}
    assert keras.layers.LayerNormalization in kinds and keras.layers.BatchNormalization not in kinds
    assert keras.layers.BatchNormalization in {type(layer) for layer in generator.layers}
    # The critic's score is unbounded: no sigmoid after its last convolution.
    assert critic.get_layer("score").activation is keras.activations.linear
    kernels = [layer.kernel_size[0] for layer, _ in weighted_layers(critic)]
    assert kernels == [5, 5, 5, 4]


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_rejects_bad_arguments(name):
    with pytest.raises(ValueError, match="image_size must be a multiple of 8"):
        BUILDERS[name](image_size=30)
    with pytest.raises(ValueError, match="width must be a positive integer"):
        BUILDERS[name](width=0)


def is_311(layer):
    return (
        type(layer) is keras.layers.Conv2D
        and layer.kernel_size == (3, 3)
        and layer.strides == (1, 1)
    )


def test_table_1_switches_change_one_thing_each():
    reference_g, reference_d = dcgan(width=4)
    r311_g, r311_d = dcgan(width=4, remove_311=True)
    assert len([layer for layer in reference_g.layers if is_311(layer)]) == 4
    assert [layer.filters for layer in r311_g.layers if is_311(layer)] == [3]
    assert r311_d.count_params() == reference_d.count_params()

    sn_g, sn_d = dcgan(width=4, spectral_norm_penultimate=True)
    wrapped = [layer for layer in sn_d.layers if isinstance(layer, SpectralNorm)]
    assert [layer.name for layer in wrapped] == ["compress"] and wrapped[0].layer.use_bias
    assert sn_g.count_params() == reference_g.count_params()

    unoptimized_g, _ = optimized_dcgan(width=4, remove_311=False)
    assert len([layer for layer in unoptimized_g.layers if is_311(layer)]) == 4


def kernel_values(model):
    for layer, _ in weighted_layers(model):
        yield layer.name, keras.ops.convert_to_numpy(layer.kernel)


def is_orthogonal(kernel):
    matrix = kernel.reshape(-1, kernel.shape[-1])
    if matrix.shape[0] < matrix.shape[1]:
        matrix = matrix.T
    return np.allclose(matrix.T @ matrix, np.eye(matrix.shape[1]), atol=1e-4)


@pytest.mark.parametrize("builder", [dcgan, optimized_dcgan, sngan_cnn])
def test_each_network_takes_its_own_initializer(builder):
    normal = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.02}}
    generator, discriminator = builder(
        width=8, generator_initializer="orthogonal", discriminator_initializer=json.dumps(normal)
    )
    assert all(is_orthogonal(kernel) for _, kernel in kernel_values(generator))
    large = [k for _, k in kernel_values(discriminator) if k.size >= 10_000]
    assert large and all(abs(k.std() - 0.02) < 0.002 for k in large)


def test_unparsable_initializer_is_a_clear_error():
    with pytest.raises(ValueError, match="neither a Keras initializer name nor valid JSON"):
        initializer_factory('{"class_name": RandomNormal}')


def test_config_switches_reach_only_architectures_that_have_them():
    config = config_lib.load(None, {"architecture": "dcgan", "width": 4, "remove_311": True})
    generator, _ = architectures.registry.ARCHITECTURES.build(
        "dcgan", config, pipelines.info("cifar10")
    )
    assert [layer.filters for layer in generator.layers if is_311(layer)] == [3]
    with pytest.raises(ValueError, match="The sngan_cnn architecture has no option remove_311"):
        architectures.registry.ARCHITECTURES.build("sngan_cnn", config, pipelines.info("cifar10"))
    with pytest.raises(ValueError, match="builds image networks, but the dataset 'ring'"):
        architectures.registry.ARCHITECTURES.build(
            "sagan", config_lib.load(None, {"width": 4}), pipelines.info("ring")
        )
