"""Small fully connected GAN networks for 2-D toy data (the ring of 8 Gaussians)."""

import keras

from dlcourse.layers.spectral_normalization import SpectralNormalization


def build_toy_generator(latent_dim=8, units=128, depth=2, output_dim=2, name="toy_generator"):
    """z -> a point: `depth` Dense(units, ReLU) layers, then a linear Dense(output_dim).

    With the defaults: 8*128 + 128 + 128*128 + 128 + 128*2 + 2 = 17,922 parameters.
    """
    z = keras.Input((latent_dim,), name="z")
    x = z
    for _ in range(depth):
        x = keras.layers.Dense(units, activation="relu")(x)
    return keras.Model(z, keras.layers.Dense(output_dim, dtype="float32", name="points")(x), name=name)


def build_toy_discriminator(input_dim=2, units=128, depth=2, spectral_norm=False, name="toy_discriminator"):
    """A point -> a logit: `depth` Dense(units) + LeakyReLU(0.2) layers, then Dense(1).

    With the defaults: 2*128 + 128 + 128*128 + 128 + 128 + 1 = 17,025 trainable parameters;
    `spectral_norm` wraps every Dense in `SpectralNormalization` (SN-GAN).
    """
    wrap = SpectralNormalization if spectral_norm else (lambda layer: layer)
    points = keras.Input((input_dim,), name="points")
    x = points
    for _ in range(depth):
        x = keras.layers.LeakyReLU(0.2)(wrap(keras.layers.Dense(units))(x))
    return keras.Model(points, wrap(keras.layers.Dense(1, dtype="float32", name="logit"))(x), name=name)
