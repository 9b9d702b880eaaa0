"""A small progressive-growing GAN: 7x7, then 14x14, then 28x28, each new stage faded in."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.models.gan import GAN

MAX_LEVEL = 2.0  # Level 0: 7x7, 1: 14x14, 2: 28x28; in between, the next stage fades in.


def fade(level, stage):
    """How far `stage` (1: 14x14, 2: 28x28) has faded in at `level`: clip(level - stage + 1, 0, 1)."""
    return ops.clip(level - stage + 1.0, 0.0, 1.0)


def level_at(step, stage_steps):
    """The schedule: 7x7 alone, fade to 14x14, 14x14 alone, fade to 28x28, then 28x28;
    each phase lasts `stage_steps` generator steps."""
    phase = ops.cast(step, "float32") / float(stage_steps)
    return ops.clip(phase - 1.0, 0.0, 1.0) + ops.clip(phase - 3.0, 0.0, 1.0)


def _down(x, factor):
    return ops.average_pool(x, factor, factor, padding="valid")


def _up(x, factor):
    return ops.repeat(ops.repeat(x, factor, axis=1), factor, axis=2)


def images_at_level(images, level):
    """28x28 images shown at the resolution of `level` (batch,): the real images the
    discriminator compares with the generator's at that level."""
    level = ops.reshape(level, (-1, 1, 1, 1))
    x = _up(_down(images, 4), 2)                        # 7x7, as 14x14
    x = x + fade(level, 1) * (_down(images, 2) - x)     # 14x14
    x = _up(x, 2)
    return x + fade(level, 2) * (images - x)            # 28x28


@keras.saving.register_keras_serializable(package="dlcourse")
class FadeIn(keras.layers.Layer):
    """`old + fade(level, stage) * (new - old)`: blends a new stage in. No Keras twin.

    Called on `[level (batch,), old, new]`; `old` and `new` have the same shape.
    """

    def __init__(self, stage, **kwargs):
        super().__init__(**kwargs)
        self.stage = int(stage)

    def call(self, inputs):
        level, old, new = inputs
        weight = ops.reshape(fade(ops.cast(level, old.dtype), self.stage), (-1,) + (1,) * (len(old.shape) - 1))
        return old + weight * (new - old)

    def compute_output_shape(self, input_shapes):
        return input_shapes[1]

    def get_config(self):
        return {**super().get_config(), "stage": self.stage}


def _conv(x, filters, kernel_size=3):
    return keras.layers.LeakyReLU(0.2)(keras.layers.Conv2D(filters, kernel_size, padding="same")(x))


def build_progressive_generator(latent_dim=128, filters=(128, 64, 32), channels=1, name="progressive_generator"):
    """`[z, level]` -> 28x28 images in [0, 1]: a block per resolution, each with its toRGB.

        h7 = conv(reshape(dense(z)))             rgb = toRGB7(h7)
        h14 = conv(conv(up(h7)))                 rgb = FadeIn(1)(up(rgb), toRGB14(h14))
        h28 = conv(conv(up(h14)))                rgb = FadeIn(2)(up(rgb), toRGB28(h28))
        images = tanh(rgb) * 0.5 + 0.5

    At level 0 the output is the 7x7 image repeated to 28x28; at level 2, the full network.
    """
    z = keras.Input((latent_dim,), name="z")
    level = keras.Input((), name="level")
    h = keras.layers.LeakyReLU(0.2)(keras.layers.Reshape((7, 7, filters[0]))(keras.layers.Dense(49 * filters[0])(z)))
    h = _conv(h, filters[0])
    rgb = keras.layers.Conv2D(channels, 1, name="to_rgb_7")(h)
    for stage, f in ((1, filters[1]), (2, filters[2])):
        h = _conv(_conv(keras.layers.UpSampling2D(2)(h), f), f)
        new = keras.layers.Conv2D(channels, 1, name=f"to_rgb_{7 * 2 ** stage}")(h)
        rgb = FadeIn(stage)([level, keras.layers.UpSampling2D(2)(rgb), new])
    images = keras.layers.Activation("tanh")(rgb)
    images = keras.layers.Rescaling(0.5, offset=0.5, dtype="float32", name="images")(images)
    return keras.Model([z, level], images, name=name)


