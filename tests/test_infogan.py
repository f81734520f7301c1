"""InfoGAN (Chen et al. 2016): the terms of the information lower bound against their
definitions, the latent codes, Q sharing the discriminator's body, and the model on
every backend."""

import keras
import numpy as np
import pytest
from keras import ops
from scipy import special, stats
from test_resume import scalars, state, tiny
from test_ver import tiny_networks

from keras_edgan import backend, losses, models
from keras_edgan.cli import config as config_lib
from keras_edgan.cli.train import train


def to_numpy(x):
    return ops.convert_to_numpy(x)


def one_hot(indices, categories):
    return np.eye(categories, dtype="float32")[indices]


def tiny_infogan(latent_dim=16, compiled=True, options=None, **kwargs):
    """InfoGAN around a non-saturating GAN of 2-D points (with the `TrainingOptions`
    `options`): one Cat(3) and two continuous codes beside 16 − 5 = 11 noise
    dimensions."""
    kwargs = {"categorical_codes": 1, "code_categories": 3, "continuous_codes": 2, **kwargs}
    wrapped = models.NSGAN(*tiny_networks(latent_dim), latent_dim=latent_dim, seed=0,
                           **(options or {}))
    gan = models.InfoGAN(wrapped, seed=1, **kwargs)
    if compiled:
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    return gan


def points(n=64, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 2)).astype("float32")


# The terms of L_I(G, Q) = E[log Q(c|x)] + H(c) (InfoGAN eq. 5).


def test_categorical_log_likelihood_is_minus_the_cross_entropy_of_the_code():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(6, 2, 5)).astype("float32")  # 6 examples, 2 codes of K = 5
    indices = rng.integers(0, 5, (6, 2))
    log_softmax = logits - special.logsumexp(logits, axis=-1, keepdims=True)
    expected = np.take_along_axis(log_softmax, indices[..., None], axis=-1)[..., 0].sum(-1)
    got = losses.categorical_log_likelihood(one_hot(indices, 5), logits)
    np.testing.assert_allclose(to_numpy(got), expected, rtol=1e-5)


def test_gaussian_log_likelihood_is_the_sum_of_normal_log_densities():
    rng = np.random.default_rng(1)
    codes, mean = rng.uniform(-1, 1, (2, 7, 3)).astype("float32")
    log_std = rng.normal(scale=0.5, size=(7, 3)).astype("float32")
    expected = stats.norm.logpdf(codes, mean, np.exp(log_std)).sum(-1)
    np.testing.assert_allclose(
        to_numpy(losses.gaussian_log_likelihood(codes, mean, log_std)), expected, rtol=1e-5
    )
    fixed = stats.norm.logpdf(codes, mean, 1.0).sum(-1)  # the default σ = 1
    np.testing.assert_allclose(to_numpy(losses.gaussian_log_likelihood(codes, mean)), fixed, rtol=1e-5)


def test_entropy_of_a_uniform_categorical_code_is_log_k():
    for k in (2, 10, 37):
        assert losses.uniform_categorical_entropy(k) == pytest.approx(stats.entropy(np.ones(k) / k))
        assert losses.uniform_categorical_entropy(k) == pytest.approx(np.log(k))
    with pytest.raises(ValueError, match="at least 2 values"):
        losses.uniform_categorical_entropy(1)


def test_information_bounds_add_the_codes_entropy_to_the_mean_log_likelihood():
    rng = np.random.default_rng(2)
    indices = rng.integers(0, 4, (8, 3))
    codes = one_hot(indices, 4)
    logits = rng.normal(size=(8, 3, 4)).astype("float32")
    log_q = np.take_along_axis(
        logits - special.logsumexp(logits, -1, keepdims=True), indices[..., None], -1
    ).sum((1, 2))
    np.testing.assert_allclose(
        float(losses.categorical_information_bound(codes, logits)), log_q.mean() + 3 * np.log(4),
        rtol=1e-5,
    )
    # Q that knows nothing gives 0; Q certain of every code reaches H(c) = 3 log 4.
    assert float(losses.categorical_information_bound(codes, np.zeros_like(logits))) == pytest.approx(0, abs=1e-6)
    certain = losses.categorical_information_bound(codes, 50.0 * codes)
    assert float(certain) == pytest.approx(3 * np.log(4), abs=1e-5)

    continuous = rng.uniform(-1, 1, (8, 2)).astype("float32")
    mean = rng.normal(size=(8, 2)).astype("float32")
    expected = stats.norm.logpdf(continuous, mean).sum(-1).mean() + 2 * np.log(2.0)
    np.testing.assert_allclose(
        float(losses.continuous_information_bound(continuous, mean)), expected, rtol=1e-5
    )
    wider = stats.norm.logpdf(continuous, mean).sum(-1).mean() + 2 * np.log(6.0)
    np.testing.assert_allclose(
        float(losses.continuous_information_bound(continuous, mean, low=-3.0, high=3.0)), wider,
        rtol=1e-5,
    )


