"""The runner under MirroredStrategy on two logical CPU devices (a fresh process each)."""

import json
import textwrap

import pytest

from dlcourse import training
from dlcourse.errors import DLCourseError
from dlcourse.testing import run_python

SCRIPT = textwrap.dedent("""
    import json, sys
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from dlcourse import training
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    config = training.make_config("RECIPE", "digits", epochs=EPOCHS, batch_size=32, seed=0, run_dir=sys.argv[1])
    result = training.train(config, strategy=strategy, verbose=0)
    m = result.model
    print(json.dumps({**result.metrics, "spe": m.steps_per_execution, "jit": bool(m.jit_compile),
                      "replicas": strategy.num_replicas_in_sync}))
""")


def _train(tmp_path, recipe, epochs):
    code = SCRIPT.replace("RECIPE", recipe).replace("EPOCHS", str(epochs)).replace("sys.argv[1]", repr(str(tmp_path)))
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])


def test_mirrored_strategy_trains_with_fast_settings_switched_off(tmp_path):
    m = _train(tmp_path, "mlp", 4)
    assert m["replicas"] == 2
    assert m["spe"] == 1 and m["jit"] is False, "steps_per_execution and XLA crash under a strategy in Keras 3.15"
    assert m["test_accuracy"] > 0.8, m


@pytest.mark.parametrize("task", ["classify", "seq2seq"])
def test_batch_size_must_divide_by_replicas(task):
    class TwoReplicas:  # All that the check reads of a strategy.
        num_replicas_in_sync = 2

    recipe, dataset = ("mlp", "digits") if task == "classify" else ("seq2seq_transformer", "reverse")
    config = training.make_config(recipe, dataset, batch_size=33)
    with pytest.raises(DLCourseError, match="`batch_size` must divide by the 2 replicas"):
        training.get_task(task).data(config, strategy=TwoReplicas())
