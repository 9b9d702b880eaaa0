"""`DiffusionModel`: a DDPM trained with `fit` (noise prediction), sampled by DDPM or DDIM."""

import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.models import _generative

BETA_SCHEDULES = ("linear", "cosine")
SAMPLERS = ("ddpm", "ddim")
DEFAULT_DDIM_STEPS = 50


def make_beta_schedule(name, timesteps):
    """The noise variances beta_1 .. beta_T (float64, shape (timesteps,)).

        linear: evenly from 1e-4 * 1000 / T to 0.02 * 1000 / T   (Ho et al.'s for T = 1000),
                at most 0.999
        cosine: alpha_bar(t) = f(t) / f(0), f(t) = cos((t / T + 0.008) / 1.008 * pi / 2)**2,
                beta_t = min(1 - alpha_bar(t) / alpha_bar(t - 1), 0.999)   (Nichol & Dhariwal)

    The linear range is scaled by 1000 / T so that fewer steps still end near pure noise.
    """
    if name not in BETA_SCHEDULES:
        raise DLCourseError(f"Unknown beta schedule {name!r}. Use one of: {', '.join(BETA_SCHEDULES)}.")
    if isinstance(timesteps, bool) or int(timesteps) != timesteps or timesteps < 2:
        raise DLCourseError(f"`timesteps` must be an integer >= 2. Received: timesteps={timesteps!r}")
    if name == "linear":
        scale = 1000.0 / timesteps
        return np.minimum(np.linspace(1e-4 * scale, 0.02 * scale, timesteps), 0.999)
    f = np.cos((np.arange(timesteps + 1) / timesteps + 0.008) / 1.008 * math.pi / 2) ** 2
    return np.minimum(1.0 - f[1:] / f[:-1], 0.999)


class _SamplerCache:
    """Compiled sampling loops by (method, steps). A plain object: a dict attribute of a
    Keras model would be tracked, and a SavedModel cannot store functions under tuple keys."""

    def __init__(self):
        self.functions = {}


