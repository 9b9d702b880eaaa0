"""`AdversarialModel`: adversarial training, PGD examples mixed into every batch of `fit`."""

import keras
import tensorflow as tf

from dlcourse.errors import DLCourseError
from dlcourse.interpret.attacks import loss_function, pgd_tensor
from dlcourse.models.wrapper import WrapperModel


@keras.saving.register_keras_serializable(package="dlcourse")
class AdversarialModel(WrapperModel):
    """Adversarial training around any classifier; train it with `fit`. No Keras twin.

    Each training step, with the compiled optimiser doing the update:

        x_adv = pgd(inner, x, y, eps, steps, step_size)      # attack the current weights
        loss = (1 - adversarial_weight) * L(x, y) + adversarial_weight * L(x_adv, y)
        w = optimizer_step(w, grad loss)

    Clean and adversarial examples go through the network as one batch of twice the
    size (BatchNorm sees both). The attack runs in inference mode, from a random start
    drawn from (seed, step), so a resumed run draws the same starts.

    Logged: `loss` (the mixed loss), the compiled metrics on the clean half,
    `adversarial_loss` and `adversarial_accuracy` on the adversarial half. Evaluation
    (`test_step`) is clean: measure robust accuracy with `interpret.pgd`.

    Args:
        inner: a functional Keras classifier (float images in [0, 1] -> probabilities).
        eps: the L-infinity budget of the training attack (0.1 on Fashion-MNIST).
        steps: PGD steps per batch (each costs one forward and backward pass).
        step_size: PGD step; None: 2.5 * eps / steps.
        adversarial_weight: the share of the loss on adversarial examples (Goodfellow
            et al.: 0.5; Madry et al.: 1.0, the most robust and the largest clean cost).
        seed: seeds the random starts.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:

        model = AdversarialModel(build_cnn((28, 28, 1), 10), eps=0.1, steps=5)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(train, epochs=5)

    Reference: Madry et al., "Towards Deep Learning Models Resistant to Adversarial
    Attacks", ICLR 2018, Eq. 2.1; Goodfellow, Shlens & Szegedy, ICLR 2015, Sec. 5 (mixing).
    """

    def __init__(self, inner, eps=0.1, steps=5, step_size=None, adversarial_weight=0.5, seed=0, **kwargs):
        super().__init__(inner, **kwargs)
        if not 0 < eps <= 1 or steps < 1 or not 0 <= adversarial_weight <= 1:
            raise DLCourseError(
                "`eps` must be in (0, 1], `steps` >= 1, `adversarial_weight` in [0, 1]. "
                f"Received: eps={eps}, steps={steps}, adversarial_weight={adversarial_weight}"
            )
        self.eps, self.steps, self.seed = float(eps), int(steps), int(seed)
        self.step_size = float(2.5 * eps / steps if step_size is None else step_size)
        self.adversarial_weight = float(adversarial_weight)
        self._attack_loss = loss_function(inner)
        self.adversarial_loss_tracker = keras.metrics.Mean(name="adversarial_loss")
        self.adversarial_accuracy = keras.metrics.SparseCategoricalAccuracy(name="adversarial_accuracy")

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        if sample_weight is not None:
            raise DLCourseError("AdversarialModel does not take sample weights; fit it on (images, labels).")
        seed = tf.stack([tf.constant(self.seed, tf.int32), tf.cast(self.optimizer.iterations, tf.int32)])
        x_adv = pgd_tensor(self._attack_loss, x, y, self.eps, self.steps, self.step_size, seed)
        batch = tf.shape(x)[0]
        both, labels = tf.concat([x, x_adv], axis=0), tf.concat([y, y], axis=0)
        # "sum_over_batch_size" divides by 2 * batch: weights 2(1 - a) and 2a give
        # (1 - a) * mean clean loss + a * mean adversarial loss.
        weights = tf.concat([tf.fill([batch], 2.0 * (1.0 - self.adversarial_weight)),
                             tf.fill([batch], 2.0 * self.adversarial_weight)], axis=0)
        with tf.GradientTape() as tape:
            y_pred = self(both, training=True)
            loss = self.compute_loss(x=both, y=labels, y_pred=y_pred, sample_weight=weights, training=True)
            scaled_loss = self.optimizer.scale_loss(loss)
        gradients = tape.gradient(scaled_loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        clean_pred, adversarial_pred = y_pred[:batch], y_pred[batch:]
        return self._update_metrics(x, y, clean_pred, adversarial_pred, loss)

    def _update_metrics(self, x, y, clean_pred, adversarial_pred, loss):
        self._track_loss(loss, x)
        adversarial_loss = keras.losses.sparse_categorical_crossentropy(y, adversarial_pred)
        self.adversarial_loss_tracker.update_state(adversarial_loss)
        self.adversarial_accuracy.update_state(y, adversarial_pred)
        return self.compute_metrics(x, y, clean_pred)

    def test_step(self, data):
        # Evaluation is clean: leave out the trackers only training updates.
        logs = super().test_step(data)
        return {k: v for k, v in logs.items() if not k.startswith("adversarial_")}

    def _settings(self):
        return {"eps": self.eps, "steps": self.steps, "step_size": self.step_size,
                "adversarial_weight": self.adversarial_weight, "seed": self.seed}
