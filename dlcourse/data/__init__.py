"""Datasets for the course, each through one road: its spec, its first source present, tf.data.

    from dlcourse import data
    train = data.load("fashion_mnist", "train", batch_size=64, shuffle=True, seed=0)  # images
    windows = data.series_windows("co2", "train", window=52, horizon=1)              # series
    text = data.char_lm_windows("fortunes", "train", sequence_length=100)            # text
    data.info("fashion_mnist")     # classes, shapes, split sizes, source (any kind)
    data.list_datasets()           # what this machine has, at once (no TensorFlow)

Splits: `train`, `validation`, `test`. The datasets, their sources and the order those
are tried are in `catalog.py`; the checks every file passes are in `checks.py`; the
pipeline every split goes through is in `pipeline.py` (docs/data.md tells the whole road).
"""

from dlcourse.data import seq_toy, toy
from dlcourse.data.catalog import DatasetInfo, DatasetSpec, SPECS
from dlcourse.data.idx import read_idx, write_idx
from dlcourse.data.load import SPLITS, clear_cache, info, list_datasets, load, load_arrays, split_arrays
from dlcourse.data.series import SeriesSplit, load_series, series_windows, split_series
from dlcourse.data.sources_text import TextCorpus, parse_strfile
from dlcourse.data.text import char_lm_windows, load_text, text_classification
from dlcourse.data.vocabulary import CharVocabulary

DATASETS = tuple(SPECS)

__all__ = [
    "DATASETS", "SPECS", "SPLITS", "DatasetInfo", "DatasetSpec", "load", "load_arrays", "split_arrays", "info",
    "list_datasets", "clear_cache", "read_idx", "write_idx", "toy", "seq_toy",
    "load_series", "split_series", "series_windows", "SeriesSplit",
    "load_text", "char_lm_windows", "text_classification", "TextCorpus", "CharVocabulary", "parse_strfile",
]
