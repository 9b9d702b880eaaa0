"""Images made by gradient ascent on the input: what a class or a layer "wants to see".

    image = interpret.class_model(model, class_index=7)        # an image the net calls 7
    dream = interpret.deep_dream(model, test_images[0], layer="conv_2")
"""

import numpy as np
import tensorflow as tf

from dlcourse.errors import DLCourseError
from dlcourse.interpret import _common

_TINY = 1e-8  # Keeps the step finite when the gradient vanishes.


def class_model(model, class_index, steps=150, step_size=0.05, l2=0.05, blur_every=4, blur_sigma=0.5,
                seed=0, score="logit"):
    """Class-model visualisation: the image that maximises a class score. No Keras twin.

    Starting from faint noise `x`, repeat `steps` times:

        g = d (score(x)[class_index] - l2 * sum(x ** 2)) / d x
        x = clip(x + step_size * g / mean(|g|), 0, 1)
        every `blur_every` steps: x = gaussian_blur(x, blur_sigma)

    The L2 penalty (Simonyan et al.) keeps pixels dark unless they help; the blur
    (Yosinski et al.) removes the high-frequency patterns that raise the score without
    looking like anything. Dividing by mean(|g|) gives steps of a steady size.

    Args:
        model: a Keras classifier taking float images in [0, 1].
        class_index: the class to draw.
        steps, step_size: the ascent.
        l2: the weight of the L2 penalty.
        blur_every, blur_sigma: how often and how much to blur (0: never).
        seed: seeds the starting noise.
        score: "logit" (the paper's unnormalised score) or "probability".

    Returns:
        An image (H, W, C) of float32 in [0, 1].

    Reference: Simonyan, Vedaldi & Zisserman, ICLR workshop 2014, Sec. 2; Yosinski,
    Clune, Nguyen, Fuchs & Lipson, "Understanding Neural Networks Through Deep
    Visualization", ICML workshop 2015, Sec. 3.
    """
    shape = _common.input_shape(_common.unwrap(model))
    if shape is None:
        raise DLCourseError("class_model needs a Keras model with a known input shape (H, W, C).")
    function, _ = _common.score_function(model, score)
    num_classes = int(function(tf.zeros((1, *shape))).shape[-1])
    index = int(_common.as_labels(class_index, 1, num_classes, name="class_index")[0])
    x = np.random.default_rng(seed).uniform(0.0, 0.1, size=(1, *shape)).astype(np.float32)

    def objective(images):
        return function(images)[:, index] - l2 * tf.reduce_sum(tf.square(images), axis=(1, 2, 3))

    return _ascend(objective, x, steps, step_size, blur_every, blur_sigma)[0]


def deep_dream(model, image, layer=None, steps=40, step_size=0.02, blur_every=0, blur_sigma=0.5):
    """A small DeepDream: amplify whatever a layer already sees in the image. No Keras twin.

        a = the layer's activations on x
        x = clip(x + step_size * grad(mean(a ** 2)) / mean(|grad|), 0, 1)   repeated `steps` times

    Early layers bring out strokes and textures; later ones, parts of the classes.

    Args:
        model: a functional Keras classifier.
        image: the starting image (H, W, C), floats in [0, 1].
        layer: a layer with a 4-D output (name or layer); None: the last convolution.
        steps, step_size, blur_every, blur_sigma: as `class_model`.

    Returns:
        The dreamed image (H, W, C), float32 in [0, 1].

    Reference: Mordvintsev, Olah & Tyka, "Inceptionism: Going Deeper into Neural
    Networks", Google Research blog, 2015; the keras.io DeepDream example.
    """
    from dlcourse.interpret.grad_cam import find_conv_layer

    batch, single = _common.as_batch(image, model, name="image")
    if not single:
        raise DLCourseError(f"`image` must be one image (H, W, C). Received shape {np.shape(image)}")
    network = _common.unwrap(model)
    probe = _common.probe(network, find_conv_layer(network, layer).output)

    def objective(images):
        activations = _common.own_rows(probe(images, training=False), 1)
        return tf.reduce_mean(tf.square(activations), axis=(1, 2, 3))

    return _ascend(objective, batch.astype(np.float32), steps, step_size, blur_every, blur_sigma)[0]


def _ascend(objective, x, steps, step_size, blur_every, blur_sigma):
    if steps < 1 or not step_size > 0:
        raise DLCourseError(f"`steps` must be >= 1 and `step_size` > 0. Received: steps={steps}, step_size={step_size}")
    for step in range(1, steps + 1):
        images = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(images)
            value = tf.reduce_sum(objective(images))
        grads = tape.gradient(value, images).numpy()
        x = np.clip(x + step_size * grads / (np.mean(np.abs(grads)) + _TINY), 0.0, 1.0)
        if blur_every and step % blur_every == 0 and step < steps:
            from scipy.ndimage import gaussian_filter

            x = gaussian_filter(x, sigma=(0, blur_sigma, blur_sigma, 0))
    return x.astype(np.float32)
