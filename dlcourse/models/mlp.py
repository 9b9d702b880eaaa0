"""The course's digit-recognition MLP (lecture 2)."""

import math

import keras

from dlcourse.models._heads import classifier_output


def build_mlp(input_shape=(28, 28, 1), num_classes=10, hidden_units=(64, 32),
              activation="relu", dropout=0.0, name="mlp", kernel_initializer="glorot_uniform"):
    """A multilayer perceptron: flatten, dense hidden layers, softmax output.

    With the defaults it is the lecture's 784-64-32-10 network with ReLU and softmax:

        784*64 + 64 + 64*32 + 32 + 32*10 + 10 = 52,650 parameters

    Args:
        input_shape: one image's shape, e.g. (28, 28, 1).
        num_classes: output units.
        hidden_units: units of each hidden layer.
        activation: hidden activation.
        dropout: dropout rate after each hidden layer (0 for none).
        name: the model's name.
        kernel_initializer: the hidden layers' kernel initialiser (Keras's default
            Glorot; "he_normal" is the fan-in rule for ReLU: std sqrt(2 / fan_in)).
            The softmax layer keeps Glorot.

    Returns:
        A functional `keras.Model` mapping float images in [0, 1] to class probabilities.
    """
    inputs = keras.Input(shape=input_shape, name="images")
    x = keras.layers.Flatten()(inputs)
    for i, units in enumerate(hidden_units):
        x = keras.layers.Dense(units, activation=activation, kernel_initializer=kernel_initializer,
                               name=f"hidden_{i + 1}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"dropout_{i + 1}")(x)
    outputs = classifier_output(x, num_classes)
    return keras.Model(inputs, outputs, name=name)


def mlp_parameter_count(input_shape=(28, 28, 1), num_classes=10, hidden_units=(64, 32)):
    """The parameter count of `build_mlp` with these arguments, by the formula."""
    sizes = [math.prod(input_shape), *hidden_units, num_classes]
    return sum(a * b + b for a, b in zip(sizes, sizes[1:]))
