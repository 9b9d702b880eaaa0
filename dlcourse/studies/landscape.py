"""The loss landscape of a ResNet with and without its skip connections (Li et al. 2018).

    from dlcourse import studies
    result = studies.landscape_study("fashion_mnist", out_dir="runs/landscape")
    print(result.to_text())          # loss at the trained weights and around them
    result.figures["landscape_2d"]   # contour plots side by side

Both networks (`resnet_landscape`, `resnet_landscape_noskip`: ResNet-20 at 8-16-32
filters) train through `dlcourse.training.train` with the same data, seed and epochs.
Then, on `n` test images, the loss along one filter-normalised direction (1-D) and on a
grid spanned by two (2-D), with the same seeds for both networks. Li et al. see the
plain network's surface turn chaotic and non-convex as depth grows (ResNet-56 vs
56-noshort); at depth 20 the difference is milder and shows as a steeper, less round
bowl around the plain network's minimum.
"""

from pathlib import Path

import numpy as np

from dlcourse import interpret
from dlcourse.studies.interpret import sample_test_images, write_study
from dlcourse.training import make_config, train

RECIPES = {"with skips": "resnet_landscape", "without skips": "resnet_landscape_noskip"}


def landscape_study(dataset="fashion_mnist", epochs=None, n=256, steps=21, radius=1.0, seed=0,
                    out_dir="runs/landscape", **overrides):
    """Train both ResNets, then measure the loss around each one's trained weights.

    Args:
        dataset: the dataset both train on.
        epochs: epochs per network (default: the recipes' for the dataset).
        n: test images the loss is measured on.
        steps: points per axis (the 2-D grid costs steps**2 evaluations of the loss).
        radius: the grid spans [-radius, radius] along each direction.
        seed: the training seed, and the directions' seed.
        out_dir: runs in `out_dir/<recipe>/`, figures and `landscape.json` in `out_dir`.
        **overrides: other `RunConfig` fields for both runs.

    Returns:
        An `InterpretStudy`: one row per network with its test accuracy, the loss at the trained
        weights (`loss_0`), the mean loss on the circle of radius/2 (`loss_half`) and of
        radius (`loss_edge`) in the 2-D grid; figures `landscape_1d` and `landscape_2d`.
    """
    out_dir = Path(out_dir)
    images, labels = sample_test_images(dataset, n, seed)
    alphas = np.linspace(-radius, radius, steps)
    lines, surfaces, rows = {}, {}, []
    for name, recipe in RECIPES.items():
        config = make_config(recipe, dataset, epochs=epochs, seed=seed, run_dir=str(out_dir / recipe), **overrides)
        result = train(config, verbose=0)
        surfaces[name] = interpret.loss_landscape(result.model, images, labels, alphas, betas=alphas, seed=seed)
        # The grid's first direction is the line's (same seed): its beta = 0 row is the 1-D landscape.
        middle = int(np.argmin(np.abs(alphas)))
        lines[name] = interpret.Landscape(alphas, None, surfaces[name].losses[middle], surfaces[name].accuracies[middle])
        rows.append({"network": name, "recipe": recipe, "test_accuracy": result.metrics["test_accuracy"],
                     **_ring_losses(surfaces[name], radius)})
    title = f"{dataset}, {len(labels)} test images, filter-normalised directions (seed {seed})"
    figures = {"landscape_1d": interpret.plot_landscape(lines, out_dir / "landscape_1d.png", title=title),
               "landscape_2d": interpret.plot_landscape(surfaces, out_dir / "landscape_2d.png", title=title)}
    columns = (("network", "network", "{}"), ("test_accuracy", "test acc", "{:.3f}"), ("loss_0", "loss(0,0)", "{:.3f}"),
               ("loss_half", f"loss r={radius / 2:g}", "{:.3f}"), ("loss_edge", f"loss r={radius:g}", "{:.3f}"))
    settings = {"dataset": dataset, "n": len(labels), "steps": steps, "radius": radius, "seed": seed,
                "lines": {k: v.to_dict() for k, v in lines.items()},
                "surfaces": {k: v.to_dict() for k, v in surfaces.items()}}
    return write_study(rows, columns, figures, out_dir / "landscape.json", settings)


def _ring_losses(surface, radius):
    """The loss at the centre, and averaged over the grid points near radius/2 and radius."""
    a, b = np.meshgrid(surface.alphas, surface.betas)
    distance = np.hypot(a, b)
    spacing = surface.alphas[1] - surface.alphas[0] if len(surface.alphas) > 1 else radius
    centre = np.unravel_index(np.argmin(distance), distance.shape)

    def ring(r):
        near = np.abs(distance - r) <= spacing / 2
        return float(surface.losses[near].mean()) if near.any() else None

    return {"loss_0": float(surface.losses[centre]), "loss_half": ring(radius / 2), "loss_edge": ring(radius)}
