"""`Ranger`: RAdam inside Lookahead."""

import keras

from dlcourse.optimizers.lookahead import Lookahead
from dlcourse.optimizers.radam import RAdam


@keras.saving.register_keras_serializable(package="dlcourse")
class Ranger(Lookahead):
    """Ranger = `Lookahead(RAdam(...))`, with flat arguments. Keras has no twin.

    At step `t = 1, 2, ...`:

        w = radam_step(w, g)                        # see `RAdam`
        if t % sync_period == 0:
            phi = phi + slow_step_size * (w - phi)
            w = phi

    RAdam tames Adam's first steps (variance of the adaptive rate), Lookahead
    damps the later oscillation. Defaults are Wright's original Ranger
    (beta_1 = 0.95, epsilon = 1e-5, k = 6, alpha = 0.5, threshold 5).
    Base-class arguments (`weight_decay`, `clipnorm`, `global_clipnorm`, ...)
    are passed to the inner RAdam.

    Args:
        learning_rate: float or `LearningRateSchedule`. Defaults to 0.001.
        beta_1, beta_2, epsilon, sma_threshold: as in `RAdam`.
        sync_period: int, k. Defaults to 6.
        slow_step_size: float, alpha. Defaults to 0.5.
        **kwargs: base-class arguments for the inner RAdam, and `name`.

    Returns:
        A `keras.optimizers.Optimizer`.

    Example:

        opt = dlcourse.optimizers.Ranger(learning_rate=1e-3)

    Reference: Wright, "Ranger" (2019, github.com/lessw2020/Ranger-Deep-Learning-Optimizer);
    Liu et al. 2019 (RAdam); Zhang et al. 2019 (Lookahead).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.95, beta_2=0.999, epsilon=1e-5,
                 sma_threshold=5.0, sync_period=6, slow_step_size=0.5, name=None, **kwargs):
        inner = RAdam(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                      epsilon=epsilon, sma_threshold=sma_threshold, **kwargs)
        super().__init__(inner, sync_period=sync_period, slow_step_size=slow_step_size,
                         name=name)

    def get_config(self):
        config = self.inner_optimizer.get_config()
        config.update({
            "name": self.name,
            "sync_period": self.sync_period,
            "slow_step_size": self.slow_step_size,
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = keras.saving.deserialize_keras_object(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)
