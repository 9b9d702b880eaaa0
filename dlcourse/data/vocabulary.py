"""A character vocabulary laid out like `keras.layers.StringLookup`, so it travels into an export.

    id 0            padding (StringLookup's mask token "")
    id 1            a character not in the vocabulary (StringLookup's OOV token "[UNK]")
    id 2, 3, ...    the vocabulary's characters, sorted by code point

`encode` (numpy, fast: a sorted table and `np.searchsorted`) gives exactly the ids of
`lookup_layer()` applied to `tf.strings.unicode_split(text, "UTF-8")`, so a model trained
on `encode`d text can carry `lookup_layer()` in its export and take raw strings.

Example:

    vocab = CharVocabulary.from_texts(["hello", "world"])
    vocab.encode("hold!")        # [4, 6, 5, 2, 1]  ("!" is unknown)
    vocab.decode([4, 6, 5, 2])   # "hold"
"""

import numpy as np

from dlcourse.errors import DLCourseError

PAD, UNKNOWN = 0, 1
UNKNOWN_CHAR = "\N{REPLACEMENT CHARACTER}"


class CharVocabulary:
    """Character ids as `keras.layers.StringLookup(vocabulary=chars, mask_token="", oov_token="[UNK]")` gives.

    `size` = len(chars) + 2 (padding and unknown): the output width of a model over it.
    """

    def __init__(self, chars):
        chars = [str(c) for c in chars]
        if any(len(c) != 1 for c in chars) or len(set(chars)) != len(chars):
            raise DLCourseError(
                "`chars` must be distinct single characters. Build one with CharVocabulary.from_texts(texts).")
        self.chars = tuple(sorted(chars))
        self._codes = np.array([ord(c) for c in self.chars], dtype=np.int64)

    @classmethod
    def from_texts(cls, texts, min_count=1):
        """The characters that occur at least `min_count` times in `texts`."""
        codes = _code_points("".join(texts))
        if len(codes) == 0:
            raise DLCourseError("cannot build a vocabulary from empty texts. Pass the training texts.")
        values, counts = np.unique(codes, return_counts=True)
        return cls(chr(int(c)) for c in values[counts >= min_count])

    @property
    def size(self):
        return len(self.chars) + 2

    def encode(self, text):
        """int32 ids of the characters of `text` (1 for a character not in the vocabulary)."""
        codes = _code_points(text)
        if len(self._codes) == 0:
            return np.full(len(codes), UNKNOWN, np.int32)
        position = np.clip(np.searchsorted(self._codes, codes), 0, len(self._codes) - 1)
        known = self._codes[position] == codes
        return np.where(known, position + 2, UNKNOWN).astype(np.int32)

    def decode(self, ids):
        """The text of `ids`; padding is dropped, unknown ids become U+FFFD."""
        table = ("", UNKNOWN_CHAR) + self.chars
        return "".join(table[i] if 0 <= i < len(table) else UNKNOWN_CHAR for i in np.asarray(ids).reshape(-1).tolist())

    def lookup_layer(self, invert=False):
        """A `keras.layers.StringLookup` with these ids (characters -> ids, or back with `invert`)."""
        import keras

        return keras.layers.StringLookup(vocabulary=list(self.chars), mask_token="", oov_token="[UNK]",
                                         invert=invert)

    def get_config(self):
        return {"chars": "".join(self.chars)}

    @classmethod
    def from_config(cls, config):
        return cls(config["chars"])

    def __eq__(self, other):
        return isinstance(other, CharVocabulary) and other.chars == self.chars

    def __hash__(self):
        return hash(self.chars)

    def __repr__(self):
        return f"CharVocabulary({len(self.chars)} characters)"


def _code_points(text):
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.int64)
