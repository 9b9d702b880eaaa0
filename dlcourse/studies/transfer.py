"""Transfer learning offline: pretrain a conv base on five classes, reuse it for the other five.

    from dlcourse import studies
    result = studies.transfer_study(out_dir="runs/transfer")      # Fashion-MNIST
    print(result.to_text())     # the table; runs/transfer/transfer.json and transfer.png

    pretrain   base + head on classes 0-4 (T-shirt ... Coat), all their training images
    target     classes 5-9 (Sandal ... Ankle boot) with 1 % of their labels (54 per class)
    scratch    the same network, random weights, trained on the target labels alone
    frozen     the pretrained base frozen, a new head trained on top
    fine_tuned_bn_training  from `frozen`, everything unfrozen: BatchNorm back in training mode
    fine_tuned              from `frozen`, everything unfrozen but BatchNorm (kept frozen)
    imagenet_frozen         (online=True) a new head on a frozen keras.applications
                            MobileNetV2 with ImageNet weights; offline, one line says why not

The BatchNorm trap. A frozen BatchNormalization layer (`trainable = False`) runs in
inference mode: it normalises with the moving mean and variance learned in pretraining.
Unfreeze it and `fit` runs it in training mode again: it normalises with the statistics
of each small batch of the new classes and overwrites its moving statistics, so the
features the head was trained on shift under it. The usual advice, calling the base as
`base(x, training=False)`, does not help here: in Keras 3.15 a functional model passes
`fit`'s `training=True` down to every nested layer, replacing the `False` given when
the model was built (keras-team/keras#20285; the study checks it: `moving_stats_changed`).
What works is keeping the BatchNormalization layers themselves frozen while the rest of
the base is fine-tuned.

Measured with the defaults (Fashion-MNIST, seed 0, 2 cores, 2 minutes): pretrain 0.885 on
classes 0-4; on classes 5-9 with 270 labels, scratch 0.908, frozen 0.744, fine-tuned
with BatchNorm unfrozen 0.694 one epoch after unfreezing (the trap: below the frozen
model it started from) and 0.903 at the end, with BatchNorm kept frozen 0.770 and 0.879.
Two lessons in one table: features of tops and dresses transfer poorly to shoes and
bags (a linear head on them reaches 0.744, while 270 labels suffice to train this small
network from scratch), and unfrozen BatchNorm first costs accuracy, then, re-estimated
on the new images, can recover it (the statistics themselves are worth adapting to a
new domain; the trap is losing the head's footing on the way).

The runner trains on whole datasets; these runs need a subset of classes and 1 % of
the labels, so they build their data with `data.split_arrays` and
`data.pipeline.make_pipeline` and call `model.fit` directly, with the seeds set.
"""

import dataclasses
from pathlib import Path

import keras
import numpy as np

from dlcourse import data
from dlcourse._io import write_json_atomic
from dlcourse.data.pipeline import make_pipeline
from dlcourse.errors import DLCourseError
from dlcourse.studies._table import format_table

BASE_FILTERS = (16, 32, 64)
COLUMNS = (("run", "run", "{}"), ("labels", "labels", "{:,}"), ("trainable", "trainable", "{:,}"),
           ("test_accuracy", "test acc", "{:.4f}"), ("after_1_epoch", "after 1 epoch", "{}"),
           ("moving_stats_changed", "BN stats changed", "{}"))


@dataclasses.dataclass
class TransferStudy:
    """What `transfer_study` returns: `rows` (one dict per run), `settings`, `to_text()`,
    and the files written (`json_path`, `figure_path`)."""

    rows: list
    settings: dict
    json_path: Path = None
    figure_path: Path = None

    def to_text(self):
        """The rows as an aligned plain-text table, then a line per skipped run."""
        skipped = [f"{row['run']}: {row['skipped']}" for row in self.rows if "skipped" in row]
        return "\n".join([format_table(COLUMNS, self.rows, left=1), *skipped])

    def row(self, run):
        return next(r for r in self.rows if r["run"] == run)


def build_conv_base(input_shape, filters=BASE_FILTERS, name="conv_base"):
    """Conv 3x3 - BatchNorm - ReLU - max-pool blocks, then global average pooling: a feature extractor."""
    inputs = keras.Input(input_shape, name="images")
    x, size = inputs, min(input_shape[:2])
    for i, f in enumerate(filters, start=1):
        x = keras.layers.Conv2D(f, 3, padding="same", use_bias=False, name=f"conv_{i}")(x)
        # Momentum 0.9, not 0.99: the moving statistics settle within the few hundred
        # steps of a small pretraining set (after 100 steps 0.99 still keeps 37 % of the
        # initial mean 0 and variance 1, and inference accuracy lags far behind training).
        x = keras.layers.BatchNormalization(momentum=0.9, name=f"bn_{i}")(x)
        x = keras.layers.Activation("relu")(x)
        if size > 2:
            x = keras.layers.MaxPooling2D(2)(x)
            size //= 2
    return keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(x), name=name)


