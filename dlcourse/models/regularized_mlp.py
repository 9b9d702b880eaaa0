"""The course MLP with the regularisers of lecture 3 switched on one at a time."""

import keras

from dlcourse import layers
from dlcourse.errors import DLCourseError
from dlcourse.models._heads import probabilities


def build_regularized_mlp(input_shape=(28, 28, 1), num_classes=10, hidden_units=(64, 32), l2=0.0,
                          dropout=0.0, batch_norm=False, name="regularized_mlp"):
    """The 784-64-32-10 ReLU MLP with optional L2, dropout and BatchNorm, from `dlcourse.layers`.

    Each hidden block, then the output:

        z = Dense(units, kernel_regularizer=L2(l2))(x)     # penalty l2 * sum(kernel**2)
        z = BatchNormalization()(z)                        # if batch_norm (Dense has no bias then)
        x = relu(z)
        x = Dropout(dropout)(x)                            # if dropout > 0
        probabilities = softmax(Dense(num_classes, kernel_regularizer=L2(l2))(x))   # float32

    L2 adds `l2 * sum(w**2)` over every kernel to the training loss (Keras convention: no
    1/2). BatchNorm's `beta` plays the role of the bias, so the Dense before it has none.
    Parameter count on 28x28x1 inputs with the default hidden units:

        plain, L2 or dropout:  784*64 + 64 + 64*32 + 32 + 32*10 + 10 = 52,650
        batch_norm=True:       52,650 - (64 + 32) biases + 4 * (64 + 32) = 52,938
                               (of which 2 * (64 + 32) = 192 moving statistics are not trained)

    Args:
        input_shape: one image's shape, e.g. (28, 28, 1).
        num_classes: output units.
        hidden_units: units of each hidden layer.
        l2: L2 penalty strength on every kernel (0 for none).
        dropout: dropout rate after each hidden ReLU, in [0, 1) (0 for none).
        batch_norm: BatchNormalization between each hidden Dense and its ReLU.
        name: the model's name.

    Returns:
        A functional `keras.Model` mapping float images in [0, 1] to class probabilities.
    """
    if l2 < 0:
        raise DLCourseError(f"`l2` must be 0 or more. Received: l2={l2}")
    if not 0.0 <= dropout < 1.0:
        raise DLCourseError(f"`dropout` must be in [0, 1). Received: dropout={dropout}")
    regularizer = layers.L2(l2) if l2 else None
    inputs = keras.Input(shape=input_shape, name="images")
    x = keras.layers.Flatten()(inputs)
    for i, units in enumerate(hidden_units, start=1):
        x = layers.Dense(units, use_bias=not batch_norm, kernel_regularizer=regularizer, name=f"hidden_{i}")(x)
        if batch_norm:
            x = layers.BatchNormalization(name=f"batch_norm_{i}")(x)
        x = keras.layers.Activation("relu", name=f"relu_{i}")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"dropout_{i}")(x)
    outputs = probabilities(layers.Dense(num_classes, kernel_regularizer=regularizer, name="logits")(x))
    return keras.Model(inputs, outputs, name=name)


def regularized_mlp_parameter_count(input_shape=(28, 28, 1), num_classes=10, hidden_units=(64, 32),
                                    batch_norm=False):
    """The parameter count of `build_regularized_mlp` by the formula in its docstring."""
    sizes = [1, *hidden_units, num_classes]
    for dim in input_shape:
        sizes[0] *= dim
    total = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    if batch_norm:
        total += sum(3 * units for units in hidden_units)  # -bias, +gamma, beta, mean, variance
    return total