# The codes.


@pytest.mark.backends
def test_sampled_codes_are_one_hot_uniform_categories_and_uniform_continuous_values():
    gan = tiny_infogan(compiled=False, options={"noise_distribution": "uniform"})
    n = 30_000
    for z in (to_numpy(gan.sample_noise(n)), gan.numpy_noise(n, np.random.default_rng(0))):
        assert z.shape == (n, 16)
        noise, categorical, continuous = z[:, :11], z[:, 11:14], z[:, 14:]
        assert np.all(np.abs(noise) <= 1.0)
        assert set(np.unique(categorical)) == {0.0, 1.0}
        np.testing.assert_array_equal(categorical.sum(axis=1), np.ones(n))
        frequencies = categorical.mean(axis=0)
        np.testing.assert_allclose(frequencies, np.full(3, 1 / 3), atol=0.015)
        assert stats.chisquare(categorical.sum(axis=0)).pvalue > 1e-4
        assert continuous.min() >= -1.0 and continuous.max() <= 1.0
        assert stats.kstest(continuous.ravel(), stats.uniform(-1, 2).cdf).pvalue > 1e-4


def test_chosen_codes_go_where_the_generator_reads_them():
    gan = tiny_infogan(compiled=False)
    inputs = gan.numpy_inputs(5, np.random.default_rng(0), categories=2, continuous=[0.5, -1.5])
    np.testing.assert_array_equal(inputs[:, 11:14], np.tile([0.0, 0.0, 1.0], (5, 1)))
    np.testing.assert_array_equal(inputs[:, 14:], np.tile([0.5, -1.5], (5, 1)))
    per_row = gan.numpy_inputs(3, np.random.default_rng(0), categories=[[0], [1], [2]])
    np.testing.assert_array_equal(per_row[:, 11:14], np.eye(3))
    for bad in (3, -1, 1.5):
        with pytest.raises(ValueError, match=r"categories must be integers in \[0, 3\)"):
            gan.numpy_inputs(2, np.random.default_rng(0), categories=bad)
    assert gan.generate_with_codes(4, categories=1, seed=0).shape == (4, 2)
    np.testing.assert_array_equal(gan.generate(4, seed=3), gan.generate(4, seed=3))


# Q and the training step.


@pytest.mark.backends
def test_q_shares_the_discriminators_body_and_not_its_logit():
    gan = tiny_infogan(compiled=False)
    z = gan.sample_noise(32)
    fake = gan.generator(z)
    codes = gan.drawn_codes()
    body, logit = gan.discriminator.layers  # Dense(8, relu), then the logit's Dense(1)
    variables = [*body.trainable_variables, *logit.trainable_variables]

    def loss_fn():
        weighted, _ = gan.information(fake, codes)
        return -weighted, None

    state = [v for v in gan.variables if all(v is not w for w in variables)]
    _, _, grads = backend.value_and_grad(loss_fn, variables, state)
    # An unconnected variable's gradient is None on TensorFlow, zeros elsewhere.
    nonzero = [g is not None and bool(np.any(to_numpy(g))) for g in grads]
    assert nonzero == [True, True, False, False]  # body kernel and bias; D's logit layer


@pytest.mark.backends
def test_both_losses_get_minus_lambda_times_the_information_bound():
    gan = tiny_infogan(compiled=False, information_weight=2.0, continuous_weight=0.5)
    real = points(16)
    fake = gan.generator(gan.sample_noise(16))
    codes = gan.drawn_codes()
    critic = gan.critic(None)
    real_logits, fake_logits = gan.discriminator(real), gan.discriminator(fake)
    parameters = to_numpy(gan._information_parameters(fake))
    categorical = float(losses.categorical_information_bound(
        to_numpy(codes)[:, None, :3], parameters[:, None, :3]))
    continuous = float(losses.continuous_information_bound(to_numpy(codes)[:, 3:], parameters[:, 3:]))
    weighted = 2.0 * categorical + 0.5 * continuous

    d_loss = gan.discriminator_loss(real_logits, fake_logits, real, fake, critic)
    wrapped = gan.gan.discriminator_loss(real_logits, fake_logits, real, fake, critic)
    assert float(d_loss) == pytest.approx(float(wrapped) - weighted, rel=1e-4)
    g_loss, logs = gan.generator_objective(real, fake, None, critic)
    wrapped, _ = gan.gan.generator_loss(fake_logits, real, fake, critic)
    assert float(g_loss) == pytest.approx(float(wrapped) - weighted, rel=1e-4)
    assert float(logs["categorical_information"]) == pytest.approx(categorical, rel=1e-4)
    assert float(logs["continuous_information"]) == pytest.approx(continuous, rel=1e-4)


