"""Measures of generative models: FID on a course classifier's features, mode coverage.

    from dlcourse import metrics
    metrics.fid(real_images, generated_images, metrics.load_fid_classifier("fashion_mnist"))
    metrics.mode_coverage(points)     # on the ring of 8 Gaussians
"""

from dlcourse.metrics.frechet import (
    FEATURE_LAYER,
    cache_dir,
    class_histogram,
    classifier_features,
    fid,
    frechet_distance,
    load_fid_classifier,
)
from dlcourse.metrics.mode_coverage import mode_coverage, ring_centers, ring_of_gaussians

__all__ = ["frechet_distance", "fid", "classifier_features", "class_histogram", "load_fid_classifier",
           "cache_dir", "FEATURE_LAYER", "mode_coverage", "ring_of_gaussians", "ring_centers"]
