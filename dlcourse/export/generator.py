"""Generative models as SavedModels: written with Keras, read back with TensorFlow alone.

What goes in: a trained `GAN` (or `WGAN`, `WGANGP`, `ProgressiveGAN`), `ConditionalGAN`,
`VAE` or `DiffusionModel`. What `write_generator` puts in `path/` (a version folder, see
`dlcourse.export.versions`), images always float32 in [0, 1], (n, H, W, C):

    generate(z: float32 (n, *latent_shape)) -> images      z ~ N(0, I): a GAN's or VAE's
                                                           latent vector, a DDPM's x_T
    sample(n: int32, seed: int32) -> images                z = stateless_normal([n, ...],
                                                           seed=[seed, 0]): same seed, same images
    conditional GAN: generate(z, label: int32 (n,)) and sample(n, seed, label: int32),
                     label -1 cycling through the classes 0, 1, 2, ...
    dlcourse.json: kind, latent_shape, image_shape, class_names, endpoints

A DDPM export samples with 50 deterministic DDIM steps. `sample` draws exactly the z that
`model.sample(n, seed)` draws in Python, so both give the same images.

Read it back with `load_generator(model_dir)` or `dlcourse generate MODEL_DIR --n 64`.
"""

import numpy as np
import tensorflow as tf

from dlcourse.errors import DLCourseError
from dlcourse.export.predict import load_saved_model, read_metadata
from dlcourse.export.versions import resolve_version

DDIM_STEPS = 50
_REQUIRED = ("kind", "latent_shape", "image_shape", "endpoints")


def _kind(model):
    from dlcourse import models

    for cls, kind in ((models.ConditionalGAN, "conditional_gan"), (models.GAN, "gan"), (models.VAE, "vae"),
                      (models.DiffusionModel, "diffusion")):
        if isinstance(model, cls):
            return kind
    raise DLCourseError(f"Cannot export a {type(model).__name__} as a generator: use a GAN, VAE or DiffusionModel.")


def write_generator(model, path, class_names=()):
    """Write `model`'s `generate` and `sample` endpoints into `path`; return the metadata."""
    import keras

    kind = _kind(model)
    latent_shape = list(model.image_shape) if kind == "diffusion" else [int(model.latent_dim)]
    archive = keras.export.ExportArchive()
    archive.track(model)
    for name, function in _endpoints(model, kind, latent_shape).items():
        archive.add_endpoint(name, function)
    archive.write_out(str(path), verbose=False)
    steps = min(DDIM_STEPS, model.timesteps) if kind == "diffusion" else None
    return {"kind": kind, "latent_shape": latent_shape, "image_shape": list(np.shape(model.sample(1))[1:]),
            "class_names": list(class_names) if kind == "conditional_gan" else [],
            "endpoints": ["generate", "sample"], "signature": "sample",
            "output": "float32 images in [0, 1], (n, H, W, C)", "sampler": f"DDIM, {steps} steps" if steps else None}


def _endpoints(model, kind, latent_shape):
    """The `generate` and `sample` tf.functions, with their input signatures."""
    z_spec = tf.TensorSpec([None, *latent_shape], tf.float32, name="z")
    n_spec, seed_spec = tf.TensorSpec([], tf.int32, name="n"), tf.TensorSpec([], tf.int32, name="seed")

    def draw(n, seed):  # What keras.random.normal(shape, seed=int(seed)) draws.
        return tf.random.stateless_normal(tf.concat([[n], latent_shape], 0), seed=tf.stack([seed, 0]))

    if kind == "conditional_gan":
        def cycle(n, label):  # label -1: 0, 1, 2, ... as ConditionalGAN.sample
            return tf.where(label < 0, tf.range(n) % model.num_classes, tf.fill([n], label))

        label_spec = tf.TensorSpec([None], tf.int32, name="label")
        return {"generate": tf.function(model.generate, input_signature=[z_spec, label_spec]),
                "sample": tf.function(lambda n, seed, label: model.generate(draw(n, seed), cycle(n, label)),
                                      input_signature=[n_spec, seed_spec, tf.TensorSpec([], tf.int32, name="label")])}
    if kind == "diffusion":
        steps = min(DDIM_STEPS, model.timesteps)
        run = lambda z: model.generate(z, "ddim", steps)  # noqa: E731
    else:
        run = model.generate
    return {"generate": tf.function(run, input_signature=[z_spec]),
            "sample": tf.function(lambda n, seed: run(draw(n, seed)), input_signature=[n_spec, seed_spec])}


