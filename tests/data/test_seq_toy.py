"""Synthetic seq2seq tasks: correct answers, teacher-forcing layout, held-out questions, seeds."""

import numpy as np
import pytest
import tensorflow as tf

from dlcourse.data import seq_toy
from dlcourse.errors import DLCourseError


def _rows(task, split, n=300, **kwargs):
    source, decoder_inputs, decoder_targets = seq_toy.make_arrays(task, split, n, seed=0, **kwargs)
    rows = [(seq_toy.decode(s), seq_toy.decode(t)) for s, t in zip(source, decoder_targets)]
    return rows, decoder_inputs, decoder_targets


@pytest.mark.parametrize("task", seq_toy.TASKS)
def test_answers_are_right(task):
    rows, _, _ = _rows(task, "train", min_length=2, max_length=5)
    assert len(rows) == 300
    for question, answer in rows:
        if task == "reverse":
            assert answer == question[::-1] and 2 <= len(question) <= 5
        elif task == "sort":
            assert answer == "".join(sorted(question))
        else:  # Operands in 5 zero-padded columns, the sum in 6, all least significant digit first.
            a, b = question.split("+")
            assert len(a) == len(b) == 5 and len(answer) == 6
            assert int(answer[::-1]) == int(a[::-1]) + int(b[::-1]) and 2 <= len(str(int(a[::-1]))) <= 5


def test_add_writes_fixed_columns_and_the_sum_backwards():
    source, _, targets = seq_toy.make_arrays("add", "train", 200, min_length=1, max_length=3, seed=0)
    rows = {seq_toy.decode(s): seq_toy.decode(t) for s, t in zip(source, targets)}
    assert all(len(q) == 7 and len(a) == 4 for q, a in rows.items())
    carried = [q for q in rows if int(q[2::-1]) + int(q[:3:-1]) >= 1000]
    assert carried and all(rows[q][-1] == "1" for q in carried)  # A carry out of the top column.
    # The first question: 769 + 2 = 771 as 9, 6, 7 + 2, 0, 0 -> 1, 7, 7, 0 (token = 3 + digit).
    np.testing.assert_array_equal(source[0], [12, 9, 10, seq_toy.PLUS, 5, 3, 3])
    np.testing.assert_array_equal(targets[0], [4, 10, 10, 3, seq_toy.END])


@pytest.mark.parametrize("task", seq_toy.TASKS)
def test_teacher_forcing_layout(task):
    _, decoder_inputs, decoder_targets = _rows(task, "validation", n=50, max_length=4)
    source_length, target_length = seq_toy.lengths(task, 4)
    assert decoder_inputs.shape == decoder_targets.shape == (50, target_length)
    assert np.all(decoder_inputs[:, 0] == seq_toy.START)
    # decoder_inputs = <start> + answer, decoder_targets = answer + <end>: a shift by one.
    np.testing.assert_array_equal(decoder_inputs[:, 1:], np.where(decoder_targets[:, :-1] == seq_toy.END, 0,
                                                                  decoder_targets[:, :-1]))
    assert np.all(np.sum(decoder_targets == seq_toy.END, axis=1) == 1)
    assert decoder_targets.max() < len(seq_toy.TOKENS)


@pytest.mark.parametrize("task", seq_toy.TASKS)
def test_test_questions_are_never_trained_on(task):
    questions = {s: {q for q, _ in _rows(task, s, n=400, max_length=4)[0]} for s in ("train", "validation", "test")}
    assert not questions["train"] & questions["test"] and not questions["train"] & questions["validation"]
    assert len(questions["test"]) > 50


def test_dataset_element_spec_and_seeds():
    ds = seq_toy.make_dataset("sort", "train", num_examples=100, batch_size=16, max_length=6, seed=3)
    (source, decoder_inputs), decoder_targets = ds.element_spec
    assert source.shape.as_list() == [None, 6] and decoder_inputs.shape.as_list() == [None, 7]
    assert source.dtype == decoder_targets.dtype == tf.int32 and int(ds.cardinality()) == 7
    first = [b[1].numpy() for b in ds]
    same = seq_toy.make_dataset("sort", "train", num_examples=100, batch_size=16, max_length=6, seed=3)
    np.testing.assert_array_equal(np.concatenate(first), np.concatenate([b[1].numpy() for b in same]))
    assert not np.array_equal(np.concatenate(first), np.concatenate([b[1].numpy() for b in ds])), "reshuffled"
    other = seq_toy.make_arrays("sort", "train", 100, max_length=6, seed=4)[0]
    assert not np.array_equal(other, seq_toy.make_arrays("sort", "train", 100, max_length=6, seed=3)[0])


def test_bad_arguments():
    with pytest.raises(DLCourseError, match="Unknown task 'copy'"):
        seq_toy.make_arrays("copy")
    with pytest.raises(DLCourseError, match="min_length <= max_length"):
        seq_toy.make_arrays("sort", min_length=5, max_length=3)
    with pytest.raises(DLCourseError, match="Unknown split"):
        seq_toy.make_arrays("add", split="valid")
