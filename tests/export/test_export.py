"""Export a trained model, then classify files with it in a fresh process."""

import json

import numpy as np
import pytest
from PIL import Image

from dlcourse import data, export, training
from dlcourse.errors import DLCourseError
from dlcourse.testing import run_cli


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    config = training.make_config("mlp", "digits", epochs=3, seed=0, run_dir=str(root / "run"),
                                  export_dir=str(root / "model"))
    result = training.train(config, verbose=0)
    return result, root


def test_export_writes_a_numbered_version_with_metadata(exported):
    result, root = exported
    assert result.export_dir == root / "model" / "1"
    meta = json.loads((root / "model" / "1" / "dlcourse.json").read_text())
    assert meta["input"]["shape"] == [None, 8, 8, 1] and meta["input"]["dtype"] == "uint8"
    assert meta["class_names"] == [str(d) for d in range(10)]
    assert meta["metrics"]["test_accuracy"] == result.metrics["test_accuracy"]
    assert (meta["version"], meta["task"], meta["command"]) == (1, "classify", "predict")
    assert sorted(p.name for p in (root / "model").iterdir()) == ["1"], "temp folders must not be left behind"


def test_reloaded_serve_equals_model_predict(exported):
    import tensorflow as tf

    result, root = exported
    images, _ = data.split_arrays("digits", "test")
    expected = result.model.predict(images[:50].astype("float32") / 255.0, verbose=0)
    predictor = export.load(root / "model")
    np.testing.assert_allclose(predictor.predict(images[:50]), expected, atol=1e-6)
    with pytest.raises(DLCourseError, match="uint8 of shape"):
        predictor.predict(images[:2].astype("float32"))
    loaded = tf.saved_model.load(str(root / "model" / "1"))
    floats = tf.constant(images[:5].astype("float32") / 255.0)
    np.testing.assert_allclose(loaded.serve_float(floats).numpy(), expected[:5], atol=1e-6)


def test_each_export_is_a_new_version_and_never_touches_the_others(exported, tmp_path):
    result, _ = exported
    info = data.info("digits")
    target = tmp_path / "m"
    (target / ".tmp-999999999-left-by-a-kill").mkdir(parents=True)
    first = export.export_model(result.model, target, info, metrics={"run": 1})
    before = {p: p.stat().st_mtime_ns for p in first.rglob("*")}
    second = export.export_model(result.model, target, info, metrics={"run": 2})
    assert (first.name, second.name) == ("1", "2")
    assert sorted(p.name for p in target.iterdir()) == ["1", "2"], "stale temp folders are cleaned"
    assert {p: p.stat().st_mtime_ns for p in first.rglob("*")} == before
    assert json.loads((first / "dlcourse.json").read_text())["metrics"] == {"run": 1}
    assert export.load(target).metadata["metrics"] == {"run": 2}
    assert export.load(target, version=1).metadata["metrics"] == {"run": 1}
    assert export.versions(target) == [1, 2]
    with pytest.raises(DLCourseError, match="has no version 7. It has: 1, 2"):
        export.load(target, version=7)


def test_predict_cli_in_a_fresh_process(exported, tmp_path):
    _, root = exported
    images, labels = data.split_arrays("digits", "test")
    Image.fromarray(images[0, ..., 0]).save(tmp_path / "a.png")
    Image.fromarray(images[1, ..., 0]).save(tmp_path / "b.jpg", quality=100)
    np.save(tmp_path / "c.npy", images[2])
    np.save(tmp_path / "d.npy", images[3, ..., 0].astype("float32") / 255.0)
    files = [tmp_path / n for n in ("a.png", "b.jpg", "c.npy", "d.npy")]
    proc = run_cli("predict", root / "model", *files)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["file"] for r in rows] == [str(f) for f in files]
    assert all(set(r) == {"file", "class", "label", "probability"} and 0 < r["probability"] <= 1 for r in rows)
    predictor = export.load(root / "model")
    expected = predictor.predict(images[:4]).argmax(axis=1)
    assert [rows[i]["class"] for i in (0, 2, 3)] == [int(expected[i]) for i in (0, 2, 3)]
    assert sum(r["class"] == int(y) for r, y in zip(rows, labels[:4])) >= 2