class Generator:
    """An exported generative model, loaded with TensorFlow alone.

    Example:
        >>> generator = load_generator("saved_models/dcgan")
        >>> images = generator.sample(16, seed=0)            # (16, 28, 28, 1) in [0, 1]
        >>> boots = load_generator("saved_models/cgan").sample(8, label="Ankle boot")
    """

    def __init__(self, model_dir, version=None):
        self.model_dir = resolve_version(model_dir, version)
        self.metadata = read_metadata(self.model_dir, required=())
        if "generate" not in self.metadata.get("endpoints", []) or any(k not in self.metadata for k in _REQUIRED):
            raise DLCourseError(
                f"{self.model_dir} is not a generator export (its task is {self.metadata.get('task')!r}); "
                "`dlcourse generate` reads exports of the generate task, e.g. `dlcourse train dcgan --export-dir DIR`."
            )
        self.kind = self.metadata["kind"]
        self.latent_shape = tuple(self.metadata["latent_shape"])
        self.class_names = list(self.metadata.get("class_names") or [])
        self._module = load_saved_model(self.model_dir, "sample")

    @property
    def conditional(self):
        return self.kind == "conditional_gan"

    def label_index(self, label):
        """A class index from an index or a class name (None: cycle through the classes)."""
        if label is None:
            return -1
        if not self.conditional:
            raise DLCourseError(f"This {self.kind} export draws no chosen class: leave out --label.")
        if isinstance(label, str) and not label.lstrip("-").isdigit():
            lowered = [name.lower() for name in self.class_names]
            if label.lower() not in lowered:
                raise DLCourseError(f"Unknown label {label!r}. Use one of: {', '.join(self.class_names)}.")
            return lowered.index(label.lower())
        index = int(label)
        if not 0 <= index < len(self.class_names):
            raise DLCourseError(f"`label` must be in [0, {len(self.class_names)}). Received: label={label}")
        return index

    def sample(self, n=64, seed=0, label=None):
        """`n` images (numpy float32 in [0, 1]); the same seed gives the same images."""
        if isinstance(n, bool) or int(n) != n or not 1 <= n <= 10_000:
            raise DLCourseError(f"`n` must be an integer in [1, 10000]. Received: n={n!r}")
        if not 0 <= int(seed) < 2**31:
            raise DLCourseError(f"`seed` must be in [0, 2**31). Received: seed={seed}")
        args = [tf.constant(int(n), tf.int32), tf.constant(int(seed), tf.int32)]
        if self.conditional:
            args.append(tf.constant(self.label_index(label), tf.int32))
        else:
            self.label_index(label)
        return self._module.sample(*args).numpy()

    def generate(self, z, label=None):
        """Images from latent vectors `z` (n, *latent_shape); for a conditional GAN, `label`
        is one class index or n of them (default: 0, 1, 2, ... cycling)."""
        z = np.asarray(z, dtype=np.float32)
        if z.ndim != 1 + len(self.latent_shape) or z.shape[1:] != self.latent_shape:
            raise DLCourseError(f"`z` must have shape (n, {', '.join(map(str, self.latent_shape))}). "
                                f"Received: {z.shape}")
        if self.conditional:
            labels = np.arange(len(z)) % len(self.class_names) if label is None else np.asarray(label)
            labels = np.broadcast_to(labels.astype(np.int32), (len(z),))
            return self._module.generate(tf.constant(z), tf.constant(labels)).numpy()
        return self._module.generate(tf.constant(z)).numpy()


def load_generator(model_dir, version=None):
    """A `Generator` for the export in `model_dir` (the highest version unless `version`)."""
    return Generator(model_dir, version)
