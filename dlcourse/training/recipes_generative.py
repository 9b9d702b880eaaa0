"""Recipes of lecture 6 (generative models), all on the `generate` task:

    dlcourse train dcgan            # DCGAN, Adam 2e-4 (beta_1 0.5), 5 epochs on Fashion-MNIST
    dlcourse train cgan             # the same, told which class to draw
    dlcourse train wgan             # Wasserstein GAN, weight clipping, RMSprop 5e-5
    dlcourse train wgan_gp          # WGAN-GP: lambda 10, 5 critic steps, Adam 1e-4 (0, 0.9)
    dlcourse train sngan            # DCGAN with a spectrally normalised discriminator
    dlcourse train progan           # progressive growing 7x7 -> 14x14 -> 28x28 with fade-in
    dlcourse train vae              # variational auto-encoder, 32 latents, Adam 1e-3
    dlcourse train ddpm             # DDPM: U-Net, 1,000 cosine-scheduled steps; DDIM to sample
    dlcourse train gan_ring         # plain GAN on 8 Gaussians on a ring (also wgan_gp_ring, sngan_ring)

Each reports FID (on the package classifier's features, 1,000 samples vs test images)
and the class histogram of its samples; `--export-dir` writes `generate(z)` and
`sample(n, seed)`. The settings are the papers' (DCGAN: Radford et al. 2016; WGAN:
Arjovsky et al. 2017; WGAN-GP: Gulrajani et al. 2017; SN-GAN: Miyato et al. 2018).
Importing this module registers them.
"""

from dlcourse import models
from dlcourse.training.recipes import Recipe, register

LATENT_DIM = 128
VAE_LATENT_DIM = 32
RING_LATENT_DIM = 8
# Ring recipes: 30 epochs of 78 steps. Measured at seed 0 (busy 2-core CPU): GAN 8 modes,
# 38 % high quality, 94 s; WGAN-GP 8 modes, 50 %, 166 s; SN-GAN 0 modes, 1 %, 77 s (its
# 1-Lipschitz critic barely separates points 0.06 apart, so samples stay blurred).
_GAN = dict(epochs=5, batch_size=64, optimizer="adam", learning_rate=2e-4, jit_compile=False)
_GAN_OPTIONS = {"beta_1": 0.5, "fid_samples": 1000}
# XLA was 1.2x-2x slower for these conv models on a 2-core CPU, plus 10-15 s of compiling: off.


def _dcgan(input_shape, spectral_norm=False, cls=models.GAN, **kwargs):
    return cls(models.build_dcgan_generator(LATENT_DIM, input_shape),
               models.build_dcgan_discriminator(input_shape, spectral_norm=spectral_norm), LATENT_DIM, **kwargs)


def _conditional(input_shape, num_classes):
    return models.ConditionalGAN(models.build_dcgan_generator(LATENT_DIM, input_shape, num_classes=num_classes),
                                 models.build_dcgan_discriminator(input_shape, num_classes=num_classes),
                                 LATENT_DIM, num_classes=num_classes)


# The ring recipes: 10,000 points, 78 steps an epoch. Measured (seeds 0-2; modes covered of 8,
# share of samples within 3 std of a mode), 30 epochs -> 120 epochs:
#   plain GAN                       5.0, 19 % -> 7.0, 75 %
#   WGAN-GP                         6.3, 39 % -> 7.7, 58 %
#   SN-GAN, 1-Lipschitz             1.3,  4 % -> 4.0, 15 % (spread over the ring, on no mode)
#   SN-GAN, logit x 10              4.0, 13 % -> 7.7, 51 %
# A run of 120 epochs takes about 28 s (GAN), 55 s (WGAN-GP: 5 critic steps) and 25 s (SN-GAN)
# on 2 cores (benchmarks/generative.py --only ring).
_RING = dict(epochs=120, batch_size=128, optimizer="adam", learning_rate=1e-3, jit_compile=False)


def _ring_gan(spectral_norm=False, cls=models.GAN, logit_scale=1.0, **kwargs):
    generator = models.build_toy_generator(RING_LATENT_DIM)
    discriminator = models.build_toy_discriminator(spectral_norm=spectral_norm, logit_scale=logit_scale)
    return cls(generator, discriminator, RING_LATENT_DIM, **kwargs)


