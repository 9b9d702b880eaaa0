"""Tiny GANs and random images shared by the GAN tests (8x8 images, 16-d latent space)."""

import keras
import numpy as np

from dlcourse import models

SHAPE = (8, 8, 1)
LATENT = 16


def tiny_gan(cls=models.GAN, spectral_norm=False, **kwargs):
    """A compiled `cls` (GAN, WGAN, WGANGP) on 8x8 images, seeded."""
    keras.utils.set_random_seed(0)
    generator = models.build_dcgan_generator(LATENT, SHAPE, filters=(8, 4))
    discriminator = models.build_dcgan_discriminator(SHAPE, filters=(4, 8), spectral_norm=spectral_norm)
    gan = cls(generator, discriminator, LATENT, seed=1, **kwargs)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2))
    return gan


def images(n=64, seed=0):
    """`n` uniform random 8x8 "images" in [0, 1]."""
    return np.random.default_rng(seed).uniform(size=(n,) + SHAPE).astype("float32")
