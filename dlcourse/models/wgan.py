"""Wasserstein GANs: `WGAN` (weight clipping) and `WGANGP` (gradient penalty)."""

import keras
import tensorflow as tf
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.models import _generative
from dlcourse.models.gan import GAN

# Inside the square root: keeps the norm's gradient finite where the gradient is zero.
GRADIENT_PENALTY_EPSILON = 1e-12


def gradient_penalty(critic, real, fake, alpha, epsilon=GRADIENT_PENALTY_EPSILON):
    """The WGAN-GP penalty of each example, on points between real and fake.

        x_hat = real + alpha * (fake - real)            # alpha: (batch, 1, 1, 1) in [0, 1]
        grad = d critic(x_hat) / d x_hat                # per example: no batch statistics
        penalty = (sqrt(sum(grad**2 over all but the batch axis) + epsilon) - 1)**2

    Args:
        critic: a callable, images -> scores (batch, 1).
        real, fake: tensors of the same shape (batch, ...).
        alpha: (batch, 1, ..., 1) interpolation weights.
        epsilon: added inside the square root.

    Returns:
        The penalties, shape (batch,). Differentiable with respect to the critic's weights.

    Reference: Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017,
    Algorithm 1 (lines 6-8).
    """
    real = ops.convert_to_tensor(real)
    x_hat = real + ops.convert_to_tensor(alpha, real.dtype) * (ops.convert_to_tensor(fake, real.dtype) - real)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat)
    grad = tape.gradient(scores, x_hat)
    norm = ops.sqrt(ops.sum(ops.square(grad), axis=tuple(range(1, len(grad.shape)))) + epsilon)
    return ops.square(norm - 1.0)


@keras.saving.register_keras_serializable(package="dlcourse")
class WGAN(GAN):
    """Wasserstein GAN with weight clipping; train it with `fit`. Like `GAN`, with a critic.

    The critic `C` returns unbounded scores (no sigmoid). Per batch `real` of size B:

        repeat n_critic times:                   # fresh z each time, same real batch
            critic_loss = mean(C(G(z))) - mean(C(real))     # -(Wasserstein estimate)
            update C; then clip every weight of C to [-clip_value, clip_value]
        g_loss = -mean(C(G(z)))                             # update G

    The paper draws a new real batch for each critic step; `fit` hands one batch per
    step, so the critic sees it `n_critic` times with fresh fakes (as the Keras WGAN-GP
    example does). Logged: `d_loss` (the critic loss of the last critic step), `g_loss`.
    Means are per replica divided by the replica count (see `GAN`).

    Args:
        generator, critic, latent_dim, seed: as for `GAN` (the critic in place of D).
        n_critic: critic updates per generator update (paper: 5).
        clip_value: critic weights are clipped to [-clip_value, clip_value] (paper: 0.01).
        **kwargs: `keras.Model` arguments.

    Example:

        wgan = WGAN(build_dcgan_generator(), build_dcgan_discriminator(), latent_dim=128)
        wgan.compile(d_optimizer=keras.optimizers.RMSprop(5e-5),
                     g_optimizer=keras.optimizers.RMSprop(5e-5))

    Reference: Arjovsky, Chintala & Bottou, "Wasserstein GAN", ICML 2017, Algorithm 1.
    """

    def __init__(self, generator, critic, latent_dim, n_critic=5, clip_value=0.01, seed=None, **kwargs):
        kwargs.pop("generator_loss", None)  # The Wasserstein loss replaces it.
        super().__init__(generator, critic, latent_dim, seed=seed, **kwargs)
        if isinstance(n_critic, bool) or int(n_critic) != n_critic or n_critic < 1:
            raise DLCourseError(f"`n_critic` must be a positive integer. Received: n_critic={n_critic!r}")
        if clip_value is not None and not clip_value > 0:
            raise DLCourseError(f"`clip_value` must be positive (or None). Received: clip_value={clip_value}")
        self.n_critic = int(n_critic)
        self.clip_value = None if clip_value is None else float(clip_value)

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        """Two optimisers; the Wasserstein loss is built in (no `loss` argument)."""
        super().compile(d_optimizer, g_optimizer, **kwargs)

    def train_step(self, data):
        real, condition = self._unpack(data)
        batch_size = ops.shape(real)[0]
        for _ in range(self.n_critic):  # Unrolled into the graph: n_critic is a Python int.
            logs = self.discriminator_step(real, condition)
        logs.update(self.generator_step(batch_size, condition))
        return _generative.track(self, batch_size, **logs)

    def discriminator_step(self, real, condition=None):
        logs = super().discriminator_step(real, condition)
        if self.clip_value is not None:
            for w in self.discriminator.trainable_variables:
                w.assign(ops.clip(w, -self.clip_value, self.clip_value))
        return logs

    def _discriminator_losses(self, real, fake, condition, training):
        real_scores, fake_scores = self._discriminator_scores(real, fake, condition, training)
        return {"d_loss": _generative.replica_mean(fake_scores) - _generative.replica_mean(real_scores)}

    def _generator_loss(self, fake_scores):
        return -_generative.replica_mean(fake_scores)

    def get_config(self):
        config = super().get_config()
        config.pop("generator_loss")
        config["critic"] = config.pop("discriminator")
        config.update({"n_critic": self.n_critic, "clip_value": self.clip_value})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("generator", "critic"):
            config[key] = keras.saving.deserialize_keras_object(config[key], custom_objects=custom_objects)
        return cls(**config)


