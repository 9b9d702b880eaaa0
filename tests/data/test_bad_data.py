"""Bad data is refused at the door: one table of (files a user might have, expected message).

Every row builds files in a fresh `$DLCOURSE_DATA_DIR` (or Keras cache), loads the
dataset in process, and expects a one-line `DLCourseError` that names the file and
contains the fragment; never a traceback from deep inside numpy or TensorFlow, never a
silent fall-back to another source.
"""

import gzip
import os
import pickle

import numpy as np
import pytest

from dlcourse import data
from dlcourse.data import sources, sources_text
from dlcourse.data.catalog import SPECS
from dlcourse.data.idx import write_idx
from dlcourse.errors import DLCourseError

RNG = np.random.default_rng(0)
GZIP_HEADER = bytes([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3])


TRAIN_X, TRAIN_Y = "train-images-idx3-ubyte", "train-labels-idx1-ubyte"
TEST_X, TEST_Y = "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"


def _idx_set(root, **override):
    """Four small Fashion-MNIST IDX files in `root`; `override[stem]` replaces one's array or bytes."""
    root.mkdir(parents=True, exist_ok=True)
    arrays = {TRAIN_X: RNG.integers(0, 256, (30, 28, 28), dtype=np.uint8), TRAIN_Y: RNG.integers(0, 10, 30),
              TEST_X: RNG.integers(0, 256, (10, 28, 28), dtype=np.uint8), TEST_Y: RNG.integers(0, 10, 10)}
    for stem, array in arrays.items():
        value = override.get(stem, array.astype(np.uint8))
        if isinstance(value, bytes):
            (root / f"{stem}.gz").write_bytes(value)
        elif value is not None:
            write_idx(root / f"{stem}.gz", value)
    return root


def _idx_bytes(array, gz=True):
    raw = bytes([0, 0, 8, array.ndim]) + np.asarray(array.shape, ">u4").tobytes() + array.astype(np.uint8).tobytes()
    return gzip.compress(raw) if gz else raw


def _npz(root, **arrays):
    root.mkdir(parents=True, exist_ok=True)
    good = dict(x_train=RNG.integers(0, 256, (12, 8, 8), dtype=np.uint8), y_train=RNG.integers(0, 10, 12),
                x_test=RNG.integers(0, 256, (4, 8, 8), dtype=np.uint8), y_test=RNG.integers(0, 10, 4))
    good.update(arrays)
    np.savez(root / "digits.npz", **{k: v for k, v in good.items() if v is not None})
    return root / "digits.npz"


def _write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    return path


