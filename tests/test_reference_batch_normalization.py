"""ReferenceBatchNormalization against the practical guide's §4.4 (seed 003): "we use
a reference batch, sampled at the beginning of the training and never changed [...]
We then use the μ and σ parameters of the reference batch, and apply them on both
batches"; the guide_dcgan_rbn networks built with it."""

import copy

import keras
import numpy as np
import pytest
from test_virtual_batch_normalization import EPSILON, SHAPES, normal, to_numpy
from test_virtual_batch_normalization import make_layer as make_vbn

from keras_edgan import backend
from keras_edgan.architectures.guide import guide_dcgan_rbn
from keras_edgan.layers import (
    ReferenceBatch,
    ReferenceBatchNormalization,
    VirtualBatchNormalization,
)


def reference_batch_norm(x, n_ref, gamma, beta, axis=-1, epsilon=EPSILON):
    """§4.4 written out: μ and σ² of the first n_ref rows per feature, over the batch
    and spatial axes, applied to every row, then γ·x̂ + β."""
    x = np.moveaxis(x.astype("float64"), axis, -1)
    batch_and_spatial = tuple(range(x.ndim - 1))
    mean = x[:n_ref].mean(axis=batch_and_spatial)
    variance = x[:n_ref].var(axis=batch_and_spatial)
    out = (x - mean) / np.sqrt(variance + epsilon) * gamma + beta
    return np.moveaxis(out, -1, axis)


def make_layer(shape, n_ref, axis=-1, seed=0):
    """The VBN tests' layer (random γ, β; n_ref + 4 rows of offset data) as a
    ReferenceBatchNormalization with the same γ and β."""
    vbn, x = make_vbn(shape, n_ref, axis=axis, seed=seed)
    layer = ReferenceBatchNormalization(n_ref, axis=axis)
    layer.build((None, *shape))
    layer.set_weights(vbn.get_weights())
    return layer, x


@pytest.mark.backends
@pytest.mark.parametrize("name", sorted(SHAPES))
def test_matches_section_4_4(name):
    shape, axis = SHAPES[name]
    layer, x = make_layer(shape, n_ref=6, axis=axis)
    expected = reference_batch_norm(
        x, 6, to_numpy(layer.gamma), to_numpy(layer.beta), axis=axis
    )
    np.testing.assert_allclose(to_numpy(layer(x)), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.backends
def test_example_output_is_affine_in_the_example_alone_unlike_vbn():
    """With the reference's μ and σ, an example's output is γ·(x − μ)/σ + β: the other
    examples do not move it, and scaling the example by a moves the output along a
    line, y(a·x) = y(0) + a·(y(x) − y(0)). VBN mixes the example's own statistics in,
    so its output is not affine in a."""
    for make, affine in ((make_layer, True), (make_vbn, False)):
        layer, x = make((3, 3, 4), n_ref=6, seed=1)
        y = to_numpy(layer(x))[6]
        other = x.copy()
        other[7:] = 10.0 * normal(*other[7:].shape, seed=1)
        np.testing.assert_allclose(to_numpy(layer(other))[6], y, rtol=1e-5, atol=1e-5)

        def output(a):
            scaled = x.copy()
            scaled[6] *= a
            return to_numpy(layer(scaled))[6]

        at_zero = output(0.0)
        for a in (-1.0, 0.5, 3.0):
            predicted = at_zero + a * (y - at_zero)
            error = np.abs(output(a) - predicted).max()
            assert (error < 1e-4) if affine else (error > 1e-2), (type(layer), a, error)
    # The slope is γ/σ_ref per channel: the reference rows alone set it.
    layer, x = make_layer((3, 3, 4), n_ref=6, seed=1)
    sigma = np.sqrt(x[:6].astype("float64").var(axis=(0, 1, 2)) + EPSILON)
    slope = (to_numpy(layer(x))[6] - to_numpy(layer(np.concatenate([x[:6], 0 * x[6:]])))[6])
    np.testing.assert_allclose(slope, x[6] * to_numpy(layer.gamma) / sigma, rtol=1e-4, atol=1e-5)


@pytest.mark.backends
def test_reference_rows_match_vbn_and_examples_follow_the_reference():
    rbn, x = make_layer((3, 3, 4), n_ref=6, seed=2)
    vbn, _ = make_vbn((3, 3, 4), n_ref=6, seed=2)
    np.testing.assert_allclose(
        to_numpy(rbn(x))[:6], to_numpy(vbn(x))[:6], rtol=1e-5, atol=1e-5
    )
    # A batch made of the reference twice: its example rows are the reference rows.
    twice = np.concatenate([x[:6], x[:6]])
    y = to_numpy(rbn(twice))
    np.testing.assert_allclose(y[6:], y[:6], rtol=1e-5, atol=1e-5)


@pytest.mark.backends
def test_gradients_to_inputs_through_the_reference_statistics():
    layer, x = make_layer((2, 2, 2), n_ref=3, seed=3)
    x = x[:5]
    weights = normal(*x.shape, seed=3)
    gamma, beta = to_numpy(layer.gamma), to_numpy(layer.beta)
    grad_x = backend.input_gradient(
        lambda inputs: keras.ops.convert_to_tensor(weights) * layer(inputs),
        keras.ops.convert_to_tensor(x), layer.variables,
    )
    # Central differences of the numpy form, one coordinate of x at a time.
    steps = 1e-6 * np.eye(x.size).reshape(x.size, *x.shape)

    def weighted_sum(v):
        return np.sum(weights * reference_batch_norm(v, 3, gamma, beta))

    expected = np.reshape(
        [weighted_sum(x + step) - weighted_sum(x - step) for step in steps], x.shape
    ) / 2e-6
    np.testing.assert_allclose(to_numpy(grad_x), expected, rtol=1e-3, atol=1e-4)


def test_serialization_round_trip_keeps_the_class_and_config():
    layer = ReferenceBatchNormalization(
        64, axis=1, epsilon=1e-3, center=False, gamma_regularizer="l2", name="rbn"
    )
    serialized = keras.saving.serialize_keras_object(layer)
    assert serialized["registered_name"] == "keras_edgan>ReferenceBatchNormalization"
    restored = keras.saving.deserialize_keras_object(copy.deepcopy(serialized))
    assert type(restored) is ReferenceBatchNormalization
    assert (restored.reference_size, restored.axis, restored.epsilon) == (64, 1, 1e-3)
    assert restored.get_config() == layer.get_config()


def test_rejects_bad_arguments_naming_the_layer():
    with pytest.raises(ValueError, match="ReferenceBatchNormalization: `reference_size`"):
        ReferenceBatchNormalization(0)
    with pytest.raises(ValueError, match="ReferenceBatchNormalization: inputs .* fewer rows"):
        ReferenceBatchNormalization(4)(np.zeros((3, 2), "float32"))


# ReferenceBatch


def rbn_network(n_ref=4, latent_dim=3):
    """Dense → RBN → ReLU → Dense."""
    z = keras.Input((latent_dim,))
    h = keras.layers.Dense(6, name="project")(z)
    h = keras.layers.ReLU(name="relu")(ReferenceBatchNormalization(n_ref, name="rbn")(h))
    return keras.Model(z, keras.layers.Dense(2, name="head")(h))


@pytest.mark.backends
def test_reference_batch_runs_a_network_with_reference_batch_normalization(tmp_path):
    keras.utils.set_random_seed(5)
    network = rbn_network()
    z_ref, z = normal(4, 3, seed=5), normal(6, 3, seed=6)
    model = ReferenceBatch(network, reference=z_ref)
    assert model.reference_size == 4
    y = to_numpy(model(z))
    # The RBN layer's input rows, through §4.4 by hand, then the rest of the network.
    features = to_numpy(network.get_layer("project")(np.concatenate([z_ref, z])))
    rbn = network.get_layer("rbn")
    normalized = reference_batch_norm(features, 4, to_numpy(rbn.gamma), to_numpy(rbn.beta))
    head = network.get_layer("head")
    expected = to_numpy(head(np.maximum(normalized, 0.0).astype("float32")))[4:]
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-5)
    alone = np.concatenate([to_numpy(model(z[k : k + 1])) for k in range(6)])
    np.testing.assert_allclose(alone, y, rtol=1e-5, atol=1e-5)

    path = tmp_path / "reference_batch.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded.network.get_layer("rbn")) is ReferenceBatchNormalization
    np.testing.assert_array_equal(to_numpy(loaded(z)), y)


