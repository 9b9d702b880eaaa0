"""`ConditionalGAN`: a GAN told which class to draw; generate a chosen class."""

import keras
import numpy as np
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.models import _generative
from dlcourse.models.gan import GAN


@keras.saving.register_keras_serializable(package="dlcourse")
class ConditionalGAN(GAN):
    """A class-conditional GAN; train it with `fit` on `(images, labels)` batches.

    As `GAN`, with the label `y` of each real image given to both networks:

        d_loss = bce(1, D(real, y)) + bce(0, D(G(z, y), y))
        g_loss = bce(1, D(G(z, y), y))           # non-saturating (or minimax)

    The fakes of a batch take the real batch's labels, so classes are drawn as often
    as they occur in the data. A discriminator that sees the label rejects a good
    image of the wrong class, which teaches G to honour the label.

    Args:
        generator: `keras.Model`, `[z, label]` -> images in [0, 1]
            (e.g. `build_dcgan_generator(num_classes=10)`).
        discriminator: `keras.Model`, `[images, label]` -> logits (batch, 1).
        latent_dim: size of z.
        num_classes: number of classes; labels are ints in [0, num_classes).
        generator_loss, seed, **kwargs: as for `GAN`.

    Example:

        cgan = ConditionalGAN(build_dcgan_generator(num_classes=10),
                              build_dcgan_discriminator(num_classes=10), 128, num_classes=10)
        cgan.compile(d_optimizer="adam", g_optimizer="adam")
        cgan.fit(train_ds, epochs=5)                       # (images, labels) batches
        boots = cgan.sample(8, seed=0, labels=[9] * 8)     # eight ankle boots

    Reference: Mirza & Osindero, "Conditional Generative Adversarial Nets", 2014, Sec. 3.2.
    """

    def __init__(self, generator, discriminator, latent_dim, num_classes, generator_loss="non_saturating",
                 seed=None, **kwargs):
        super().__init__(generator, discriminator, latent_dim, generator_loss=generator_loss, seed=seed, **kwargs)
        if isinstance(num_classes, bool) or int(num_classes) != num_classes or num_classes < 2:
            raise DLCourseError(f"`num_classes` must be an integer >= 2. Received: num_classes={num_classes!r}")
        self.num_classes = int(num_classes)

    def call(self, inputs, training=False):
        z, labels = inputs
        return self.generator([z, labels], training=training)

    def _unpack(self, data):
        images, labels = _generative.real_images(data)
        if labels is None:
            raise DLCourseError("ConditionalGAN trains on (images, labels) batches; the data has no labels.")
        return images, ops.cast(ops.reshape(labels, (-1,)), "int32")

    def _generate(self, z, condition, training):
        return self.generator([z, condition], training=training)

    def _discriminate(self, images, condition, training):
        return self.discriminator([images, condition], training=training)

    def generate(self, z, labels):
        """Images in [0, 1] of classes `labels` (batch,) from latent vectors `z`."""
        return self.generator([ops.convert_to_tensor(z), ops.cast(labels, "int32")], training=False)

    def sample(self, n, seed=0, labels=None):
        """`n` images (numpy) of classes `labels` (default: 0, 1, ..., cycling), z from `seed`."""
        labels = np.arange(int(n)) % self.num_classes if labels is None else np.asarray(labels)
        if labels.shape != (int(n),) or labels.min() < 0 or labels.max() >= self.num_classes:
            raise DLCourseError(
                f"`labels` must be {n} class indices in [0, {self.num_classes}). Received: {labels.tolist()}"
            )
        z = keras.random.normal((int(n), self.latent_dim), seed=int(seed))
        return ops.convert_to_numpy(self.generate(z, labels.astype("int32")))

    def get_config(self):
        config = super().get_config()
        config["num_classes"] = self.num_classes
        return config
