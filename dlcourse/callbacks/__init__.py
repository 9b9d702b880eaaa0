"""Training aids of lecture 3: `keras.callbacks.Callback` subclasses and gradient tools.

    from dlcourse import callbacks
    model.fit(..., callbacks=[callbacks.EarlyStopping(patience=5, restore_best_weights=True),
                              callbacks.GradientNormMonitor(x[:256], y[:256])])
    result = callbacks.find_learning_rate(model, train_ds)   # LR range test

`EarlyStopping` mirrors `keras.callbacks.EarlyStopping`; `clip_by_norm` mirrors
`tf.clip_by_global_norm`; the gradient monitor and the LR finder have no Keras twin.
"""

from dlcourse.callbacks.clipping import clip_by_norm, global_norm
from dlcourse.callbacks.early_stopping import EarlyStopping
from dlcourse.callbacks.gradient_monitor import GradientNormMonitor
from dlcourse.callbacks.lr_finder import (
    LearningRateRangeTest,
    LRFinderResult,
    find_learning_rate,
    plot_lr_finder,
)

__all__ = [
    "EarlyStopping",
    "clip_by_norm",
    "global_norm",
    "GradientNormMonitor",
    "LearningRateRangeTest",
    "LRFinderResult",
    "find_learning_rate",
    "plot_lr_finder",
]
