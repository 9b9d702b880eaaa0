"""`--strategy mirrored`: two logical CPU devices train the classifier like one device.

The train split is cut to 1,280 digits (40 full batches of 32) so both runs see the same
batches: under a strategy the runner drops a last partial batch, one device would not.
"""

import json
import textwrap

import pytest

from dlcourse.testing import run_python

SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from dlcourse import cli, training
    # The flag builds its strategy over every logical CPU when there is no GPU: 2 replicas
    # refuse a batch of 33 before any training.
    code = cli.main(["train", "mlp", "--dataset", "digits", "--batch-size", "33", "--strategy", "mirrored",
                     "--run-dir", sys.argv[1] + "/cli"])
    settings = dict(epochs=3, batch_size=32, validation_size=157, seed=0)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    mirrored = training.train(training.make_config("mlp", "digits", run_dir=sys.argv[1] + "/two", **settings),
                              strategy=strategy, verbose=0)
    one = training.train(training.make_config("mlp", "digits", run_dir=sys.argv[1] + "/one", **settings), verbose=0)
    diff = max(float(np.abs(a - b).max()) for a, b in zip(mirrored.model.get_weights(), one.model.get_weights()))
    print(json.dumps({"cli_code": code, "diff": diff, "accuracy": [mirrored.metrics["test_accuracy"],
                      one.metrics["test_accuracy"]], "epochs": mirrored.metrics["epochs_run"]}))
""")


@pytest.mark.slow
def test_two_logical_devices_match_one_device_within_1e_6(tmp_path):
    proc = run_python(SCRIPT.replace("sys.argv[1]", repr(str(tmp_path))))
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["cli_code"] == 2 and "`batch_size` must divide by the 2 replicas" in proc.stderr
    assert result["epochs"] == 3
    assert result["diff"] < 1e-6, result
    assert abs(result["accuracy"][0] - result["accuracy"][1]) < 1e-6 and result["accuracy"][0] > 0.5
