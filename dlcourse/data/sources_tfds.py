"""TensorFlow Datasets as a source: prepared data on disk, or a download when online.

    present(spec)   the dataset is prepared in TFDS's data dir (a `dataset_info.json`
                    under `$TFDS_DATA_DIR/<name>/`, default ~/tensorflow_datasets), or the
                    network answers. Neither TensorFlow nor TFDS is imported to find out
    load(spec)      images: `Arrays` (checked like every source); text: a pair of
                    `TextCorpus` (train, test)

Offline, `tfds.load` retries a download for minutes before failing; here the network
is checked first (one 3 s connection attempt, none at all with `DLCOURSE_OFFLINE=1`), so
an offline machine moves on at once. Tests use `tfds.testing.mock_data`, never the network.
"""

import importlib.util
import os
import socket
from pathlib import Path

import numpy as np

from dlcourse.data.sources import checked_arrays
from dlcourse.data.sources_text import TextCorpus, split_paragraphs


def network_available(host="storage.googleapis.com", port=443, timeout=3.0):
    """True if TFDS's download host answers; False at once when DLCOURSE_OFFLINE=1."""
    if os.environ.get("DLCOURSE_OFFLINE") == "1":
        return False
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def tfds_data_dir():
    return Path(os.environ.get("TFDS_DATA_DIR") or Path.home() / "tensorflow_datasets")


def prepared_on_disk(name):
    """True if `name` was prepared in TFDS's data dir (with or without a config folder)."""
    root = tfds_data_dir() / name
    return root.is_dir() and any(
        next(root.glob(pattern), None) for pattern in ("*/dataset_info.json", "*/*/dataset_info.json"))


class Tfds:
    """A TFDS dataset by name; `text_key`/`label_key` say which features to read."""

    def __init__(self, name, text_key=None, label_key=None, paragraphs=False):
        self.name, self.text_key, self.label_key, self.paragraphs = name, text_key, label_key, paragraphs

    def describe(self, spec):
        where = "prepared" if prepared_on_disk(self.name) else "downloads when online"
        return f"TensorFlow Datasets ({tfds_data_dir() / self.name}, {where})"

    def on_disk(self, spec):
        return prepared_on_disk(self.name)

    def present(self, spec):
        if importlib.util.find_spec("tensorflow_datasets") is None:
            return False
        return prepared_on_disk(self.name) or network_available()

    def load(self, spec):
        builder = self._builder()
        if self.text_key:
            return self._corpus(builder, "train", spec), self._corpus(builder, "test", spec)
        label = f"TensorFlow Datasets ({builder.data_dir})"
        (x_train, y_train), (x_test, y_test) = (self._arrays(builder, s) for s in ("train", "test"))
        return checked_arrays(spec, label, (x_train, y_train, f"{label} train", f"{label} train"),
                              (x_test, y_test, f"{label} test", f"{label} test"))

    def _builder(self):
        import tensorflow_datasets as tfds

        builder = tfds.builder(self.name, data_dir=os.environ.get("TFDS_DATA_DIR"))
        if not _prepared(builder):
            builder.download_and_prepare()
        return builder

    @staticmethod
    def _arrays(builder, split):
        import tensorflow_datasets as tfds

        batches = list(tfds.as_numpy(builder.as_dataset(split=split, as_supervised=True).batch(8192)))
        return np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches])

    def _corpus(self, builder, split, spec):
        import tensorflow_datasets as tfds

        texts, categories = [], []
        for example in tfds.as_numpy(builder.as_dataset(split=split)):
            text = example[self.text_key].decode("utf-8", errors="replace")
            pieces = split_paragraphs(text) if self.paragraphs else [text]
            texts += pieces
            if self.label_key:
                name = builder.info.features[self.label_key].int2str(int(example[self.label_key]))
                categories += [name] * len(pieces)
            else:
                categories += [""] * len(pieces)
        return TextCorpus(tuple(texts), tuple(categories), f"TensorFlow Datasets ({builder.data_dir}, {split})")


def _prepared(builder):
    try:
        return bool(builder.info.splits) and Path(builder.data_dir).is_dir()
    except Exception:  # noqa: BLE001  # An unprepared builder raises several kinds here.
        return False
