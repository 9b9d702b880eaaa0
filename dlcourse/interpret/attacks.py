"""Adversarial examples: small changes to an image that change the model's answer.

    adversarial = interpret.fgsm(model, images, labels, eps=0.1)
    adversarial = interpret.pgd(model, images, labels, eps=0.1, steps=10, step_size=0.025, seed=0)
    image, success = interpret.one_pixel_attack(model, image, label)

FGSM and PGD are L-infinity attacks: every pixel moves by at most `eps`, and the result
stays a valid image in [0, 1]. They return arrays of the inputs' shape and dtype.
"""

import keras
import numpy as np
import tensorflow as tf

from dlcourse.errors import DLCourseError
from dlcourse.interpret import _common
from dlcourse.interpret.one_pixel import one_pixel_attack

METHODS = ("fgsm", "pgd", "one-pixel")
_TINY = 1e-30  # Keeps log finite at p = 0 without clipping the gradient away.


def fgsm(model, images, labels, eps):
    """The fast gradient sign method (Goodfellow et al.). No Keras twin.

        g = d cross_entropy(labels, model(images)) / d images
        adversarial = clip(images + eps * sign(g), 0, 1)

    One step to the corner of the L-infinity ball that raises the loss the most
    under a linear model of the loss: cheap, and weaker than PGD.

    Args:
        model: a classifier taking float images in [0, 1] (a Keras model or any callable).
        images: floats in [0, 1], (batch, H, W, C) or one image (H, W, C).
        labels: the true classes, one int per image.
        eps: the L-infinity budget, in [0, 1].

    Returns:
        Adversarial images of the inputs' shape and dtype.

    Reference: Goodfellow, Shlens & Szegedy, "Explaining and Harnessing Adversarial
    Examples", ICLR 2015, Sec. 4 (Eq. after "fast gradient sign method").
    """
    batch, single, labels = _inputs(model, images, labels, eps)
    loss_fn = loss_function(model)
    _, grads = _loss_and_gradient(loss_fn, tf.constant(batch, tf.float32), tf.constant(labels))
    adversarial = np.clip(batch + eps * np.sign(grads.numpy()).astype(batch.dtype), 0.0, 1.0)
    return _like(adversarial, images, single)


def pgd(model, images, labels, eps, steps=10, step_size=None, seed=0):
    """Projected gradient descent, L-infinity, with a random start (Madry et al.). No Keras twin.

        x = clip(images + uniform(-eps, eps), 0, 1)           # random start
        repeat steps times:
            x = x + step_size * sign(d loss(x) / d x)          # ascent
            x = clip(x, images - eps, images + eps)            # project onto the ball
            x = clip(x, 0, 1)                                  # and onto valid images
        return, per image, the iterate with the highest loss

    Keeping the best iterate (Madry et al. keep the last) can only make the attack
    stronger. Default `step_size`: 2.5 * eps / steps, the paper's choice.

    Args:
        model, images, labels, eps: as `fgsm`.
        steps: ascent steps (>= 1).
        step_size: the size of one step; None: 2.5 * eps / steps.
        seed: seeds the random start (same seed, same result).

    Returns:
        Adversarial images of the inputs' shape and dtype.

    Reference: Madry, Makelov, Schmidt, Tsipras & Vladu, "Towards Deep Learning Models
    Resistant to Adversarial Attacks", ICLR 2018, Sec. 2.1 and Appendix C.
    """
    batch, single, labels = _inputs(model, images, labels, eps)
    if steps < 1:
        raise DLCourseError(f"`steps` must be at least 1. Received: steps={steps}")
    step_size = 2.5 * eps / steps if step_size is None else step_size
    if not step_size > 0:
        raise DLCourseError(f"`step_size` must be positive. Received: step_size={step_size}")
    adversarial = pgd_tensor(loss_function(model), tf.constant(batch, tf.float32), tf.constant(labels),
                             eps, steps, step_size, tf.constant([seed, 0], tf.int32))
    # The projection in float32; re-projecting in the input's dtype keeps |x - images| <= eps exactly.
    adversarial = np.clip(adversarial.numpy().astype(batch.dtype), batch - eps, batch + eps)
    return _like(np.clip(adversarial, 0.0, 1.0), images, single)


