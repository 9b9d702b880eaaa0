"""`dlcourse doctor --gpu`: "no GPU" cleanly on this CPU machine; every check runs on a CPU."""

import keras
import pytest
import tensorflow as tf

from dlcourse import cli
from dlcourse.errors import DLCourseError
from dlcourse.training.gpu_check import check_gpu

NAMES = ["devices", "mixed_precision", "xla", "mirrored_strategy"]


def test_without_a_gpu_every_check_is_skipped_and_nothing_fails():
    assert not tf.config.list_logical_devices("GPU"), "this test describes a machine without a GPU"
    report = check_gpu()
    assert [c.name for c in report.checks] == NAMES
    assert [c.status for c in report.checks] == ["skipped"] * 4
    assert report.passed and not report.has_devices
    assert "no GPU" in report.checks[0].detail
    assert len(report.to_text().splitlines()) == 4


def test_the_checks_run_for_real_on_the_cpu():
    report = check_gpu("CPU", steps=1)
    assert [c.status for c in report.checks] == ["ok"] * 4, report.to_text()
    mixed = report.checks[1].detail
    assert "mixed_float16" in mixed and "ms vs float32" in mixed
    assert "XLA off" in report.checks[2].detail and "on" in report.checks[2].detail
    assert "1 replica" in report.checks[3].detail
    assert keras.config.dtype_policy().name == "float32", "the global policy must be restored"


def test_a_check_that_raises_is_one_failed_line(monkeypatch):
    from dlcourse.training import gpu_check

    def broken(*args):
        raise RuntimeError("CUDA_ERROR_OUT_OF_MEMORY\nlong traceback")

    monkeypatch.setattr(gpu_check, "_xla", broken)
    monkeypatch.setattr(gpu_check, "_mixed_precision", lambda *args: ("ok", "stub"))  # Slow on CPU.
    report = check_gpu("CPU", steps=1)
    line = report.checks[2]
    assert line.status == "failed" and line.detail == "RuntimeError: CUDA_ERROR_OUT_OF_MEMORY"
    assert not report.passed and report.checks[3].status == "ok"


def test_bad_device_type():
    with pytest.raises(DLCourseError, match="`device_type` must be GPU or CPU"):
        check_gpu("TPU")


def test_cli_doctor_gpu_prints_no_gpu_and_exits_0(capsys):
    assert cli.main(["doctor", "--gpu"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("skipped devices") and "no GPU" in out


def test_cli_doctor_needs_a_recipe_or_gpu(capsys):
    assert cli.main(["doctor"]) == 2
    assert "needs a RECIPE" in capsys.readouterr().err
