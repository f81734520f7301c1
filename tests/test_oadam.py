"""OAdam against Algorithm 1 of Daskalakis, Ilyas, Syrgkanis and Zeng 2018, in numpy."""

import keras
import numpy as np
import pytest

from keras_edgan.optimizers import OAdam

pytestmark = pytest.mark.backends

SHAPES = [(3,), (4, 5), (2, 3, 2)]


def algorithm_1(params, gradients, lr, beta_1, beta_2, epsilon):
    """Optimistic Adam as Algorithm 1 of the paper writes it, in float64:

        m_t = β1 m_{t-1} + (1 - β1) g_t          m̂_t = m_t / (1 - β1^t)
        v_t = β2 v_{t-1} + (1 - β2) g_t²         v̂_t = v_t / (1 - β2^t)
        θ_t = θ_{t-1} - 2η m̂_t/(√v̂_t + ε) + η m̂_{t-1}/(√v̂_{t-1} + ε)

    with m̂_0 = 0. `params` is a list of arrays, `gradients` a list (over steps)
    of lists. Returns the parameters after every step and the final (m, v).
    """
    params = [p.astype(np.float64) for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    previous = [np.zeros_like(p) for p in params]  # m̂_{t-1}/(√v̂_{t-1} + ε)
    history = []
    for t, grads in enumerate(gradients, 1):
        for i, g in enumerate(grads):
            m[i] = beta_1 * m[i] + (1 - beta_1) * g
            v[i] = beta_2 * v[i] + (1 - beta_2) * g**2
            m_hat = m[i] / (1 - beta_1**t)
            v_hat = v[i] / (1 - beta_2**t)
            current = m_hat / (np.sqrt(v_hat) + epsilon)
            params[i] = params[i] - 2 * lr * current + lr * previous[i]
            previous[i] = current
        history.append([p.copy() for p in params])
    return history, (m, v)


def make_problem(steps, seed=0):
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=s).astype("float32") for s in SHAPES]
    # Gradients whose scale and sign change over the steps, so that the
    # moments, the previous moments and the bias corrections all matter.
    gradients = [
        [
            (rng.normal(size=s) * (1.0 + step % 3)).astype("float32")
            for s in SHAPES
        ]
        for step in range(steps)
    ]
    return params, gradients


def as_tensors(arrays):
    return [keras.ops.convert_to_tensor(a) for a in arrays]


def test_matches_algorithm_1_over_25_steps():
    lr, beta_1, beta_2, epsilon = 0.01, 0.5, 0.9, 1e-8
    params, gradients = make_problem(steps=25)
    variables = [keras.Variable(p) for p in params]
    optimizer = OAdam(lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    expected, (m, v) = algorithm_1(
        params, gradients, lr, beta_1, beta_2, epsilon
    )
    for step, grads in enumerate(gradients):
        optimizer.apply_gradients(zip(as_tensors(grads), variables))
        for variable, want in zip(variables, expected[step]):
            # float32 arithmetic against a float64 reference.
            np.testing.assert_allclose(
                keras.ops.convert_to_numpy(variable), want, rtol=1e-5, atol=1e-6
            )
    assert int(optimizer.iterations) == 25
    for i, variable in enumerate(variables):
        index = optimizer._get_variable_index(variable)
        for slots, want in ((optimizer._momentums, m), (optimizer._velocities, v)):
            np.testing.assert_allclose(
                keras.ops.convert_to_numpy(slots[index]),
                want[i],
                rtol=1e-5,
                atol=1e-7,
            )


def test_four_steps_worked_by_hand_and_not_the_lagged_rule():
    # Gradients (1, -2, 0.5, 3) at lr 0.01, β = (0.5, 0.9), from 0. By hand from
    # Algorithm 1: step 1 moves by -2·lr·sign(g) = -0.02; step 2 has
    # m̂_2 = -0.75/0.75 = -1, v̂_2 = 0.49/0.19 (m̂_2/√v̂_2 = -0.622700) and
    # m̂_1/√v̂_1 = 1, so it moves by 0.02·0.622700 + 0.01 = +0.022454.
    variable = keras.Variable(np.zeros(1, "float32"))
    optimizer = OAdam(0.01, beta_1=0.5, beta_2=0.9)
    positions = []
    for g in (1.0, -2.0, 0.5, 3.0):
        optimizer.apply_gradients([(keras.ops.convert_to_tensor([g]), variable)])
        positions.append(float(keras.ops.convert_to_numpy(variable)[0]))
    paper, _ = algorithm_1([np.zeros(1)], [[np.array([g])] for g in (1, -2, 0.5, 3)],
                           0.01, 0.5, 0.9, 1e-8)
    np.testing.assert_allclose(positions, [p[0][0] for p in paper], atol=1e-6)
    np.testing.assert_allclose(positions[:2], [-0.02, -0.02 + 0.02 * 0.622700 + 0.01],
                               atol=1e-5)
    # The authors' code reads the moments of step t - 2: -0.0200, -0.0075, +0.0040,
    # -0.0183. The paper's rule differs from step 2 on by far more than round-off.
    assert abs(positions[1] - (-0.0075)) > 5e-3
    assert abs(positions[2] - 0.0040) > 5e-3


def test_first_step_moves_each_parameter_by_twice_the_learning_rate():
    # At t = 1: m̂_1/sqrt(v̂_1) = g/|g| and the optimistic term is 0,
    # so each coordinate moves by 2·lr against the sign of its gradient
    # (up to epsilon = 1e-8, negligible against sqrt(v_1) ≈ 0.3·|g|).
    lr = 0.01
    params, gradients = make_problem(steps=1, seed=1)
    variables = [keras.Variable(p) for p in params]
    OAdam(lr).apply_gradients(zip(as_tensors(gradients[0]), variables))
    for variable, p, g in zip(variables, params, gradients[0]):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(variable),
            p - 2 * lr * np.sign(g),
            rtol=1e-6,
            atol=1e-6,
        )


