"""`GAN`: a generator and a discriminator trained against each other under `model.fit`."""

import keras
import tensorflow as tf
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.models import _generative

GENERATOR_LOSSES = ("non_saturating", "minimax")


@keras.saving.register_keras_serializable(package="dlcourse")
class GAN(keras.Model):
    """A generative adversarial network; train it with `fit` on batches of real images.

    Keras has no GAN class: this is the course's `train_step` model, written the way the
    Keras guide "Customizing what happens in fit()" writes one. Each training step, for
    a batch `real` of size B, with `D` returning logits and `bce` the compiled loss
    (default `keras.losses.BinaryCrossentropy(from_logits=True)`):

        z = normal((B, latent_dim), seed=self.seed_generator)
        fake = G(z)                                           # not recorded: D step only
        d_loss = bce(1, D(real)) + bce(0, D(fake))            # D step: updates D only
        z = normal((B, latent_dim), seed=self.seed_generator)
        g_loss = bce(1, D(G(z)))          # "non_saturating": -log D(G(z))
               = -bce(0, D(G(z)))         # "minimax":         log(1 - D(G(z)))
                                                              # G step: updates G only

    The minimax loss is the game of the paper; its gradient vanishes when D confidently
    rejects the fakes, which is why the paper itself trains G with the non-saturating one.
    The D step differentiates with respect to D's trainable variables only; the G step
    calls D with `training=False`, so D's variables do not move (spectral normalisation
    updates its `u` in training calls only). G runs with `training=True` in both steps,
    so a BatchNorm inside G updates its moving statistics twice per step.

    Logged: `d_loss`, `g_loss` (per-example means, as `fit` logs a loss), and the same
    on validation data without updates. Under a strategy the losses are Keras loss
    reductions, which divide by the replica count; with `mixed_float16` each optimiser
    is wrapped in a `LossScaleOptimizer`.

    Args:
        generator: `keras.Model`, (batch, latent_dim) -> images in [0, 1].
        discriminator: `keras.Model`, images -> logits (batch, 1).
        latent_dim: positive int, the size of z.
        generator_loss: "non_saturating" (default) or "minimax".
        seed: seed of the noise `SeedGenerator` (None: random).
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:

        gan = GAN(build_dcgan_generator(64), build_dcgan_discriminator(), latent_dim=64)
        gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                    g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
        gan.fit(images, epochs=5)                 # history: d_loss, g_loss
        images = gan.sample(16, seed=0)           # numpy, (16, 28, 28, 1) in [0, 1]

    Reference: Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, Algorithm 1
    and Sec. 3 (the non-saturating loss).
    """

    def __init__(self, generator, discriminator, latent_dim, generator_loss="non_saturating",
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        for name, net in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(net, keras.Model):
                raise DLCourseError(f"`{name}` must be a keras.Model. Received: {name}={net!r}")
        if isinstance(latent_dim, bool) or int(latent_dim) != latent_dim or latent_dim < 1:
            raise DLCourseError(f"`latent_dim` must be a positive integer. Received: latent_dim={latent_dim!r}")
        if generator_loss not in GENERATOR_LOSSES:
            raise DLCourseError(
                f"Unknown generator_loss {generator_loss!r}. Use one of: {', '.join(GENERATOR_LOSSES)}.")
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim, self.generator_loss, self.seed = int(latent_dim), generator_loss, seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_optimizer = self.g_optimizer = self.loss_fn = None
        self.built = True  # Both networks are built (functional): nothing left to create.

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def compile(self, d_optimizer, g_optimizer, loss=None, **kwargs):
        """Two optimisers (any Keras or dlcourse ones) and the adversarial loss.

        Builds both optimisers on their network's variables at once, so a backup made
        during `fit` holds their state and a resumed run restores it.
        `**kwargs` go to `keras.Model.compile` (`steps_per_execution`, `jit_compile`).
        """
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer = _generative.loss_scaled_for(self, keras.optimizers.get(d_optimizer))
        self.g_optimizer = _generative.loss_scaled_for(self, keras.optimizers.get(g_optimizer))
        self.loss_fn = keras.losses.get(loss) if loss is not None else keras.losses.BinaryCrossentropy(
            from_logits=True)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def get_compile_config(self):
        # Two optimisers do not fit Keras's one-optimiser compile config: after
        # `keras.models.load_model`, call `compile(d_optimizer=..., g_optimizer=...)` again.
        return None

    # Hooks that the conditional and progressive variants override.
    def _unpack(self, data):
        """`(real images, condition)` of a batch; the plain GAN has no condition."""
        images, _ = _generative.real_images(data)
        return images, None

    def _generate(self, z, condition, training):
        return self.generator(z, training=training)

    def _discriminate(self, images, condition, training):
        return self.discriminator(images, training=training)

    def _noise(self, batch_size):
        return _generative.replica_slice(
            lambda n: keras.random.normal((n, self.latent_dim), seed=self.seed_generator), batch_size)

    def train_step(self, data):
        real, condition = self._unpack(data)
        batch_size = ops.shape(real)[0]
        logs = self.discriminator_step(real, condition)
        logs.update(self.generator_step(batch_size, condition))
        return _generative.track(self, batch_size, **logs)

    def test_step(self, data):
        real, condition = self._unpack(data)
        batch_size = ops.shape(real)[0]
        fake = self._generate(self._noise(batch_size), condition, training=False)
        logs = self._discriminator_losses(real, ops.cast(fake, real.dtype), condition, training=False)
        logs["g_loss"] = self._generator_loss(self._discriminate(fake, condition, training=False))
        return _generative.track(self, batch_size, **logs)

    def discriminator_step(self, real, condition=None):
        """One update of D on `real` and as many fakes; returns the logged losses
        (`{"d_loss": ...}`)."""
        fake = self._generate(self._noise(ops.shape(real)[0]), condition, training=True)
        fake = ops.stop_gradient(ops.cast(fake, real.dtype))
        variables = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            losses = self._discriminator_losses(real, fake, condition, training=True)
            scaled = self.d_optimizer.scale_loss(losses["d_loss"])
        _generative.apply_gradients(self.d_optimizer, tape, scaled, variables)
        return losses

    def generator_step(self, batch_size, condition=None):
        """One update of G on `batch_size` fresh fakes; returns `{"g_loss": ...}`."""
        variables = self.generator.trainable_variables
        with tf.GradientTape() as tape:
            fake = self._generate(self._noise(batch_size), condition, training=True)
            loss = self._generator_loss(self._discriminate(fake, condition, training=False))
            scaled = self.g_optimizer.scale_loss(loss)
        _generative.apply_gradients(self.g_optimizer, tape, scaled, variables)
        return {"g_loss": loss}

    def _discriminator_scores(self, real, fake, condition, training):
        """D on real and fake in one call (one spectral-norm power step per D step)."""
        both = ops.concatenate([real, fake], axis=0)
        both_condition = None if condition is None else ops.concatenate([condition, condition], axis=0)
        return ops.split(self._discriminate(both, both_condition, training), 2, axis=0)

    def _discriminator_losses(self, real, fake, condition, training):
        real_logits, fake_logits = self._discriminator_scores(real, fake, condition, training)
        return {"d_loss": self.loss_fn(ops.ones_like(real_logits), real_logits)
                + self.loss_fn(ops.zeros_like(fake_logits), fake_logits)}

    def _generator_loss(self, fake_logits):
        if self.generator_loss == "minimax":
            return -self.loss_fn(ops.zeros_like(fake_logits), fake_logits)
        return self.loss_fn(ops.ones_like(fake_logits), fake_logits)

    def generate(self, z):
        """Images in [0, 1] from latent vectors `z` (batch, latent_dim), inference mode."""
        return self.generator(z, training=False)

    def sample(self, n, seed=0):
        """`n` images (numpy, in [0, 1]) from z ~ N(0, I) drawn with the integer `seed`."""
        z = keras.random.normal((int(n), self.latent_dim), seed=int(seed))
        return ops.convert_to_numpy(self.generate(z))

    def get_config(self):
        config = super().get_config()
        config.update({
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "generator_loss": self.generator_loss,
            "seed": self.seed,
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key], custom_objects=custom_objects)
        return cls(**config)