def _npy(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        np.save(f, array, allow_pickle=True)
    return path


def _truncate(path, fraction):
    raw = path.read_bytes()
    path.write_bytes(raw[: int(len(raw) * fraction)])
    return path


class _Boom:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def _cifar(cache, **override):
    root = cache / "cifar-10-batches-py"
    root.mkdir(parents=True)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = override.get(name, {b"data": RNG.integers(0, 256, (2, 3072), dtype=np.uint8), b"labels": [1, 2]})
        if batch is not None:
            (root / name).write_bytes(pickle.dumps(batch))
    return root


# Builders: (data_dir, keras_cache) -> the path the message must name.
def idx(stem, value):
    return lambda d, k: _idx_set(d / FM, **{stem: value}) / f"{stem}.gz"


def npz(**arrays):
    return lambda d, k: _npz(d / "digits", **arrays)


def file(relative, content, name_parent=False):
    return lambda d, k: _write(d / relative, content).parent if name_parent else _write(d / relative, content)


def npy(relative, array):
    return lambda d, k: _npy(d / relative, array)


def cifar(batch, content):
    return lambda d, k: _cifar(k, **{batch: content}) / batch


def cifar_batch(pixels, labels):
    return {b"data": pixels, b"labels": labels}


FM = "fashion_mnist"
CASES = [  # (id, dataset, builder, a fragment of the one-line message)
    ("corrupt-deflate", FM, idx(TRAIN_Y, GZIP_HEADER + b"\x07\xff\xff\x00"), "not a valid gzip file (Error -3"),
    ("truncated-gzip", FM, idx(TEST_X, _idx_bytes(np.zeros((10, 28, 28)))[:-20]), "Compressed file ended"),
    ("garbage-idx", FM, idx(TRAIN_X, gzip.compress(b"<html>nope</html>")), "bad magic number"),
    ("truncated-idx", FM, idx(TRAIN_X, gzip.compress(_idx_bytes(np.zeros((30, 28, 28)), gz=False)[:-100])),
     "is truncated"),
    ("counts-differ", FM, idx(TRAIN_Y, np.zeros(29, np.uint8)), "29 labels for 30 images"),
    ("2d-labels", FM, idx(TRAIN_Y, np.zeros((30, 2), np.uint8)), "labels have shape (30, 2)"),
    ("label-too-large", FM, idx(TEST_Y, np.full(10, 10, np.uint8)),
     "labels span [10, 10], expected class indices in [0, 10)"),
    ("negative-label", FM, idx(TEST_Y, np.full(10, -1, np.int8)), "labels span [-1, -1]"),
    ("float-images-idx", FM, idx(TRAIN_X, np.full((30, 28, 28), 0.5, np.float32)),
     "images are float32 in [0.5, 0.5], expected uint8"),
    ("wrong-image-shape", FM, idx(TRAIN_X, np.zeros((30, 27, 28), np.uint8)),
     "images have shape (27, 28), expected (28, 28, 1)"),
    ("idx-file-missing", FM, lambda d, k: _idx_set(d / FM, **{TEST_Y: None}),
     "t10k-labels-idx1-ubyte (or .gz) missing"),
    ("empty-entry-no-fallback", "digits", file("digits/notes.txt", "x", name_parent=True),
     "or put digits.npz there instead"),
    ("npz-wrong-keys", "digits", npz(x_test=None), "lacks x_test"),
    ("npz-object-array", "digits", npz(y_train=np.array([1, "a"] * 6, dtype=object)), "holds Python objects"),
    ("npz-is-a-pickle", "digits", file("digits/digits.npz", pickle.dumps(_Boom())), "is a pickle"),
    ("npz-garbage", "digits", file("digits/digits.npz", b"GARBAGE" * 9), "is not an .npz file"),
    ("npz-truncated", "digits", lambda d, k: _truncate(_npz(d / "digits"), 0.5), "is not a readable .npz file"),
    ("npz-float-images", "digits", npz(x_train=np.full((12, 8, 8), 0.25)), "images are float64 in [0.25, 0.25]"),
    ("npz-nan-images", "digits", npz(x_test=np.full((4, 8, 8), np.nan)), "with NaN values"),
    ("npz-negative-images", "digits", npz(x_train=np.full((12, 8, 8), -3)),
     "pixel values span [-3, -3], expected 0-255"),
    ("npz-images-above-255", "digits", npz(x_train=np.full((12, 8, 8), 256)), "pixel values span [256, 256]"),
    ("npz-counts-differ", "digits", npz(y_test=np.zeros(3, np.int64)), "3 labels for 4 images"),
    ("npz-float-labels", "digits", npz(y_train=np.zeros(12)), "labels have dtype float64"),
    ("npz-no-images", "digits", npz(x_train=np.zeros((0, 8, 8), np.uint8), y_train=np.zeros(0, np.int64)), "no images"),
    ("npz-is-npy", "digits", npy("digits/digits.npz", np.zeros(3)), "is a single .npy array"),
    ("series-nan", "sunspots", file("sunspots/sunspots.csv", "1\n2\nnan\n4\n"),
     "1 of 4 values are NaN or infinite (first at index 2)"),
    ("series-text", "sunspots", file("sunspots/sunspots.csv", "1\ntwo\n3\n"), "is not one number per line"),
    ("series-2d", "sunspots", npy("sunspots/sunspots.npy", np.zeros((4, 3))), "expected a 1-D run of numbers"),
    ("series-pickle", "sunspots", npy("sunspots/sunspots.npy", np.array([1, "a"], dtype=object)),
     "holds Python objects or a pickle"),
    ("series-empty-entry", "sunspots", file("sunspots/README", "x", name_parent=True),
     "has neither sunspots.npy nor sunspots.csv"),
    ("text-binary", "fortunes", file("fortunes/science", b"a\x00b\n%\nc\n"), "is not a text file"),
    ("text-no-entries", "fortunes", file("fortunes/science", "\n%\n%\n", name_parent=True), "holds no strfile entries"),
    ("text-entry-is-a-file", "fortunes", file("fortunes", "just a file"), "is not a folder"),
    ("cifar-booby-trapped", "cifar10", cifar("data_batch_3", _Boom()), "refused class posix.system"),
    ("cifar-wrong-shape", "cifar10", cifar("test_batch", cifar_batch(np.zeros((2, 3000), np.uint8), [1, 2])),
     "data has shape (2, 3000), expected (N, 3072)"),
    ("cifar-not-a-batch", "cifar10", cifar("test_batch", [1, 2, 3]), "is not a CIFAR batch"),
    ("cifar-incomplete", "cifar10", lambda d, k: _cifar(k, data_batch_5=None), "data_batch_5 missing"),
    ("cifar-bad-labels", "cifar10", cifar("test_batch", cifar_batch(np.zeros((2, 3072), np.uint8), [3, 12])),
     "labels span [3, 12]"),
    ("keras-mnist-garbage", "mnist", lambda d, k: _write(k / "mnist.npz", b"\x00" * 64), "is not an .npz file"),
]


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    """An empty `$DLCOURSE_DATA_DIR` and Keras cache; no Debian files; the cwd a scratch folder."""
    data_dir, keras_home = tmp_path / "data", tmp_path / "keras"
    data_dir.mkdir()
    (keras_home / "datasets").mkdir(parents=True)
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    monkeypatch.setattr(sources, "DEBIAN_DATASETS", tmp_path / "no-debian")
    monkeypatch.setattr(sources_text, "DEBIAN_FORTUNES", tmp_path / "no-fortunes")
    monkeypatch.chdir(tmp_path)
    data.clear_cache()
    yield data_dir, keras_home / "datasets"
    data.clear_cache()


def _load(name):
    readers = {"images": data.load_arrays, "series": data.load_series, "text": data.load_text}
    return readers[SPECS[name].kind](name)


@pytest.mark.parametrize("case_id, name, build, fragment", CASES, ids=[c[0] for c in CASES])
def test_bad_data_is_one_line_naming_the_file(dirs, case_id, name, build, fragment):
    named = build(*dirs)
    with pytest.raises(DLCourseError) as raised:
        _load(name)
    message = str(raised.value)
    assert fragment in message
    assert "\n" not in message, "one line"
    assert str(named) in message, f"the message names {named}"
    assert not os.path.exists("pwned"), "nothing in a file may run code"


def test_the_table_covers_every_kind_of_bad_input():
    assert len(CASES) >= 35
    assert {name for _, name, _, _ in CASES} >= {"fashion_mnist", "digits", "sunspots", "fortunes", "cifar10", "mnist"}


def test_data_dir_that_is_not_a_folder_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(tmp_path / "typo"))
    data.clear_cache()
    with pytest.raises(DLCourseError, match=r"DLCOURSE_DATA_DIR=.*typo is not a folder"):
        data.load_arrays("digits")
    rows = {r["name"]: r for r in data.list_datasets()}
    assert rows["digits"]["available"] is False and "is not a folder" in rows["digits"]["install_hint"]
    data.clear_cache()


def test_good_files_in_the_table_builders_load(dirs):
    """The builders make valid files when nothing is overridden: each row fails for its own reason."""
    data_dir, cache = dirs
    _idx_set(data_dir / FM)
    _npz(data_dir / "digits")
    _cifar(cache)
    assert data.load_arrays(FM)[0].shape == (30, 28, 28, 1)
    assert data.load_arrays("digits")[2].shape == (4, 8, 8, 1)
    assert data.load_arrays("cifar10")[0].shape == (10, 32, 32, 3)


def test_the_command_line_answers_with_one_line_and_status_2(dirs, capsys):
    from dlcourse import cli

    data_dir, _ = dirs
    _npz(data_dir / "digits", x_train=np.full((12, 8, 8), 0.25))
    status = cli.main(["samples", "digits", "--count", "1", "--out", str(data_dir.parent / "out")])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "x_train: images are float64" in err
    assert not (data_dir.parent / "out").exists(), "nothing written from bad data"
