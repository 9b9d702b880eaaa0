"""The `classify` task: images in, class probabilities out.

    data      data.load(dataset, split): float32 images in [0, 1], int32 labels
    compile   sparse categorical cross-entropy + accuracy (one-hot with mixup/cutmix)
    metrics   test_loss, test_accuracy
    export    serve(uint8 images) -> probabilities, read by `dlcourse predict`

With `config.standardize`, the model first maps each channel to mean 0 and variance 1
with the training split's statistics (a `Normalization` layer), so the statistics
travel inside the export.
"""

import keras
import numpy as np
import tensorflow as tf

from dlcourse import data
from dlcourse.errors import DLCourseError
from dlcourse.training.tasks.base import Task, check_replicas, register_task

SOFT_LABEL_AUGMENTATIONS = ("mixup", "cutmix")


class ClassifyTask(Task):
    name = "classify"
    export_command = "predict"

    def data(self, config, strategy=None):
        info = data.info(config.dataset, config.validation_size)
        check_replicas(config, strategy)
        augment = None
        if config.augment:
            from dlcourse.data.augment import make_augmenter

            augment = make_augmenter(config.augment, info.num_classes, seed=config.seed)
        common = dict(batch_size=config.batch_size, validation_size=config.validation_size)
        # Under a strategy only training needs equal batches on every replica; evaluation
        # takes the last partial batch, so test metrics count every example.
        splits = {
            "train": data.load(config.dataset, "train", shuffle=True, seed=config.seed, augment=augment,
                               drop_remainder=strategy is not None, **common),
            "validation": data.load(config.dataset, "validation", **common),
            "test": data.load(config.dataset, "test", **common),
        }
        if _soft_labels(config):
            one_hot = lambda x, y: (x, tf.one_hot(y, info.num_classes))  # noqa: E731
            for name in ("validation", "test"):
                splits[name] = splits[name].map(one_hot)
        return info, splits

    def build(self, config, info, recipe):
        model = recipe.build(info.input_shape, info.num_classes)
        return _standardized(model, config, info) if config.standardize else model

    def compile(self, model, config, make_optimizer):
        soft = _soft_labels(config)
        model.compile(
            optimizer=make_optimizer(),
            loss="categorical_crossentropy" if soft else "sparse_categorical_crossentropy",
            metrics=["categorical_accuracy" if soft else "accuracy"],
            steps_per_execution=config.steps_per_execution,
            jit_compile=config.jit_compile,
        )
        model.optimizer.build(model.trainable_variables)

    def metrics(self, config, info, model, splits):
        # A dict: models with their own train_step (SAM) log extra metrics.
        test = model.evaluate(splits["test"], verbose=0, return_dict=True)
        return {"test_loss": float(test["loss"]),
                "test_accuracy": float(test.get("accuracy", test.get("categorical_accuracy")))}

    def export(self, model, path, info, config):
        from dlcourse.export.saved_model import write_classifier

        return write_classifier(model, path, info)


def _soft_labels(config):
    return any(a in SOFT_LABEL_AUGMENTATIONS for a in config.augment)


def _standardized(model, config, info):
    """`model` behind a per-channel standardisation fitted on the training split."""
    if type(model).train_step is not keras.Model.train_step:
        # Wrapping would hide its own train_step (SAM): the outer model trains plainly.
        raise DLCourseError(
            f"--standardize needs a model trained by the default train_step; recipe "
            f"{config.recipe!r} builds a {type(model).__name__}. Train it without --standardize."
        )
    images, _ = data.split_arrays(config.dataset, "train", config.validation_size)
    x = images.astype(np.float64) / 255.0
    axes = tuple(range(x.ndim - 1))  # Every axis but the channels.
    mean, variance = x.mean(axis=axes), np.maximum(x.var(axis=axes), 1e-12)
    inputs = keras.Input(info.input_shape, name="images")
    scaled = keras.layers.Normalization(axis=-1, mean=mean, variance=variance, name="standardize")(inputs)
    return keras.Model(inputs, model(scaled), name=f"{model.name}_standardized")


register_task(ClassifyTask())