for _recipe in (
    Recipe("dcgan", lambda shape, k: _dcgan(shape), "DCGAN (935,681 + 138,561 parameters); Adam 2e-4, beta_1 0.5",
           settings=dict(_GAN), task="generate", options=dict(_GAN_OPTIONS)),
    Recipe("cgan", _conditional, "class-conditional DCGAN: generate a chosen class; Adam 2e-4, beta_1 0.5",
           settings=dict(_GAN), task="generate", options=dict(_GAN_OPTIONS)),
    Recipe("wgan", lambda shape, k: _dcgan(shape, cls=models.WGAN, n_critic=5, clip_value=0.01),
           "Wasserstein GAN, critic weights clipped to 0.01, 5 critic steps; RMSprop 5e-5",
           settings=dict(_GAN, optimizer="rmsprop", learning_rate=5e-5), task="generate",
           options={"fid_samples": 1000}),
    Recipe("wgan_gp", lambda shape, k: _dcgan(shape, cls=models.WGANGP, n_critic=5, gp_weight=10.0),
           "WGAN-GP: gradient penalty 10, 5 critic steps; Adam 1e-4, betas 0 and 0.9",
           settings=dict(_GAN, learning_rate=1e-4), task="generate",
           options={"beta_1": 0.0, "beta_2": 0.9, "fid_samples": 1000}),
    Recipe("sngan", lambda shape, k: _dcgan(shape, spectral_norm=True),
           "DCGAN with spectral normalisation on every discriminator layer; Adam 2e-4, beta_1 0.5",
           settings=dict(_GAN), task="generate", options=dict(_GAN_OPTIONS)),
    Recipe("progan", lambda shape, k: models.ProgressiveGAN(
        models.build_progressive_generator(LATENT_DIM, channels=shape[-1]),
        models.build_progressive_discriminator(channels=shape[-1]), LATENT_DIM, stage_steps=400),
           "progressive growing 7x7 -> 14x14 -> 28x28, 400 steps per phase; Adam 2e-4, beta_1 0.5",
           settings=dict(_GAN, epochs=4), task="generate", options=dict(_GAN_OPTIONS)),
    Recipe("vae", lambda shape, k: models.VAE(models.build_vae_encoder(shape, VAE_LATENT_DIM),
                                               models.build_vae_decoder(VAE_LATENT_DIM, shape)),
           "variational auto-encoder (32 latents; 428,608 + 159,169 parameters); Adam 1e-3",
           settings=dict(_GAN, learning_rate=1e-3), task="generate", options={"fid_samples": 1000}),
    Recipe("ddpm", lambda shape, k: models.DiffusionModel(models.build_unet(shape), timesteps=1000,
                                                          beta_schedule="cosine"),
           "DDPM: U-Net (603,681 parameters), 1,000 cosine-scheduled steps, DDIM sampling; Adam 1e-3",
           # Small batches: a DDPM's samples improve with the number of steps more than with
           # their size. Measured on 2 CPU cores: the 4 epochs (3,372 steps of 64, validation
           # included) took 1,731 s (28.8 minutes); loss 0.112 after epoch 1, val 0.082 after 2;
           # DDIM samples are recognisable garments (shirts, trousers, sneakers, bags, boots),
           # FID 157.9 at N = 2,000 (benchmarks/generative.py).
           settings=dict(epochs=4, batch_size=64, optimizer="adam", learning_rate=1e-3, jit_compile=False),
           task="generate", options={"fid_samples": 1000}),
    Recipe("gan_ring", lambda shape, k: _ring_gan(), "plain GAN (MLPs) on 8 Gaussians on a ring; Adam 1e-3, beta_1 0.5",
           dataset="ring8", settings=dict(_RING), task="generate", options={"beta_1": 0.5}),
    Recipe("wgan_gp_ring", lambda shape, k: _ring_gan(cls=models.WGANGP, n_critic=5, gp_weight=0.1),
           "WGAN-GP (MLPs, lambda 0.1) on 8 Gaussians on a ring; Adam 1e-3, betas 0.5 and 0.9",
           dataset="ring8", settings=dict(_RING), task="generate", options={"beta_1": 0.5, "beta_2": 0.9}),
    Recipe("sngan_ring", lambda shape, k: _ring_gan(spectral_norm=True, logit_scale=10.0),
           "GAN with a spectrally normalised MLP discriminator (logit x 10) on 8 Gaussians on a ring; "
           "Adam 1e-3, beta_1 0.5",
           dataset="ring8", settings=dict(_RING), task="generate", options={"beta_1": 0.5}),
):
    register(_recipe)
