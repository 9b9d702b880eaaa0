"""Lecture 6's measurements: FID of each generative model, and mode collapse on a ring.

    from dlcourse import studies
    table = studies.fid_table(epochs=5, fid_samples=10_000)        # dcgan, wgan_gp, sngan, vae, ddpm
    print(table.to_text())     # FID, seconds per epoch, parameters; table.figure_path: sample grids
    ring = studies.mode_collapse_table(seeds=(0, 1, 2))           # gan_ring, wgan_gp_ring, sngan_ring
    print(ring.to_text())      # modes covered and high-quality share per model, over seeds

Every model is one `dlcourse.training.train` of its recipe (in `out_dir/<recipe>/`, seed
fixed, resumable), so re-running the study resumes or repeats it. FID here is computed on
`fid_samples` generated images against as many test images, on the features of the
package's classifier (`dlcourse.metrics.load_fid_classifier`); the run's own
`metrics.json` has FID at the recipe's (smaller) sample count. Written in `out_dir`:
`<study>.json` (rows, settings) and `<study>.png` (sample grids or point clouds).
"""

import dataclasses
from pathlib import Path

import numpy as np

from dlcourse import data, metrics
from dlcourse._io import write_json_atomic
from dlcourse.studies._table import format_table
from dlcourse.training import make_config, train, versions
from dlcourse.training.tasks.generate import generated

FID_RECIPES = ("dcgan", "wgan_gp", "sngan", "vae", "ddpm")
RING_RECIPES = ("gan_ring", "wgan_gp_ring", "sngan_ring")
FID_COLUMNS = (("recipe", "model", "{}"), ("fid", "FID", "{:.2f}"), ("fid_samples", "N", "{:,}"),
               ("seconds_per_epoch", "s/epoch", "{:.1f}"), ("epochs", "epochs", "{}"),
               ("parameters", "params", "{:,}"), ("top_class_share", "top class", "{:.3f}"))
RING_COLUMNS = (("recipe", "model", "{}"), ("modes_mean", "modes (mean)", "{:.2f}"),
                ("modes_min", "min", "{}"), ("modes_max", "max", "{}"),
                ("high_quality_mean", "high quality", "{:.3f}"), ("seconds", "seconds", "{:.1f}"))


@dataclasses.dataclass
class GenerativeStudy:
    """What `fid_table` and `mode_collapse_table` return: `rows` (dicts), `settings`,
    and the files written (`figure_path`, `json_path`)."""

    rows: list
    settings: dict
    figure_path: Path
    json_path: Path
    columns: tuple = FID_COLUMNS

    def to_text(self):
        """The rows as an aligned plain-text table."""
        return format_table(self.columns, self.rows, left=1)


def fid_table(recipes=FID_RECIPES, dataset="fashion_mnist", epochs=None, fid_samples=10_000, seed=0,
              out_dir="runs/generative", **overrides):
    """Train each recipe, then FID at `fid_samples`, the samples' class histogram and speed.

    Args:
        recipes: `generate` recipes to compare.
        dataset: an image dataset (the FID classifier is trained on it once, then cached).
        epochs: epochs for every recipe (default: each recipe's own).
        fid_samples: generated images (and test images, at most the test split) for FID.
        seed: the seed of every run and of the samples.
        out_dir: each run in `out_dir/<recipe>/`; the table and figure beside them.
        **overrides: other `RunConfig` fields for every run (`batch_size`, ...).
    """
    out_dir = Path(out_dir)
    classifier = metrics.load_fid_classifier(dataset)
    real, _ = data.split_arrays(dataset, "test")
    real = real[:fid_samples].astype(np.float32) / 255.0
    rows, grids = [], {}
    for recipe in recipes:
        config = make_config(recipe, dataset, epochs=epochs, seed=seed, run_dir=str(out_dir / recipe), **overrides)
        result = train(config, verbose=0)
        images = generated(result.model, fid_samples, seed)
        histogram = metrics.class_histogram(classifier, images)
        m = result.metrics
        rows.append({"recipe": recipe, "fid": metrics.fid(real, images, classifier), "fid_samples": fid_samples,
                     "seconds_per_epoch": m["wall_seconds"] / max(1, m["epochs_run"]), "epochs": m["epochs_run"],
                     "parameters": m["parameters"], "class_histogram": histogram.tolist(),
                     "top_class_share": float(histogram.max() / histogram.sum())})
        grids[recipe] = images[:36]
    settings = {"dataset": dataset, "epochs": epochs, "seed": seed, "fid_samples": fid_samples,
                "overrides": overrides, "versions": versions()}
    figure = _plot_grids(grids, out_dir / "fid_table.png")
    json_path = write_json_atomic(out_dir / "fid_table.json", {"rows": rows, "settings": settings})
    return GenerativeStudy(rows, settings, figure, json_path)


