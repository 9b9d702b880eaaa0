"""`WrapperModel`: a `keras.Model` that trains a network of its own with another train step.

SAM (`SAMModel`) and adversarial training (`dlcourse.interpret.AdversarialModel`) change
how a step computes its gradients, not the network: both wrap `inner` and share what a
wrapper needs to be a drop-in for it (calling, building, saving, exporting, the `loss`
that `fit` logs).
"""

import keras
import tensorflow as tf

from dlcourse import _compat
from dlcourse.errors import DLCourseError


class WrapperModel(keras.Model):
    """Calls, builds, saves and exports as its `inner` network; subclasses write `train_step`.

    A subclass lists its own constructor arguments in `_settings()`; `get_config` and
    `from_config` then save and rebuild it with its inner network.
    """

    def __init__(self, inner, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(inner, keras.Model):
            raise DLCourseError(f"`inner` must be a keras.Model. Received: inner={inner!r}")
        self.inner = inner
        # Built with its network: resuming a finished run loads weights before any call.
        self.built = inner.built

    def call(self, inputs, training=None):
        return self.inner(inputs, training=training)

    def build(self, input_shape):
        if not self.inner.built:
            self.inner.build(input_shape)
        self.built = True

    def _track_loss(self, loss, x):
        """Update the `loss` that `fit` logs, as the default train step does (a custom one
        must): the per-replica loss times the replica count, weighted by the batch size.
        Returns (replicas, batch size) for the subclass's own trackers."""
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        batch_size = tf.shape(tf.nest.flatten(x)[0])[0]
        tracker = _compat.loss_tracker(self)
        if tracker is not None:
            tracker.update_state(loss * replicas, sample_weight=batch_size)
        return replicas, batch_size

    def export(self, filepath, format="tf_saved_model", verbose=None, **kwargs):
        """Export the inner model (the network itself) as a SavedModel."""
        return self.inner.export(filepath, format=format, verbose=verbose, **kwargs)

    def _settings(self):
        """The subclass's constructor arguments, as saved in its config."""
        return {}

    def get_config(self):
        config = super().get_config()
        config.update({"inner": keras.saving.serialize_keras_object(self.inner), **self._settings()})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        inner = keras.saving.deserialize_keras_object(config.pop("inner"), custom_objects=custom_objects)
        return cls(inner, **config)
