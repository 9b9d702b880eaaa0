"""`VAE`: a variational auto-encoder trained with `fit`, and its encoder and decoder builders."""

import keras
import tensorflow as tf
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.models import _generative


@keras.saving.register_keras_serializable(package="dlcourse")
class VAE(keras.Model):
    """A variational auto-encoder; train it with `fit` on batches of images in [0, 1].

    Keras has no VAE class; this follows the Keras example "Variational AutoEncoder".
    For a batch `x`, with `q(z|x) = N(z_mean, exp(z_log_var))` and the prior `N(0, I)`:

        z_mean, z_log_var = encoder(x)
        z = z_mean + exp(z_log_var / 2) * eps            # eps ~ N(0, I): reparameterisation
        x_hat = decoder(z)                               # pixel probabilities
        reconstruction_loss = sum over pixels of bce(x, x_hat)                 # -log p(x|z)
        kl_loss = -0.5 * sum over latents of (1 + z_log_var - z_mean**2 - exp(z_log_var))
        loss = reconstruction_loss + beta * kl_loss      # -ELBO (beta = 1), per image

    Gradients reach the encoder through z because eps, not z, is the random draw.
    Logged: `loss`, `reconstruction_loss`, `kl_loss` (per-image means, also on
    validation data). Means are divided by the replica count under a strategy.

    Args:
        encoder: `keras.Model`, images -> `[z_mean, z_log_var]` (batch, latent_dim) each.
        decoder: `keras.Model`, (batch, latent_dim) -> images in [0, 1].
        beta: weight of the KL term (1: the ELBO; > 1: a beta-VAE).
        seed: seed of the `SeedGenerator` that draws eps (None: random).
        **kwargs: `keras.Model` arguments.

    Example:

        vae = VAE(build_vae_encoder(latent_dim=32), build_vae_decoder(latent_dim=32))
        vae.compile(optimizer=keras.optimizers.Adam(1e-3))
        vae.fit(images, epochs=5)                # loss, reconstruction_loss, kl_loss
        new = vae.sample(16, seed=0)             # decoder(z), z ~ N(0, I)

    Reference: Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014, Sec. 2.4
    and Appendix B (the Gaussian KL term).
    """

    def __init__(self, encoder, decoder, beta=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        for name, net in (("encoder", encoder), ("decoder", decoder)):
            if not isinstance(net, keras.Model):
                raise DLCourseError(f"`{name}` must be a keras.Model. Received: {name}={net!r}")
        if not beta >= 0:
            raise DLCourseError(f"`beta` must be >= 0. Received: beta={beta}")
        self.encoder, self.decoder, self.beta, self.seed = encoder, decoder, float(beta), seed
        self.latent_dim = int(decoder.inputs[0].shape[-1])
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = keras.metrics.Mean(name="kl_loss")
        self.built = True

    @property
    def metrics(self):
        return [self.loss_tracker, self.reconstruction_tracker, self.kl_tracker]

    def call(self, images, training=False):
        """The reconstruction of `images` through the posterior mean (no sampling)."""
        z_mean, _ = self.encoder(images, training=training)
        return self.decoder(z_mean, training=training)

    def losses_of(self, images, training):
        """The three logged terms for a batch (divided by the replica count)."""
        z_mean, z_log_var = self.encoder(images, training=training)
        eps = _generative.replica_slice(
            lambda n: keras.random.normal((n, self.latent_dim), seed=self.seed_generator), ops.shape(images)[0])
        z = z_mean + ops.exp(0.5 * z_log_var) * ops.cast(eps, z_mean.dtype)
        reconstruction = ops.cast(self.decoder(z, training=training), images.dtype)
        pixel_bce = ops.binary_crossentropy(images, reconstruction)
        reconstruction_loss = ops.sum(ops.reshape(pixel_bce, (ops.shape(images)[0], -1)), axis=1)
        kl = -0.5 * ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=1)
        reconstruction_loss = _generative.replica_mean(reconstruction_loss)
        kl_loss = _generative.replica_mean(ops.cast(kl, "float32"))
        return {"loss": reconstruction_loss + self.beta * kl_loss,
                "reconstruction_loss": reconstruction_loss, "kl_loss": kl_loss}

    def train_step(self, data):
        images, _ = _generative.real_images(data)
        with tf.GradientTape() as tape:
            logs = self.losses_of(images, training=True)
            scaled = self.optimizer.scale_loss(logs["loss"])
        _generative.apply_gradients(self.optimizer, tape, scaled, self.trainable_variables)
        return _generative.track(self, ops.shape(images)[0], **logs)

    def test_step(self, data):
        images, _ = _generative.real_images(data)
        return _generative.track(self, ops.shape(images)[0], **self.losses_of(images, training=False))

    def generate(self, z):
        """Images in [0, 1] decoded from latent vectors `z` (batch, latent_dim)."""
        return self.decoder(z, training=False)

    def sample(self, n, seed=0):
        """`n` new images (numpy): the decoder of z ~ N(0, I) drawn with `seed`."""
        z = keras.random.normal((int(n), self.latent_dim), seed=int(seed))
        return ops.convert_to_numpy(self.generate(z))

    def get_config(self):
        config = super().get_config()
        config.update({"encoder": keras.saving.serialize_keras_object(self.encoder),
                       "decoder": keras.saving.serialize_keras_object(self.decoder),
                       "beta": self.beta, "seed": self.seed})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("encoder", "decoder"):
            config[key] = keras.saving.deserialize_keras_object(config[key], custom_objects=custom_objects)
        return cls(**config)


