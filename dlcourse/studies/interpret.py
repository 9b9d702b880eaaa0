"""Looking inside networks, as experiments: robustness, representations by depth, and the
lecture's small network drawn as images.

    from dlcourse import studies
    result = studies.robustness_study("fashion_mnist", out_dir="runs/robustness")
    print(result.to_text())        # accuracy against eps, FGSM and PGD, clean vs adversarial training
    studies.depth_study("fashion_mnist").to_text()       # separation score per layer of the MLP
    studies.small_net_study("fashion_mnist").figures     # its 8 units' weights as images

Each trains through `dlcourse.training.train` (each run in `out_dir/<recipe>/`), writes a
JSON table and PNG figures in `out_dir`, and returns an `InterpretStudy`. The loss-landscape study
is in `dlcourse.studies.landscape`.
"""

import dataclasses
from pathlib import Path

import numpy as np

from dlcourse import data, interpret
from dlcourse._io import write_json_atomic
from dlcourse.errors import DLCourseError
from dlcourse.studies._table import format_table
from dlcourse.training import make_config, train, versions

EPSILONS = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2)


@dataclasses.dataclass
class InterpretStudy:
    """A study's table (`rows`, printed by `to_text` with `columns`), figures and JSON file."""

    rows: list
    columns: tuple
    figures: dict
    json_path: Path
    settings: dict

    def to_text(self):
        return format_table(self.columns, self.rows, left=1)


def sample_test_images(dataset, n, seed=0):
    """`n` test images (float32 in [0, 1]) and labels, drawn at random without repeats."""
    images, labels = data.split_arrays(dataset, "test")
    picks = np.sort(np.random.default_rng(seed).choice(len(images), size=min(n, len(images)), replace=False))
    return images[picks].astype(np.float32) / 255.0, labels[picks].astype(np.int32)


def accuracy_vs_epsilon(model, images, labels, epsilons=EPSILONS, pgd_steps=10, seed=0):
    """Accuracy on FGSM and PGD examples at each `eps`: one dict per eps."""
    rows = []
    for eps in epsilons:
        row = {"eps": float(eps)}
        for method in ("fgsm", "pgd"):
            attacked = images if eps == 0 else interpret.attack(
                model, images, labels, method, eps, seed=seed, **({"steps": pgd_steps} if method == "pgd" else {}))
            row[method] = interpret.accuracy(model, attacked, labels)
        rows.append(row)
    return rows


def robustness_study(dataset="fashion_mnist", recipes=("cnn_fast", "cnn_fast_adversarial"), epochs=None,
                     n_test=1000, epsilons=EPSILONS, pgd_steps=10, seed=0, out_dir="runs/robustness", **overrides):
    """Train each recipe, then attack its test images at each eps with FGSM and PGD.

    Returns:
        An `InterpretStudy`: one row per (recipe, eps) with `clean`, `fgsm` and `pgd` accuracy;
        figure `accuracy_vs_eps` (one line per recipe and attack).
    """
    out_dir = Path(out_dir)
    images, labels = sample_test_images(dataset, n_test, seed)
    curves, rows = {}, []
    for recipe in recipes:
        config = make_config(recipe, dataset, epochs=epochs, seed=seed, run_dir=str(out_dir / recipe), **overrides)
        model = train(config, verbose=0).model
        curves[recipe] = accuracy_vs_epsilon(model, images, labels, epsilons, pgd_steps, seed)
        clean = interpret.accuracy(model, images, labels)
        rows += [{"recipe": recipe, "clean": clean, **row} for row in curves[recipe]]
    figures = {"accuracy_vs_eps": plot_accuracy_vs_epsilon(curves, out_dir / "accuracy_vs_eps.png",
                                                           title=f"{dataset}, {len(labels)} test images")}
    columns = (("recipe", "recipe", "{}"), ("eps", "eps", "{:.2f}"), ("clean", "clean", "{:.3f}"),
               ("fgsm", "FGSM", "{:.3f}"), ("pgd", f"PGD-{pgd_steps}", "{:.3f}"))
    settings = {"dataset": dataset, "recipes": list(recipes), "n_test": len(labels), "pgd_steps": pgd_steps,
                "seed": seed, "epochs": epochs}
    return write_study(rows, columns, figures, out_dir / "robustness.json", settings)


def plot_accuracy_vs_epsilon(curves, path, title=None):
    """Accuracy against eps: solid lines FGSM, dashed PGD, one colour per model."""
    from dlcourse import plots

    fig, ax = plots.figure(size=(5.5, 4.0))
    for k, (name, rows) in enumerate(curves.items()):
        eps = [r["eps"] for r in rows]
        ax.plot(eps, [r["fgsm"] for r in rows], "o-", color=f"C{k}", label=f"{name}, FGSM")
        ax.plot(eps, [r["pgd"] for r in rows], "s--", color=f"C{k}", label=f"{name}, PGD")
    ax.set_xlabel("eps (L-infinity, images in [0, 1])")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    if title:
        ax.set_title(title, fontsize=9)
    return plots.save_figure(fig, path)


