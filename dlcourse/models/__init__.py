"""Model builders (Keras functional API) and models with their own `train_step`."""

from dlcourse.models.cnn import build_cnn
from dlcourse.models.mlp import build_mlp, mlp_parameter_count
from dlcourse.models.regularized_mlp import build_regularized_mlp, regularized_mlp_parameter_count
from dlcourse.models.sam import SAMModel

__all__ = ["build_cnn", "build_mlp", "mlp_parameter_count", "build_regularized_mlp",
           "regularized_mlp_parameter_count", "SAMModel"]
