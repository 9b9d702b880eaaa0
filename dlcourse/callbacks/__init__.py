"""Training aids of lecture 3: `keras.callbacks.Callback` subclasses and the LR finder.

    from dlcourse import callbacks
    model.fit(..., callbacks=[callbacks.EarlyStopping(patience=5, restore_best_weights=True),
                              callbacks.ReduceLROnPlateau(factor=0.1, patience=3),
                              callbacks.GradientNormMonitor(x[:256], y[:256])])
    result = callbacks.find_learning_rate(model, train_ds)   # LR range test

`EarlyStopping` and `ReduceLROnPlateau` mirror their `keras.callbacks` namesakes (same
decisions on the same logs); the gradient monitor and the LR finder have no Keras twin.
Gradient clipping is an optimiser matter: `dlcourse.optimizers.clip_by_global_norm`.
"""

from dlcourse.callbacks.early_stopping import EarlyStopping
from dlcourse.callbacks.gradient_monitor import GradientNormMonitor
from dlcourse.callbacks.image_grid import ImageGrid, save_image_grid, tile_images
from dlcourse.callbacks.lr_finder import (
    LearningRateRangeTest,
    LRFinderResult,
    find_learning_rate,
    plot_lr_finder,
)
from dlcourse.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau

__all__ = [
    "EarlyStopping",
    "ReduceLROnPlateau",
    "GradientNormMonitor",
    "ImageGrid",
    "save_image_grid",
    "tile_images",
    "LearningRateRangeTest",
    "LRFinderResult",
    "find_learning_rate",
    "plot_lr_finder",
]
