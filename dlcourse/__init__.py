"""dlcourse: an applied deep-learning course on TensorFlow 2 and Keras 3.

Subpackages, one per concept (import the one you need; importing `dlcourse` itself
stays light and does not load TensorFlow):

    from dlcourse import data, training, export
    ds = data.load("fashion_mnist", "train", batch_size=64)
"""

__version__ = "0.1.0"