@pytest.mark.backends
def test_fit_trains_d_q_and_g_and_logs_finite_information_bounds():
    gan = tiny_infogan(options={"d_steps": 2})
    head_before = [to_numpy(v).copy() for v in gan.information_head.trainable_variables]
    history = gan.fit(points(128), batch_size=64, epochs=2, verbose=0).history
    assert {"d_loss", "g_loss", "categorical_information", "continuous_information"} <= set(history)
    assert all(np.isfinite(values).all() for values in history.values()), history
    assert max(history["categorical_information"]) <= np.log(3) + 1e-6
    # 4 steps, each of two discriminator updates, each followed by a step of Q's head.
    assert int(gan.d_optimizer.iterations) == int(gan.q_optimizer.iterations) == 8
    assert int(gan.g_optimizer.iterations) == 4
    assert gan.q_optimizer is not gan.d_optimizer
    assert all(not np.allclose(to_numpy(v), b)
               for v, b in zip(gan.information_head.trainable_variables, head_before))


def test_categorical_codes_alone_log_their_bound_alone():
    gan = tiny_infogan(continuous_codes=0, latent_dim=8)
    history = gan.fit(points(64), batch_size=32, epochs=1, verbose=0).history
    assert "categorical_information" in history and "continuous_information" not in history
    assert gan.numpy_noise(4, np.random.default_rng(0)).shape == (4, 8)


@pytest.mark.backends
def test_resumed_run_equals_the_straight_run(tmp_path):
    def config(**overrides):
        return tiny(model="infogan", latent_dim=16, **overrides)

    straight = train(config(), str(tmp_path / "straight"))
    train(config(steps=4), str(tmp_path / "resumed"))
    resumed = train(config(), str(tmp_path / "resumed"))
    updates = 8 * straight.d_steps  # one step of Q's head per discriminator update
    assert int(resumed.q_optimizer.iterations) == int(straight.q_optimizer.iterations) == updates
    for a, b in zip(state(straight), state(resumed), strict=True):
        np.testing.assert_array_equal(a, b)
    logged = scalars(str(tmp_path / "resumed"))
    assert logged == scalars(str(tmp_path / "straight"))
    assert any(tag.endswith("/categorical_information") for tag in logged)


def test_registry_builds_infogan_around_its_objective():
    for name, wrapped in (("infogan", models.NSGAN), ("wgan_gp_infogan", models.WGANGP)):
        config = config_lib.load("infogan_mnist5k", {"model": name, "latent_dim": 16,
                                                     "continuous_codes": 1})
        gan = models.registry.MODELS.build(name, *tiny_networks(16), config)
        assert type(gan) is models.InfoGAN and type(gan.gan) is wrapped
        assert (gan.categorical_codes, gan.code_categories, gan.continuous_codes) == (1, 10, 1)
        assert gan.noise_dims == 5


def test_what_infogan_cannot_train_is_a_clear_error():
    with pytest.raises(TypeError, match="InfoGAN wraps a keras_edgan.models.GAN"):
        models.InfoGAN(tiny_networks()[0])
    for refused, match in (({"merged_update": True}, "merged_update=False"),
                           ({"replay_buffer_size": 8}, "replay_buffer_size=0")):
        with pytest.raises(ValueError, match=match):  # given to the wrapped GAN or to InfoGAN
            tiny_infogan(compiled=False, options=refused)
        with pytest.raises(ValueError, match=match):
            tiny_infogan(compiled=False, **refused)
    with pytest.raises(ValueError, match="Raise latent_dim to the noise size"):
        models.InfoGAN(models.NSGAN(*tiny_networks(12), latent_dim=12))
    with pytest.raises(ValueError, match="at least one code"):
        models.InfoGAN(models.NSGAN(*tiny_networks(16), latent_dim=16),
                       categorical_codes=0, continuous_codes=0)


def test_evaluate_draws_an_infogan_runs_inputs_as_its_model_does():
    """`evaluate` rebuilds the noise of a saved InfoGAN generator from the run's config:
    the same inputs, codes included, as the model's `numpy_noise` (what `generate`
    and the FID callback draw) for the same numpy generator."""
    from keras_edgan.cli.saved_generator import generator_noise

    gan = tiny_infogan(compiled=False)
    config = config_lib.load(None, {"model": "infogan", "latent_dim": 16, "categorical_codes": 1,
                                    "code_categories": 3, "continuous_codes": 2})
    drawn = generator_noise(config, 16)(50, np.random.default_rng(3))
    np.testing.assert_array_equal(drawn, gan.numpy_noise(50, np.random.default_rng(3)))
    assert set(np.unique(drawn[:, 11:14])) == {0.0, 1.0}
    plain = generator_noise(config_lib.load(None, {"model": "nsgan"}), 16)
    assert plain(50, np.random.default_rng(3)).shape == (50, 16)