def build_progressive_discriminator(filters=(128, 64, 32), channels=1, name="progressive_discriminator"):
    """`[images, level]` -> logits: the generator mirrored, with a fromRGB per resolution.

        d28 = pool(conv(conv(fromRGB28(x))))                               # 14x14
        h = FadeIn(2)(fromRGB14(pool(x)), d28); d14 = pool(conv(conv(h)))  # 7x7
        h = FadeIn(1)(fromRGB7(pool(pool(x))), d14); logit = dense(flatten(conv(h)))
    """
    images = keras.Input((28, 28, channels), name="images")
    level = keras.Input((), name="level")
    x = keras.layers.Rescaling(2.0, offset=-1.0)(images)
    h = _conv(x, filters[2], 1)
    for stage, f_in, f_out, size in ((2, filters[2], filters[1], 2), (1, filters[1], filters[0], 4)):
        h = keras.layers.AveragePooling2D(2)(_conv(_conv(h, f_in), f_out))
        from_rgb = _conv(keras.layers.AveragePooling2D(size)(x), f_out, 1)
        h = FadeIn(stage)([level, from_rgb, h])
    logits = keras.layers.Dense(1, dtype="float32")(keras.layers.Flatten()(_conv(h, filters[0])))
    return keras.Model([images, level], logits, name=name)


@keras.saving.register_keras_serializable(package="dlcourse")
class ProgressiveGAN(GAN):
    """A GAN that grows from 7x7 to 28x28 while it trains; train it with `fit`.

    As `GAN`, but both networks also take the current `level` (0 = 7x7, 1 = 14x14,
    2 = 28x28; fractions fade the next stage in), and the real images are shown at that
    level's resolution (`images_at_level`). The level is a function of the generator's
    step count (`level_at(step, stage_steps)`), so a resumed run continues at the
    right level; it is logged as `level`.

    Args:
        generator: `build_progressive_generator(...)`.
        discriminator: `build_progressive_discriminator(...)`.
        latent_dim: size of z.
        stage_steps: generator steps per phase (7x7, fade, 14x14, fade, then 28x28).
        generator_loss, seed, **kwargs: as for `GAN`.

    Reference: Karras, Aila, Laine & Lehtinen, "Progressive Growing of GANs for Improved
    Quality, Stability, and Variation", ICLR 2018, Sec. 2 and Fig. 2 (fade-in). Left out
    here: minibatch standard deviation, equalised learning rate, pixel normalisation.
    """

    def __init__(self, generator, discriminator, latent_dim, stage_steps=200, generator_loss="non_saturating",
                 seed=None, **kwargs):
        super().__init__(generator, discriminator, latent_dim, generator_loss=generator_loss, seed=seed, **kwargs)
        if isinstance(stage_steps, bool) or int(stage_steps) != stage_steps or stage_steps < 1:
            raise DLCourseError(f"`stage_steps` must be a positive integer. Received: stage_steps={stage_steps!r}")
        self.stage_steps = int(stage_steps)
        self.level_tracker = keras.metrics.Mean(name="level")

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker, self.level_tracker]

    def current_level(self):
        return level_at(self.g_optimizer.iterations, self.stage_steps)

    def call(self, z, training=False):
        return self._generate(z, ops.full((ops.shape(z)[0],), MAX_LEVEL), training)

    def _unpack(self, data):
        images, _ = super()._unpack(data)
        level = ops.full((ops.shape(images)[0],), self.current_level())
        self.level_tracker.update_state(level[0])  # A metric of its own: not a loss to scale.
        return images_at_level(images, level), level

    def _generate(self, z, condition, training):
        return self.generator([z, condition], training=training)

    def _discriminate(self, images, condition, training):
        return self.discriminator([images, condition], training=training)

    def generate(self, z, level=MAX_LEVEL):
        """Images in [0, 1] from `z` at `level` (default: the full 28x28)."""
        z = ops.convert_to_tensor(z)
        return self.generator([z, ops.full((ops.shape(z)[0],), level)], training=False)

    def get_config(self):
        return {**super().get_config(), "stage_steps": self.stage_steps}
