"""The `generate` task: GANs, VAEs and diffusion models, trained on images alone.

    data      data.load(dataset, split): float32 images in [0, 1] with their labels (the
              conditional GAN reads them); whole batches only in training. Or `ring8`:
              2-D points from 8 Gaussians on a ring (`dlcourse.metrics.ring_of_gaussians`)
    build     recipe.build(input_shape, num_classes): a GAN, VAE or DiffusionModel
    compile   a GAN gets two optimisers from the config (`d_optimizer`, `g_optimizer`);
              a VAE or DDPM one; recipe options `beta_1`, `beta_2` set Adam's betas
    metrics   the test losses; FID at `fid_samples` (default 1,000) generated vs test
              images on the features of the package's classifier, the samples' class
              histogram (and, conditional, how often the asked class is drawn); a grid
              `samples.png` in the run dir. On `ring8`: modes covered, high-quality share
    export    generate(z) and sample(n, seed) (label too, conditional), read by
              `dlcourse generate` (`dlcourse.export.generator`)

Recipe options: `fid_samples` (0: no FID), `beta_1`, `beta_2`, `ring_examples`.
"""

from pathlib import Path

import numpy as np
import tensorflow as tf

from dlcourse import data
from dlcourse.data.catalog import DatasetInfo
from dlcourse.training.tasks._sequence import option
from dlcourse.training.tasks.base import Task, check_replicas, register_task

RING = "ring8"
GRID_SIZE = 64
_SAMPLE_CHUNK = 250  # Images generated at once: bounds the memory of a diffusion sampler.


class GenerateTask(Task):
    name = "generate"
    export_command = "generate"

    def data(self, config, strategy=None):
        check_replicas(config, strategy)
        if config.dataset == RING:
            return _ring_data(config)
        info = data.info(config.dataset, config.validation_size)
        common = dict(batch_size=config.batch_size, validation_size=config.validation_size)
        # Whole batches in training: a GAN's real and fake halves match, and no last
        # small batch retraces the step.
        splits = {
            "train": data.load(config.dataset, "train", shuffle=True, seed=config.seed, drop_remainder=True,
                               **common),
            "validation": data.load(config.dataset, "validation", **common),
            "test": data.load(config.dataset, "test", **common),
        }
        return info, splits

    def compile(self, model, config, make_optimizer):
        from dlcourse import models

        new_optimizer = lambda: _with_betas(make_optimizer(), config)  # noqa: E731
        speed = dict(steps_per_execution=config.steps_per_execution, jit_compile=config.jit_compile)
        if isinstance(model, models.GAN):
            model.compile(d_optimizer=new_optimizer(), g_optimizer=new_optimizer(), **speed)  # Builds both.
        else:
            model.compile(optimizer=new_optimizer(), **speed)
            model.optimizer.build(model.trainable_variables)

    def metrics(self, config, info, model, splits):
        test = model.evaluate(splits["test"], verbose=0, return_dict=True)
        result = {f"test_{k}": float(v) for k, v in test.items()}
        if config.dataset == RING:
            from dlcourse import metrics

            return {**result, **metrics.mode_coverage(model.sample(2000, seed=config.seed))}
        images = generated(model, max(GRID_SIZE, option(config, "fid_samples", 1000)), config.seed)
        from dlcourse.callbacks.image_grid import save_image_grid

        save_image_grid(images[:GRID_SIZE], Path(config.run_dir) / "samples.png",
                        title=f"{config.recipe}, seed {config.seed}")
        if option(config, "fid_samples", 1000):
            result.update(_fid(config, info, model, images))
        return result

    def export(self, model, path, info, config):
        from dlcourse.export.generator import write_generator

        return write_generator(model, path, class_names=info.class_names)


def generated(model, n, seed):
    """`n` images from `model.sample`, in chunks (seeds seed, seed + 1, ...); a conditional
    model cycles through the classes, so image i shows class i % num_classes."""
    chunks = []
    for k, start in enumerate(range(0, n, _SAMPLE_CHUNK)):
        size = min(_SAMPLE_CHUNK, n - start)
        labels = {"labels": np.arange(start, start + size) % model.num_classes} if hasattr(model, "num_classes") else {}
        chunks.append(model.sample(size, seed=seed + k, **labels))
    return np.concatenate(chunks)


def _fid(config, info, model, images):
    from dlcourse import metrics

    classifier = metrics.load_fid_classifier(config.dataset)
    real, _ = data.split_arrays(config.dataset, "test", config.validation_size)
    real = real[:len(images)].astype(np.float32) / 255.0
    predicted = np.argmax(classifier.predict(images, batch_size=500, verbose=0), axis=-1)
    result = {"fid": metrics.fid(real, images, classifier), "fid_samples": len(images),
              "class_histogram": np.bincount(predicted, minlength=info.num_classes).tolist()}
    if hasattr(model, "num_classes"):  # Conditional: image i was asked to be class i % K.
        result["label_accuracy"] = float(np.mean(predicted == np.arange(len(images)) % model.num_classes))
    return result


def _with_betas(optimizer, config):
    """Adam's betas from the recipe options (GANs want beta_1 = 0.5, WGAN-GP 0 and 0.9)."""
    for name in ("beta_1", "beta_2"):
        value = option(config, name)
        if value is not None and hasattr(optimizer, name):
            setattr(optimizer, name, float(value))
    return optimizer


def _ring_data(config):
    """The 8-Gaussian ring as (points, mode) batches; epoch e's order depends on (seed, e) only."""
    from dlcourse import metrics

    n = option(config, "ring_examples", 10_000)
    splits, sizes = {}, {"train": n, "validation": n // 10, "test": n // 10}
    for k, (split, size) in enumerate(sizes.items()):
        points = metrics.ring_of_gaussians(size, seed=config.seed * 3 + k)
        splits[split] = _points_pipeline(points, config.batch_size, config.seed, shuffle=split == "train")
    info = DatasetInfo(name=RING, description="8 Gaussians (std 0.02) on a circle of radius 2",
                       input_shape=(2,), class_names=tuple(f"mode {k}" for k in range(8)), num_examples=sizes,
                       source="synthetic (dlcourse.metrics.ring_of_gaussians)", kind="points")
    return info, splits


def _points_pipeline(points, batch_size, seed, shuffle):
    points = tf.constant(points)
    n = len(points) // batch_size * batch_size
    epoch_counter = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch_counter")

    def one_epoch(_):
        x = points
        if shuffle:  # Stateless: the runner sets the counter at each epoch start.
            epoch = epoch_counter.assign_add(1) - 1
            order = tf.random.experimental.stateless_shuffle(
                tf.range(len(points), dtype=tf.int64), seed=tf.stack([tf.constant(seed, tf.int64), epoch]))
            x = tf.gather(points, order)
        return tf.data.Dataset.from_tensor_slices(tf.reshape(x[:n], (-1, batch_size, 2)))

    ds = tf.data.Dataset.from_tensors(0).flat_map(one_epoch)
    ds = ds.apply(tf.data.experimental.assert_cardinality(n // batch_size)).prefetch(tf.data.AUTOTUNE)
    ds.epoch_counter = epoch_counter
    return ds


register_task(GenerateTask())
