"""A multilayer perceptron whose forward and backward passes are written out (numpy, float64).

Layers l = 1 ... L, x_0 = the input batch (batch, features). Row-vector convention, so
`W_l` has shape (units_{l-1}, units_l) exactly like a `keras.layers.Dense` kernel
(the lecture's column-vector A_l is W_l transposed):

    z_l = x_{l-1} @ W_l + b_l                          pre-activation, (batch, units_l)
    x_l = sigma(z_l)           for l < L               hidden activations
    p   = softmax(z_L)                                 the output layer has no sigma: z_L are logits
    loss = mean_i ce(y_i, z_L[i])                      stable cross-entropy from logits

Backward, with delta_l = d loss / d z_l (the chain rule, one layer at a time):

    delta_L     = (softmax(z_L) - y) / batch           softmax and cross-entropy combined
    dW_l        = x_{l-1}^T @ delta_l                  (units_{l-1}, units_l)
    db_l        = sum over the batch of delta_l
    delta_{l-1} = (delta_l @ W_l^T) * sigma'(z_{l-1})  back through the layer, then sigma

For one sample in the lecture's notation this is d l / d A_3 = l'(x_3) sigma_3'(A_3 x_2 + b_3) x_2^T,
then d l / d A_2 = [A_3^T (l'(x_3) sigma_3'(...))] sigma_2'(A_2 x_1 + b_2) x_1^T, and so on.

Example (the course's digit MLP, 784-64-32-10, has 52,650 parameters):

    net = MLP([784, 64, 32, 10], activation="relu", seed=0)   # layer_sizes: inputs first
    history = net.fit(x, y, epochs=10, batch_size=32, learning_rate=0.1)
"""

import numpy as np

from dlcourse.errors import DLCourseError
from dlcourse.nn import activations as _activations
from dlcourse.nn import initializers as _initializers
from dlcourse.nn.losses import _one_hot, categorical_crossentropy, softmax_crossentropy_gradient
from dlcourse.nn.softmax import Softmax