def _classifier(base, num_classes):
    inputs = keras.Input(base.input_shape[1:], name="images")
    # The keras.io advice; a no-op under fit in Keras 3.15 (see the module docstring).
    features = base(inputs, training=False)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax", name="head")(features))


def transfer_study(dataset="fashion_mnist", source_classes=(0, 1, 2, 3, 4), target_classes=(5, 6, 7, 8, 9),
                   label_fraction=0.01, pretrain_epochs=3, epochs=40, fine_tune_epochs=20, batch_size=32,
                   seed=0, max_source_examples=None, online=False, out_dir="runs/transfer"):
    """Pretrain on `source_classes`, then learn `target_classes` from few labels, four ways.

    Args:
        dataset: an image dataset name.
        source_classes, target_classes: disjoint class indices.
        label_fraction: the fraction of each target class's training images whose label
            is used (at least one per class).
        pretrain_epochs: epochs on the source classes (batch 64, Adam 1e-3).
        epochs: epochs of `scratch` and `frozen` on the target labels (Adam 1e-3).
        fine_tune_epochs: further epochs of the fine-tuned runs (Adam 1e-4).
        batch_size: the target runs' batch size.
        seed: seeds the weights, the label sample and the data order.
        max_source_examples: cap on the pretraining images (None: all).
        online: also try a `keras.applications` MobileNetV2 with ImageNet weights as a
            frozen base (row `imagenet_frozen`); when the weights cannot be had, the
            row says so in one line (`skipped`) and nothing is downloaded.
        out_dir: where `transfer.json` (rows, settings) and `transfer.png` (test
            accuracy per run) are written.

    Returns:
        A `TransferStudy`; each row has `test_accuracy` on the target classes' test
        images (the source classes' for `pretrain`), `trainable` parameters, and for
        the fine-tuned runs `after_1_epoch` (test accuracy one epoch after unfreezing)
        and `moving_stats_changed`.
    """
    if set(source_classes) & set(target_classes) or not source_classes or not target_classes:
        raise DLCourseError(f"`source_classes` and `target_classes` must be disjoint and non-empty. "
                            f"Received: {source_classes} and {target_classes}")
    if not 0.0 < label_fraction <= 1.0:
        raise DLCourseError(f"`label_fraction` must be in (0, 1]. Received: label_fraction={label_fraction}")
    keras.utils.set_random_seed(seed)
    source, source_test, target, test = _splits(dataset, source_classes, target_classes, label_fraction,
                                                seed, max_source_examples)
    input_shape = source[0].shape[1:]
    pretrained = build_conv_base(input_shape)
    source_model = _classifier(pretrained, len(source_classes))
    _fit(source_model, source, pretrain_epochs, 1e-3, 64, seed)
    rows = [{**_row("pretrain", source_model, source, source_test), "classes": list(source_classes)}]

    keras.utils.set_random_seed(seed + 1)
    scratch = _classifier(build_conv_base(input_shape), len(target_classes))
    _fit(scratch, target, epochs, 1e-3, batch_size, seed)
    rows.append(_row("scratch", scratch, target, test))

    keras.utils.set_random_seed(seed + 1)
    base = build_conv_base(input_shape)
    base.set_weights(pretrained.get_weights())
    base.trainable = False
    frozen = _classifier(base, len(target_classes))
    _fit(frozen, target, epochs, 1e-3, batch_size, seed)
    rows.append(_row("frozen", frozen, target, test))
    for run, keep_bn_frozen in (("fine_tuned_bn_training", False), ("fine_tuned", True)):
        rows.append(_fine_tune(run, frozen, keep_bn_frozen, target, test, fine_tune_epochs, batch_size, seed))
    if online:
        rows.append(_imagenet_row(target, test, epochs, batch_size, seed))
    settings = dict(dataset=dataset, source_classes=list(source_classes), target_classes=list(target_classes),
                    label_fraction=label_fraction, pretrain_epochs=pretrain_epochs, epochs=epochs,
                    fine_tune_epochs=fine_tune_epochs, seed=seed)
    out_dir = Path(out_dir)
    json_path = write_json_atomic(out_dir / "transfer.json", {"settings": settings, "rows": rows})
    return TransferStudy(rows, settings, json_path, plot_transfer(rows, out_dir / "transfer.png", dataset))


