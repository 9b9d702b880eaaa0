"""The loss landscape: filter-normalised directions, and the loss at (0, 0) is the model's."""

import keras
import numpy as np
import pytest

from dlcourse import interpret
from dlcourse.errors import DLCourseError


def test_directions_are_filter_normalised_and_skip_biases(cnn):
    direction = interpret.filter_normalized_direction(cnn, seed=0)
    assert len(direction) == len(cnn.trainable_variables)
    for d, v in zip(direction, cnn.trainable_variables):
        w = np.asarray(v)
        assert d.shape == w.shape
        if w.ndim == 1:
            assert not d.any()  # Biases stay put.
        else:
            norms = lambda a: np.sqrt(np.sum(np.square(a.reshape(-1, a.shape[-1])), axis=0))  # noqa: E731
            np.testing.assert_allclose(norms(d), norms(w), rtol=1e-5)
    other = interpret.filter_normalized_direction(cnn, seed=1)
    assert not np.allclose(direction[0], other[0])


def test_the_loss_at_the_trained_weights_is_the_models_loss(cnn, digits):
    images, labels = digits[2][:150], digits[3][:150]
    before = [np.array(w) for w in cnn.get_weights()]
    expected = cnn.evaluate(images, labels, verbose=0, return_dict=True)
    line = interpret.loss_landscape(cnn, images, labels, alphas=[-0.5, 0.0, 0.5])
    assert line.losses.shape == (3,) and line.betas is None
    assert line.losses[1] == pytest.approx(expected["loss"], rel=1e-5)
    assert line.accuracies[1] == pytest.approx(expected["accuracy"], abs=1e-6)
    surface = interpret.loss_landscape(cnn, images, labels, alphas=[-0.5, 0.0, 0.5], betas=[0.0, 0.5])
    assert surface.losses.shape == (2, 3)
    assert surface.losses[0, 1] == pytest.approx(expected["loss"], rel=1e-5)
    np.testing.assert_allclose(surface.losses[0], line.losses, rtol=1e-6)  # beta 0 is the line.
    # A trained network sits in a valley: the loss rises both ways.
    assert line.losses[0] > line.losses[1] < line.losses[2]
    for a, b in zip(cnn.get_weights(), before):
        np.testing.assert_array_equal(a, b)  # The weights are restored.


def test_the_landscape_includes_the_models_penalties(digits):
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Dense(10, kernel_regularizer=keras.regularizers.l2(0.1))(keras.layers.Flatten()(inputs))
    model = keras.Model(inputs, keras.layers.Activation("softmax")(x))
    model.compile(loss="sparse_categorical_crossentropy")
    images, labels = digits[2][:50], digits[3][:50]
    line = interpret.loss_landscape(model, images, labels, alphas=[0.0])
    assert line.losses[0] == pytest.approx(model.evaluate(images, labels, verbose=0), rel=1e-5)


def test_empty_steps_raise(cnn, digits):
    with pytest.raises(DLCourseError, match="alphas"):
        interpret.loss_landscape(cnn, digits[2][:4], digits[3][:4], alphas=[])
