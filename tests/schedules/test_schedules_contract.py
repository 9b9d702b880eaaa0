"""The contract every schedule passes (one table, optax style): int and tensor steps,
flat config round trip, Keras (de)serialisation, and a `.keras` save/load inside a
model's optimizer after a step of training."""

import json

import keras
import numpy as np
import pytest

from dlcourse import _compat, schedules

CASES = {
    "constant": lambda: schedules.Constant(0.1),
    "step": lambda: schedules.StepDecay(0.1, step_size=7, factor=0.5),
    "inverse": lambda: schedules.InverseDecay(0.1, decay_rate=0.05),
    "exponential": lambda: schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5),
    "exponential_staircase": lambda: schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True),
    "continuous_exponential": lambda: schedules.ContinuousExponentialDecay(0.1, decay_rate=0.03),
    "linear": lambda: schedules.LinearDecay(0.1, decay_steps=40),
    "cosine": lambda: schedules.CosineDecay(0.1, decay_steps=40, alpha=0.1),
    "cosine_warmup": lambda: schedules.CosineDecay(0.0, 30, warmup_target=0.1, warmup_steps=10),
    "quarter_cosine": lambda: schedules.QuarterCosineDecay(0.1, decay_steps=40, alpha=0.1),
    "warmup": lambda: schedules.Warmup(schedules.CosineDecay(0.1, 40), warmup_steps=8),
}
STEPS = [0, 1, 5, 8, 13, 39, 40, 100]


def _values(schedule, steps=STEPS):
    return np.array([float(schedule(t)) for t in steps])


@pytest.mark.parametrize("name", CASES)
def test_int_and_tensor_steps_agree(name):
    schedule = CASES[name]()
    as_int = _values(schedule)
    as_tensor = np.array(
        [float(schedule(keras.ops.convert_to_tensor(t, dtype="int64"))) for t in STEPS]
    )
    variable = keras.Variable(0, dtype="int64", trainable=False)  # like optimizer.iterations
    as_variable = []
    for t in STEPS:
        variable.assign(t)
        as_variable.append(float(schedule(variable)))
    np.testing.assert_allclose(as_tensor, as_int, rtol=1e-7)
    np.testing.assert_allclose(as_variable, as_int, rtol=1e-7)
    assert np.all(np.isfinite(as_int)) and np.all(as_int >= 0)


@pytest.mark.parametrize("name", CASES)
def test_config_round_trip(name):
    schedule = CASES[name]()
    config = schedule.get_config()
    json.dumps(config)  # JSON-ready
    if name != "warmup":  # Warmup's one nested entry is its inner schedule.
        assert all(isinstance(v, (int, float, str, bool, type(None))) for v in config.values())
    clone = type(schedule).from_config(config)
    np.testing.assert_allclose(_values(clone), _values(schedule), rtol=1e-7)
    restored = keras.optimizers.schedules.deserialize(
        json.loads(json.dumps(keras.optimizers.schedules.serialize(schedule)))
    )
    assert type(restored) is type(schedule)
    np.testing.assert_allclose(_values(restored), _values(schedule), rtol=1e-7)


@pytest.mark.parametrize("name", CASES)
def test_saved_inside_keras_model_optimizer(name, tmp_path):
    keras.utils.set_random_seed(0)
    schedule = CASES[name]()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule), loss="mse")
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    model.fit(x, x[:, :1], batch_size=4, epochs=1, verbose=0)  # 4 steps
    np.testing.assert_allclose(
        float(model.optimizer.learning_rate), float(schedule(4)), rtol=1e-6
    )
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    loaded_schedule = _compat.learning_rate_value(loaded.optimizer)
    assert type(loaded_schedule) is type(schedule)
    np.testing.assert_allclose(_values(loaded_schedule), _values(schedule), rtol=1e-7)
    assert int(loaded.optimizer.iterations) == 4