def pgd_tensor(loss_fn, x, y, eps, steps, step_size, seed):
    """PGD on tensors, usable inside a `tf.function` (adversarial training uses it).

    `loss_fn(x, y)` gives one loss per example; `seed` is a stateless seed, shape (2,).
    """
    noise = tf.random.stateless_uniform(tf.shape(x), seed, -eps, eps, dtype=x.dtype)
    adversarial = tf.clip_by_value(x + noise, 0.0, 1.0)
    best, best_loss = adversarial, tf.fill(tf.shape(y), tf.constant(-np.inf, x.dtype))
    for step in range(steps + 1):
        loss, grads = _loss_and_gradient(loss_fn, adversarial, y)
        better = tf.reshape(loss > best_loss, [-1, 1, 1, 1])
        best, best_loss = tf.where(better, adversarial, best), tf.maximum(loss, best_loss)
        if step == steps:
            break
        adversarial = adversarial + step_size * tf.sign(grads)
        adversarial = tf.clip_by_value(tf.clip_by_value(adversarial, x - eps, x + eps), 0.0, 1.0)
    return tf.stop_gradient(best)


def attack(model, images, labels, method, eps, seed=0, **options):
    """Run `method` ("fgsm", "pgd" or "one-pixel") on a batch; returns adversarial images.

    One-pixel ignores `eps` (it changes one pixel by any amount); `options` go to the
    attack (`steps`, `step_size` for PGD; `max_iter`, `population` for one-pixel).
    """
    if method == "fgsm":
        return fgsm(model, images, labels, eps)
    if method == "pgd":
        return pgd(model, images, labels, eps, seed=seed, **options)
    if method == "one-pixel":
        batch, _ = _common.as_batch(images, model)
        labels = _common.as_labels(labels, len(batch))
        return np.stack([one_pixel_attack(model, image, label, seed=seed + i, **options)[0]
                         for i, (image, label) in enumerate(zip(batch, labels))])
    raise DLCourseError(f"Unknown attack {method!r}. Use one of: {', '.join(METHODS)}.")


def accuracy(model, images, labels):
    """The fraction of `images` the model classifies as `labels`."""
    batch, _ = _common.as_batch(images, model)
    labels = _common.as_labels(labels, len(batch))
    return float(np.mean(np.argmax(_common.predict(model, batch), axis=-1) == labels))


def loss_function(model):
    """`loss(x, y)`: cross-entropy per example, from the logits when the model has them.

    From probabilities (an exported model, a model without a final softmax layer) it
    is `-log(p[y])` without the clipping Keras applies: a confident `p[y]` rounds to
    1.0 in float32, and the clip would then zero the whole gradient, while the
    gradient through the softmax's other (tiny, non-zero) outputs keeps its sign.
    """
    scores, from_logits = _common.score_function(model, "logit")

    def loss(x, y):
        if from_logits:
            return keras.ops.sparse_categorical_crossentropy(y, scores(x), from_logits=True)
        chosen = tf.gather(scores(x), tf.cast(y, tf.int32), axis=1, batch_dims=1)
        return -tf.math.log(chosen + _TINY)

    return loss


def _loss_and_gradient(loss_fn, x, y):
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = loss_fn(x, y)
    return loss, tape.gradient(loss, x)


def _inputs(model, images, labels, eps):
    if not 0 <= eps <= 1:
        raise DLCourseError(f"`eps` must be in [0, 1] (images are in [0, 1]). Received: eps={eps}")
    batch, single = _common.as_batch(images, model)
    return batch, single, _common.as_labels(labels, len(batch))


def _like(adversarial, images, single):
    dtype = np.asarray(images).dtype
    return (adversarial[0] if single else adversarial).astype(dtype)
