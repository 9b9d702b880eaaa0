"""`SGD`: mini-batch gradient descent with (scheduled) momentum and Nesterov."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError


@keras.saving.register_keras_serializable(package="dlcourse")
class SGD(keras.optimizers.Optimizer):
    """Gradient descent with momentum, written out. Mirrors `keras.optimizers.SGD`.

    For each variable `w` with gradient `g`, velocity `m` (starts at 0) and
    momentum coefficient `gamma` (a float, or `momentum(iteration)` if a schedule):

        if gamma is 0:   w = w - learning_rate * g
        else:
            m = gamma * m - learning_rate * g
            plain:       w = w + m
            nesterov:    w = w + gamma * m - learning_rate * g

    Keras's convention: `m` holds the step already scaled by `learning_rate`, and
    Nesterov is the "look-ahead" form of Sutskever et al. 2013 rewritten in the
    current weights (Bengio et al. 2013), so no extra gradient evaluation.

    Args:
        learning_rate: float or `LearningRateSchedule`. Defaults to 0.01.
        momentum: float in [0, 1], or a serialisable callable of the iteration
            (e.g. `MomentumWarmup`) returning gamma. Defaults to 0.0.
        nesterov: bool, use Nesterov momentum. Defaults to False.
        **kwargs: base-class arguments (`weight_decay`, `clipnorm`, `clipvalue`,
            `global_clipnorm`, `use_ema`, `loss_scale_factor`, `name`, ...).

    Returns:
        A `keras.optimizers.Optimizer`.

    Example:

        model.compile(optimizer=dlcourse.optimizers.SGD(0.01, momentum=0.9), loss=...)

    Reference: Polyak 1964; Sutskever, Martens, Dahl & Hinton, ICML 2013.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not callable(momentum):
            if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) \
                    or not 0.0 <= momentum <= 1.0:
                raise DLCourseError(
                    "`momentum` must be a float in [0, 1] or a callable of the "
                    f"iteration. Received: momentum={momentum!r}"
                )
            momentum = float(momentum)
        self.momentum = momentum
        self.nesterov = bool(nesterov)

    def _uses_momentum(self):
        return callable(self.momentum) or self.momentum != 0

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self._uses_momentum():
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def _gamma(self, dtype):
        if callable(self.momentum):
            return ops.cast(self.momentum(self.iterations), dtype)
        return ops.cast(self.momentum, dtype)

    def update_step(self, gradient, variable, learning_rate):
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        if not self._uses_momentum():
            self.assign_sub(variable, ops.multiply(gradient, learning_rate))
            return
        m = self.momentums[self._get_variable_index(variable)]
        gamma = self._gamma(variable.dtype)
        # m = gamma * m - learning_rate * g
        self.assign(m, ops.subtract(ops.multiply(m, gamma), ops.multiply(gradient, learning_rate)))
        if self.nesterov:
            # w = w + gamma * m - learning_rate * g
            self.assign_add(
                variable,
                ops.subtract(ops.multiply(m, gamma), ops.multiply(gradient, learning_rate)),
            )
        else:
            self.assign_add(variable, m)

    def get_config(self):
        config = super().get_config()
        momentum = self.momentum
        if callable(momentum):
            momentum = keras.saving.serialize_keras_object(momentum)
        config.update({"momentum": momentum, "nesterov": self.nesterov})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("momentum"), dict):
            config["momentum"] = keras.saving.deserialize_keras_object(
                config["momentum"], custom_objects=custom_objects
            )
        return super().from_config(config, custom_objects=custom_objects)
