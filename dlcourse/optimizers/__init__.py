"""Optimisers of lecture 3, written from their formulas and verified against Keras.

Each class subclasses `keras.optimizers.Optimizer` (or wraps one) and is
registered for `.keras` saving under the package name "dlcourse":

    SGD, Adagrad, RMSprop, Adam, AdamW   twins of the Keras built-ins (same trajectories)
    RAdam, Lookahead, Ranger             no Keras twin (checked against the papers)
    MomentumWarmup                       momentum schedule for SGD (0.5 -> 0.9)
    get(name, learning_rate, **kwargs)   the factory behind `dlcourse train --optimizer`
    global_norm, clip_by_global_norm     twins of `tf.linalg.global_norm`, `tf.clip_by_global_norm`

Sharpness-aware minimisation is a train step, not an update rule: see
`dlcourse.models.SAMModel`.
"""

from dlcourse.optimizers.adagrad import Adagrad
from dlcourse.optimizers.adam import Adam
from dlcourse.optimizers.adamw import AdamW
from dlcourse.optimizers.clipping import clip_by_global_norm, global_norm
from dlcourse.optimizers.factory import OPTIMIZER_NAMES, get
from dlcourse.optimizers.lookahead import Lookahead
from dlcourse.optimizers.momentum_warmup import MomentumWarmup
from dlcourse.optimizers.radam import RAdam
from dlcourse.optimizers.ranger import Ranger
from dlcourse.optimizers.rmsprop import RMSprop
from dlcourse.optimizers.sgd import SGD

__all__ = [
    "SGD",
    "MomentumWarmup",
    "Adagrad",
    "RMSprop",
    "Adam",
    "AdamW",
    "RAdam",
    "Lookahead",
    "Ranger",
    "get",
    "OPTIMIZER_NAMES",
    "global_norm",
    "clip_by_global_norm",
]
