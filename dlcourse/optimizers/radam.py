"""`RAdam`: Adam whose adaptive step is switched on gradually (rectified)."""

import math

import keras
from keras import ops

from dlcourse.errors import DLCourseError


@keras.saving.register_keras_serializable(package="dlcourse")
class RAdam(keras.optimizers.Optimizer):
    """Rectified Adam (Liu et al. 2019). Keras has no twin.

    Early in training `v` averages only a few squared gradients, so the adaptive
    step `1 / sqrt(v_hat)` has a huge variance. RAdam measures that with the length
    `rho_t` of the approximated simple moving average and, until it is long enough,
    takes a plain momentum step. At step `t = 1, 2, ...` (`m`, `v` start at 0):

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        m_hat = m / (1 - beta_1**t)
        rho_inf = 2 / (1 - beta_2) - 1
        rho_t = rho_inf - 2 * t * beta_2**t / (1 - beta_2**t)
        if rho_t > sma_threshold:
            v_hat = sqrt(v / (1 - beta_2**t))
            r = sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                     / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            w = w - learning_rate * r * m_hat / (v_hat + epsilon)
        else:
            w = w - learning_rate * m_hat

    Threshold: the paper's Algorithm 2 tests `rho_t > 4` (where `r` becomes real);
    we default to `sma_threshold=5`, as the authors' released code, PyTorch's
    `torch.optim.RAdam` and TF-Addons' `RectifiedAdam` do (with beta_2 = 0.999 the
    first five steps are momentum steps). `epsilon` is added to the bias-corrected
    `v_hat`, as in PyTorch. Decoupled weight decay comes from the base class
    (`weight_decay=`).

    Args:
        learning_rate: float or `LearningRateSchedule`. Defaults to 0.001.
        beta_1: float in [0, 1). Defaults to 0.9.
        beta_2: float in (0, 1). Defaults to 0.999.
        epsilon: small float for numerical stability. Defaults to 1e-7.
        sma_threshold: float >= 4, rectify once `rho_t` exceeds it. Defaults to 5.0.
        **kwargs: base-class arguments (`weight_decay`, `clipnorm`, ...).

    Returns:
        A `keras.optimizers.Optimizer`.

    Example:

        opt = dlcourse.optimizers.RAdam(learning_rate=1e-3)

    Reference: Liu, Jiang, He, Chen, Liu, Gao & Han, "On the Variance of the
    Adaptive Learning Rate and Beyond", ICLR 2020 (arXiv:1908.03265), Algorithm 2.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 sma_threshold=5.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0.0 <= beta_1 < 1.0:
            raise DLCourseError(f"`beta_1` must be in [0, 1). Received: beta_1={beta_1}")
        if not 0.0 < beta_2 < 1.0:
            raise DLCourseError(f"`beta_2` must be in (0, 1). Received: beta_2={beta_2}")
        if sma_threshold < 4:
            raise DLCourseError(
                "`sma_threshold` must be >= 4 (the rectifier is imaginary below 4). "
                f"Received: sma_threshold={sma_threshold}"
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.sma_threshold = float(sma_threshold)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )

    def _rectifier(self, t, dtype):
        """Return (rectify?, r, 1 - beta_2**t) for step `t`."""
        rho_inf = 2.0 / (1.0 - self.beta_2) - 1.0
        # beta_2**t and 1 - beta_2**t via exp/expm1: the naive float32 form is off
        # by ~0.04 in rho_t (cancellation in 1 - 0.999**t), i.e. ~1% in r.
        log_beta_2 = ops.cast(math.log(self.beta_2), dtype)
        beta_2_power = ops.exp(t * log_beta_2)
        one_minus_beta_2_power = -ops.expm1(t * log_beta_2)
        rho_t = rho_inf - 2.0 * t * beta_2_power / one_minus_beta_2_power
        rectify = ops.greater(rho_t, ops.cast(self.sma_threshold, dtype))
        # Clamp under the square root so the unused branch never makes NaN.
        ratio = ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf) / (
            (rho_inf - 4.0) * (rho_inf - 2.0) * rho_t)
        return rectify, ops.sqrt(ops.maximum(ratio, 0.0)), one_minus_beta_2_power

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        t = ops.cast(self.iterations + 1, dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, dtype), t)
        index = self._get_variable_index(variable)
        m = self._momentums[index]
        v = self._velocities[index]
        self.assign(m, ops.add(ops.multiply(self.beta_1, m), ops.multiply(1 - self.beta_1, gradient)))
        self.assign(v, ops.add(ops.multiply(self.beta_2, v),
                               ops.multiply(1 - self.beta_2, ops.square(gradient))))
        m_hat = ops.divide(m, 1 - beta_1_power)
        rectify, r, one_minus_beta_2_power = self._rectifier(t, dtype)
        v_hat = ops.sqrt(ops.divide(v, one_minus_beta_2_power))
        adaptive = ops.divide(ops.multiply(r, m_hat), ops.add(v_hat, self.epsilon))
        self.assign_sub(variable, ops.multiply(lr, ops.where(rectify, adaptive, m_hat)))

    def get_config(self):
        config = super().get_config()
        config.update({
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "sma_threshold": self.sma_threshold,
        })
        return config