def test_optimistic_term_makes_it_differ_from_adam_from_step_two():
    lr = 0.01
    params, gradients = make_problem(steps=3, seed=2)
    oadam_vars = [keras.Variable(p) for p in params]
    adam_vars = [keras.Variable(p) for p in params]
    oadam = OAdam(lr, epsilon=1e-8)
    adam = keras.optimizers.Adam(lr, beta_1=0.5, beta_2=0.9, epsilon=1e-8)
    for step, grads in enumerate(gradients):
        oadam.apply_gradients(zip(as_tensors(grads), oadam_vars))
        adam.apply_gradients(zip(as_tensors(grads), adam_vars))
        for o, a, p in zip(oadam_vars, adam_vars, params):
            o_step = keras.ops.convert_to_numpy(o) - p
            a_step = keras.ops.convert_to_numpy(a) - p
            if step < 1:
                # No optimistic term yet: the step is exactly twice Adam's.
                np.testing.assert_allclose(o_step, 2 * a_step, rtol=1e-4)
            else:
                assert not np.allclose(o_step, 2 * a_step, rtol=1e-3)


def test_get_config_round_trip():
    optimizer = OAdam(
        learning_rate=3e-4, beta_1=0.4, beta_2=0.8, epsilon=1e-6, clipnorm=1.0
    )
    config = optimizer.get_config()
    assert config["learning_rate"] == pytest.approx(3e-4)
    assert (config["beta_1"], config["beta_2"], config["epsilon"]) == (
        0.4,
        0.8,
        1e-6,
    )
    restored = OAdam.from_config(config)
    assert restored.get_config() == config
    serialized = keras.optimizers.serialize(optimizer)
    by_name = keras.optimizers.deserialize(serialized)
    assert isinstance(by_name, OAdam)
    assert by_name.get_config() == config


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"beta_1": 1.0}, "beta_1"),
        ({"beta_2": -0.1}, "beta_2"),
        ({"epsilon": 0.0}, "epsilon"),
    ],
)
def test_rejects_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        OAdam(**kwargs)


def _small_model(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation="tanh"),
            keras.layers.Dense(2),
        ]
    )
    model.compile(optimizer=OAdam(1e-2), loss="mse")
    return model


def test_save_load_resumes_exactly(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = rng.normal(size=(16, 2)).astype("float32")
    fit_kwargs = dict(batch_size=8, shuffle=False, verbose=0)
    model = _small_model(seed=4)
    model.fit(x, y, epochs=3, **fit_kwargs)
    path = tmp_path / "oadam_model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)

    assert isinstance(loaded.optimizer, OAdam)
    # Keras names the slots after the model's variable paths, which differ
    # between the original and the loaded model; the order is the same.
    original_vars = model.optimizer.variables
    loaded_vars = loaded.optimizer.variables
    assert len(original_vars) == len(loaded_vars)
    # iterations, learning rate, then m and v per trainable variable.
    assert len(original_vars) == 2 + 2 * len(model.trainable_variables)
    for original, restored in zip(original_vars, loaded_vars):
        kind = next((k for k in ("momentum", "velocity") if original.name.endswith(k)), None)
        assert kind is None or restored.name.endswith(kind)
        value = keras.ops.convert_to_numpy(original)
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(restored), value
        )

    model.fit(x, y, epochs=2, **fit_kwargs)
    loaded.fit(x, y, epochs=2, **fit_kwargs)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(b),
            keras.ops.convert_to_numpy(a),
            rtol=1e-6,
            atol=1e-7,
        )
