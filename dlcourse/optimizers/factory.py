"""`get`: build an optimiser from its name, for the CLI (`--optimizer`) and recipes."""

from dlcourse.errors import DLCourseError
from dlcourse.optimizers.adagrad import Adagrad
from dlcourse.optimizers.adam import Adam
from dlcourse.optimizers.adamw import AdamW
from dlcourse.optimizers.lookahead import Lookahead
from dlcourse.optimizers.radam import RAdam
from dlcourse.optimizers.ranger import Ranger
from dlcourse.optimizers.rmsprop import RMSprop
from dlcourse.optimizers.sgd import SGD

OPTIMIZER_NAMES = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw",
                   "radam", "lookahead", "ranger")

_LOOKAHEAD_ARGS = ("sync_period", "slow_step_size")


def get(name, learning_rate, **kwargs):
    """Return a new optimiser called `name`, from `OPTIMIZER_NAMES`.

        sgd        SGD(learning_rate)                      plain mini-batch SGD
        momentum   SGD(learning_rate, momentum=0.9)
        nesterov   SGD(learning_rate, momentum=0.9, nesterov=True)
        adagrad    Adagrad(learning_rate)
        rmsprop    RMSprop(learning_rate)
        adam       Adam(learning_rate)
        adamw      AdamW(learning_rate)                    weight_decay defaults to 0.004
        radam      RAdam(learning_rate)
        lookahead  Lookahead(Adam(learning_rate))          k = 6, alpha = 0.5
        ranger     Ranger(learning_rate)                   Lookahead(RAdam)

    Args:
        name: str, one of `OPTIMIZER_NAMES` (case-insensitive).
        learning_rate: float or `keras.optimizers.schedules.LearningRateSchedule`.
        **kwargs: passed to the constructor (`clipnorm`, `global_clipnorm`,
            `weight_decay`, `momentum`, `beta_1`, ...). For `lookahead`,
            `sync_period` and `slow_step_size` go to Lookahead, the rest to the
            inner Adam.

    Returns:
        A `keras.optimizers.Optimizer`.

    Raises:
        DLCourseError (a ValueError): unknown name (the message lists the valid ones).
    """
    key = str(name).strip().lower()
    if key not in OPTIMIZER_NAMES:
        raise DLCourseError(
            f"Unknown optimizer {name!r}: use one of {', '.join(OPTIMIZER_NAMES)}."
        )
    if isinstance(learning_rate, int) and not isinstance(learning_rate, bool):
        learning_rate = float(learning_rate)
    if key in ("momentum", "nesterov"):
        kwargs.setdefault("momentum", 0.9)
        kwargs.setdefault("nesterov", key == "nesterov")
        return SGD(learning_rate, **kwargs)
    if key == "lookahead":
        outer = {k: kwargs.pop(k) for k in _LOOKAHEAD_ARGS if k in kwargs}
        return Lookahead(Adam(learning_rate, **kwargs), **outer)
    classes = {"sgd": SGD, "adagrad": Adagrad, "rmsprop": RMSprop, "adam": Adam,
               "adamw": AdamW, "radam": RAdam, "ranger": Ranger}
    return classes[key](learning_rate, **kwargs)
