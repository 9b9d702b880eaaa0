"""Text: the strfile parser, corpora and splits, the char vocabulary, LM windows, classification."""

import numpy as np
import pytest
import tensorflow as tf

from dlcourse import data
from dlcourse.data import sources_text, sources_tfds
from dlcourse.errors import DLCourseError

SCIENCE = ["Entropy isn't what it used to be.", "E = mc^2\n\t-- Einstein"] + [f"Law {i} of nature." for i in range(14)]
ZIPPY = [f"Are we having FUN yet {i}?" for i in range(16)]


@pytest.fixture
def corpus_dir(tmp_path, monkeypatch):
    """A tiny fortunes folder written by the test: two categories of 16 entries each."""
    root = tmp_path / "data" / "fortunes"
    root.mkdir(parents=True)
    (root / "science").write_text("%\n".join(e + "\n" for e in SCIENCE))
    (root / "zippy").write_text("%\n".join(e + "\n" for e in ZIPPY) + "%\n")
    (root / "zippy.dat").write_bytes(b"\x00\x00\x00\x02index")  # strfile's index: not a category.
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(tmp_path / "data"))
    data.clear_cache()
    yield root
    data.clear_cache()


def test_parse_strfile_entries_and_overstrikes(tmp_path):
    path = tmp_path / "cookie"
    path.write_bytes(b"First\nentry\n%\n\n%\nwhiter teeth *___\b\b\band* fresher\n%\n_\bB_\bo_\bl_\bd\n%\n")
    assert data.parse_strfile(path) == ["First\nentry", "whiter teeth *and* fresher", "Bold"]
    path.write_bytes("caf\xe9\n%\nna\xefve".encode("latin-1"))  # Not UTF-8: read as Latin-1.
    assert data.parse_strfile(path) == ["caf\xe9", "na\xefve"]


def test_corpus_pairs_and_deterministic_disjoint_splits(corpus_dir):
    corpus = data.load_text("fortunes")
    assert len(corpus) == 32 and ("Entropy isn't what it used to be.", "science") in list(corpus)
    splits = {s: data.load_text("fortunes", s, validation_size=4) for s in ("train", "validation", "test")}
    assert [len(splits[s]) for s in ("train", "validation", "test")] == [22, 4, 6]
    texts = [set(splits[s].texts) for s in ("train", "validation", "test")]
    assert not (texts[0] & texts[1] or texts[0] & texts[2] or texts[1] & texts[2])
    assert set().union(*texts) == set(SCIENCE + ZIPPY)
    data.clear_cache()
    assert data.load_text("fortunes", "test") == splits["test"], "the same split on every load"
    info = data.info("fortunes", validation_size=4)
    assert info.kind == "text" and info.class_names == ("science", "zippy")
    assert info.num_examples == {"train": 22, "validation": 4, "test": 6}


@pytest.mark.skipif(not sources_text.DEBIAN_FORTUNES.is_dir(), reason="Debian fortunes not installed")
def test_real_debian_fortunes():
    corpus = data.load_text("fortunes")
    assert len(corpus) > 15000 and len(set(corpus.categories)) == 43
    assert all(text.strip() and "\b" not in text for text, _ in corpus)


def test_vocabulary_matches_keras_string_lookup():
    vocab = data.CharVocabulary.from_texts(["hello", "world"])
    np.testing.assert_array_equal(vocab.encode("hold!"), [4, 6, 5, 2, 1])
    assert vocab.decode([4, 6, 5, 2, 0]) == "hold" and vocab.size == 9
    text = "hello, wörld\n"
    layer = vocab.lookup_layer()
    np.testing.assert_array_equal(layer(tf.strings.unicode_split(text, "UTF-8")).numpy(), vocab.encode(text))
    assert data.CharVocabulary.from_config(vocab.get_config()) == vocab
    with pytest.raises(DLCourseError, match="distinct single characters"):
        data.CharVocabulary(["ab", "c"])