def test_reference_batch_asks_for_either_layer():
    plain = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="ReferenceBatchNormalization layers .* no such layer"):
        ReferenceBatch(plain)
    mixed = keras.Sequential(
        [keras.Input((3,)), VirtualBatchNormalization(4), ReferenceBatchNormalization(5)]
    )
    with pytest.raises(ValueError, match=r"\[4, 5\]"):
        ReferenceBatch(mixed)


# guide_dcgan_rbn


@pytest.mark.backends
@pytest.mark.parametrize("num_classes", [None, 10])
def test_guide_dcgan_rbn_builds_and_runs(num_classes):
    generator, discriminator = guide_dcgan_rbn(
        image_size=16, latent_dim=8, width=4, num_classes=num_classes, reference_size=4,
        seed=0, kernel_size=3,
    )
    kinds = {type(layer) for layer in generator.network.layers}
    assert ReferenceBatchNormalization in kinds
    assert not kinds & {VirtualBatchNormalization, keras.layers.BatchNormalization}
    assert generator.label_aware == (num_classes is not None)
    (z_ref,) = generator.reference
    np.testing.assert_allclose(
        to_numpy(z_ref), np.random.default_rng(0).normal(size=(4, 8)), rtol=1e-6
    )
    z = keras.ops.convert_to_tensor(normal(3, 8, seed=7))
    labels = keras.ops.convert_to_tensor(np.array([1, 2, 3], "int32"))
    inputs = z if num_classes is None else [z, labels]
    images = generator(inputs)
    assert tuple(images.shape) == (3, 16, 16, 3)
    scores = discriminator(images if num_classes is None else [images, labels])
    assert tuple(scores.shape) == (3, 1)


def test_guide_dcgan_rbn_rejects_bad_reference_size():
    with pytest.raises(ValueError, match="guide_dcgan_rbn: reference_size must be a positive"):
        guide_dcgan_rbn(reference_size=0, width=2)
