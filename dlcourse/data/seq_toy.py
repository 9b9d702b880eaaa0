"""Synthetic sequence-to-sequence tasks: reverse, sort, add two numbers; seeded, as tf.data.

    reverse   3 1 4 1 5     ->  5 1 4 1 3
    sort      3 1 4 1 5     ->  1 1 3 4 5
    add       3 2 1 0 0 + 5 4 0 0 0   ->  8 6 1 0 0 0   (123 + 45 = 168 with max_length 5:
              operands of min_length..max_length digits zero-padded to max_length, the sum
              to max_length + 1 digits, every number least significant digit first)

Tokens: 0 `<pad>`, 1 `<start>`, 2 `<end>`, 3..12 the digits 0..9, 13 `+` (`TOKENS`).
Each example is teacher-forcing ready:

    source            (source_length,)    the question, padded with 0
    decoder_inputs    (target_length,)    <start> answer, padded
    decoder_targets   (target_length,)    answer <end>, padded

Held out for real: a source belongs to one split only, chosen by a hash of its tokens
(crc32 % 10: 0 test, 1 validation, else train), so no test question is ever trained on.

Example:

    from dlcourse.data import seq_toy
    train = seq_toy.make_dataset("reverse", "train", num_examples=5000, batch_size=64, seed=0)
    (source, decoder_inputs), decoder_targets = next(iter(train))
"""

import zlib

import numpy as np

from dlcourse.errors import DLCourseError

TASKS = ("reverse", "sort", "add")
TOKENS = ("<pad>", "<start>", "<end>", *"0123456789", "+")
PAD, START, END, PLUS = 0, 1, 2, 13
_DIGIT = 3  # Token of the digit 0.
_SPLIT_OF_HASH = {0: "test", 1: "validation"}
_SPLIT_INDEX = {"train": 0, "validation": 1, "test": 2}


def lengths(task, max_length):
    """`(source_length, target_length)` of the padded arrays of `task`."""
    if task == "add":
        return 2 * max_length + 1, max_length + 2  # Sum has at most max_length + 1 digits, then <end>.
    return max_length, max_length + 1


def make_arrays(task, split="train", num_examples=1000, min_length=3, max_length=8, seed=0):
    """numpy int32 `(source, decoder_inputs, decoder_targets)` of `num_examples` examples."""
    _check(task, split, num_examples, min_length, max_length)
    rng = np.random.default_rng([seed, _SPLIT_INDEX[split]])
    parts, have = [], 0
    for _ in range(100):
        # Vectorised blocks; about 10 % of the questions fall in test or validation.
        source, source_len, answer, answer_len = _block(task, rng, 2 * num_examples + 64, min_length, max_length)
        keep = np.array([_split_of(row[:n]) == split for row, n in zip(source, source_len)], dtype=bool)
        parts.append((source[keep], answer[keep], answer_len[keep]))
        have += int(keep.sum())
        if have >= num_examples:
            break
    else:
        raise DLCourseError(f"too few distinct {task} questions of length {min_length}-{max_length} fall in "
                            f"the {split} split. Use a larger max_length.")
    source, answer, answer_len = (np.concatenate(p)[:num_examples] for p in zip(*parts))
    target_length = lengths(task, max_length)[1]
    decoder_targets = np.zeros((num_examples, target_length), np.int32)
    decoder_targets[:, : answer.shape[1]] = answer
    decoder_targets[np.arange(num_examples), answer_len] = END
    decoder_inputs = np.zeros_like(decoder_targets)
    decoder_inputs[:, 0] = START
    decoder_inputs[:, 1:] = np.where(decoder_targets[:, :-1] == END, PAD, decoder_targets[:, :-1])
    return source.astype(np.int32), decoder_inputs, decoder_targets


