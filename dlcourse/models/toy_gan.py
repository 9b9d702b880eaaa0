"""Small fully connected GAN networks for 2-D toy data (the ring of 8 Gaussians)."""

import keras

from dlcourse.errors import DLCourseError
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


def build_toy_discriminator(input_dim=2, units=128, depth=2, spectral_norm=False, logit_scale=1.0,
                            name="toy_discriminator"):
    """A point -> a logit: `depth` Dense(units) + LeakyReLU(0.2) layers, then Dense(1).

    With the defaults: 2*128 + 128 + 128*128 + 128 + 128 + 1 = 17,025 trainable parameters;
    `spectral_norm` wraps every Dense in `SpectralNormalization` (SN-GAN), which makes the
    network 1-Lipschitz. `logit_scale` K multiplies the logit (a `Rescaling` layer, no
    weights), so a spectrally normalised network is K-Lipschitz instead.

    Why K: the ring's modes are 0.02 wide. A 1-Lipschitz logit changes by at most 0.06
    across a mode, too little to pull samples onto it. Measured on the ring (120 epochs,
    seeds 0-2): K = 1 covered 4.0 modes of 8 with 15 % of samples within 3 std of a mode;
    K = 10 covered 7.7 modes with 51 %.
    """
    if not logit_scale > 0:
        raise DLCourseError(f"`logit_scale` must be a positive number. Received: logit_scale={logit_scale!r}")
    wrap = SpectralNormalization if spectral_norm else (lambda layer: layer)
    points = keras.Input((input_dim,), name="points")
    x = points
    for _ in range(depth):
        x = keras.layers.LeakyReLU(0.2)(wrap(keras.layers.Dense(units))(x))
    logit = wrap(keras.layers.Dense(1, dtype="float32", name="logit"))(x)
    if logit_scale != 1.0:
        logit = keras.layers.Rescaling(float(logit_scale), dtype="float32", name="logit_scale")(logit)
    return keras.Model(points, logit, name=name)
