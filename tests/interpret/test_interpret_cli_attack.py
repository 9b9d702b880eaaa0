"""`dlcourse attack MODEL_DIR`: adversarial PNGs and a JSON summary from an export."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from dlcourse import cli, data, interpret


@pytest.fixture(scope="module")
def exported(cnn, tmp_path_factory):
    from dlcourse.export import export_model

    root = tmp_path_factory.mktemp("saved_models") / "tiny_cnn"
    export_model(cnn, root, data.info("digits"))
    return root


@pytest.mark.parametrize("method", ["fgsm", "pgd", "one-pixel"])
def test_attack_writes_images_and_a_summary(exported, tmp_path, capsys, method):
    out = tmp_path / method
    assert cli.main(["attack", str(exported), "--method", method, "--eps", "0.2", "--n", "6", "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    summary = json.loads((out / "summary.json").read_text())
    assert printed["method"] == summary["method"] == method and summary["n"] == 6
    assert summary["adversarial_accuracy"] <= summary["clean_accuracy"]
    pngs = sorted(out.glob("*.png"))
    assert [p.name for p in pngs] == summary["images"] and len(pngs) == 6
    first = np.asarray(Image.open(pngs[0]))
    assert first.shape == (8, 8) and first.dtype == np.uint8
    if method != "one-pixel":
        assert summary["max_abs_change"] <= 0.2 + 1e-6
        assert summary["adversarial_accuracy"] < summary["clean_accuracy"]


def test_the_export_attack_matches_the_keras_model(cnn, exported, digits):
    images, labels = digits[2][:16], digits[3][:16]
    classifier = interpret.load_classifier(exported)
    np.testing.assert_allclose(classifier(images), cnn.predict(images, verbose=0), atol=1e-6)
    # The export has no logits: the gradient comes through the probabilities, the same
    # function computed another way; only signs of gradients near 0 may differ (2 % of
    # the pixels were seen to, all of them where the gradient is < 1e-3 of its largest).
    same = np.isclose(interpret.fgsm(classifier, images, labels, 0.1), interpret.fgsm(cnn, images, labels, 0.1),
                      atol=1e-6)
    x = tf.constant(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = keras.losses.sparse_categorical_crossentropy(labels, cnn(x, training=False))
    gradient = np.abs(tape.gradient(loss, x).numpy())
    assert same.mean() > 0.9
    assert np.all(gradient[~same] < 1e-3 * gradient.max())


@pytest.mark.parametrize("argv, message", [
    (["--method", "cw"], "Unknown attack 'cw'"),
    (["--eps", "2"], "--eps` must be in (0, 1]"),
    (["--n", "0"], "--n` must be at least 1"),
])
def test_bad_arguments_print_one_line_and_exit_2(exported, tmp_path, capsys, argv, message):
    assert cli.main(["attack", str(exported), "--out", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
    assert not list(tmp_path.iterdir())  # Nothing written.


def test_a_missing_model_prints_one_line(tmp_path, capsys):
    assert cli.main(["attack", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err.strip()
    assert "No exported model" in err and len(err.splitlines()) == 1