@keras.saving.register_keras_serializable(package="dlcourse")
class WGANGP(WGAN):
    """WGAN with a gradient penalty instead of weight clipping; train it with `fit`.

    As `WGAN`, without clipping, and the critic loss of each critic step is

        alpha = uniform((B, 1, 1, 1), 0, 1)
        d_loss = mean(C(fake)) - mean(C(real)) + gp_weight * mean(gradient_penalty(C, real, fake, alpha))

    Logged: `d_loss` (penalty included), `gradient_penalty` (its mean, unweighted), `g_loss`.

    Args:
        generator, critic, latent_dim, n_critic, seed: as for `WGAN`.
        gp_weight: the penalty's weight lambda (paper: 10).
        **kwargs: `keras.Model` arguments.

    Example:

        wgan = WGANGP(build_dcgan_generator(), build_dcgan_discriminator(), latent_dim=128)
        wgan.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
                     g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))

    Reference: Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017,
    Algorithm 1 (lambda = 10, n_critic = 5, Adam 1e-4, beta_1 = 0, beta_2 = 0.9).
    """

    def __init__(self, generator, critic, latent_dim, n_critic=5, gp_weight=10.0, seed=None, **kwargs):
        kwargs.pop("clip_value", None)
        super().__init__(generator, critic, latent_dim, n_critic=n_critic, clip_value=None, seed=seed, **kwargs)
        if not gp_weight >= 0:
            raise DLCourseError(f"`gp_weight` must be >= 0. Received: gp_weight={gp_weight}")
        self.gp_weight = float(gp_weight)
        self.gp_tracker = keras.metrics.Mean(name="gradient_penalty")

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.gp_tracker, self.g_loss_tracker]

    def _discriminator_losses(self, real, fake, condition, training):
        logs = super()._discriminator_losses(real, fake, condition, training)
        rank = len(real.shape)
        alpha = _generative.replica_slice(
            lambda n: keras.random.uniform((n,) + (1,) * (rank - 1), seed=self.seed_generator),
            ops.shape(real)[0])
        critic = lambda images: self._discriminate(images, condition, training)  # noqa: E731
        penalty = _generative.replica_mean(gradient_penalty(critic, real, fake, ops.cast(alpha, real.dtype)))
        logs["d_loss"] = logs["d_loss"] + self.gp_weight * penalty
        logs["gradient_penalty"] = penalty
        return logs

    def get_config(self):
        config = super().get_config()
        config.pop("clip_value")
        config["gp_weight"] = self.gp_weight
        return config
