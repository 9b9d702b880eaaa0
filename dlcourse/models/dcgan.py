"""DCGAN generator and discriminator builders (optionally class-conditional, spectral-normalised)."""

import keras

from dlcourse.errors import DLCourseError
from dlcourse.layers.spectral_normalization import SpectralNormalization

_LABEL_EMBEDDING = 32  # Size of the class embedding fed to a conditional generator.


def build_dcgan_generator(latent_dim=128, image_shape=(28, 28, 1), filters=(128, 64), num_classes=None,
                          name="dcgan_generator"):
    """z -> image: dense to a (H/4, W/4) map, then two stride-2 transposed convolutions.

        z (latent_dim,) [+ embedding(label) (32,)]
        -> Dense(H/4 * W/4 * filters[0], no bias) -> reshape -> BatchNorm -> ReLU
        -> Conv2DTranspose(filters[1], 4, strides 2) -> BatchNorm -> ReLU      # (H/2, W/2)
        -> Conv2DTranspose(channels, 4, strides 2) -> tanh                      # (H, W)
        -> x * 0.5 + 0.5                                                        # in [0, 1]

    With the defaults on 28x28x1 (no labels):

        dense 128*7*7*128 = 802,816     bn 4*128 = 512
        deconv 4*4*128*64 = 131,072     bn 4*64 = 256
        deconv 4*4*64*1 + 1 = 1,025     total 935,681 parameters

    Args:
        latent_dim: size of z.
        image_shape: (H, W, C) with H and W divisible by 4.
        filters: channels of the (H/4, W/4) and (H/2, W/2) maps.
        num_classes: if given, a second int input `label` whose learned 32-d embedding
            is concatenated to z (a class-conditional generator).
        name: the model's name.

    The BatchNorms are `synchronized`: under a strategy they use the global batch's
    statistics, so a distributed run trains like one device.

    Returns:
        A functional `keras.Model`: `z` or `[z, label]` -> float32 images in [0, 1].

    Reference: Radford, Metz & Chintala, "Unsupervised Representation Learning with Deep
    Convolutional GANs", ICLR 2016, Sec. 3 (architecture guidelines).
    """
    height, width, channels = _check_shape(image_shape)
    z = keras.Input((latent_dim,), name="z")
    inputs, x = [z], z
    if num_classes:
        label = keras.Input((), dtype="int32", name="label")
        inputs.append(label)
        x = keras.layers.Concatenate()([z, keras.layers.Embedding(num_classes, _LABEL_EMBEDDING)(label)])
    x = keras.layers.Dense(height // 4 * width // 4 * filters[0], use_bias=False)(x)
    x = keras.layers.Reshape((height // 4, width // 4, filters[0]))(x)
    x = keras.layers.ReLU()(keras.layers.BatchNormalization(synchronized=True)(x))
    x = keras.layers.Conv2DTranspose(filters[1], 4, strides=2, padding="same", use_bias=False)(x)
    x = keras.layers.ReLU()(keras.layers.BatchNormalization(synchronized=True)(x))
    x = keras.layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="tanh")(x)
    outputs = keras.layers.Rescaling(0.5, offset=0.5, dtype="float32", name="images")(x)
    return keras.Model(inputs if num_classes else z, outputs, name=name)


def build_dcgan_discriminator(image_shape=(28, 28, 1), filters=(64, 128), num_classes=None,
                              spectral_norm=False, name="dcgan_discriminator"):
    """image -> logit: two stride-2 convolutions with LeakyReLU(0.2), then one dense unit.

        x * 2 - 1 [+ embedding(label) as an extra (H, W) channel]
        -> Conv2D(filters[0], 4, strides 2) -> LeakyReLU(0.2)      # (H/2, W/2)
        -> Conv2D(filters[1], 4, strides 2) -> LeakyReLU(0.2)      # (H/4, W/4)
        -> flatten -> Dense(1)                                      # a logit

    No BatchNorm, so it also serves as the critic of WGAN and WGAN-GP (whose gradient
    penalty is per example, which batch statistics would break). With the defaults on
    28x28x1: 4*4*1*64 + 64 = 1,088; 4*4*64*128 + 128 = 131,200; 7*7*128 + 1 = 6,273;
    total 138,561 trainable parameters (plus 193 non-trainable `u` with spectral_norm).

    Args:
        image_shape: (H, W, C) with H and W divisible by 4.
        filters: channels of the two convolutions.
        num_classes: if given, a second int input `label`, embedded as an (H, W) map
            and stacked onto the image's channels (a class-conditional discriminator).
        spectral_norm: wrap every conv and dense layer in `SpectralNormalization` (SN-GAN).
        name: the model's name.

    Returns:
        A functional `keras.Model`: images in [0, 1] (or `[images, label]`) -> (batch, 1) logits.
    """
    height, width, channels = _check_shape(image_shape)
    wrap = SpectralNormalization if spectral_norm else (lambda layer: layer)
    images = keras.Input(image_shape, name="images")
    inputs, x = [images], keras.layers.Rescaling(2.0, offset=-1.0)(images)
    if num_classes:
        label = keras.Input((), dtype="int32", name="label")
        inputs.append(label)
        label_map = keras.layers.Reshape((height, width, 1))(keras.layers.Embedding(num_classes, height * width)(label))
        x = keras.layers.Concatenate()([x, label_map])
    for f in filters:
        x = wrap(keras.layers.Conv2D(f, 4, strides=2, padding="same"))(x)
        x = keras.layers.LeakyReLU(0.2)(x)
    x = keras.layers.Flatten()(x)
    outputs = wrap(keras.layers.Dense(1, dtype="float32", name="logit"))(x)
    return keras.Model(inputs if num_classes else images, outputs, name=name)


def _check_shape(image_shape):
    if len(image_shape) != 3 or image_shape[0] % 4 or image_shape[1] % 4:
        raise DLCourseError(
            f"DCGAN builders need (height, width, channels) with height and width divisible by 4. "
            f"Received: image_shape={tuple(image_shape)}"
        )
    return image_shape
