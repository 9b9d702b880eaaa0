"""Mistakes a user can make, each answered in one line with exit status 2, and nothing lost.

One table: the command line, how to set the scene, a fragment of the expected message,
and what must still exist afterwards. Everything runs in process (`cli.main`), so the
table stays fast; `tests/export/test_export.py` keeps a fresh-process smoke test.
"""

import os
import re
import shutil
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dlcourse import cli, training


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("exported")
    config = training.make_config("mlp", "digits", epochs=1, seed=0, run_dir=str(root / "run"),
                                  export_dir=str(root / "model"))
    training.train(config, verbose=0)
    return root / "model"


def _copy_model(model_dir, tmp):
    target = tmp / "model"
    shutil.copytree(model_dir, target)
    return target, target / "1"


def _png_claiming(width, height):
    """A tiny file whose PNG header claims `width` x `height` pixels."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def _image(tmp, name="x.png", shape=(8, 8)):
    Image.fromarray(np.zeros(shape, np.uint8)).save(tmp / name)
    return tmp / name


# Each scene returns (argv, paths that must still exist with their content, or None).
def thesis_in_export_dir(tmp, model_dir):
    (tmp / "P").mkdir()
    (tmp / "P" / "thesis.txt").write_text("x")
    return ["train", "mlp", "--dataset", "digits", "--epochs", "1", "--run-dir", str(tmp / "run"),
            "--export-dir", str(tmp / "P")], {tmp / "P" / "thesis.txt": "x"}


def export_dir_is_a_file(tmp, model_dir):
    (tmp / "f").write_text("keep")
    return ["train", "mlp", "--dataset", "digits", "--run-dir", str(tmp / "run"), "--export-dir", str(tmp / "f")], \
        {tmp / "f": "keep"}


def export_dir_is_the_run_dir(tmp, model_dir):
    (tmp / "run").mkdir()
    (tmp / "run" / "metrics.json").write_text("{}")
    return ["train", "mlp", "--dataset", "digits", "--run-dir", str(tmp / "run"), "--export-dir", str(tmp / "run")], \
        {tmp / "run" / "metrics.json": "{}"}


def export_dir_dot(tmp, model_dir):
    (tmp / "notes.txt").write_text("n")
    os.chdir(tmp)
    return ["train", "mlp", "--dataset", "digits", "--run-dir", "runs/x", "--export-dir", "."], {tmp / "notes.txt": "n"}


def run_dir_is_a_file(tmp, model_dir):
    (tmp / "r").write_text("r")
    return ["train", "mlp", "--dataset", "digits", "--run-dir", str(tmp / "r")], {tmp / "r": "r"}


def run_dir_under_a_file(tmp, model_dir):
    (tmp / "r").write_text("r")
    return ["train", "mlp", "--dataset", "digits", "--run-dir", str(tmp / "r" / "sub")], {tmp / "r": "r"}


def run_dir_in_use(tmp, model_dir):
    (tmp / "run").mkdir()
    (tmp / "run" / ".lock").write_text(str(os.getppid()))  # A live process holds it.
    return ["train", "mlp", "--dataset", "digits", "--epochs", "1", "--run-dir", str(tmp / "run")], \
        {tmp / "run" / ".lock": str(os.getppid())}


def simple(argv):
    return lambda tmp, model_dir: ([a.replace("RUN", str(tmp / "run")) for a in argv], {})


def damaged_metadata(text):
    def scene(tmp, model_dir):
        model, version = _copy_model(model_dir, tmp)
        (version / "dlcourse.json").write_text(text)
        return ["predict", str(model), str(_image(tmp))], {}
    return scene


def class_names_of_wrong_length(tmp, model_dir):
    import json

    model, version = _copy_model(model_dir, tmp)
    meta = json.loads((version / "dlcourse.json").read_text())
    (version / "dlcourse.json").write_text(json.dumps({**meta, "class_names": ["a", "b", "c"]}))
    return ["predict", str(model), str(_image(tmp))], {}


def damaged_savedmodel(how):
    def scene(tmp, model_dir):
        model, version = _copy_model(model_dir, tmp)
        if how == "truncated":
            data = (version / "saved_model.pb").read_bytes()
            (version / "saved_model.pb").write_bytes(data[: len(data) // 3])
        elif how == "no_variables":
            shutil.rmtree(version / "variables")
        else:
            (version / "saved_model.pb").unlink()
        return ["predict", str(model), str(_image(tmp))], {}
    return scene


def image_file(make):
    def scene(tmp, model_dir):
        return ["predict", str(model_dir), str(make(tmp))], {}
    return scene


def _write(name, content):
    def make(tmp):
        (tmp / name).write_bytes(content)
        return tmp / name
    return make


def _npy(name, array, **kwargs):
    def make(tmp):
        with open(tmp / name, "wb") as f:
            np.save(f, array, **kwargs)
        return tmp / name
    return make


def _npz_named_npy(tmp):
    np.savez(tmp / "x.npz", a=np.zeros((8, 8), np.uint8))
    os.replace(tmp / "x.npz", tmp / "x.npy")
    return tmp / "x.npy"


def _gif_named_png(tmp):
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp / "g.gif")
    os.replace(tmp / "g.gif", tmp / "g.png")
    return tmp / "g.png"


CASES = [
    ("export dir holds a user file", thesis_in_export_dir, "holds files that are not model versions"),
    ("export dir is a file", export_dir_is_a_file, "it is a file"),
    ("export dir is the run dir", export_dir_is_the_run_dir, "overlap"),
    ("export dir is .", export_dir_dot, "overlap"),
    ("run dir is a file", run_dir_is_a_file, "is a file"),
    ("run dir under a file", run_dir_under_a_file, "is under a file"),
    ("run dir in use", run_dir_in_use, r"in use by another training \(process \d+\)"),
    ("seed -1", simple(["train", "mlp", "--dataset", "digits", "--seed", "-1", "--run-dir", "RUN"]), r"`seed` must be in \[0, 2\*\*32\)"),
    ("seed 2**32", simple(["train", "mlp", "--dataset", "digits", "--seed", str(2**32), "--run-dir", "RUN"]), "`seed` must be in"),
    ("epochs 0", simple(["train", "mlp", "--epochs", "0"]), "`epochs` must be at least 1"),
    ("negative rate", simple(["train", "mlp", "--learning-rate", "-1"]), "`learning_rate` must be positive"),
    ("unknown recipe", simple(["train", "mlpp"]), "Unknown recipe 'mlpp'"),
    ("unknown optimizer", simple(["train", "mlp", "--optimizer", "adamm"]), "Unknown optimizer 'adamm'"),
    ("unknown dataset", simple(["train", "mlp", "--dataset", "imagenet", "--run-dir", "RUN"]), "Unknown dataset 'imagenet'"),
    ("samples count -1", simple(["samples", "digits", "--count", "-1", "--out", "RUN"]), "`--count` must be at least 1"),
    ("samples unknown dataset", simple(["samples", "nope", "--out", "RUN"]), "Unknown dataset 'nope'"),
    ("predict: no model", simple(["predict", "RUN", "x.png"]), "No exported model in"),
    ("predict: unknown version", lambda tmp, m: (["predict", str(m), "--version", "9", str(_image(tmp))], {}), "has no version 9"),
    ("predict: metadata not JSON", damaged_metadata("{not json"), "dlcourse.json: not valid JSON"),
    ("predict: metadata incomplete", damaged_metadata('{"input": {"shape": [null, 8, 8, 1]}}'), "incomplete, needs class_names"),
    ("predict: bad input shape", damaged_metadata('{"class_names": ["a"], "input": {"shape": [null, -8]}}'), "`input.shape` must be"),
    ("predict: class names vs outputs", class_names_of_wrong_length, "3 class names but the model gives 10"),
    ("predict: saved_model.pb truncated", damaged_savedmodel("truncated"), "cannot be loaded"),
    ("predict: variables missing", damaged_savedmodel("no_variables"), "cannot be loaded"),
    ("predict: saved_model.pb missing", damaged_savedmodel("missing"), "No exported model in"),
    ("predict: wrong image size", image_file(lambda tmp: _image(tmp, shape=(10, 10))), "image is 10x10x1, the model takes 8x8x1"),
    ("predict: text named png", image_file(_write("x.png", b"hello")), "not a readable PNG or JPEG"),
    ("predict: GIF named png", image_file(_gif_named_png), "not a readable PNG or JPEG"),
    ("predict: decompression bomb", image_file(_write("bomb.png", _png_claiming(40000, 40000))), "decompression bomb|too large"),
    ("predict: not an image suffix", image_file(_write("x.txt", b"hello")), "not an image file"),
    ("predict: floats out of range", image_file(_npy("x.npy", np.full((8, 8), 3.5))), r"uint8 0..255 or floats in \[0, 1\]"),
    ("predict: NaN floats", image_file(_npy("x.npy", np.full((8, 8), np.nan))), r"uint8 0..255 or floats in \[0, 1\]"),
    ("predict: npz named npy", image_file(_npz_named_npy), "an .npz archive"),
    ("predict: pickled npy", image_file(_npy("x.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)), "pickled objects are refused"),
    ("predict: missing file", simple(["predict", "RUN", "nothing.png"]), "No exported model|no such file"),
]


@pytest.mark.parametrize("name, scene, message", CASES, ids=[c[0] for c in CASES])
def test_mistake_is_one_line_with_status_2(name, scene, message, tmp_path, model_dir, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv, kept = scene(tmp_path, model_dir)
    status = cli.main(argv)
    err = capsys.readouterr().err
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert status == 2, err
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert re.search(message, lines[0]), lines[0]
    for path, content in kept.items():
        assert Path(path).read_text() == content, f"{path} was changed or removed"
