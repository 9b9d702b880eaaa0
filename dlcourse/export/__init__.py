"""Export trained models as versioned SavedModels, and load them back to classify images.

    export.export_model(model, "saved_models/mlp", info)     # writes saved_models/mlp/<n>/
    export.load("saved_models/mlp").predict_files(["a.png"])  # TensorFlow alone

Layout (TensorFlow Serving's): `NAME/1/`, `NAME/2/`, ... each written once; readers take
the highest version unless asked for one (`resolve_version`).
"""

from dlcourse.export.generator import Generator, load_generator, write_generator
from dlcourse.export.predict import Predictor, load, load_saved_model, read_image, read_metadata
from dlcourse.export.versions import check_target, resolve_version, versions, write_version

__all__ = ["export_model", "write_classifier", "Predictor", "load", "read_image", "read_metadata",
           "load_saved_model", "Generator", "load_generator", "write_generator", "resolve_version", "versions", "write_version", "check_target"]


def __getattr__(name):
    # Writing an export imports Keras; loading and predicting need TensorFlow alone.
    if name in ("export_model", "write_classifier"):
        from dlcourse.export import saved_model

        return getattr(saved_model, name)
    raise AttributeError(f"module 'dlcourse.export' has no attribute {name!r}")
