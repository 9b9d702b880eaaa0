"""`RMSprop`: AdaGrad with a leaky (exponential) average of squared gradients."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError


@keras.saving.register_keras_serializable(package="dlcourse")
class RMSprop(keras.optimizers.Optimizer):
    """RMSProp, written out. Mirrors `keras.optimizers.RMSprop`.

    For each variable `w` with gradient `g`; `v`, `a`, `m` start at 0:

        v = rho * v + (1 - rho) * g**2
        if centered:
            a = rho * a + (1 - rho) * g          # running mean of g
            denominator = v - a**2 + epsilon     # running variance of g
        else:
            denominator = v + epsilon
        step = learning_rate * g / sqrt(denominator)
        if momentum > 0:
            m = momentum * m + step
            w = w - m
        else:
            w = w - step

    Keras's convention: `epsilon` inside the square root; no bias correction, so
    the first steps are larger than `learning_rate` (v starts at 0).

    Args:
        learning_rate: float or `LearningRateSchedule`. Defaults to 0.001.
        rho: float in [0, 1), decay of the squared-gradient average. Defaults to 0.9.
        momentum: float >= 0, heavy-ball momentum on the scaled step. Defaults to 0.0.
        epsilon: small float for numerical stability. Defaults to 1e-7.
        centered: bool, divide by the gradient's variance instead of its second
            moment (Graves 2013). Defaults to False.
        **kwargs: base-class arguments (`weight_decay`, `clipnorm`, ...).

    Returns:
        A `keras.optimizers.Optimizer`.

    Example:

        opt = dlcourse.optimizers.RMSprop(learning_rate=1e-3, rho=0.9)

    Reference: Tieleman & Hinton, Coursera "Neural Networks for ML", lecture 6.5, 2012.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0.0 <= rho < 1.0:
            raise DLCourseError(f"`rho` must be in [0, 1). Received: rho={rho}")
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        v = self._velocities[index]
        rho = self.rho
        # v = rho * v + (1 - rho) * g**2
        self.assign(v, ops.add(ops.multiply(rho, v), ops.multiply(1 - rho, ops.square(gradient))))
        if self.centered:
            a = self._average_gradients[index]
            self.assign(a, ops.add(ops.multiply(rho, a), ops.multiply(1 - rho, gradient)))
            denominator = v - ops.square(a) + self.epsilon
        else:
            denominator = ops.add(v, self.epsilon)
        step = ops.divide(ops.multiply(lr, gradient), ops.sqrt(denominator))
        if self.momentum > 0:
            m = self._momentums[index]
            self.assign(m, ops.add(ops.multiply(self.momentum, m), step))
            self.assign_sub(variable, m)
        else:
            self.assign_sub(variable, step)

    def get_config(self):
        config = super().get_config()
        config.update({
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        })
        return config
