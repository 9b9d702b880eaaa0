import numpy as np
import pytest
import tensorflow as tf

from dlcourse import data
from dlcourse.data import sources, sources_text, sources_tfds
from dlcourse.data.idx import write_idx
from dlcourse.data.load import _validation_indices
from dlcourse.errors import DLCourseError


@pytest.fixture
def no_local_data(tmp_path, monkeypatch):
    """A machine with no dataset files: empty Keras cache and TFDS dir, no Debian packages."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    monkeypatch.delenv("DLCOURSE_DATA_DIR", raising=False)
    monkeypatch.setattr(sources, "DEBIAN_DATASETS", tmp_path / "no-debian")
    monkeypatch.setattr(sources_text, "DEBIAN_FORTUNES", tmp_path / "no-fortunes")
    data.clear_cache()
    yield tmp_path
    data.clear_cache()


def test_digits_element_spec_and_range():
    ds = data.load("digits", "train", batch_size=32)
    images, labels = next(iter(ds))
    assert ds.element_spec[0].shape.as_list() == [None, 8, 8, 1]
    assert images.dtype == tf.float32 and labels.dtype == tf.int32
    assert 0.0 <= float(tf.reduce_min(images)) and float(tf.reduce_max(images)) <= 1.0
    assert set(np.unique(labels.numpy())) <= set(range(10))
    assert int(ds.cardinality()) == -(-1293 // 32)


def test_same_seed_same_batches_and_each_epoch_reshuffled():
    first = data.load("digits", "train", batch_size=64, seed=3)
    again = data.load("digits", "train", batch_size=64, seed=3)
    other = data.load("digits", "train", batch_size=64, seed=4)
    epoch1 = np.concatenate([y.numpy() for _, y in first])
    epoch2 = np.concatenate([y.numpy() for _, y in first])
    np.testing.assert_array_equal(epoch1, np.concatenate([y.numpy() for _, y in again]))
    assert not np.array_equal(epoch1, epoch2), "the second pass must be reshuffled"
    assert not np.array_equal(epoch1, np.concatenate([y.numpy() for _, y in other]))
    # Epoch e's order depends on (seed, e) only: pointing the counter back replays it.
    first.epoch_counter.assign(1)
    np.testing.assert_array_equal(epoch2, np.concatenate([y.numpy() for _, y in first]))


def test_splits_are_disjoint_and_cover_train():
    x_train, _ = data.split_arrays("digits", "train")
    x_val, _ = data.split_arrays("digits", "validation")
    x_all = data.load_arrays("digits")[0]
    rows = lambda a: {r.tobytes() for r in a.reshape(len(a), -1)}  # noqa: E731
    assert len(x_train) + len(x_val) == len(x_all) == 1437
    assert len(x_val) == 144
    # sklearn's digits contain a few exact duplicates, so compare via indices as well.
    train_idx, val_idx = _validation_indices(1437, 0.1)
    assert not set(train_idx) & set(val_idx) and len(set(train_idx) | set(val_idx)) == 1437
    assert len(rows(x_val) - rows(x_train)) > 100


def test_validation_size_as_count_and_bad_value():
    assert data.info("digits", validation_size=300).num_examples == {"train": 1137, "validation": 300, "test": 360}
    with pytest.raises(DLCourseError, match="validation_size"):
        data.load("digits", "validation", validation_size=5000)


def test_unknown_names_are_one_line_errors():
    with pytest.raises(DLCourseError, match="Unknown dataset 'fashion'. Use one of: fashion_mnist"):
        data.load("fashion")
    with pytest.raises(DLCourseError, match="Unknown split 'valid'"):
        data.load("digits", "valid")


@pytest.mark.skipif(not (sources.DEBIAN_DATASETS / "fashion-mnist").is_dir(),
                    reason="Debian dataset-fashion-mnist not installed")
def test_real_fashion_mnist():
    x_train, y_train, x_test, y_test = data.load_arrays("fashion_mnist")
    assert x_train.shape == (60000, 28, 28, 1) and x_test.shape == (10000, 28, 28, 1)
    assert sorted(np.unique(y_train)) == list(range(10)) and sorted(np.unique(y_test)) == list(range(10))
    assert np.bincount(y_train).tolist() == [6000] * 10
    info = data.info("fashion_mnist")
    assert info.num_examples == {"train": 54000, "validation": 6000, "test": 10000}
    assert info.class_names[9] == "Ankle boot" and "fashion-mnist" in info.source


def test_data_dir_idx_files_come_first(no_local_data, monkeypatch):
    root = no_local_data / "data" / "fashion_mnist"
    root.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for stem, n in (("train", 30), ("t10k", 10)):
        write_idx(root / f"{stem}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(root / f"{stem}-labels-idx1-ubyte.gz", rng.integers(0, 10, n).astype(np.uint8))
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(no_local_data / "data"))
    info = data.info("fashion_mnist", validation_size=5)
    assert info.num_examples == {"train": 25, "validation": 5, "test": 10}
    assert str(root) in info.source


def test_missing_dataset_says_how_to_get_it_without_waiting(no_local_data):
    with pytest.raises(DLCourseError, match="'cifar10' is not available.*go online once"):
        data.load("cifar10", "train")
    rows = {r["name"]: r for r in data.list_datasets()}
    assert rows["cifar10"]["available"] is False and rows["digits"]["available"] is True
    assert rows["fashion_mnist"]["available"] is False


def test_tfds_source_downloads_when_online(no_local_data, monkeypatch):
    import tensorflow_datasets as tfds

    monkeypatch.setattr(sources_tfds, "network_available", lambda: True)
    with tfds.testing.mock_data(num_examples=12):
        info = data.info("cifar10", validation_size=2)
        images, labels = next(iter(data.load("cifar10", "test", batch_size=4, validation_size=2)))
    assert info.source.startswith("TensorFlow Datasets")
    assert info.num_examples == {"train": 10, "validation": 2, "test": 12}
    assert images.shape == (4, 32, 32, 3) and labels.dtype == tf.int32


def test_augment_applies_to_train_only():
    calls = []

    def mark(images, labels):
        calls.append(1)
        return images * 0.0, labels

    train = data.load("digits", "train", batch_size=16, augment=mark)
    test = data.load("digits", "test", batch_size=16, augment=mark)
    assert float(tf.reduce_max(next(iter(train))[0])) == 0.0
    assert float(tf.reduce_max(next(iter(test))[0])) > 0.0


def test_keras_cache_mnist_npz_and_cifar_batches(no_local_data):
    import pickle

    cache = no_local_data / "keras" / "datasets"
    cache.mkdir(parents=True)
    rng = np.random.default_rng(0)
    np.savez(cache / "mnist.npz", x_train=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
             y_train=rng.integers(0, 10, 20), x_test=rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
             y_test=rng.integers(0, 10, 5))
    cifar = cache / "cifar-10-batches-py"
    cifar.mkdir()
    pixels = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        # CIFAR stores each image as 3,072 bytes: the red plane, then green, then blue.
        pixels[name] = rng.integers(0, 256, (2, 3072), dtype=np.uint8)
        with open(cifar / name, "wb") as f:
            pickle.dump({b"data": pixels[name], b"labels": [1, 2]}, f)
    mnist = data.info("mnist", validation_size=4)
    assert mnist.source.endswith("mnist.npz") and mnist.num_examples == {"train": 16, "validation": 4, "test": 5}
    x_train, y_train, x_test, _ = data.load_arrays("cifar10")
    assert x_train.shape == (10, 32, 32, 3) and x_test.shape == (2, 32, 32, 3) and list(y_train[:2]) == [1, 2]
    # Channels last: pixel (0, 1) of the first image, green channel, is byte 1024 + 1.
    assert x_train[0, 0, 1, 1] == pixels["data_batch_1"][0, 1024 + 1]


def test_local_files_of_the_wrong_shape_are_refused(no_local_data, monkeypatch):
    root = no_local_data / "data" / "digits"
    root.mkdir(parents=True)
    np.savez(root / "digits.npz", x_train=np.zeros((4, 9, 9), np.uint8), y_train=np.zeros(4, np.int64),
             x_test=np.zeros((2, 9, 9), np.uint8), y_test=np.zeros(2, np.int64))
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(no_local_data / "data"))
    with pytest.raises(DLCourseError, match=r"x_train: images have shape \(9, 9\), expected \(8, 8, 1\)"):
        data.load_arrays("digits")
