"""FGSM, PGD and the one-pixel attack on a tiny CNN trained on digits."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import interpret
from dlcourse.errors import DLCourseError

EPSILONS = (0.02, 0.05, 0.1, 0.2)


def test_fgsm_moves_each_pixel_by_eps_times_the_gradient_sign(cnn, digits):
    images, labels = digits[2][:32].astype(np.float64), digits[3][:32]
    eps = 0.05
    # The loss: cross-entropy of the softmax, computed from the logits (probabilities
    # near 1 would round the gradient of most pixels to 0 in float32).
    logits = keras.Model(cnn.inputs[0], cnn.get_layer("logits").output)
    x = tf.constant(images, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = keras.losses.sparse_categorical_crossentropy(labels, logits(x), from_logits=True)
    grads = tape.gradient(loss, x).numpy().astype(np.float64)
    assert np.mean(grads != 0) > 0.99
    adversarial = interpret.fgsm(cnn, images, labels, eps)
    assert adversarial.shape == images.shape and adversarial.dtype == np.float64
    np.testing.assert_allclose(adversarial, np.clip(images + eps * np.sign(grads), 0, 1), rtol=0, atol=1e-12)
    inside = (images > eps) & (images < 1 - eps)  # Where clipping cannot act.
    assert inside.any()
    np.testing.assert_allclose((adversarial - images)[inside], eps * np.sign(grads[inside]), atol=1e-12)


def test_attacks_lower_the_accuracy_and_pgd_is_at_least_as_strong_as_fgsm(cnn, digits):
    images, labels = digits[2][:200], digits[3][:200]
    clean = interpret.accuracy(cnn, images, labels)
    assert clean > 0.9
    fgsm = [interpret.accuracy(cnn, interpret.fgsm(cnn, images, labels, eps), labels) for eps in EPSILONS]
    pgd = [interpret.accuracy(cnn, interpret.pgd(cnn, images, labels, eps, steps=10), labels) for eps in EPSILONS]
    assert len(fgsm) == len(pgd) == len(EPSILONS)
    assert fgsm[-1] < clean - 0.3 and pgd[-1] < clean - 0.5
    assert all(p <= f for p, f in zip(pgd, fgsm)), (fgsm, pgd)
    assert all(a >= b for a, b in zip(pgd, pgd[1:]))  # A larger ball, a stronger attack.


def test_pgd_stays_in_the_eps_ball_and_in_range_and_follows_its_seed(cnn, digits):
    images, labels = digits[2][:16], digits[3][:16]
    eps = 0.1
    a = interpret.pgd(cnn, images, labels, eps, steps=5, seed=3)
    assert a.dtype == np.float32 and a.shape == images.shape
    assert np.abs(a - images).max() <= eps + 1e-6 and a.min() >= 0 and a.max() <= 1
    np.testing.assert_array_equal(a, interpret.pgd(cnn, images, labels, eps, steps=5, seed=3))
    assert not np.array_equal(a, interpret.pgd(cnn, images, labels, eps, steps=5, seed=4))
    single = interpret.pgd(cnn, images[0], labels[0], eps, steps=5)
    assert single.shape == images[0].shape


def test_one_pixel_attack_changes_exactly_one_pixel(cnn, digits):
    images, labels = digits[2][:40], digits[3][:40]
    right = np.flatnonzero(np.argmax(cnn.predict(images, verbose=0), axis=-1) == labels)[:6]
    assert len(right) == 6
    outcomes = []
    for i in right:
        adversarial, success = interpret.one_pixel_attack(cnn, images[i], labels[i], max_iter=15, population=60, seed=0)
        assert adversarial.shape == images[i].shape and adversarial.dtype == np.float32
        assert interpret.changed_pixels(images[i], adversarial) == 1
        predicted = int(np.argmax(cnn.predict(adversarial[None], verbose=0)))
        assert success == (predicted != labels[i])
        outcomes.append(success)
    assert any(outcomes), "one pixel of an 8x8 digit fooled none of 6 images"


def test_attack_dispatches_by_name(cnn, digits):
    images, labels = digits[2][:4], digits[3][:4]
    np.testing.assert_array_equal(interpret.attack(cnn, images, labels, "fgsm", 0.1),
                                  interpret.fgsm(cnn, images, labels, 0.1))
    with pytest.raises(DLCourseError, match="Unknown attack 'cw'. Use one of: fgsm, pgd, one-pixel"):
        interpret.attack(cnn, images, labels, "cw", 0.1)


def test_bad_attack_arguments_raise_one_line(cnn, digits):
    images, labels = digits[2][:4], digits[3][:4]
    with pytest.raises(DLCourseError, match="eps"):
        interpret.fgsm(cnn, images, labels, 1.5)
    with pytest.raises(DLCourseError, match="labels"):
        interpret.fgsm(cnn, images, labels[:3], 0.1)
    with pytest.raises(DLCourseError, match="labels.*non-negative"):
        interpret.pgd(cnn, images, np.full(4, -1), 0.1)
    with pytest.raises(DLCourseError, match="steps"):
        interpret.pgd(cnn, images, labels, 0.1, steps=0)
    with pytest.raises(DLCourseError, match="one image"):
        interpret.one_pixel_attack(cnn, images, labels[0])
