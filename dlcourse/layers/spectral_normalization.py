"""Spectral normalisation by power iteration, written out. Mirrors `keras.layers.SpectralNormalization`."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError

# Keras's `ops.normalize` caps 1 / ||x|| at 1 / epsilon with its default epsilon.
_EPSILON = 1e-7


def _l2_normalize(x):
    """x / ||x||_2 over all entries, as `keras.ops.normalize(x, axis=None)` computes it."""
    inverse_norm = ops.minimum(ops.rsqrt(ops.sum(ops.square(x))), 1.0 / _EPSILON)
    return x * inverse_norm


@keras.saving.register_keras_serializable(package="dlcourse")
class SpectralNormalization(keras.layers.Wrapper):
    """Divides a layer's kernel by its largest singular value. Mirrors
    `keras.layers.SpectralNormalization`.

    The kernel is viewed as a matrix `W` of shape (-1, units) (a conv kernel
    (kh, kw, in, out) becomes (kh * kw * in, out)). `u` (1, units) is a running estimate
    of W's top right-singular vector, refined by `power_iterations` steps per training call:

        v = normalize(u @ W.T)          # (1, kh * kw * in)
        u = normalize(v @ W)            # (1, units)
        sigma = v @ W @ u.T             # the largest singular value of W, (1, 1)
        W = W / sigma                   # written back into the wrapped layer's kernel
        y = layer(x)

    with `normalize(a) = a * min(1 / ||a||_2, 1 / 1e-7)`; `u` and `v` are constants for
    the gradient. As in Keras, a training call *assigns* `W / sigma` to the kernel and
    `u` to `vector_u`, then runs the layer: gradients flow to the (normalised) kernel
    as in the plain layer, not through sigma. An all-zero kernel is left unchanged.
    Inference (`training=False`) uses the stored kernel as it is.

    Weights (for `Dense(7)` on 12 inputs, in `weights` order): the kernel (12, 7),
    `vector_u` (1, 7), not trainable, initialised from a truncated normal of std 0.02,
    then the bias (7,) -- the layout of the Keras layer, so
    `ours.set_weights(keras_sn.get_weights())` works.

    Args:
        layer: a layer with a `kernel` (Dense, Conv2D, ...) or `embeddings` (Embedding).
        power_iterations: positive int, power-iteration steps per training call.
        **kwargs: base layer arguments (`name`, ...).

    Returns:
        The wrapped layer's output, cast to the input's dtype.

    Example:

        conv = SpectralNormalization(keras.layers.Conv2D(64, 4, strides=2))
        y = conv(images, training=True)     # kernel now has spectral norm ~1

    Reference: Miyato, Kataoka, Koyama & Yoshida, "Spectral Normalization for Generative
    Adversarial Networks", ICLR 2018, Algorithm 1.
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if isinstance(power_iterations, bool) or int(power_iterations) != power_iterations or power_iterations < 1:
            raise DLCourseError(
                f"`power_iterations` must be a positive integer. Received: power_iterations={power_iterations!r}"
            )
        self.power_iterations = int(power_iterations)

    def build(self, input_shape):
        super().build(input_shape)  # Builds the wrapped layer: its kernel exists from here.
        self.input_spec = keras.layers.InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        if hasattr(self.layer, "kernel"):
            self.kernel = self.layer.kernel
        elif hasattr(self.layer, "embeddings"):
            self.kernel = self.layer.embeddings
        else:
            raise DLCourseError(
                f"SpectralNormalization needs a layer with a `kernel` or `embeddings`; "
                f"{type(self.layer).__name__} has neither. Wrap Dense, Conv2D or Embedding."
            )
        self.kernel_shape = tuple(self.kernel.shape)
        self.vector_u = self.add_weight(
            shape=(1, self.kernel_shape[-1]),
            initializer=keras.initializers.TruncatedNormal(stddev=0.02),
            trainable=False,
            name="vector_u",
            dtype=self.kernel.dtype,
        )

    def call(self, inputs, training=False):
        if training:
            kernel_is_zero = ops.all(ops.equal(self.kernel.value, 0))
            new_u, new_kernel = ops.cond(
                kernel_is_zero, lambda: (self.vector_u.value, self.kernel.value), self.normalized_weights
            )
            self.vector_u.assign(new_u)
            self.kernel.assign(new_kernel)
        return ops.cast(self.layer(inputs), inputs.dtype)

    def normalized_weights(self):
        """`(u, W / sigma)` after `power_iterations` steps from the stored `u`."""
        w = ops.reshape(self.kernel, (-1, self.kernel_shape[-1]))  # (fan_in, units)
        u = self.vector_u.value
        for _ in range(self.power_iterations):
            v = _l2_normalize(ops.matmul(u, ops.transpose(w)))  # (1, fan_in)
            u = _l2_normalize(ops.matmul(v, w))                 # (1, units)
        u, v = ops.stop_gradient(u), ops.stop_gradient(v)
        sigma = ops.matmul(ops.matmul(v, w), ops.transpose(u))  # (1, 1)
        kernel = ops.reshape(ops.divide(self.kernel, sigma), self.kernel_shape)
        return ops.cast(u, self.vector_u.dtype), ops.cast(kernel, self.kernel.dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"power_iterations": self.power_iterations})
        return config
