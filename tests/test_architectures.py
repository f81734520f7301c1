"""DCGAN and OptimizedDCGAN (EDGAN §2.3, Fig. 2 and 3)."""

import itertools

import keras
import numpy as np
import pytest

from keras_edgan.architectures import dcgan
from keras_edgan.architectures import optimized_dcgan
from keras_edgan.layers import SpectralNorm

BUILDERS = {"dcgan": dcgan, "optimized_dcgan": optimized_dcgan}
# image_size -> (side of the generator's first map, number of x2 stages)
STAGES = {28: (7, 2), 32: (4, 3), 64: (4, 4)}


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


def conv_params(kernel, c_in, c_out, bias):
    return kernel * kernel * c_in * c_out + (c_out if bias else 0)


def batch_norm_params(c):
    return 4 * c  # gamma, beta, moving mean, moving variance


def expected_generator_params(image_size, channels, latent_dim, width, opt):
    base, n = STAGES[image_size]
    bias = not opt
    top = base * base * width * 2**n
    total = latent_dim * top + (top if bias else 0) + batch_norm_params(top)
    for i in range(n):
        c_in, c_out = width * 2 ** (n - i), width * 2 ** (n - 1 - i)
        total += conv_params(4, c_in, c_out, bias) + batch_norm_params(c_out)
        if not opt:  # the "311" layer
            total += conv_params(3, c_out, c_out, bias)
            total += batch_norm_params(c_out)
    return total + conv_params(3, width, channels, bias=True)


def expected_discriminator_params(image_size, channels, width, opt):
    _, n = STAGES[image_size]
    bias = not opt
    # The first convolution has BN too: EDGAN §2.3's "conv 64 3 1 1 BN LReLU".
    total = conv_params(3, channels, width, bias) + batch_norm_params(width)
    for i in range(n):
        c = width * 2**i
        total += conv_params(4, c, c, bias) + batch_norm_params(c)
        total += conv_params(3, c, 2 * c, bias) + batch_norm_params(2 * c)
    final = image_size // 2**n
    compression = conv_params(final, width * 2**n, 1, bias)
    spectral_norm_u = 1 if opt else 0  # one output channel
    return total + compression + spectral_norm_u


def kernels(model):
    """(layer, kernel) for every kernel, SpectralNorm-wrapped ones included."""
    for layer in model.layers:
        inner = layer.layer if isinstance(layer, SpectralNorm) else layer
        if hasattr(inner, "kernel"):
            yield inner, to_numpy(inner.kernel)


def is_311(layer):
    return (
        type(layer) is keras.layers.Conv2D
        and layer.kernel_size == (3, 3)
        and layer.strides == (1, 1)
    )


@pytest.mark.backends
@pytest.mark.parametrize("builder", sorted(BUILDERS))
@pytest.mark.parametrize(
    "image_size, channels", itertools.product([28, 32, 64], [1, 3])
)
def test_output_shapes_and_range(builder, image_size, channels):
    generator, discriminator = BUILDERS[builder](
        image_size=image_size, channels=channels, latent_dim=8, width=4
    )
    # Large latent values drive the pre-tanh activations far from zero.
    z = np.random.default_rng(0).normal(scale=10.0, size=(3, 8))
    images = to_numpy(generator(z.astype("float32"), training=True))
    assert images.shape == (3, image_size, image_size, channels)
    assert np.all(np.abs(images) <= 1.0)
    logits = to_numpy(discriminator(images, training=True))
    assert logits.shape == (3, 1)
    assert np.all(np.isfinite(logits))


@pytest.mark.parametrize("opt", [False, True], ids=["dcgan", "optimized"])
@pytest.mark.parametrize(
    "image_size, channels, latent_dim, width",
    [(28, 1, 16, 8), (32, 3, 128, 8), (64, 3, 32, 4)],
)
def test_parameter_counts_match_closed_form(
    opt, image_size, channels, latent_dim, width
):
    builder = optimized_dcgan if opt else dcgan
    generator, discriminator = builder(image_size, channels, latent_dim, width)
    assert generator.count_params() == expected_generator_params(
        image_size, channels, latent_dim, width, opt
    )
    assert discriminator.count_params() == expected_discriminator_params(
        image_size, channels, width, opt
    )


def test_paper_sized_optimized_dcgan_parameter_counts():
    # DESIGN.md: the paper's 32×32 networks have G ≈ 3.8M and D ≈ 2.9M.
    generator, discriminator = optimized_dcgan()
    g_count = expected_generator_params(32, 3, 128, 64, opt=True)
    d_count = expected_discriminator_params(32, 3, 64, opt=True)
    assert generator.count_params() == g_count
    assert discriminator.count_params() == d_count
    assert g_count == pytest.approx(3.8e6, rel=0.02)
    assert d_count == pytest.approx(2.9e6, rel=0.02)


@pytest.mark.parametrize("image_size", [28, 32, 64])
def test_r311_removes_all_generator_311_layers_but_the_last(image_size):
    _, n = STAGES[image_size]
    optimized, _ = optimized_dcgan(image_size, channels=3, width=4)
    reference, _ = dcgan(image_size, channels=3, width=4)
    optimized_311 = [layer for layer in optimized.layers if is_311(layer)]
    assert len(optimized_311) == 1
    assert optimized_311[0].filters == 3  # the layer mapping to the image
    assert len([layer for layer in reference.layers if is_311(layer)]) == n + 1