def make_dataset(task, split="train", num_examples=1000, batch_size=64, min_length=3, max_length=8,
                 shuffle=None, seed=0, drop_remainder=False, epoch_counter=None):
    """`((source, decoder_inputs), decoder_targets)` batches of int32, reshuffled statelessly per epoch.

    Args:
        task: `reverse`, `sort` or `add`.
        split: `train`, `validation` or `test` (disjoint questions).
        num_examples: examples drawn (with `seed`); min_length, max_length: digits per
            sequence (per operand for `add`).
        batch_size, shuffle, seed, drop_remainder, epoch_counter: as in `data.load`.
    """
    from dlcourse.data.pipeline import make_batches

    source, decoder_inputs, decoder_targets = make_arrays(task, split, num_examples, min_length, max_length, seed)
    return make_batches(((source, decoder_inputs), decoder_targets), batch_size,
                        shuffle=split == "train" if shuffle is None else shuffle, seed=seed,
                        drop_remainder=drop_remainder, epoch_counter=epoch_counter)


def decode(ids):
    """The text of a token sequence, up to its first `<end>` (padding and `<start>` dropped)."""
    out = []
    for i in np.asarray(ids).reshape(-1).tolist():
        if i == END:
            break
        if i not in (PAD, START):
            out.append(TOKENS[i])
    return "".join(out)


def _block(task, rng, size, min_length, max_length):
    """`size` random questions and answers: padded tokens (size, width) and their lengths."""
    if task == "add":
        # Fixed columns, as addition is done by hand: both operands zero-padded to max_length
        # digits, the sum to max_length + 1, every number least significant digit first (the
        # order a carry travels): answer digit k reads question positions k and max_length + 1 + k.
        a, b = _number(rng, size, min_length, max_length)[0], _number(rng, size, min_length, max_length)[0]
        width = np.arange(max_length)[::-1]
        source = np.concatenate([_digit_tokens(a, max_length, width), np.full((size, 1), PLUS),
                                 _digit_tokens(b, max_length, width)], axis=1)
        answer = ((a + b)[:, None] // 10 ** np.arange(max_length + 1)) % 10 + _DIGIT
        return source, np.full(size, 2 * max_length + 1), answer, np.full(size, max_length + 1)
    length = rng.integers(min_length, max_length + 1, size)
    digits = rng.integers(0, 10, (size, max_length))
    valid = np.arange(max_length) < length[:, None]
    if task == "reverse":
        answer = np.take_along_axis(digits, np.clip(length[:, None] - 1 - np.arange(max_length), 0, None), axis=1)
    else:
        answer = np.sort(np.where(valid, digits, 10), axis=1)  # Padding (10) sorts last.
    return np.where(valid, digits + _DIGIT, PAD), length, np.where(valid, answer + _DIGIT, PAD), length


def _number(rng, size, min_length, max_length):
    n_digits = rng.integers(min_length, max_length + 1, size)
    low = np.where(n_digits == 1, 0, 10 ** (n_digits - 1))  # No leading zeros.
    return rng.integers(low, 10**n_digits), n_digits


def _digit_tokens(number, n_digits, column):
    """Token of digit `column` (0 = most significant) of each `number` written with `n_digits` digits."""
    return (number[:, None] // 10 ** (n_digits - 1 - column)) % 10 + _DIGIT


def _split_of(question):
    return _SPLIT_OF_HASH.get(zlib.crc32(np.asarray(question, np.uint8).tobytes()) % 10, "train")


def _check(task, split, num_examples, min_length, max_length):
    if task not in TASKS:
        raise DLCourseError(f"Unknown task {task!r}. Use one of: {', '.join(TASKS)}.")
    if split not in _SPLIT_INDEX:
        raise DLCourseError(f"Unknown split {split!r}. Use one of: train, validation, test.")
    if not 1 <= min_length <= max_length:
        raise DLCourseError(f"Need 1 <= min_length <= max_length. Received: min_length={min_length}, "
                            f"max_length={max_length}")
    if task == "add" and max_length > 18:
        raise DLCourseError(f"`add` takes operands of at most 18 digits (int64). Received: max_length={max_length}")
    if num_examples < 1:
        raise DLCourseError(f"`num_examples` must be at least 1. Received: num_examples={num_examples}")
