"""`Lookahead`: k fast steps of any optimiser, then pull slow weights towards them."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError

# Base-class arguments Lookahead refuses: they belong to the inner optimiser.
_INNER_ONLY = ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema",
               "loss_scale_factor", "gradient_accumulation_steps")


@keras.saving.register_keras_serializable(package="dlcourse")
class Lookahead(keras.optimizers.Optimizer):
    """Lookahead, wrapping any Keras optimiser (ours or built-in). Keras has no twin.

    The inner optimiser moves the "fast" weights `w` as usual; a copy `phi` of
    "slow" weights (starts equal to the initial `w`) is pulled towards them every
    `sync_period` steps. At step `t = 1, 2, ...`:

        w = inner_optimizer_step(w, g)                 # fast step
        if t % sync_period == 0:
            phi = phi + slow_step_size * (w - phi)     # slow step
            w = phi                                    # restart fast weights there

    So k = `sync_period` fast steps explore, and the slow weights move by alpha =
    `slow_step_size` of the way along the direction they found. The inner
    optimiser's state (momenta, ...) is kept across syncs, as in the paper.
    Clipping, weight decay and loss scaling are set on the inner optimiser.
    `learning_rate` reads and sets the inner optimiser's. The sync assigns the
    weights directly, so Lookahead is for single-device training (not checked
    under a `tf.distribute` strategy).

    Args:
        optimizer: a `keras.optimizers.Optimizer` instance (not yet used).
        sync_period: int >= 1, k, fast steps per slow step. Defaults to 6.
        slow_step_size: float in (0, 1], alpha. Defaults to 0.5.
        name: optional name.

    Returns:
        A `keras.optimizers.Optimizer`.

    Example:

        opt = Lookahead(keras.optimizers.SGD(0.1, momentum=0.9), sync_period=5)

    Reference: Zhang, Lucas, Hinton & Ba, "Lookahead Optimizer: k steps forward,
    1 step back", NeurIPS 2019 (arXiv:1907.08610), Algorithm 1.
    """

    def __init__(self, optimizer, sync_period=6, slow_step_size=0.5, name=None, **kwargs):
        for arg_name in _INNER_ONLY:
            if kwargs.get(arg_name) not in (None, False):
                raise DLCourseError(
                    f"Lookahead does not take `{arg_name}`: set it on the inner optimizer. "
                    f"Received: {arg_name}={kwargs[arg_name]}"
                )
            kwargs.pop(arg_name, None)
        kwargs.pop("learning_rate", None)
        kwargs.pop("ema_momentum", None)
        kwargs.pop("ema_overwrite_frequency", None)
        if kwargs:
            raise DLCourseError(f"Lookahead got unexpected arguments: {sorted(kwargs)}")
        if not isinstance(optimizer, keras.optimizers.Optimizer):
            raise DLCourseError(
                "`optimizer` must be a keras.optimizers.Optimizer instance, e.g. "
                f"keras.optimizers.Adam(). Received: optimizer={optimizer!r}"
            )
        if int(sync_period) < 1:
            raise DLCourseError(f"`sync_period` must be >= 1. Received: sync_period={sync_period}")
        if not 0.0 < slow_step_size <= 1.0:
            raise DLCourseError(
                f"`slow_step_size` must be in (0, 1]. Received: slow_step_size={slow_step_size}"
            )
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = optimizer
        self.sync_period = int(sync_period)
        self.slow_step_size = float(slow_step_size)

    def build(self, var_list):
        if self.built:
            return
        self.inner_optimizer.build(var_list)
        super().build(var_list)
        # Zeros here; phi_0 = w_0 is copied at the first step (see `apply`). `fit` may build
        # the optimiser while tracing, and an initializer that reads another variable can
        # then neither run eagerly nor be lifted out of an XLA-compiled function.
        self._slow_weights = [
            self.add_variable_from_reference(fast, "slow", initializer="zeros") for fast in var_list
        ]

    @property
    def variables(self):
        return self._variables + self.inner_optimizer.variables

    def apply(self, grads, trainable_variables=None):
        if not self.built:
            self.build(list(trainable_variables))
        ops.cond(ops.equal(self._iterations, 0), self._start, lambda: None)
        self.inner_optimizer.apply(grads, trainable_variables)
        self._iterations.assign_add(1)
        ops.cond(ops.equal(self._iterations % self.sync_period, 0), self._sync, lambda: None)

    def _start(self):
        # phi_0 = w_0, the weights before the first fast step.
        for slow, fast in zip(self._slow_weights, self._trainable_variables):
            slow.assign(fast)
        return None

    def _sync(self):
        alpha = self.slow_step_size
        for slow, fast in zip(self._slow_weights, self._trainable_variables):
            # phi = phi + alpha * (w - phi);  w = phi
            slow.assign(slow + alpha * (fast - slow))
            fast.assign(slow)
        return None

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self.inner_optimizer.learning_rate = learning_rate

    def scale_loss(self, loss):
        return self.inner_optimizer.scale_loss(loss)

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        return {
            "name": self.name,
            "optimizer": keras.saving.serialize_keras_object(self.inner_optimizer),
            "sync_period": self.sync_period,
            "slow_step_size": self.slow_step_size,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        optimizer = keras.saving.deserialize_keras_object(
            config.pop("optimizer"), custom_objects=custom_objects
        )
        return cls(optimizer, **config)