def build_vae_encoder(input_shape=(28, 28, 1), latent_dim=32, filters=(32, 64), dense_units=128,
                      name="vae_encoder"):
    """images -> [z_mean, z_log_var]: two stride-2 3x3 convolutions (ReLU), a dense layer.

    With the defaults on 28x28x1: conv 3*3*1*32 + 32 = 320; conv 3*3*32*64 + 64 = 18,496;
    dense 7*7*64*128 + 128 = 401,536; z_mean and z_log_var 2 * (128*32 + 32) = 8,256;
    total 428,608 parameters.
    """
    images = keras.Input(input_shape, name="images")
    x = images
    for f in filters:
        x = keras.layers.Conv2D(f, 3, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Dense(dense_units, activation="relu")(keras.layers.Flatten()(x))
    z_mean = keras.layers.Dense(latent_dim, dtype="float32", name="z_mean")(x)
    z_log_var = keras.layers.Dense(latent_dim, dtype="float32", name="z_log_var")(x)
    return keras.Model(images, [z_mean, z_log_var], name=name)


def build_vae_decoder(latent_dim=32, output_shape=(28, 28, 1), filters=(64, 32), name="vae_decoder"):
    """z -> images in [0, 1]: dense to (H/4, W/4, filters[0]), two stride-2 transposed convolutions.

    With the defaults on 28x28x1: dense 32*7*7*64 + 3,136 = 103,488; deconv 3*3*64*64 + 64
    = 36,928; deconv 3*3*64*32 + 32 = 18,464; conv 3*3*32*1 + 1 = 289; total 159,169.
    """
    height, width, channels = output_shape
    if height % 4 or width % 4:
        raise DLCourseError(f"`output_shape` must have height and width divisible by 4. Received: {output_shape}")
    z = keras.Input((latent_dim,), name="z")
    x = keras.layers.Dense(height // 4 * width // 4 * filters[0], activation="relu")(z)
    x = keras.layers.Reshape((height // 4, width // 4, filters[0]))(x)
    for f in filters:
        x = keras.layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu")(x)
    outputs = keras.layers.Conv2D(channels, 3, padding="same", activation="sigmoid", dtype="float32",
                                  name="images")(x)
    return keras.Model(z, outputs, name=name)
