"""Custom Keras layers and regularisers, each the twin of a Keras built-in.

    from dlcourse import layers
    x = layers.Dense(64)(inputs)
    x = layers.BatchNormalization()(x)

Every layer is registered as `dlcourse>Name`, so `.keras` files that use them load
once `dlcourse.layers` is imported.
"""

from dlcourse.layers.batch_normalization import BatchNormalization
from dlcourse.layers.dense import Dense
from dlcourse.layers.dropout import Dropout
from dlcourse.layers.layer_normalization import LayerNormalization
from dlcourse.layers.regularizers import L1, L1L2, L2
from dlcourse.layers.rms_norm import RMSNorm
from dlcourse.layers.weight_decay import weight_decay_vs_l2

__all__ = [
    "BatchNormalization",
    "Dense",
    "Dropout",
    "L1",
    "L1L2",
    "L2",
    "LayerNormalization",
    "RMSNorm",
    "weight_decay_vs_l2",
]
