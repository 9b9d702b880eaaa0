"""Text sources: documents with a category, from strfile folders (Debian's `fortunes`).

A strfile text file (the format `fortune` reads) holds entries separated by lines that
are exactly `%`. The category of an entry is its file's name:

    /usr/share/games/fortunes/science        one category, 625 entries
        Entropy isn't what it used to be.
        %
        ...

Old entries underline or embolden with backspaces (`_\\bA`, `___\\b\\b\\band`); like
`col -b`, the last character written at each column wins. Files are UTF-8 (a file that
is not is read as Latin-1); a file with NUL bytes is not text and is refused.

A text source's `load` returns `(train, test)` corpora. A folder has no test split of its
own: a fixed permutation holds out 20 % of the entries, the same on every machine.
"""

import dataclasses
from pathlib import Path

import numpy as np

from dlcourse.data.sources import DataDirSource, data_dir_entry
from dlcourse.errors import DLCourseError

DEBIAN_FORTUNES = Path("/usr/share/games/fortunes")
TEST_FRACTION = 0.2
_SPLIT_SEED = 20240101


@dataclasses.dataclass(frozen=True)
class TextCorpus:
    """Documents and their categories (`""` where a dataset has none); pairs when iterated."""

    texts: tuple
    categories: tuple
    source: str

    def __len__(self):
        return len(self.texts)

    def __iter__(self):
        return iter(zip(self.texts, self.categories))

    def take(self, indices):
        """The documents at `indices`, in that order."""
        return TextCorpus(tuple(self.texts[i] for i in indices), tuple(self.categories[i] for i in indices),
                          self.source)


def parse_strfile(path):
    """The entries of one strfile text file, backspace overstrikes resolved."""
    path = Path(path)
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise DLCourseError(f"{path} is not a text file (it holds NUL bytes). Remove it from the folder.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # Older fortune files; every byte is a character.
    entries, lines = [], []
    for line in text.splitlines():
        if line == "%":
            entries.append("\n".join(lines).strip("\n"))
            lines = []
        else:
            lines.append(_overstrike(line))
    entries.append("\n".join(lines).strip("\n"))
    return [e for e in entries if e.strip()]


def _overstrike(line):
    if "\b" not in line:
        return line
    columns, column = [], 0
    for char in line:
        if char == "\b":
            column = max(column - 1, 0)
            continue
        if column < len(columns):
            columns[column] = char
        else:
            columns.append(char)
        column += 1
    return "".join(columns)


def split_paragraphs(text):
    """The paragraphs of `text` (runs of lines between blank lines), e.g. a play's speeches."""
    return [p.strip("\n") for p in text.split("\n\n") if p.strip()]


def read_strfile_dir(root):
    """All entries of a folder of strfile files, as one `TextCorpus` in file order."""
    root = Path(root)
    files = sorted(f for f in root.iterdir()
                   if f.is_file() and not f.name.startswith(".") and f.suffix not in (".dat", ".u8"))
    texts, categories = [], []
    for file in files:
        entries = parse_strfile(file)
        texts += entries
        categories += [file.name] * len(entries)
    if not texts:
        raise DLCourseError(f"{root} holds no strfile entries (text separated by lines '%'). "
                            "Add such files, or remove the folder to use another source.")
    return TextCorpus(tuple(texts), tuple(categories), str(root))


def fixed_test_split(corpus):
    """`(train, test)`: a fixed 20 % of the documents held out, the same on every machine."""
    order = np.random.default_rng(_SPLIT_SEED).permutation(len(corpus))
    size = max(1, int(round(TEST_FRACTION * len(corpus))))
    if size >= len(corpus):
        raise DLCourseError(f"{corpus.source}: {len(corpus)} documents are too few to hold out a test split. "
                            "Add more entries.")
    return corpus.take(np.sort(order[size:])), corpus.take(np.sort(order[:size]))


class StrfileDir:
    """A folder of strfile files; `root` is called when used (so tests can point it elsewhere)."""

    def __init__(self, root, label):
        self.root, self.label = root, label

    def describe(self, spec):
        return f"{self.label} ({self.root()})"

    def present(self, spec):
        root = self.root()
        return root.is_dir() and any(root.iterdir())

    def load(self, spec):
        return fixed_test_split(read_strfile_dir(self.root()))


class TextDataDir(DataDirSource):
    """`$DLCOURSE_DATA_DIR/<name>/`: a folder of strfile files, one category per file."""

    def load(self, spec):
        entry = data_dir_entry(spec)
        if not entry.is_dir():
            raise DLCourseError(f"{entry} is not a folder: put {spec.name}'s strfile files in a folder there, "
                                "or remove it to use another source.")
        return fixed_test_split(read_strfile_dir(entry))


def debian_fortunes():
    return DEBIAN_FORTUNES
