"""Filters, feature maps, channel similarity, layer activations and representations by depth."""

import keras
import numpy as np
import pytest

from dlcourse import interpret
from dlcourse.errors import DLCourseError


def test_first_layer_filters_are_the_first_kernel_one_filter_per_output_channel(cnn):
    filters = interpret.first_layer_filters(cnn)
    kernel = cnn.get_layer("conv_1").get_weights()[0]  # (3, 3, 1, 8)
    assert filters.shape == (8, 3, 3, 1)
    np.testing.assert_array_equal(filters[5], kernel[..., 5])


def test_feature_maps_are_the_layer_output(cnn, digits):
    images = digits[2][:3]
    maps = interpret.feature_maps(cnn, images, "conv_1")
    assert maps.shape == (3, 8, 8, 8)
    reference = keras.Model(cnn.inputs[0], cnn.get_layer("conv_1").output)(images)
    np.testing.assert_allclose(maps, reference, rtol=1e-6)
    assert interpret.feature_maps(cnn, images[0], None).shape == (1, 4, 4, 16)  # Default: the last conv.


def test_channel_similarity_by_hand():
    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Dense(3, use_bias=False, name="dense")(inputs))
    # Unit k's weights are column k: (1, 0), (0, 2), (1, 1).
    model.get_layer("dense").set_weights([np.array([[1.0, 0.0, 1.0], [0.0, 2.0, 1.0]], np.float32)])
    similarity = interpret.channel_similarity(model, "dense")
    half = 1 / np.sqrt(2)
    np.testing.assert_allclose(similarity, [[1, 0, half], [0, 1, half], [half, half, 1]], atol=1e-6)


def test_channel_similarity_of_a_conv_layer_is_a_cosine_matrix(cnn):
    similarity = interpret.channel_similarity(cnn, "conv_2")
    assert similarity.shape == (16, 16)
    np.testing.assert_allclose(np.diag(similarity), 1.0, atol=1e-6)
    np.testing.assert_allclose(similarity, similarity.T, atol=1e-7)
    assert np.all(np.abs(similarity) <= 1 + 1e-6)


def test_dense_weight_images_show_each_units_weights_on_the_image(mlp):
    images = interpret.dense_weight_images(mlp)
    kernel = mlp.get_layer("hidden_1").get_weights()[0]  # (64, 32)
    assert images.shape == (32, 8, 8, 1)
    np.testing.assert_array_equal(images[7].reshape(-1), kernel[:, 7])
    with pytest.raises(DLCourseError, match="first Dense layer"):
        interpret.dense_weight_images(mlp, layer="hidden_2")


def test_layer_activations_of_the_mlp_go_input_hidden_logits(mlp, digits):
    acts = interpret.layer_activations(mlp, digits[2][:10])
    assert [(k, v.shape) for k, v in acts.items()] == [
        ("input", (10, 64)), ("hidden_1", (10, 32)), ("hidden_2", (10, 16)), ("logits", (10, 10))]
    np.testing.assert_allclose(acts["hidden_2"], keras.Model(mlp.inputs[0], mlp.get_layer("hidden_2").output)(digits[2][:10]),
                               rtol=1e-5)
    assert list(interpret.layer_activations(mlp, digits[2][:2], layers=["input", "logits"])) == ["input", "logits"]
    with pytest.raises(DLCourseError, match=r"No layers \['hidden_9'\]"):
        interpret.layer_activations(mlp, digits[2][:2], layers=["hidden_9"])


def test_separation_score_is_the_silhouette_by_hand():
    # Two classes on a line: a = {0, 1}, b = {4, 5}.
    points, labels = np.array([[0.0], [1.0], [4.0], [5.0]]), np.array([0, 0, 1, 1])
    # Point 0: a = 1 (to 1), b = (4 + 5) / 2 = 4.5, s = 3.5 / 4.5; point 1: a = 1, b = 3.5, s = 2.5 / 3.5.
    expected = np.mean([3.5 / 4.5, 2.5 / 3.5, 2.5 / 3.5, 3.5 / 4.5])
    assert interpret.separation_score(points, labels) == pytest.approx(expected)
    with pytest.raises(DLCourseError, match="two classes"):
        interpret.separation_score(points, np.zeros(4))


def test_pca_projection_keeps_the_two_largest_directions():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(200, 5)) * np.array([10.0, 3.0, 1.0, 0.5, 0.1])
    points = interpret.project(features, "pca")
    assert points.shape == (200, 2)
    np.testing.assert_allclose(np.abs(np.corrcoef(points[:, 0], features[:, 0])[0, 1]), 1.0, atol=0.01)
    assert interpret.project(features[:40], "tsne").shape == (40, 2)
    with pytest.raises(DLCourseError, match="Unknown projection 'umap'"):
        interpret.project(features, "umap")


def test_classes_separate_as_depth_grows(mlp, digits):
    images, labels = digits[2][:300], digits[3][:300]
    rows = interpret.representations_by_depth(mlp, images, labels, method="pca")
    assert [r["layer"] for r in rows] == ["input", "hidden_1", "hidden_2", "logits"]
    scores = [r["separation"] for r in rows]
    assert scores[-1] > scores[0] + 0.1, scores
    assert all(r["points"].shape == (300, 2) for r in rows)
