"""`SAMModel`: sharpness-aware minimisation as a `keras.Model` train step."""

import keras
import tensorflow as tf
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.models.wrapper import WrapperModel
from dlcourse.optimizers.clipping import global_norm

# Keeps eps finite when the gradient is exactly zero.
_NORM_FLOOR = 1e-12


@keras.saving.register_keras_serializable(package="dlcourse")
class SAMModel(WrapperModel):
    """Sharpness-aware minimisation around any inner model; train it with `fit`.

    SAM seeks weights whose whole neighbourhood has low loss. Each training step,
    with the compiled optimiser doing the final update:

        g = grad L(w)                               # at the current weights
        eps = rho * g / ||g||                       # global L2 norm over all weights
        g_sam = grad L(w + eps)                     # at the worst nearby point
        w = optimizer_step(w, g_sam)                # from the original w

    Logged metrics: `loss` (L(w), as plain `fit` logs it, averaged over samples),
    `perturbed_loss` (L(w + eps): its excess over `loss` measures sharpness), and
    the compiled metrics, computed on the predictions at `w`.

    Caveats: each step costs two forward/backward passes; BatchNorm statistics
    are updated by both passes; under a `tf.distribute` strategy each replica
    uses its own gradient for eps (the paper's "m-sharpness").
    Calling the model calls the inner model; `export` exports the inner model,
    so the SavedModel does not depend on this class.

    Args:
        inner: a `keras.Model`, the network to train.
        rho: float > 0, radius of the neighbourhood. Defaults to 0.05.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Returns:
        A `keras.Model`: compile it with any optimiser and loss, then `fit`.

    Example:

        model = SAMModel(build_mlp(), rho=0.05)
        model.compile(optimizer=dlcourse.optimizers.SGD(0.1, momentum=0.9),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(train, epochs=5)

    Reference: Foret, Kleiner, Mobahi & Neyshabur, "Sharpness-Aware Minimization
    for Efficiently Improving Generalization", ICLR 2021, Algorithm 1.
    """

    def __init__(self, inner, rho=0.05, **kwargs):
        super().__init__(inner, **kwargs)
        if not rho > 0:
            raise DLCourseError(f"`rho` must be positive. Received: rho={rho}")
        self.rho = float(rho)
        self.perturbed_loss_tracker = keras.metrics.Mean(name="perturbed_loss")

    def _loss_and_gradients(self, x, y, sample_weight):
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                     training=True)
            scaled_loss = self.optimizer.scale_loss(loss)
        gradients = tape.gradient(scaled_loss, self.trainable_variables)
        return y_pred, loss, gradients

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        variables = self.trainable_variables
        y_pred, loss, gradients = self._loss_and_gradients(x, y, sample_weight)
        # Ascent: eps = rho * g / ||g||; loss scaling cancels in the ratio.
        norm = global_norm(gradients)
        scale = self.rho / (norm + _NORM_FLOOR)
        epsilons = [None if g is None else ops.cast(g * scale, v.dtype)
                    for g, v in zip(gradients, variables)]
        for v, e in zip(variables, epsilons):
            if e is not None:
                v.assign_add(e)
        _, perturbed_loss, sam_gradients = self._loss_and_gradients(x, y, sample_weight)
        for v, e in zip(variables, epsilons):  # back to w, then descend
            if e is not None:
                v.assign_sub(e)
        self.optimizer.apply(sam_gradients, variables)
        return self._update_metrics(x, y, y_pred, sample_weight, loss, perturbed_loss)

    def test_step(self, data):
        # Evaluation takes no ascent step: leave out the (never updated) perturbed loss
        # instead of logging `val_perturbed_loss: 0.0`.
        logs = super().test_step(data)
        return {name: value for name, value in logs.items() if name != "perturbed_loss"}

    def _update_metrics(self, x, y, y_pred, sample_weight, loss, perturbed_loss):
        replicas, batch_size = self._track_loss(loss, x)
        self.perturbed_loss_tracker.update_state(perturbed_loss * replicas,
                                                 sample_weight=batch_size)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def _settings(self):
        return {"rho": self.rho}
