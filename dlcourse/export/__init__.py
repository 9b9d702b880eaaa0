"""Export trained models as SavedModels, and load them back to classify images.

    export.export_model(model, "saved_models/mlp", info)     # needs Keras
    export.load("saved_models/mlp").predict_files(["a.png"])  # TensorFlow alone
"""

from dlcourse.export.predict import Predictor, load, read_image

__all__ = ["export_model", "Predictor", "load", "read_image"]


def __getattr__(name):
    # `export_model` imports Keras; loading and predicting need TensorFlow alone.
    if name == "export_model":
        from dlcourse.export.saved_model import export_model

        return export_model
    raise AttributeError(f"module 'dlcourse.export' has no attribute {name!r}")
