# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Practical 6: generative models
#
# **Goal.** Train models that *make* images, each with `model.fit` through the course's
# one runner, and measure them:
#
# 1. a DCGAN: two networks, two optimisers, one custom `train_step`;
# 2. a class-conditional GAN that draws the class you ask for;
# 3. a VAE, whose loss (the negative ELBO) is logged in its two parts;
# 4. diffusion: the forward noising process, and a small DDPM sampled with DDIM;
# 5. FID on the features of the package's own classifier, and the class histogram;
# 6. mode collapse on 8 Gaussians on a ring: plain GAN vs WGAN-GP vs SN-GAN;
# 7. an exported generator, reloaded with TensorFlow alone.
#
# **Time.** About 50 minutes on 2 CPU cores (Fashion-MNIST, 3 epochs per GAN and VAE, 1
# for the DDPM, the ring 3 times per model at 120 epochs; estimated from measured step times); fast
# mode takes about a minute (the 8x8 digits, 1 epoch, no DDPM training). To turn fast
# mode on, run `%env DLCOURSE_FAST=1` in a cell before the setup cell (or start Jupyter
# with `DLCOURSE_FAST=1 jupyter lab`; from a terminal: `dlcourse practical 6 --fast`).
# Fast mode shows that the code runs: one epoch is far too short for good samples, so
# read the FIDs from a full run.

# %% [markdown]
# ## Setup
# `settings` reads fast mode and the figures folder; run it before the other imports.

# %%
from dlcourse import practicals

FAST, OUT = practicals.settings("p6_generative")

# %%
import numpy as np
import tensorflow as tf

from dlcourse import callbacks, data, export, models, studies, training

DATASET = "digits" if FAST else "fashion_mnist"
EPOCHS = 1 if FAST else 3
DDPM_EPOCHS = 0 if FAST else 1
RING_EPOCHS = 1 if FAST else None  # None: the ring recipes' own 30 epochs
RING_SEEDS = (0,) if FAST else (0, 1, 2)
SEED = 0
RUNS = OUT / "runs"
results = {"fast": FAST, "dataset": DATASET}

# %% [markdown]
# ## Data
# Images arrive as float32 in [0, 1]. Every generator here ends in `tanh`, rescaled to
# [0, 1], and every discriminator first maps its input to [-1, 1].

# %%
info = data.info(DATASET)
images, labels = data.split_arrays(DATASET, "train")
callbacks.save_image_grid(images[:36] / 255.0, OUT / "real.png", title=f"real {DATASET}")
print(info.input_shape, len(images), "training images")

# %% [markdown]
# ## Model: a GAN is two networks and a `train_step`
# `models.GAN` overrides `train_step`: a discriminator step (real vs fake, D's weights
# only), then a generator step (fool D, G's weights only), each with its own optimiser.
# Below, one discriminator step by hand: the generator's weights do not move.

# %%
generator = models.build_dcgan_generator(128, info.input_shape)
discriminator = models.build_dcgan_discriminator(info.input_shape)
gan = models.GAN(generator, discriminator, latent_dim=128, seed=SEED)
gan.compile(d_optimizer="adam", g_optimizer="adam")
before = [w.numpy().copy() for w in generator.trainable_weights]
logs = gan.discriminator_step(images[:64].astype("float32") / 255.0)
unchanged = all(np.array_equal(a, b.numpy()) for a, b in zip(before, generator.trainable_weights))
print(f"G: {generator.count_params():,} parameters, D: {discriminator.count_params():,}")
print(f"one D step: d_loss {float(logs['d_loss']):.3f}; generator unchanged: {unchanged}")
results["D step leaves G unchanged"] = unchanged

# %% [markdown]
# ## Train: DCGAN through the runner
# The `dcgan` recipe: Adam 2e-4 with beta_1 = 0.5, batch 64. The `ImageGrid` callback
# saves samples of the same 36 latent vectors after each epoch. `metrics.json` holds FID
# on 1,000 samples (the first call trains the FID classifier once, then it is cached).

# %%
def run(recipe, epochs=EPOCHS, **kwargs):
    config = training.make_config(recipe, DATASET, epochs=epochs, seed=SEED, run_dir=str(RUNS / recipe), **kwargs)
    grids = callbacks.ImageGrid(OUT / f"{recipe}_epochs", n=36, seed=SEED)
    return training.train(config, callbacks=[grids], verbose=0)


dcgan = run("dcgan", export_dir=str(OUT / "saved_models" / "dcgan"))
print({k: [round(v, 3) for v in values] for k, values in dcgan.history.items()})
callbacks.save_image_grid(dcgan.model.sample(36, seed=SEED), OUT / "dcgan.png", title="DCGAN")
results["dcgan FID"] = round(dcgan.metrics["fid"], 3)
print("FID", results["dcgan FID"], "class histogram", dcgan.metrics["class_histogram"])

# %% [markdown]
# ## A conditional GAN: ask for a class
# Both networks also see the label. Each row of the grid below asks for one class.