def test_char_lm_windows_shift_by_one_and_use_the_training_vocabulary(corpus_dir):
    kwargs = dict(sequence_length=16, batch_size=4, validation_size=4)
    ds = data.char_lm_windows("fortunes", "train", seed=0, **kwargs)
    assert ds.element_spec[0].dtype == tf.int32 and ds.element_spec[0].shape.as_list()[1:] == [16]
    vocab = ds.vocabulary
    train_texts = data.load_text("fortunes", "train", validation_size=4).texts
    assert vocab == data.CharVocabulary.from_texts(train_texts + ("%",))
    ids = vocab.encode("\n%\n".join(train_texts))
    count = (len(ids) - 1) // 16
    expected = ids[: count * 16].reshape(count, 16), ids[1 : count * 16 + 1].reshape(count, 16)
    in_order = [np.concatenate(part) for part in zip(*data.char_lm_windows("fortunes", "train", shuffle=False,
                                                                             **kwargs))]
    np.testing.assert_array_equal(in_order[0], expected[0])
    np.testing.assert_array_equal(in_order[1], expected[1])
    assert ds.num_windows == count == len(in_order[0])
    np.testing.assert_array_equal(in_order[0][:, 1:], in_order[1][:, :-1])
    shuffled = [np.concatenate(part) for part in zip(*ds)]
    assert not np.array_equal(shuffled[0], expected[0])
    order = np.lexsort(shuffled[0].T[::-1])
    np.testing.assert_array_equal(shuffled[0][order], expected[0][np.lexsort(expected[0].T[::-1])])
    first, again = (next(iter(data.char_lm_windows("fortunes", "train", seed=0, **kwargs)))[0] for _ in range(2))
    np.testing.assert_array_equal(first, again)
    test = data.char_lm_windows("fortunes", "test", sequence_length=8, batch_size=64, validation_size=4)
    assert test.vocabulary == vocab and int(tf.reduce_max(next(iter(test))[0])) < vocab.size


def test_char_lm_windows_max_characters_keeps_the_first_characters(corpus_dir):
    kwargs = dict(sequence_length=8, batch_size=1000, validation_size=4, shuffle=False)
    whole = next(iter(data.char_lm_windows("fortunes", "train", **kwargs)))
    head = next(iter(data.char_lm_windows("fortunes", "train", max_characters=41, **kwargs)))
    # 41 characters: 5 windows of 8 and the target after the last one.
    assert head[0].shape == (5, 8)
    np.testing.assert_array_equal(head[0], whole[0][:5])
    np.testing.assert_array_equal(head[1], whole[1][:5])
    with pytest.raises(DLCourseError, match="`max_characters` must be at least 2"):
        data.char_lm_windows("fortunes", "train", max_characters=1, **kwargs)


def test_text_classification_batches_raw_strings(corpus_dir):
    ds = data.text_classification("fortunes", "train", batch_size=8, seed=0, validation_size=4)
    texts, labels = next(iter(ds))
    assert texts.dtype == tf.string and labels.dtype == tf.int32 and ds.class_names == ("science", "zippy")
    for text, label in zip(texts.numpy(), labels.numpy()):
        assert text.decode() in (SCIENCE, ZIPPY)[label]
    only = data.text_classification("fortunes", "test", categories=["zippy", "science"], batch_size=64)
    _, labels = next(iter(only))
    assert only.class_names == ("zippy", "science") and set(labels.numpy()) <= {0, 1}
    with pytest.raises(DLCourseError, match="at least two of fortunes's categories"):
        data.text_classification("fortunes", categories=["physics", "zippy"])


def test_tfds_text_sources_with_mock_data(tmp_path, monkeypatch):
    import tensorflow_datasets as tfds

    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    monkeypatch.delenv("DLCOURSE_DATA_DIR", raising=False)
    monkeypatch.setattr(sources_tfds, "network_available", lambda: True)
    data.clear_cache()
    with tfds.testing.mock_data(num_examples=10):
        reviews = data.text_classification("imdb_reviews", "test", batch_size=4)
        texts, labels = next(iter(reviews))
        lm = data.char_lm_windows("tiny_shakespeare", "train", sequence_length=8, batch_size=2)
        with pytest.raises(DLCourseError, match="'tiny_shakespeare' has no categories"):
            data.text_classification("tiny_shakespeare")
    assert reviews.class_names == ("neg", "pos") and texts.dtype == tf.string and set(labels.numpy()) <= {0, 1}
    assert data.info("imdb_reviews").source.startswith("TensorFlow Datasets")
    inputs, targets = next(iter(lm))
    np.testing.assert_array_equal(inputs[:, 1:], targets[:, :-1])
    data.clear_cache()


def test_offline_without_data_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    monkeypatch.delenv("DLCOURSE_DATA_DIR", raising=False)
    data.clear_cache()
    with pytest.raises(DLCourseError, match="'tiny_shakespeare' is not available on this machine. To get it: go"):
        data.load_text("tiny_shakespeare")
