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


def test_export_writes_model_and_metadata(exported):
    result, root = exported
    meta = json.loads((root / "model" / "dlcourse.json").read_text())
    assert meta["input"]["shape"] == [None, 8, 8, 1] and meta["input"]["dtype"] == "uint8"
    assert meta["class_names"] == [str(d) for d in range(10)]
    assert meta["metrics"]["test_accuracy"] == result.metrics["test_accuracy"]
    assert not list(root.glob(".model*")), "temp folders must not be left behind"


def test_reloaded_serve_equals_model_predict(exported):
    result, root = exported
    images, _ = data.split_arrays("digits", "test")
    expected = result.model.predict(images[:50].astype("float32") / 255.0, verbose=0)
    predictor = export.load(root / "model")
    np.testing.assert_allclose(predictor.predict(images[:50]), expected, atol=1e-6)
    with pytest.raises(DLCourseError, match="uint8 of shape"):
        predictor.predict(images[:2].astype("float32"))


def test_reexport_replaces_atomically(exported, tmp_path):
    result, root = exported
    info = data.info("digits")
    target = tmp_path / "m"
    export.export_model(result.model, target, info, metrics={"run": 1})
    export.export_model(result.model, target, info, metrics={"run": 2})
    assert json.loads((target / "dlcourse.json").read_text())["metrics"] == {"run": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]


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


@pytest.mark.parametrize("case, message", [
    ("wrong_size", "image is 10x10x1, the model takes 8x8x1"),
    ("not_image", "not a readable PNG or JPEG image"),
    ("bad_suffix", "not an image file"),
    ("float_range", "must be uint8 0..255 or floats in \\[0, 1\\]"),
    ("missing_model", "No exported model in"),
])
def test_predict_cli_errors_are_one_line(exported, tmp_path, case, message):
    _, root = exported
    model = root / "model"
    if case == "wrong_size":
        Image.fromarray(np.zeros((10, 10), np.uint8)).save(tmp_path / "x.png")
        file = tmp_path / "x.png"
    elif case == "not_image":
        file = tmp_path / "x.png"
        file.write_text("hello")
    elif case == "bad_suffix":
        file = tmp_path / "x.txt"
        file.write_text("hello")
    elif case == "float_range":
        file = tmp_path / "x.npy"
        np.save(file, np.full((8, 8), 3.5))
    else:
        model, file = tmp_path / "nowhere", tmp_path / "x.png"
    proc = run_cli("predict", model, file)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert __import__("re").search(message, lines[0]), lines[0]