# %%
cgan = run("cgan")
classes = np.repeat(np.arange(info.num_classes), 6)
callbacks.save_image_grid(cgan.model.sample(len(classes), seed=SEED, labels=classes), OUT / "cgan.png",
                          columns=6, title="one class per row")
results["cgan label accuracy"] = round(cgan.metrics["label_accuracy"], 3)
print("the classifier agrees with the asked label for", results["cgan label accuracy"], "of the samples")

# %% [markdown]
# ## A VAE: the ELBO in two parts
# loss = reconstruction (bits to describe the image given z) + KL (how far q(z|x) strays
# from the prior). New images decode z ~ N(0, I).

# %%
vae = run("vae")
print({k: round(v[-1], 2) for k, v in vae.history.items()})
callbacks.save_image_grid(vae.model.sample(36, seed=SEED), OUT / "vae.png", title="VAE")
results["vae FID"] = round(vae.metrics["fid"], 3)

# %% [markdown]
# ## Diffusion: destroy the image step by step, learn to undo it
# The forward process needs no training: x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps.
# A DDPM learns to predict eps from x_t; DDIM then samples in 50 steps instead of 1,000.

# %%
ddpm = models.DiffusionModel(models.build_unet(info.input_shape), timesteps=1000, beta_schedule="cosine")
steps = np.array([0, 100, 300, 500, 700, 999])
noisy = ddpm.forward_process(np.repeat(images[:1] / 255.0, len(steps), axis=0), steps, seed=SEED)
callbacks.save_image_grid(noisy, OUT / "forward_process.png", columns=len(steps), title=f"t = {steps.tolist()}")
if DDPM_EPOCHS:
    trained = run("ddpm", epochs=DDPM_EPOCHS)
    callbacks.save_image_grid(trained.model.sample(36, seed=SEED), OUT / "ddpm.png", title="DDPM, DDIM 50 steps")
    results["ddpm FID"] = round(trained.metrics["fid"], 3)
else:
    print("fast mode: no DDPM training (try `dlcourse train ddpm`)")

# %% [markdown]
# ## Mode collapse on a ring of 8 Gaussians
# A plain GAN tends to chase one mode after another; the Wasserstein critic with a
# gradient penalty, or a spectrally normalised discriminator, change the game.
# Measured on 2 cores over seeds 0-2 (120 epochs of 78 steps): the plain GAN covered 7.0
# modes of 8 on average (as few as 5), WGAN-GP 7.7 and SN-GAN 7.7. The plain GAN's samples
# were the sharpest, 75 % of them within 3 std of a mode, against 58 % and 51 %.
# Spectral normalisation makes the discriminator 1-Lipschitz. A mode here is 0.02 wide, so
# across it the logit can change by 0.06 at most. With that alone the samples spread over
# the whole ring and sit on no mode (4.0 modes, 15 %). The recipe multiplies the logit by
# 10, which makes the discriminator 10-Lipschitz. Fast mode trains 1 epoch: too short to
# tell the three apart.

# %%
ring = studies.mode_collapse_table(seeds=RING_SEEDS, epochs=RING_EPOCHS, out_dir=RUNS / "ring")
print(ring.to_text())
for row in ring.rows:
    results[f"{row['recipe']} modes covered"] = row["modes_mean"]

# %% [markdown]
# ## Export and reload with TensorFlow alone
# The export has `generate(z)` and `sample(n, seed)`; the same seed gives the same images.

# %%
generator_export = export.load_generator(OUT / "saved_models" / "dcgan")
same = np.allclose(generator_export.sample(8, seed=3), dcgan.model.sample(8, seed=3), atol=1e-5)
print("export == model:", same)
results["export matches the model"] = bool(same)

# %% [markdown]
# ## Your turn
# Write the WGAN-GP penalty yourself with `tf.GradientTape`, for a critic, real and fake
# images and interpolation weights `alpha` of shape (batch, 1, 1, 1):
# penalty = (sqrt(sum(grad**2) + 1e-12) - 1)**2 per example. Compare with
# `models.gradient_penalty`.

# %%
# Your code here: def my_gradient_penalty(critic, real, fake, alpha): ...

# %% tags=["solution"]
def my_gradient_penalty(critic, real, fake, alpha):
    x_hat = tf.constant(real + alpha * (fake - real))
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat)
    grad = tape.gradient(scores, x_hat)
    return (tf.sqrt(tf.reduce_sum(grad ** 2, axis=[1, 2, 3]) + 1e-12) - 1.0) ** 2


real = images[:8].astype("float32") / 255.0
fake = dcgan.model.sample(8, seed=1)
alpha = np.random.default_rng(0).uniform(size=(8, 1, 1, 1)).astype("float32")
critic = models.build_dcgan_discriminator(info.input_shape)
gap = np.abs(my_gradient_penalty(critic, real, fake, alpha) - models.gradient_penalty(critic, real, fake, alpha))
print("largest difference:", float(gap.max()))
results["my gradient penalty matches"] = bool(gap.max() < 1e-5)

# %% [markdown]
# ## Results

# %%
for key, value in results.items():
    print(f"{key:>32}: {value}")
practicals.save_results(OUT, results)