@keras.saving.register_keras_serializable(package="dlcourse")
class DiffusionModel(keras.Model):
    """A denoising diffusion model; train it with `fit` on images in [0, 1]. No Keras twin.

    Images are mapped to x0 in [-1, 1]. With alphas = 1 - betas and alpha_bar the running
    product, each training step draws a step t and noise eps per image:

        x_t = sqrt(alpha_bar[t]) * x0 + sqrt(1 - alpha_bar[t]) * eps
        loss = mean((eps - network([x_t, t]))**2)           # the "simple" loss

    Sampling starts from x ~ N(0, I) and walks t down to 0 (index t is step t + 1 of the
    papers), with eps_hat = network([x, t]):

        ddpm: x = (x - betas[t] / sqrt(1 - alpha_bar[t]) * eps_hat) / sqrt(alphas[t])
                  + sqrt(posterior_variance[t]) * z        (z ~ N(0, I), none at t = 0)
        ddim: x0_hat = clip((x - sqrt(1 - alpha_bar[t]) * eps_hat) / sqrt(alpha_bar[t]), -1, 1)
              x = sqrt(alpha_bar[s]) * x0_hat + sqrt(1 - alpha_bar[s]) * eps_hat
              over `steps` evenly spaced t (s: the next one, alpha_bar = 1 after the last)

    with posterior_variance[t] = betas[t] * (1 - alpha_bar[t-1]) / (1 - alpha_bar[t]).
    DDIM (eta = 0) is deterministic given the starting noise, and 50 steps replace 1,000.

    Args:
        network: `keras.Model`, `[x_t, t]` -> predicted noise (e.g. `build_unet()`).
        timesteps: T, the number of noise levels.
        beta_schedule: "linear" or "cosine".
        seed: seed of the `SeedGenerator` for t, eps and DDPM sampling noise.
        **kwargs: `keras.Model` arguments.

    Example:

        ddpm = DiffusionModel(build_unet(), timesteps=1000, beta_schedule="cosine")
        ddpm.compile(optimizer=keras.optimizers.Adam(2e-4))
        ddpm.fit(images, epochs=10)
        fast = ddpm.sample(16, seed=0, method="ddim", steps=50)
        slow = ddpm.sample(16, seed=0, method="ddpm")          # all 1,000 steps

    References: Ho, Jain & Abbeel, "Denoising Diffusion Probabilistic Models", NeurIPS 2020,
    Algorithms 1-2; Song, Meng & Ermon, "Denoising Diffusion Implicit Models", ICLR 2021,
    Eq. 12 with sigma = 0; Nichol & Dhariwal, "Improved DDPM", ICML 2021, Eq. 17.
    """

    def __init__(self, network, timesteps=1000, beta_schedule="linear", seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(network, keras.Model):
            raise DLCourseError(f"`network` must be a keras.Model. Received: network={network!r}")
        betas = make_beta_schedule(beta_schedule, timesteps)
        self.network, self.timesteps, self.beta_schedule, self.seed = network, int(timesteps), beta_schedule, seed
        self.image_shape = tuple(network.inputs[0].shape[1:])
        alpha_bar = np.cumprod(1.0 - betas)
        alpha_bar_prev = np.concatenate([[1.0], alpha_bar[:-1]])
        self._schedule = {k: v.astype("float32") for k, v in {
            "betas": betas, "alphas": 1.0 - betas, "alpha_bar": alpha_bar,
            "posterior_variance": betas * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar)}.items()}
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.sampling_seed_generator = keras.random.SeedGenerator(0)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self._samplers = _SamplerCache()
        self.built = True

    @property
    def metrics(self):
        return [self.loss_tracker]

    def call(self, inputs, training=False):
        return self.network(inputs, training=training)

    def _at(self, name, steps, rank=4):
        """schedule[name][steps], shaped (batch, 1, 1, 1) to scale images."""
        values = ops.take(ops.convert_to_tensor(self._schedule[name]), steps)
        return ops.reshape(values, (-1,) + (1,) * (rank - 1))

    def noise_loss(self, images, training):
        """The simple loss on a batch of images in [0, 1] (divided by the replica count)."""
        x0 = images * 2.0 - 1.0
        batch_size = ops.shape(images)[0]
        steps = _generative.replica_slice(lambda n: keras.random.randint(
            (n,), 0, self.timesteps, dtype="int32", seed=self.seed_generator), batch_size)
        eps = _generative.replica_slice(lambda n: keras.random.normal(
            (n,) + self.image_shape, seed=self.seed_generator), batch_size)
        alpha_bar = self._at("alpha_bar", steps)
        x_t = ops.sqrt(alpha_bar) * x0 + ops.sqrt(1.0 - alpha_bar) * eps
        predicted = ops.cast(self.network([x_t, steps], training=training), eps.dtype)
        per_image = ops.mean(ops.reshape(ops.square(eps - predicted), (batch_size, -1)), axis=1)
        return _generative.replica_mean(per_image)

    def forward_process(self, images, steps, seed=0):
        """x_t of `images` (in [0, 1]) at `steps` (batch,), mapped back to [0, 1] and
        clipped for display: what the network learns to denoise."""
        images = ops.convert_to_tensor(images, "float32")
        steps = ops.convert_to_tensor(steps, "int32")
        eps = keras.random.normal(ops.shape(images), seed=int(seed))
        alpha_bar = self._at("alpha_bar", steps)
        x_t = ops.sqrt(alpha_bar) * (images * 2.0 - 1.0) + ops.sqrt(1.0 - alpha_bar) * eps
        return ops.convert_to_numpy(ops.clip((x_t + 1.0) / 2.0, 0.0, 1.0))

    def train_step(self, data):
        images, _ = _generative.real_images(data)
        with tf.GradientTape() as tape:
            loss = self.noise_loss(images, training=True)
            scaled = self.optimizer.scale_loss(loss)
        _generative.apply_gradients(self.optimizer, tape, scaled, self.trainable_variables)
        return _generative.track(self, ops.shape(images)[0], loss=loss)

    def test_step(self, data):
        images, _ = _generative.real_images(data)
        return _generative.track(self, ops.shape(images)[0], loss=self.noise_loss(images, training=False))

    def _ddim_step(self, x, t, s):
        """From step t to the earlier step s (s = -1: the clean image)."""
        t_vector = ops.full((ops.shape(x)[0],), t, dtype="int32")
        eps = ops.cast(self.network([x, t_vector], training=False), x.dtype)
        alpha_bar = ops.take(ops.convert_to_tensor(self._schedule["alpha_bar"]), t)
        alpha_bar_s = ops.where(s >= 0, ops.take(ops.convert_to_tensor(self._schedule["alpha_bar"]),
                                                 ops.maximum(s, 0)), 1.0)
        x0 = ops.clip((x - ops.sqrt(1.0 - alpha_bar) * eps) / ops.sqrt(alpha_bar), -1.0, 1.0)
        return ops.sqrt(alpha_bar_s) * x0 + ops.sqrt(1.0 - alpha_bar_s) * eps

    def _ddpm_step(self, x, t):
        t_vector = ops.full((ops.shape(x)[0],), t, dtype="int32")
        eps = ops.cast(self.network([x, t_vector], training=False), x.dtype)
        take = lambda name: ops.take(ops.convert_to_tensor(self._schedule[name]), t)  # noqa: E731
        mean = (x - take("betas") / ops.sqrt(1.0 - take("alpha_bar")) * eps) / ops.sqrt(take("alphas"))
        z = keras.random.normal(ops.shape(x), seed=self.sampling_seed_generator)
        return mean + ops.where(t > 0, ops.sqrt(take("posterior_variance")), 0.0) * z

    def _sampler(self, method, steps):
        """A compiled sampling loop, noise -> x0 in [-1, 1], cached per (method, steps)."""
        key = (method, steps)
        if key not in self._samplers.functions:
            if method == "ddpm":
                loop = lambda x: ops.fori_loop(  # noqa: E731
                    0, self.timesteps, lambda i, x: self._ddpm_step(x, self.timesteps - 1 - i), x)
            else:
                times = np.append(np.round(np.linspace(self.timesteps - 1, 0, steps)), -1).astype("int32")

                def loop(x):  # `times` becomes a constant of each graph that traces this.
                    t = ops.convert_to_tensor(times)
                    return ops.fori_loop(0, steps, lambda i, x: self._ddim_step(x, t[i], t[i + 1]), x)
            self._samplers.functions[key] = tf.function(loop, reduce_retracing=True)
        return self._samplers.functions[key]

    def generate(self, noise, method="ddim", steps=None):
        """Images in [0, 1] from starting noise x_T (batch, H, W, C).

        `method="ddim"` takes `steps` deterministic steps (default: 50, at most
        `timesteps`); "ddpm" takes all `timesteps`, adding noise from
        `sampling_seed_generator` (`sample` seeds it).
        """
        steps = min(DEFAULT_DDIM_STEPS, self.timesteps) if steps is None else steps
        if method not in SAMPLERS:
            raise DLCourseError(f"Unknown sampler {method!r}. Use one of: {', '.join(SAMPLERS)}.")
        if isinstance(steps, bool) or int(steps) != steps or not 1 <= steps <= self.timesteps:
            raise DLCourseError(f"`steps` must be an integer in [1, {self.timesteps}]. Received: steps={steps!r}")
        x0 = self._sampler(method, int(steps))(ops.convert_to_tensor(noise, "float32"))
        return ops.clip((x0 + 1.0) / 2.0, 0.0, 1.0)

    def sample(self, n, seed=0, method="ddim", steps=None):
        """`n` images (numpy, in [0, 1]); the same `seed` gives the same images."""
        noise = keras.random.normal((int(n),) + self.image_shape, seed=int(seed))
        state = self.sampling_seed_generator.state
        state.assign(ops.convert_to_tensor([int(seed), 1], state.dtype))
        return ops.convert_to_numpy(self.generate(noise, method, steps))

    def get_config(self):
        config = super().get_config()
        config.update({"network": keras.saving.serialize_keras_object(self.network),
                       "timesteps": self.timesteps, "beta_schedule": self.beta_schedule, "seed": self.seed})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["network"] = keras.saving.deserialize_keras_object(config["network"], custom_objects=custom_objects)
        return cls(**config)