class MLP:
    """A fully connected network with softmax + cross-entropy output, trained by mini-batch SGD.

    Args:
        layer_sizes: [inputs, hidden_1, ..., outputs], at least two entries.
        activation: hidden activation name or object (see `dlcourse.nn.activations`).
        initializer: kernel initialiser name or `init(shape, rng)` (biases start at 0).
        seed: seeds the initialiser and the mini-batch shuffling.
    """

    def __init__(self, layer_sizes, activation="relu", initializer="glorot_uniform", seed=0):
        layer_sizes = [int(n) for n in layer_sizes]
        if len(layer_sizes) < 2 or min(layer_sizes) < 1:
            raise DLCourseError(
                "`layer_sizes` needs at least [inputs, outputs], all >= 1. "
                f"Received: layer_sizes={layer_sizes}"
            )
        self.layer_sizes = layer_sizes
        self.activation = _activations.get(activation)
        self.rng = np.random.default_rng(seed)
        init = _initializers.get(initializer)
        self.kernels = [init((n_in, n_out), self.rng) for n_in, n_out in zip(layer_sizes, layer_sizes[1:])]
        self.biases = [np.zeros(n_out) for n_out in layer_sizes[1:]]
        self._cache = None

    @property
    def params(self):
        """[W_1, b_1, W_2, b_2, ...]: the live arrays, in `keras.Model.get_weights` order."""
        return [p for pair in zip(self.kernels, self.biases) for p in pair]

    def get_weights(self):
        return [p.copy() for p in self.params]

    def set_weights(self, weights):
        """Copy `weights` ([W_1, b_1, ...], e.g. from a Keras model) into the network."""
        if [np.shape(w) for w in weights] != [p.shape for p in self.params]:
            raise DLCourseError(
                "`weights` shapes do not match the network. "
                f"Expected: {[p.shape for p in self.params]}, received: {[np.shape(w) for w in weights]}"
            )
        for p, w in zip(self.params, weights):
            p[...] = np.asarray(w, dtype=np.float64)

    def count_params(self):
        return int(sum(p.size for p in self.params))

    def forward(self, x):
        """Logits z_L for a batch, caching every x_{l-1} and z_l for `backward`."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.layer_sizes[0]:
            raise DLCourseError(
                f"`x` must have shape (batch, {self.layer_sizes[0]}); flatten images first. "
                f"Received: x.shape={x.shape}"
            )
        inputs, pre_activations = [], []
        h = x
        for l, (w, b) in enumerate(zip(self.kernels, self.biases)):
            inputs.append(h)
            z = h @ w + b
            pre_activations.append(z)
            h = self.activation.value(z) if l < len(self.kernels) - 1 else z
        self._cache = (inputs, pre_activations)
        return h

    def loss(self, x, y):
        """Mean cross-entropy from logits (y: integer labels or one-hot rows)."""
        logits = self.forward(x)
        return float(np.mean(categorical_crossentropy(self._one_hot(y), logits, from_logits=True)))

    def backward(self, y):
        """Gradients [dW_1, db_1, ...] of the mean loss, for the batch of the last `forward`."""
        if self._cache is None:
            raise DLCourseError("Call `forward(x)` before `backward(y)`: backward reuses its cache.")
        inputs, pre_activations = self._cache
        delta = softmax_crossentropy_gradient(self._one_hot(y), pre_activations[-1]) / len(inputs[0])
        grads = []
        for l in reversed(range(len(self.kernels))):
            grads = [inputs[l].T @ delta, delta.sum(axis=0)] + grads
            if l > 0:
                delta = self.activation.vjp(pre_activations[l - 1], delta @ self.kernels[l].T)
        return grads

    def gradients(self, x, y):
        """(loss, [dW_1, db_1, ...]) for one batch: forward, then backward."""
        loss = self.loss(x, y)
        return loss, self.backward(y)

    def sgd_step(self, grads, learning_rate):
        """In place: p = p - learning_rate * g for every parameter."""
        for p, g in zip(self.params, grads):
            p -= learning_rate * g

    def fit(self, x, y, epochs=10, batch_size=32, learning_rate=0.1, shuffle=True):
        """Mini-batch SGD; returns {"loss": [...], "accuracy": [...]}, one entry per epoch.

        The epoch loss is the batch-size-weighted mean of the batch losses seen during
        the epoch (as `keras.Model.fit` logs it); accuracy is measured after the epoch.
        """
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y)
        if batch_size < 1 or epochs < 0 or learning_rate <= 0:
            raise DLCourseError(
                "`batch_size` must be >= 1, `epochs` >= 0 and `learning_rate` > 0. "
                f"Received: batch_size={batch_size}, epochs={epochs}, learning_rate={learning_rate}"
            )
        history = {"loss": [], "accuracy": []}
        for _ in range(epochs):
            order = self.rng.permutation(len(x)) if shuffle else np.arange(len(x))
            total = 0.0
            for start in range(0, len(x), batch_size):
                batch = order[start : start + batch_size]
                loss, grads = self.gradients(x[batch], y[batch])
                self.sgd_step(grads, learning_rate)
                total += loss * len(batch)
            history["loss"].append(total / len(x))
            history["accuracy"].append(self.accuracy(x, y))
        return history

    def predict(self, x):
        """Class probabilities softmax(z_L), shape (batch, outputs), like `keras.Model.predict`."""
        return Softmax().value(self.forward(x))

    def accuracy(self, x, y):
        labels = np.asarray(y)
        labels = labels.argmax(axis=-1) if labels.ndim == 2 else labels
        return float(np.mean(self.predict(x).argmax(axis=-1) == labels))

    def to_keras(self):
        """The twin `keras.Sequential` of float64 Dense layers, with these weights copied in.

        Hidden layers use the same activation name; the output layer is softmax, so the
        Keras model outputs probabilities (train it with sparse_categorical_crossentropy).
        TensorFlow keeps leaky_relu's slope as a float32 attribute, so with "leaky_relu"
        the twin differs from this network by ~1e-9 relative; other activations agree
        to float64 round-off.
        """
        import keras

        layers = [keras.Input((self.layer_sizes[0],), dtype="float64")]
        for l, n_out in enumerate(self.layer_sizes[1:]):
            last = l == len(self.kernels) - 1
            activation = "softmax" if last else _keras_name(self.activation)
            layers.append(keras.layers.Dense(n_out, activation=activation, dtype="float64"))
        model = keras.Sequential(layers)
        model.set_weights(self.get_weights())
        return model

    def _one_hot(self, y):
        y = np.asarray(y)
        if y.ndim == 2:
            return y.astype(np.float64)
        return _one_hot(y, self.layer_sizes[-1])


def _keras_name(activation):
    # Keras' activation names take default parameters only: leaky_relu 0.2, elu 1.0.
    if getattr(activation, "negative_slope", 0.2) != 0.2 or getattr(activation, "alpha", 1.0) != 1.0:
        raise DLCourseError(
            "`to_keras` supports only Keras' defaults: leaky_relu negative_slope=0.2, elu alpha=1.0. "
            f"Received: {activation!r}"
        )
    return "silu" if activation.name == "swish" else activation.name
