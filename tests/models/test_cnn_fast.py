"""`build_cnn_fast`: parameter count, flip test-time augmentation, save and export."""

import keras
import numpy as np
import pytest

from dlcourse.errors import DLCourseError
from dlcourse.models.cnn_fast import MirrorAverage, MirroredBatch, build_cnn_fast


def _images(n=5, shape=(28, 28, 1), seed=0):
    return np.random.default_rng(seed).uniform(size=(n, *shape)).astype("float32")


def test_parameter_count_is_the_docstring_one():
    model = build_cnn_fast()
    assert model.count_params() == 34_402 and "34,402" in build_cnn_fast.__doc__
    assert build_cnn_fast(test_time_flip=False).count_params() == 34_402  # The mirror layers have no weights.


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3), (8, 8, 1)])
def test_inference_averages_the_image_and_its_mirror_training_does_not(shape):
    keras.utils.set_random_seed(0)
    model = build_cnn_fast(shape, 10)
    plain = build_cnn_fast(shape, 10, test_time_flip=False)
    plain.set_weights(model.get_weights())
    x = _images(shape=shape)
    expected = (plain(x, training=False).numpy() + plain(x[:, :, ::-1], training=False).numpy()) / 2
    np.testing.assert_allclose(model(x, training=False).numpy(), expected, atol=1e-6)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, atol=1e-6)
    np.testing.assert_allclose(model(x, training=True).numpy(), plain(x, training=True).numpy(), atol=1e-6)
    assert not np.allclose(expected, plain(x, training=False).numpy(), atol=1e-4)  # The mirror matters.
    np.testing.assert_allclose(expected.sum(axis=1), 1.0, atol=1e-5)


def test_mirror_layers_alone():
    x = _images(2, (3, 4, 1))
    doubled = MirroredBatch()(x, training=False).numpy()
    assert doubled.shape == (4, 3, 4, 1)
    np.testing.assert_array_equal(doubled[2:], x[:, :, ::-1])
    np.testing.assert_array_equal(MirroredBatch()(x, training=True).numpy(), x)
    p = np.array([[0.2, 0.8], [0.6, 0.4], [0.4, 0.6], [1.0, 0.0]], "float32")
    np.testing.assert_allclose(MirrorAverage()(p, training=False).numpy(), [[0.3, 0.7], [0.8, 0.2]], atol=1e-7)


def test_keras_file_and_savedmodel_round_trips(tmp_path):
    import tensorflow as tf

    keras.utils.set_random_seed(1)
    model = build_cnn_fast()
    x = _images(3, seed=1)
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    np.testing.assert_allclose(keras.models.load_model(tmp_path / "m.keras").predict(x, verbose=0), expected,
                               atol=1e-6)
    model.export(str(tmp_path / "saved"), verbose=False)
    reloaded = tf.saved_model.load(str(tmp_path / "saved"))  # Kept: its functions need its variables alive.
    np.testing.assert_allclose(reloaded.serve(x).numpy(), expected, atol=1e-6)


def test_bad_filters():
    with pytest.raises(DLCourseError, match="`filters` must be positive"):
        build_cnn_fast(filters=(16, 0))