def mode_collapse_table(recipes=RING_RECIPES, seeds=(0, 1, 2), epochs=None, samples=2000,
                        out_dir="runs/mode_collapse", **overrides):
    """Train each ring recipe once per seed; modes covered and high-quality share.

    Returns a `GenerativeStudy` whose rows hold, per recipe, the mean, min and max of the
    modes covered over the seeds, the mean high-quality share, and each seed's values.
    """
    out_dir = Path(out_dir)
    rows, clouds = [], {}
    for recipe in recipes:
        runs = []
        for seed in seeds:
            config = make_config(recipe, epochs=epochs, seed=seed, run_dir=str(out_dir / f"{recipe}-{seed}"),
                                 **overrides)
            result = train(config, verbose=0)
            points = result.model.sample(samples, seed=seed)
            runs.append({"seed": seed, **metrics.mode_coverage(points), "seconds": result.metrics["wall_seconds"]})
            clouds.setdefault(recipe, points)
        modes = [r["modes_covered"] for r in runs]
        rows.append({"recipe": recipe, "modes_mean": float(np.mean(modes)), "modes_min": min(modes),
                     "modes_max": max(modes), "high_quality_mean": float(np.mean([r["high_quality"] for r in runs])),
                     "seconds": float(sum(r["seconds"] for r in runs)), "runs": runs})
    settings = {"seeds": list(seeds), "epochs": epochs, "samples": samples, "overrides": overrides,
                "versions": versions()}
    figure = plot_rings(clouds, out_dir / "mode_collapse.png")
    json_path = write_json_atomic(out_dir / "mode_collapse.json", {"rows": rows, "settings": settings})
    return GenerativeStudy(rows, settings, figure, json_path, columns=RING_COLUMNS)


def _plot_grids(grids, path):
    from dlcourse import plots
    from dlcourse.callbacks.image_grid import tile_images

    fig, axes = plots.figure(ncols=len(grids), size=(3.0, 3.2))
    for ax, (name, images) in zip(np.atleast_1d(axes), grids.items()):
        grid = tile_images(images, columns=6)
        ax.imshow(grid[..., 0] if grid.shape[-1] == 1 else grid, cmap="gray", vmin=0, vmax=1)
        ax.set_title(name)
        ax.set_axis_off()
    return plots.save_figure(fig, path)


def plot_rings(clouds, path):
    """Generated points of each model over the ring's modes (one panel per model)."""
    from dlcourse import plots

    centres = metrics.ring_centers()
    fig, axes = plots.figure(ncols=len(clouds), size=(3.2, 3.2))
    for ax, (name, points) in zip(np.atleast_1d(axes), clouds.items()):
        ax.scatter(points[:, 0], points[:, 1], s=2, alpha=0.4, label="generated")
        ax.scatter(centres[:, 0], centres[:, 1], marker="x", color="red", label="modes")
        ax.set_title(name)
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        ax.set_aspect("equal")
    np.atleast_1d(axes)[0].legend(fontsize=7, loc="lower left")
    return plots.save_figure(fig, path)
