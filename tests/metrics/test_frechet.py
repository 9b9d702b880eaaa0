"""Frechet distance by hand; FID sanity at small N on a small Fashion-MNIST classifier."""

import keras
import numpy as np
import pytest

from dlcourse import data, metrics, models
from dlcourse.errors import DLCourseError


def whitened(n, d, seed):
    """n points whose sample mean is 0 and sample covariance exactly the identity."""
    x = np.random.default_rng(seed).normal(size=(n, d))
    x -= x.mean(axis=0)
    return x @ np.linalg.inv(np.linalg.cholesky(np.cov(x, rowvar=False)).T)


def test_frechet_distance_by_hand():
    # a ~ (0, I), b = a * s + c ~ (c, diag(s**2)): d = ||c||**2 + sum((1 - |s|)**2).
    a = whitened(200, 3, 0)
    s, c = np.array([0.5, 2.0, 1.0]), np.array([1.0, -2.0, 0.5])
    expected = np.sum(c ** 2) + np.sum((1 - s) ** 2)
    np.testing.assert_allclose(metrics.frechet_distance(a, a * s + c), expected, rtol=1e-6)
    np.testing.assert_allclose(metrics.frechet_distance(a * s + c, a), expected, rtol=1e-6)


def test_frechet_distance_of_a_set_to_itself_is_zero_and_singular_covariances_work():
    a = np.random.default_rng(1).normal(size=(50, 4))
    assert metrics.frechet_distance(a, a) < 1e-6
    rank_one = np.outer(np.arange(10.0), [1.0, 2.0])  # covariance of rank 1
    np.testing.assert_allclose(metrics.frechet_distance(rank_one, rank_one + 1.0), 2.0, atol=1e-6)


@pytest.mark.parametrize("a, b", [(np.zeros((1, 3)), np.zeros((5, 3))), (np.zeros((5, 3)), np.zeros((5, 2))),
                                  (np.full((5, 3), np.nan), np.zeros((5, 3))), (np.zeros(5), np.zeros(5))])
def test_bad_features_raise(a, b):
    with pytest.raises(DLCourseError):
        metrics.frechet_distance(a, b)


@pytest.fixture(scope="module")
def classifier():
    """A small CNN fitted for one epoch on 3,000 Fashion-MNIST images (~0.7 accuracy)."""
    keras.utils.set_random_seed(0)
    x, y = data.split_arrays("fashion_mnist", "train")
    model = models.build_cnn((28, 28, 1), 10, filters=(8, 16), dense_units=32, dropout=0.0)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
    model.fit(x[:3000] / 255.0, y[:3000], batch_size=64, epochs=1, verbose=0)
    return model


def test_fid_sanity_at_small_n(classifier):
    x, _ = data.split_arrays("fashion_mnist", "test")
    x = x.astype("float32") / 255.0
    real_a, real_b = x[:500], x[500:1000]
    rng = np.random.default_rng(0)
    imperfect = np.clip(real_b + rng.normal(0, 0.5, real_b.shape), 0, 1).astype("float32")
    noise = rng.uniform(size=real_b.shape).astype("float32")
    scores = {name: metrics.fid(real_a, images, classifier)
              for name, images in (("real", real_b), ("imperfect", imperfect), ("noise", noise))}
    assert scores["real"] < 0.1 * scores["imperfect"] and scores["imperfect"] < 0.5 * scores["noise"]


def test_class_histogram_and_features(classifier):
    x, y = data.split_arrays("fashion_mnist", "test")
    boots = x[y == 9][:200].astype("float32") / 255.0
    counts = metrics.class_histogram(classifier, boots)
    assert counts.shape == (10,) and counts.sum() == 200 and np.argmax(counts) == 9
    assert metrics.classifier_features(classifier, boots[:5]).shape == (5, 32)
    with pytest.raises(DLCourseError, match="no layer"):
        metrics.classifier_features(classifier, boots[:5], layer="penultimate")


def test_fid_classifier_is_trained_once_through_the_runner_then_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("DLCOURSE_CACHE_DIR", str(tmp_path))
    first = metrics.load_fid_classifier("digits", epochs=1)
    assert (tmp_path / "fid_classifier_digits.keras").is_file()
    assert (tmp_path / "fid_classifier_digits_run" / "metrics.json").is_file()

    from dlcourse import training

    monkeypatch.setattr(training, "train", lambda *a, **k: pytest.fail("trained again"))
    again = metrics.load_fid_classifier("digits")
    x = np.random.default_rng(0).uniform(size=(4, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(again.predict(x, verbose=0), first.predict(x, verbose=0), atol=1e-6)