def depth_study(dataset="fashion_mnist", recipe="mlp", epochs=None, n=1000, methods=("pca", "tsne"), seed=0,
                out_dir="runs/depth", **overrides):
    """Train `recipe` (the course MLP), then project its test images' representation at
    the input, every hidden layer and the logits; score how well the classes separate.

    Returns:
        An `InterpretStudy`: one row per layer (`layer`, `dimensions`, `separation`); one figure
        per projection method (`depth_pca`, `depth_tsne`).
    """
    out_dir = Path(out_dir)
    config = make_config(recipe, dataset, epochs=epochs, seed=seed, run_dir=str(out_dir / recipe), **overrides)
    model = train(config, verbose=0).model
    images, labels = sample_test_images(dataset, n, seed)
    names = list(data.info(dataset).class_names)
    figures, rows = {}, None
    for method in methods:
        by_layer = interpret.representations_by_depth(model, images, labels, method=method, seed=seed)
        rows = rows or [{k: r[k] for k in ("layer", "dimensions", "separation")} for r in by_layer]
        figures[f"depth_{method}"] = interpret.plot_representations(
            by_layer, labels, out_dir / f"depth_{method}.png", class_names=names,
            title=f"{recipe} on {dataset}: {method.upper()} of {len(labels)} test images")
    columns = (("layer", "layer", "{}"), ("dimensions", "dims", "{:d}"), ("separation", "separation", "{:.3f}"))
    settings = {"dataset": dataset, "recipe": recipe, "n": len(labels), "methods": list(methods), "seed": seed}
    return write_study(rows, columns, figures, out_dir / "depth.json", settings)


def build_small_net(input_shape, num_classes=4, units=8):
    """The lecture's small network: flatten, one hidden ReLU layer of `units`, softmax."""
    import keras

    inputs = keras.Input(input_shape, name="images")
    x = keras.layers.Dense(units, activation="relu", name="hidden")(keras.layers.Flatten()(inputs))
    x = keras.layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, keras.layers.Activation("softmax", name="probabilities")(x), name="small_net")


def small_net_study(dataset="fashion_mnist", classes=(0, 1, 2, 3), units=8, epochs=10, seed=0, out_dir="runs/small_net"):
    """Train the small network on `classes` only, and draw each hidden unit's weights as an image.

    The runner trains named datasets with all their classes; a four-class subset is
    fitted here with `model.fit` on the arrays (the same compile settings as `mlp`'s
    digits recipe: SGD 0.1, batch 32).

    Returns:
        An `InterpretStudy`: one row per unit (its weight range, and the class its output weights
        favour most); figure `small_net_weights`.
    """
    import keras

    if len(set(classes)) < 2:
        raise DLCourseError(f"`classes` must name at least two classes. Received: classes={classes}")
    keras.utils.set_random_seed(seed)
    arrays = [data.split_arrays(dataset, split) for split in ("train", "test")]
    (x, y), (x_test, y_test) = [_subset(images, labels, classes) for images, labels in arrays]
    model = build_small_net(x.shape[1:], len(classes), units)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, shuffle=True)
    weights = interpret.dense_weight_images(model, "hidden")
    out = model.get_layer("logits").get_weights()[0]  # (units, classes)
    names = [data.info(dataset).class_names[c] for c in classes]
    accuracy = interpret.accuracy(model, x_test, y_test)
    titles = [f"unit {k}: +{names[int(np.argmax(out[k]))]}" for k in range(units)]
    figures = {"small_net_weights": interpret.plot_filters(
        weights, Path(out_dir) / "small_net_weights.png", ncols=min(units, 8), titles=titles,
        title=f"{units} hidden units on {', '.join(names)} (test accuracy {accuracy:.3f})")}
    rows = [{"unit": k, "favours": names[int(np.argmax(out[k]))], "weight_min": float(weights[k].min()),
             "weight_max": float(weights[k].max())} for k in range(units)]
    columns = (("unit", "unit", "{}"), ("favours", "favours", "{}"), ("weight_min", "min w", "{:.3f}"),
               ("weight_max", "max w", "{:.3f}"))
    settings = {"dataset": dataset, "classes": list(classes), "units": units, "epochs": epochs,
                "test_accuracy": accuracy}
    return write_study(rows, columns, figures, Path(out_dir) / "small_net.json", settings)


def _subset(images, labels, classes):
    keep = np.isin(labels, classes)
    relabel = {c: i for i, c in enumerate(classes)}
    return images[keep].astype(np.float32) / 255.0, np.array([relabel[c] for c in labels[keep]], np.int32)


def write_study(rows, columns, figures, json_path, settings):
    """Write the study's JSON (settings, rows, figure paths, versions) and return it as an `InterpretStudy`."""
    write_json_atomic(json_path, {"settings": settings, "rows": rows, "figures": figures, "versions": versions()})
    return InterpretStudy(rows, columns, figures, json_path, settings)
