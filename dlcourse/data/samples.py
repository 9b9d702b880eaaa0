"""Write a few test images of a dataset as PNG files, named by index and true label."""

import re
from pathlib import Path

import numpy as np

from dlcourse.data.catalog import SPECS


def write_samples(name, out_dir, count=5, seed=0):
    """Save `count` test images of `name` as PNG files in `out_dir`; return their paths.

    File names carry the true label (`00042_ankle-boot.png`), so `dlcourse predict`'s
    answers can be checked by eye.
    """
    from PIL import Image

    from dlcourse.data import split_arrays

    images, labels = split_arrays(name, "test")
    picks = np.random.default_rng(seed).choice(len(images), size=min(count, len(images)), replace=False)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in sorted(picks):
        label = re.sub(r"[^a-z0-9]+", "-", SPECS[name].class_names[labels[i]].lower()).strip("-")
        image = images[i][..., 0] if images.shape[-1] == 1 else images[i]
        path = out_dir / f"{i:05d}_{label}.png"
        Image.fromarray(image).save(path)
        paths.append(path)
    return paths
