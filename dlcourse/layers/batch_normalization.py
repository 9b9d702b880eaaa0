"""Batch normalisation, written out. Mirrors `keras.layers.BatchNormalization`."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.layers._moments import affine_normalize, cross_replica_moments, moments


@keras.saving.register_keras_serializable(package="dlcourse")
class BatchNormalization(keras.layers.Layer):
    """Batch normalisation (Ioffe & Szegedy 2015). Mirrors `keras.layers.BatchNormalization`.

    Per feature along `axis`, with statistics over every other axis:

        training=True:
            mean, variance = batch mean and (biased) variance of x
            moving_mean = momentum * moving_mean + (1 - momentum) * mean
            moving_variance = momentum * moving_variance + (1 - momentum) * variance
        training=False:
            mean, variance = moving_mean, moving_variance
        inv = gamma / sqrt(variance + epsilon)
        y = x * inv + (beta - mean * inv)      # = gamma * (x - mean) / sqrt(...) + beta

    Keras conventions kept: `momentum` weights the *old* average (0.99, not PyTorch's
    0.1 on the new value); the moving variance is the biased batch variance (no
    n/(n-1) correction); a frozen layer (`trainable=False`) normalises with the
    moving statistics even in training. float16/bfloat16 inputs are upcast to
    float32 for the statistics and cast back at the end.

    With `synchronized=True` under a `tf.distribute` strategy, mean and variance are
    those of the global batch (summed over replicas), so N replicas train exactly
    like one device on the whole batch.

    Args:
        axis: the feature axis (-1 for channels-last images and for MLPs).
        momentum: weight of the old moving average, in [0, 1).
        epsilon: added to the variance before the square root.
        center: learn the offset `beta`.
        scale: learn the scale `gamma`.
        synchronized: cross-replica statistics under a distribution strategy.
        **kwargs: base `Layer` arguments.

    Returns:
        A tensor with the input's shape.

    Reference: S. Ioffe, C. Szegedy, "Batch Normalization", ICML 2015, Algorithm 1.
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        synchronized=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not 0.0 <= momentum < 1.0:
            raise DLCourseError(f"`momentum` must be in [0, 1). Received: momentum={momentum}")
        if epsilon <= 0:
            raise DLCourseError(f"`epsilon` must be positive. Received: epsilon={epsilon}")
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.synchronized = bool(synchronized)
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim or input_shape[self.axis] is None:
            raise DLCourseError(
                "`axis` must index a known dimension of the input. "
                f"Received: axis={self.axis}, input_shape={tuple(input_shape)}"
            )
        channels = input_shape[self.axis]
        # Statistics stay float32 under mixed precision: autocast=False.
        # Weight order matches Keras so `set_weights(keras_bn.get_weights())` works.
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=(channels,), initializer="ones", autocast=False)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=(channels,), initializer="zeros", autocast=False)
        self.moving_mean = self.add_weight(
            name="moving_mean", shape=(channels,), initializer="zeros", trainable=False, autocast=False
        )
        self.moving_variance = self.add_weight(
            name="moving_variance", shape=(channels,), initializer="ones", trainable=False, autocast=False
        )
        axis = self.axis % ndim
        self._reduction_axes = [i for i in range(ndim) if i != axis]
        self._broadcast_shape = [1] * ndim  # e.g. (1, 1, 1, channels) for NHWC
        self._broadcast_shape[axis] = channels
        self.input_spec = keras.layers.InputSpec(ndim=ndim, axes={self.axis: channels})

    def call(self, inputs, training=None):
        # Upcast: batch statistics overflow in float16.
        x = ops.cast(inputs, keras.backend.result_type(inputs.dtype, "float32"))
        if training and self.trainable:
            mean, variance = self._batch_moments(x)
            self._update_moving_averages(mean, variance)
        else:
            mean = ops.reshape(ops.cast(self.moving_mean, x.dtype), self._broadcast_shape)
            variance = ops.reshape(ops.cast(self.moving_variance, x.dtype), self._broadcast_shape)
        outputs = affine_normalize(x, mean, variance, self.epsilon, self.gamma, self.beta,
                                   self._broadcast_shape)
        return ops.cast(outputs, self.compute_dtype)

    def _batch_moments(self, x):
        """Mean and variance over all axes but `axis`, shaped for broadcasting."""
        if self.synchronized:
            return cross_replica_moments(x, self._reduction_axes, keepdims=True)
        return moments(x, self._reduction_axes, keepdims=True)

    def _update_moving_averages(self, mean, variance):
        """Exponential moving averages, the Keras way (momentum on the old value)."""
        channels = self._broadcast_shape[self.axis]
        mean = ops.reshape(mean, (channels,))
        variance = ops.reshape(variance, (channels,))
        moving_mean = ops.cast(self.moving_mean, mean.dtype)
        moving_variance = ops.cast(self.moving_variance, mean.dtype)
        self.moving_mean.assign(moving_mean * self.momentum + mean * (1.0 - self.momentum))
        self.moving_variance.assign(moving_variance * self.momentum + variance * (1.0 - self.momentum))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "synchronized": self.synchronized,
            }
        )
        return config