def plot_transfer(rows, path, title=None):
    """Test accuracy per run (bars), and one epoch after unfreezing (dots) for the fine-tuned runs."""
    from dlcourse import plots

    rows = [r for r in rows if "test_accuracy" in r]
    fig, ax = plots.figure(size=(7.0, 3.5))
    positions = np.arange(len(rows))
    ax.bar(positions, [r["test_accuracy"] for r in rows], color="tab:blue", label="test accuracy")
    tuned = [(i, r["after_1_epoch"]) for i, r in enumerate(rows) if r.get("after_1_epoch") is not None]
    if tuned:
        ax.plot(*zip(*tuned), "o", color="tab:orange", label="1 epoch after unfreezing")
    ax.set_xticks(positions, [r["run"] for r in rows], rotation=20, fontsize=8)
    ax.set_ylim(0, 1)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return plots.save_figure(fig, path)


def _fine_tune(run, frozen, keep_bn_frozen, target, test, epochs, batch_size, seed):
    """A copy of the `frozen` model with its base unfrozen (BatchNorm too, or not), trained on."""
    model = keras.models.clone_model(frozen)
    model.set_weights(frozen.get_weights())
    base = model.get_layer("conv_base")
    base.trainable = True
    norms = [layer for layer in base.layers if isinstance(layer, keras.layers.BatchNormalization)]
    for layer in norms:
        layer.trainable = not keep_bn_frozen  # Frozen BatchNorm runs in inference mode.
    before = [np.array(layer.moving_mean) for layer in norms]
    _fit(model, target, 1, 1e-4, batch_size, seed)
    after_1_epoch = _accuracy(model, test)
    _fit(model, target, epochs, 1e-4, batch_size, seed, initial_epoch=1)
    changed = any(not np.allclose(b, layer.moving_mean) for b, layer in zip(before, norms))
    return {**_row(run, model, target, test), "after_1_epoch": round(after_1_epoch, 4),
            "moving_stats_changed": changed}


def _splits(dataset, source_classes, target_classes, label_fraction, seed, max_source_examples):
    """(source, source_test, target, test) as `(images, labels)`, labels renumbered from 0."""
    images, labels = data.split_arrays(dataset, "train")
    test_images, test_labels = data.split_arrays(dataset, "test")
    rng = np.random.default_rng(seed)
    source_idx = np.flatnonzero(np.isin(labels, source_classes))
    if max_source_examples:
        source_idx = np.sort(rng.permutation(source_idx)[:max_source_examples])
    target_idx = []
    for c in target_classes:
        members = np.flatnonzero(labels == c)
        take = max(1, int(round(label_fraction * len(members))))
        target_idx.extend(rng.choice(members, size=min(take, len(members)), replace=False))
    source_test_idx = np.flatnonzero(np.isin(test_labels, source_classes))
    test_idx = np.flatnonzero(np.isin(test_labels, target_classes))
    if not len(source_idx) or not len(test_idx):
        raise DLCourseError(f"{dataset} has no images of classes {source_classes} or {target_classes}.")
    renumber = lambda y, classes: np.searchsorted(np.sort(classes), y).astype("int32")  # noqa: E731
    target_idx = np.sort(np.array(target_idx))
    return ((images[source_idx], renumber(labels[source_idx], source_classes)),
            (test_images[source_test_idx], renumber(test_labels[source_test_idx], source_classes)),
            (images[target_idx], renumber(labels[target_idx], target_classes)),
            (test_images[test_idx], renumber(test_labels[test_idx], target_classes)))


def _fit(model, arrays, epochs, learning_rate, batch_size, seed, initial_epoch=0):
    if initial_epoch == 0:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    train = make_pipeline(*arrays, batch_size, shuffle=True, seed=seed)
    model.fit(train, epochs=initial_epoch + epochs, initial_epoch=initial_epoch, verbose=0, shuffle=False)


def _accuracy(model, arrays):
    return float(model.evaluate(make_pipeline(*arrays, 512), verbose=0, return_dict=True)["accuracy"])


def _trainable(model):
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


def _row(run, model, target, test):
    return {"run": run, "labels": len(target[1]), "trainable": _trainable(model),
            "test_accuracy": round(_accuracy(model, test), 4)}


def _imagenet_row(target, test, epochs, batch_size, seed):
    """The `imagenet_frozen` row, or a `skipped` one saying in one line why not."""
    from dlcourse.studies._imagenet import imagenet_classifier

    keras.utils.set_random_seed(seed)
    model, message = imagenet_classifier(target[0].shape[1:], int(target[1].max()) + 1)
    if model is None:
        return {"run": "imagenet_frozen", "skipped": message}
    _fit(model, target, epochs, 1e-3, batch_size, seed)
    return {**_row("imagenet_frozen", model, target, test), "note": message}