@pytest.mark.parametrize("image_size", [28, 32, 64])
def test_spectral_norm_only_on_the_compression_layer(image_size):
    generator, discriminator = optimized_dcgan(image_size, width=4)
    assert not any(isinstance(lay, SpectralNorm) for lay in generator.layers)
    wrapped = [
        layer
        for layer in discriminator.layers
        if isinstance(layer, SpectralNorm)
    ]
    assert len(wrapped) == 1
    compression = wrapped[0]
    # It is the discriminator's last layer with weights: one output
    # channel from a kernel covering the whole final feature map.
    weighted = [layer for layer in discriminator.layers if layer.weights]
    assert weighted[-1] is compression
    final = image_size // 2 ** STAGES[image_size][1]
    assert compression.layer.filters == 1
    assert compression.layer.kernel_size == (final, final)
    assert compression.layer.padding == "valid"
    for model in dcgan(image_size, width=4):
        assert not any(isinstance(lay, SpectralNorm) for lay in model.layers)


@pytest.mark.parametrize("opt", [False, True], ids=["dcgan", "optimized"])
def test_bias_only_where_no_normalization_follows(opt):
    builder = optimized_dcgan if opt else dcgan
    for model in builder(width=4):
        # Both networks are chains: each layer feeds the next one.
        layers = model.layers
        for layer, following in zip(layers, layers[1:] + [None]):
            if isinstance(layer, SpectralNorm):
                assert layer.layer.use_bias is not opt
            elif hasattr(layer, "use_bias") and layer.weights:
                before_bn = isinstance(
                    following, keras.layers.BatchNormalization
                )
                # DCGAN keeps every bias; OptimizedDCGAN drops those
                # before BN (a bias has no effect there, EDGAN §2.3).
                assert layer.use_bias is not (opt and before_bn), layer.name


def assert_orthogonal(kernel, name):
    matrix = kernel.reshape(-1, kernel.shape[-1])
    if matrix.shape[0] < matrix.shape[1]:
        matrix = matrix.T
    np.testing.assert_allclose(
        matrix.T @ matrix, np.eye(matrix.shape[1]), atol=1e-4, err_msg=name
    )


@pytest.mark.backends
def test_optimized_dcgan_initializes_orthogonally():
    for model in optimized_dcgan(width=8):
        for layer, kernel in kernels(model):
            assert_orthogonal(kernel, layer.name)


@pytest.mark.backends
def test_dcgan_initializes_from_n_0_002():
    generator, discriminator = dcgan(width=8)
    for model in (generator, discriminator):
        for layer, kernel in kernels(model):
            if kernel.size >= 10_000:  # enough samples to estimate
                assert abs(kernel.mean()) < 1e-3, layer.name
                assert kernel.std() == pytest.approx(0.02, rel=0.05)


@pytest.mark.backends
@pytest.mark.parametrize("builder", sorted(BUILDERS))
def test_initializer_argument_is_honored_in_both_networks(builder):
    for model in BUILDERS[builder](width=8, initializer="orthogonal"):
        for layer, kernel in kernels(model):
            assert_orthogonal(kernel, layer.name)
    for model in BUILDERS[builder](width=8, initializer="he_normal"):
        for layer, kernel in kernels(model):
            if kernel.size >= 10_000:
                # Keras takes fan_in = kernel.size / last axis for every
                # kernel, Conv2DTranspose ones included.
                fan_in = kernel.size // kernel.shape[-1]
                want = np.sqrt(2.0 / fan_in)
                assert kernel.std() == pytest.approx(want, rel=0.05)


@pytest.mark.backends
def test_an_initializer_instance_gives_each_layer_its_own_draw():
    # An unseeded Keras initializer returns the same values at every call;
    # each layer must still get distinct weights.
    instance = keras.initializers.RandomNormal(stddev=0.02)
    for model in dcgan(width=8, initializer=instance):
        prefixes = [kernel.ravel()[:8] for _, kernel in kernels(model)]
        for a, b in itertools.combinations(prefixes, 2):
            assert not np.allclose(a, b)


def test_accepts_numpy_integers():
    generator, discriminator = optimized_dcgan(
        np.int64(28), np.int32(1), latent_dim=np.int64(8), width=np.int64(4)
    )
    assert generator.output_shape == (None, 28, 28, 1)
    assert discriminator.input_shape == (None, 28, 28, 1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"image_size": 48}, "image_size"),
        ({"image_size": 32.0}, "image_size"),
        ({"channels": 0}, "channels"),
        ({"latent_dim": -1}, "latent_dim"),
        ({"width": 2.5}, "width"),
        ({"width": True}, "width"),
    ],
)
@pytest.mark.parametrize("builder", sorted(BUILDERS))
def test_rejects_bad_arguments(builder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        BUILDERS[builder](**kwargs)


@pytest.mark.backends
@pytest.mark.parametrize("builder", sorted(BUILDERS))
def test_save_load_round_trip(builder, tmp_path):
    generator, discriminator = BUILDERS[builder](latent_dim=16, width=8)
    rng = np.random.default_rng(1)
    z = rng.normal(size=(4, 16)).astype("float32")
    images = rng.uniform(-1, 1, size=(4, 32, 32, 3)).astype("float32")
    # Training-mode calls move the BN statistics and the SN vector u away
    # from their initial values, so the round trip has state to restore.
    generator(z, training=True)
    discriminator(images, training=True)
    for model, x in ((generator, z), (discriminator, images)):
        path = tmp_path / f"{model.name}.keras"
        model.save(path)
        loaded = keras.models.load_model(path)
        assert loaded.name == model.name
        np.testing.assert_array_equal(
            loaded.predict(x, verbose=0), model.predict(x, verbose=0)
        )
        for a, b in zip(model.weights, loaded.weights):
            np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
