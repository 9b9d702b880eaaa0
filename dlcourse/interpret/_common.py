"""What every interpret function checks and needs: images, labels, classes, the class score.

A "model" here is a Keras classifier taking float images in [0, 1] and returning class
probabilities (as the recipes build them), or any callable doing the same, such as the
`serve_float` endpoint of an exported model.

Gradients need the backend's tape: interpret is a component package, but Keras has no
backend-neutral gradient, so `tf.GradientTape` is used directly (Keras runs on TensorFlow).
"""

import keras
import numpy as np
import tensorflow as tf

from dlcourse.errors import DLCourseError


def as_batch(images, model=None, name="images"):
    """`(batch, single)`: float images as a (batch, H, W, C) array, and whether one
    image (H, W, C) was given (the caller then drops the batch axis of its result)."""
    array = np.asarray(images)
    if not np.issubdtype(array.dtype, np.floating):
        raise DLCourseError(
            f"`{name}` must be floats in [0, 1]. Received dtype {array.dtype}: divide uint8 images by 255."
        )
    single = array.ndim == 3
    array = array[np.newaxis] if single else array
    expected = input_shape(model)
    if array.ndim != 4 or array.shape[0] == 0 or (expected and array.shape[1:] != expected):
        wanted = "x".join(map(str, expected)) if expected else "H x W x C"
        raise DLCourseError(
            f"`{name}` must be one image or a non-empty batch of {wanted} images. Received shape {array.shape}"
        )
    if not np.all(np.isfinite(array)) or array.min() < 0 or array.max() > 1:
        raise DLCourseError(f"`{name}` must hold finite values in [0, 1]. Received min {array.min()}, max {array.max()}")
    return array, single


def input_shape(model):
    """One image's shape the model takes, or None when it does not say."""
    shape = getattr(model, "input_shape", None)
    if isinstance(shape, tuple) and len(shape) == 4 and None not in shape[1:]:
        return tuple(shape[1:])
    return None


def as_labels(labels, batch, num_classes=None, name="labels"):
    """Integer labels of shape (batch,), each in [0, num_classes)."""
    array = np.asarray(labels)
    array = np.full(batch, array) if array.ndim == 0 else array
    if not np.issubdtype(array.dtype, np.integer) or array.shape != (batch,):
        raise DLCourseError(f"`{name}` must be {batch} integer class indices. Received {array.dtype} {array.shape}")
    if array.min() < 0 or (num_classes and array.max() >= num_classes):
        valid = f"lie in [0, {num_classes})" if num_classes else "be non-negative class indices"
        raise DLCourseError(f"`{name}` must {valid}. Received min {array.min()}, max {array.max()}")
    return array.astype(np.int32)


def forward(model, images, training=False):
    """The model's output on `images` (a Keras model is called in inference mode)."""
    if isinstance(model, keras.layers.Layer):
        return model(images, training=training)
    return model(images)


def classes_for(model, images, class_index):
    """The class to explain per image: `class_index` (an int or one per image), or the
    predicted class when None."""
    if class_index is None:
        return np.argmax(predict(model, images), axis=-1).astype(np.int32)
    return as_labels(class_index, len(images), name="class_index")


def predict(model, images, batch_size=256):
    """Probabilities as a numpy array, computed in batches."""
    parts = [np.asarray(forward(model, tf.constant(images[i:i + batch_size], tf.float32)))
             for i in range(0, len(images), batch_size)]
    return np.concatenate(parts)


def unwrap(model):
    """The network inside a training wrapper (SAM, adversarial training), else `model`."""
    inner = getattr(model, "inner", None)
    return inner if isinstance(inner, keras.Model) else model


def score_function(model, score="logit"):
    """`(f, from_logits)`: `f(images)` gives the class scores to explain or attack.

    `score="logit"` explains the input of the final softmax when the model ends with
    one (as every recipe's model does): unnormalised class scores, as in Simonyan et
    al. (2014) and Grad-CAM, which do not saturate as probabilities near 1 do. Without a
    final softmax layer (or for `score="probability"`), `f` gives the probabilities.
    """
    if score not in ("logit", "probability"):
        raise DLCourseError(f"`score` must be 'logit' or 'probability'. Received: score={score!r}")
    logits = logits_model(unwrap(model)) if score == "logit" else None
    if logits is None:
        return (lambda x: forward(model, x)), False
    return (lambda x: logits(x, training=False)), True


def logits_model(model):
    """A model from the same inputs to the input of the final softmax layer, or None."""
    if not isinstance(model, keras.Model) or not ends_with_softmax(model):
        return None
    try:
        return probe(model, model.layers[-1].input)
    except (ValueError, AttributeError, TypeError):  # A subclassed model has no graph to cut.
        return None


def ends_with_softmax(model):
    """Whether the model's last layer is a softmax `Activation` (the recipes' output layer)."""
    last = model.layers[-1] if model.layers else None
    return isinstance(last, keras.layers.Activation) and getattr(last.activation, "__name__", "") == "softmax"


def probe(model, outputs):
    """A model from `model`'s input to `outputs` (tensors of its graph), sharing its layers."""
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs  # A bare tensor is called with one.
    return keras.Model(inputs, outputs)


def own_rows(tensor, batch):
    """The first `batch` rows of a layer's output.

    A model that mirrors its batch at test time (`cnn_fast` appends each image's
    mirror image) gives inner layers twice the rows; the first `batch` are the images
    themselves. For other models this is the whole output.
    """
    return tensor[:batch]


def gradients(function, images, classes):
    """d function(images)[b, classes[b]] / d images, one row per image, and the scores."""
    x = tf.constant(images, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = tf.gather(function(x), classes, axis=1, batch_dims=1)
    return tape.gradient(scores, x).numpy(), scores.numpy()
