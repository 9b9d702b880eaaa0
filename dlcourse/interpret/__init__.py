"""Looking inside networks: what they learn, why they decide, how they are fooled.

Functions on any Keras classifier that takes float images in [0, 1] and returns class
probabilities (as the recipes build them):

    from dlcourse import interpret
    interpret.saliency(model, images)              # why: gradient maps, (batch, H, W)
    interpret.grad_cam(model, images)              # why: where the last conv layer looked
    interpret.first_layer_filters(model)           # what: the learned filters
    interpret.representations_by_depth(model, images, labels)
    interpret.loss_landscape(model, images, labels, alphas)
    interpret.pgd(model, images, labels, eps=0.1)  # how it is fooled

Figures: the `plot_*` functions draw through `dlcourse.plots` (matplotlib is imported
only when something is drawn).
"""

from dlcourse.interpret.adversarial import AdversarialModel
from dlcourse.interpret.attacks import METHODS, accuracy, attack, fgsm, pgd
from dlcourse.interpret.exported import ExportedClassifier, attack_saved_model, load_classifier
from dlcourse.interpret.features import (channel_similarity, dense_weight_images, feature_maps,
                                         first_layer_filters, layer_activations, plot_feature_maps,
                                         plot_filters, plot_similarity)
from dlcourse.interpret.grad_cam import grad_cam, plot_grad_cam
from dlcourse.interpret.landscape import Landscape, filter_normalized_direction, loss_landscape, plot_landscape
from dlcourse.interpret.one_pixel import changed_pixels, one_pixel_attack
from dlcourse.interpret.representations import (plot_representations, project, representations_by_depth,
                                                separation_score)
from dlcourse.interpret.saliency import integrated_gradients, plot_attributions, saliency, smoothgrad
from dlcourse.interpret.shap_values import shap_values
from dlcourse.interpret.visualize import class_model, deep_dream

__all__ = [
    "saliency", "smoothgrad", "integrated_gradients", "grad_cam", "shap_values",
    "plot_attributions", "plot_grad_cam",
    "first_layer_filters", "dense_weight_images", "feature_maps", "channel_similarity",
    "layer_activations", "plot_filters", "plot_feature_maps", "plot_similarity",
    "project", "separation_score", "representations_by_depth", "plot_representations",
    "filter_normalized_direction", "loss_landscape", "Landscape", "plot_landscape",
    "class_model", "deep_dream",
    "fgsm", "pgd", "one_pixel_attack", "changed_pixels", "attack", "accuracy", "METHODS",
    "AdversarialModel", "ExportedClassifier", "load_classifier", "attack_saved_model",
]
