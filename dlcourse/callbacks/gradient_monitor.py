"""Per-layer gradient norms at epoch end, with vanishing and exploding layers flagged."""

import math

import keras
import tensorflow as tf

from dlcourse.errors import DLCourseError
from dlcourse.optimizers.clipping import global_norm


class GradientNormMonitor(keras.callbacks.Callback):
    """Watch each layer's gradient norm on a fixed probe batch ("babysitting").

    Every `every` epochs, at epoch end, on the probe batch `(x, y)`:

        loss = model.compute_loss(x, y, model(x, training=False))
        for each layer L with trainable weights W_1, ..., W_k:
            norm[L] = sqrt(sum_i sum(dloss/dW_i ** 2))
            logs["grad_norm/" + L.name] = norm[L]
            if norm[L] < low:   flag L as "vanishing"
            if norm[L] > high or not finite:  flag L as "exploding"

    A fixed batch and `training=False` (no dropout noise, BatchNorm on its moving
    statistics) make the numbers comparable from epoch to epoch: the change comes
    from the weights only. The norms go into `logs`, so they land in
    `History.history` and in any CSV/TensorBoard logger placed after this callback.
    The textbook symptom: in a deep sigmoid network the first layers' norms are
    orders of magnitude below the last layers' (vanishing gradients); with large
    initial weights or a too-high learning rate they grow without bound (exploding).

    Args:
        x: probe inputs (a batch, e.g. 64-256 examples of the training set).
        y: probe targets, as `fit` takes them.
        every: measure every `every` epochs (1 = each epoch).
        low: norms below this flag the layer as vanishing.
        high: norms above this flag the layer as exploding.

    Attributes:
        history: dict `{layer name: [norm, ...]}`, one entry per measured epoch.
        epochs: the (0-based) epochs measured.
        flags: list of dicts `{"epoch", "layer", "norm", "kind"}`, kind being
            `"vanishing"` or `"exploding"`; each flag is also printed.

    Example:

        monitor = GradientNormMonitor(x_train[:256], y_train[:256])
        model.fit(x_train, y_train, epochs=5, callbacks=[monitor])
        monitor.flags  # [] for a healthy network
    """

    def __init__(self, x, y, every=1, low=1e-7, high=1e3):
        super().__init__()
        if not isinstance(every, int) or every < 1:
            raise DLCourseError(f"`every` must be an integer >= 1. Received: every={every!r}")
        if not 0 <= low < high:
            raise DLCourseError(
                f"`low` must be >= 0 and smaller than `high`. Received: low={low}, high={high}"
            )
        self.x, self.y = x, y
        self.every, self.low, self.high = every, low, high
        self.history, self.epochs, self.flags = {}, [], []

    def on_train_begin(self, logs=None):
        if not getattr(self.model, "compiled", False):
            raise DLCourseError(
                "GradientNormMonitor needs a compiled model (it computes the loss). "
                "Call model.compile(optimizer, loss) first."
            )

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        norms = self.layer_gradient_norms()
        self.epochs.append(epoch)
        for name, norm in norms.items():
            self.history.setdefault(name, []).append(norm)
            if logs is not None:
                logs[f"grad_norm/{name}"] = norm
            kind = self._classify(norm)
            if kind:
                self.flags.append({"epoch": epoch, "layer": name, "norm": norm, "kind": kind})
                bound = f"< low={self.low:g}" if kind == "vanishing" else f"> high={self.high:g}"
                print(
                    f"GradientNormMonitor: epoch {epoch + 1}: layer '{name}' gradient "
                    f"norm {norm:.3e} {bound} ({kind} gradients)"
                )

    def layer_gradient_norms(self):
        """`{layer name: gradient norm}` of the loss on the probe batch, now."""
        layers = [layer for layer in self.model.layers if layer.trainable_weights]
        with tf.GradientTape() as tape:
            y_pred = self.model(self.x, training=False)
            loss = self.model.compute_loss(
                x=self.x, y=self.y, y_pred=y_pred, training=False
            )
        grads = tape.gradient(loss, [layer.trainable_weights for layer in layers])
        return {layer.name: float(global_norm(layer_grads)) for layer, layer_grads in zip(layers, grads)}

    def _classify(self, norm):
        if not math.isfinite(norm) or norm > self.high:
            return "exploding"
        if norm < self.low:
            return "vanishing"
        return None
