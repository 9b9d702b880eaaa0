"""Class-model visualisation, DeepDream, SHAP values, and the figures of the package."""

import ast
import sys
from pathlib import Path

import numpy as np
import pytest

from dlcourse import interpret
from dlcourse.errors import DLCourseError
from dlcourse.interpret import _common

PACKAGE = Path(interpret.__file__).parent


def test_class_model_raises_its_class_score_above_every_other(cnn):
    image = interpret.class_model(cnn, class_index=3, steps=60)
    assert image.shape == (8, 8, 1) and image.dtype == np.float32
    assert image.min() >= 0 and image.max() <= 1
    start = np.random.default_rng(0).uniform(0.0, 0.1, size=(1, 8, 8, 1)).astype(np.float32)
    scores, _ = _common.score_function(cnn)
    before, after = np.asarray(scores(start))[0], np.asarray(scores(image[None]))[0]
    assert after[3] > before[3] + 1.0
    assert int(np.argmax(after)) == 3
    with pytest.raises(DLCourseError, match="class_index"):
        interpret.class_model(cnn, class_index=10)


def test_deep_dream_amplifies_what_the_layer_sees(cnn, digits):
    image = digits[2][0]
    probe = _common.probe(cnn, cnn.get_layer("conv_2").output)
    energy = lambda x: float(np.mean(np.square(probe(x[None]))))  # noqa: E731
    dream = interpret.deep_dream(cnn, image, layer="conv_2", steps=20)
    assert dream.shape == image.shape and dream.min() >= 0 and dream.max() <= 1
    assert energy(dream) > 1.5 * energy(image)


@pytest.mark.slow  # shap compiles its numba kernels in each new process: ~15 s of CPU.
def test_shap_values_add_up_to_the_probability_change(cnn, digits):
    pytest.importorskip("shap")
    images = digits[2][:2]
    maps = interpret.shap_values(cnn, images, max_evals=200)
    assert maps.shape == (2, 8, 8) and np.all(np.isfinite(maps))
    probabilities = cnn.predict(images, verbose=0)
    classes = np.argmax(probabilities, axis=-1)
    blank = cnn.predict(np.zeros((1, 8, 8, 1), np.float32), verbose=0)[0]
    np.testing.assert_allclose(maps.sum(axis=(1, 2)), probabilities[[0, 1], classes] - blank[classes], atol=1e-4)


def test_shap_says_in_one_line_when_it_is_missing(cnn, digits, monkeypatch):
    monkeypatch.setitem(sys.modules, "shap", None)  # `import shap` now raises ImportError.
    with pytest.raises(DLCourseError, match=r"^SHAP values need the optional `shap` package: pip install shap$"):
        interpret.shap_values(cnn, digits[2][:1])


def test_every_figure_is_written(cnn, digits, tmp_path):
    images = digits[2][:3]
    paths = [
        interpret.plot_attributions(images, {"saliency": interpret.saliency(cnn, images),
                                             "IG": interpret.integrated_gradients(cnn, images, steps=8)},
                                    tmp_path / "attributions.png", titles=["a", "b", "c"]),
        interpret.plot_grad_cam(images, interpret.grad_cam(cnn, images), tmp_path / "grad_cam.png"),
        interpret.plot_filters(interpret.first_layer_filters(cnn), tmp_path / "filters.png"),
        interpret.plot_feature_maps(interpret.feature_maps(cnn, images[:1], "conv_1"), tmp_path / "maps.png"),
        interpret.plot_similarity(interpret.channel_similarity(cnn, "conv_2"), tmp_path / "similarity.png"),
        interpret.plot_landscape({"line": interpret.loss_landscape(cnn, images, digits[3][:3], [-0.1, 0, 0.1]),
                                  "grid": interpret.loss_landscape(cnn, images, digits[3][:3], [-0.1, 0, 0.1],
                                                                   betas=[-0.1, 0, 0.1])},
                                 tmp_path / "landscape.png"),
    ]
    for path in paths:
        assert path.stat().st_size > 1000, path


def test_the_package_imports_no_plotting_at_module_level():
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:  # Module level only: drawing functions import inside.
            names = [a.name for a in node.names] if isinstance(node, (ast.Import, ast.ImportFrom)) else []
            module = node.module if isinstance(node, ast.ImportFrom) else ""
            assert not any("matplotlib" in n for n in names + [module or ""]), path.name
            assert not (module == "dlcourse" and "plots" in names), path.name
            assert not any(m in (module or "") for m in ("dlcourse.classic", "dlcourse.nn", "dlcourse.studies")), path.name
