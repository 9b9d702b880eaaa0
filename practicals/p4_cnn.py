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
# # Practical 4: convolutional networks
# ### From one convolution by hand to a fast, exported classifier and transfer learning
#
# **Goal.** Compute a convolution by hand and check the layer; size the classic
# architectures (LeNet-5, AlexNet, VGG, GoogLeNet, ResNet) by their parameters; check
# the residual block's identity argument; compare a fully connected network with a small
# and a wide CNN (and what BatchNorm, dropout and the optimiser change); train `cnn_fast`,
# export it and classify test images with the export; reuse a pretrained base for new
# classes with 1 % of their labels, without falling into the BatchNorm trap.
#
# **Time.** Full mode trains on Fashion-MNIST (CIFAR-10 if this machine has it) and
# takes roughly 45 minutes on 2 CPU cores (an estimate: the four wide CNNs take most of
# it). Fast mode takes about a minute of CPU on scikit-learn's 8x8 digits. To turn fast mode on, run
# `%env DLCOURSE_FAST=1` in a cell before the setup cell (from a terminal:
# `dlcourse practical 4 --fast`). Figures are shown here and saved as PNG in `OUT`.

# %% [markdown]
# ## Setup
# `settings` reads fast mode and the figures folder: run it before the other imports.

# %%
from dlcourse import practicals

FAST, OUT = practicals.settings("p4_cnn")

# %%
import keras
import numpy as np

from dlcourse import data, export, layers, models, plots, studies, training

DATASET = "digits" if FAST else "fashion_mnist"  # cnn_fast and the transfer study
STUDY_DATASET = "digits" if FAST else None  # None: CIFAR-10 when present, else Fashion-MNIST
STUDY_RUNS = ("fc_adam", "small_cnn", "wide_cnn") if FAST else None  # None: all seven
STUDY_EPOCHS = 1 if FAST else 2
FAST_EPOCHS = 12 if FAST else None  # None: the cnn_fast recipe's own
# Fashion-MNIST: 1 % of the labels (54 per class); the 8x8 digits: 10 % (13 per class).
TRANSFER = (dict(label_fraction=0.1, pretrain_epochs=5, epochs=15, fine_tune_epochs=3, batch_size=16) if FAST
            else dict(label_fraction=0.01, pretrain_epochs=3, epochs=40, fine_tune_epochs=20, online=True))
SEED = 0
keras.utils.set_random_seed(SEED)
results = {}

# %% [markdown]
# ## Data

# %%
info = data.info(DATASET)
images, labels = data.split_arrays(DATASET, "test")
print(info.description, "|", info.num_examples, "| source:", info.source)
fig, axes = plots.figure(ncols=8, size=(1.3, 1.5))
for ax, image, label in zip(axes, images, labels):
    ax.imshow(image[:, :, 0], cmap="gray")
    ax.set_title(info.class_names[label], fontsize=8)
    ax.axis("off")
plots.save_figure(fig, OUT / "samples.png");

# %% [markdown]
# ## 1. A convolution by hand
# Keras's `Conv2D` computes a cross-correlation: slide the kernel over the image and sum
# the products. The lecture's 4x4 image 1..16 with the kernel [[1,0,1],[0,2,0],[1,0,1]]:

# %%
image = np.arange(1, 17, dtype="float32").reshape(4, 4)
kernel = np.array([[1, 0, 1], [0, 2, 0], [1, 0, 1]], "float32")
by_hand = np.array([[np.sum(image[r:r + 3, c:c + 3] * kernel) for c in range(2)] for r in range(2)])
conv = keras.layers.Conv2D(1, 3, use_bias=False)
conv.build((None, 4, 4, 1))
conv.set_weights([kernel[:, :, None, None]])
by_keras = conv(image[None, :, :, None])[0, :, :, 0].numpy()
print("by hand:", by_hand.tolist(), "| keras.layers.Conv2D:", by_keras.tolist(),
      "| layers.correlate2d:", np.asarray(layers.correlate2d(image, kernel)).tolist())
results["worked_example"] = by_hand.tolist()
# d_out = (d_in + 2P - K) / S + 1 for the lecture's 5x5 cases (K, P, S).
for k, p, s in ((3, 0, 1), (5, 0, 1), (3, 1, 1), (3, 1, 2), (3, 1, 3)):
    size = layers.conv_output_size(5, k, s, p)
    print(f"5x5 input, K{k}P{p}S{s}: output {size}x{size}")

# %% [markdown]
# ## 2. The architectures, by their parameters
# Each builder is sized for 28x28x1 and 32x32x3 images (see its docstring for how it
# differs from the original).

# %%
builders = {"LeNet-5": models.build_lenet5, "AlexNet": models.build_alexnet, "VGG": models.build_vgg,
            "GoogLeNet": models.build_googlenet, "ResNet-20": models.build_resnet,
            "ResNet-18": lambda shape: models.build_resnet(shape, depth=18)}
params = {name: [build(shape).count_params() for shape in ((28, 28, 1), (32, 32, 3))]
          for name, build in builders.items()}
print(f"{'model':<10} {'28x28x1':>11} {'32x32x3':>11}")
for name, (grey, colour) in params.items():
    print(f"{name:<10} {grey:>11,} {colour:>11,}")
results["parameters_32x32x3"] = {name: colour for name, (_, colour) in params.items()}

# %% [markdown]
# A residual block computes `y = relu(x + f(x))`. If its second convolution is zero,
# `f(x) = 0` and the block passes its (non-negative, post-ReLU) input through unchanged:
# adding blocks can never make the best network worse.

# %%
x = keras.Input((8, 8, 16))
block = keras.Model(x, models.residual_block(x, 16, name="block"))
conv_2 = block.get_layer("block_conv_2")
conv_2.kernel.assign(np.zeros(conv_2.kernel.shape, "float32"))
inputs = np.maximum(np.random.default_rng(SEED).normal(size=(2, 8, 8, 16)), 0).astype("float32")
results["residual_identity_error"] = float(np.max(np.abs(block(inputs, training=False).numpy() - inputs)))
print(f"zero second conv: max |block(x) - x| = {results['residual_identity_error']}")

# %% [markdown]
# ## 3. Fully connected vs small CNN vs wide CNN
# The lecture's CIFAR-10 models, each trained through the one runner with the same seed;
# the wide CNN also without BatchNorm, without dropout, and without either. (In fast
# mode, one epoch of 41 steps is too short for BatchNorm's moving averages to settle:
# the wide CNN then trains well but validates badly. Two epochs on Fashion-MNIST are
# 844 steps.)

# %%
study = studies.cnn_study(STUDY_DATASET, runs=STUDY_RUNS, epochs=STUDY_EPOCHS, seed=SEED,
                          out_dir=OUT / "runs" / "cnn_study")
print(study.settings["dataset"], "\n" + study.to_text())
results["cnn_study"] = {row["run"]: round(row["test_accuracy"], 4) for row in study.rows}

# %% [markdown]
# ## 4. `cnn_fast`: train, export, classify with the export
# BatchNorm, AdamW with a warm-up and cosine decay, and each test image averaged with its
# mirror image (flip test-time augmentation): the recipe reaches 92 % on Fashion-MNIST in
# less time than the keras.io MNIST convnet needs for 90 % (`benchmarks/cnn_fast.py`).

# %%
config = training.make_config("cnn_fast", DATASET, epochs=FAST_EPOCHS, seed=SEED,
                              run_dir=str(OUT / "runs" / "cnn_fast"), export_dir=str(OUT / "saved_models" / "cnn_fast"))
run = training.train(config, verbose=0)
print(f"cnn_fast: {run.metrics['parameters']:,} parameters, test accuracy {run.metrics['test_accuracy']:.4f} "
      f"in {run.metrics['wall_seconds']:.0f} s")
predictor = export.load(OUT / "saved_models" / "cnn_fast")  # The latest version
probabilities = predictor.predict(images[:8])
print("export says:", [info.class_names[k] for k in probabilities.argmax(axis=1)])
print("truth:      ", [info.class_names[k] for k in labels[:8]])
results["cnn_fast_test_accuracy"] = round(run.metrics["test_accuracy"], 4)

# %% [markdown]
# ## 5. Transfer learning with 1 % of the labels
# Pretrain a conv base on classes 0-4, then learn classes 5-9 from a few labels: from
# scratch, on the frozen base, and fine-tuned. Unfreezing puts BatchNorm back in training
# mode: its moving statistics are rewritten from small batches of the new classes, even
# though the base was called with `training=False` (Keras 3 passes `fit`'s
# `training=True` down regardless), and the features shift under the head it trained:
# compare the accuracy one epoch after unfreezing. Keeping the BatchNorm layers frozen
# avoids that. Does the pretrained base beat training from scratch here? Why (not)?

# %%
transfer = studies.transfer_study(DATASET, seed=SEED, out_dir=OUT / "runs" / "transfer", **TRANSFER)
print(transfer.to_text())
results["transfer"] = {row["run"]: row.get("test_accuracy") for row in transfer.rows}
results["bn_trap_moving_stats_changed"] = transfer.row("fine_tuned_bn_training")["moving_stats_changed"]

# %% [markdown]
# ## 6. Looking inside
# *Reserved for the interpretation lesson: feature maps, saliency, Grad-CAM and
# adversarial examples on the `cnn_fast` model trained above (`run.model`).*

# %% [markdown]
# ## Your turn
# **1.** Count the weights of the wide CNN's six convolutions by hand (3x3 kernels,
# channels 3-32-64-128-128-256-256, no bias: BatchNorm follows each) and check your sum
# against the model.
#
# **2.** Write 2x2 max-pooling in numpy for the 4x4 image 1..16 and compare it with
# `keras.layers.MaxPooling2D` (the lecture's answer: [[6, 8], [14, 16]]).

# %%
# Your code here.

# %% tags=["solution"]
channels = [3, 32, 64, 128, 128, 256, 256]
by_hand = sum(3 * 3 * c_in * c_out for c_in, c_out in zip(channels, channels[1:]))
wide = models.build_cifar_wide_cnn()
in_model = sum(wide.get_layer(f"conv_{b}_{c}").count_params() for b in (1, 2, 3) for c in (1, 2))
print(f"wide CNN conv weights: by hand {by_hand:,}, in the model {in_model:,}")
pooled = image.reshape(2, 2, 2, 2).max(axis=(1, 3))
keras_pooled = keras.layers.MaxPooling2D(2)(image[None, :, :, None])[0, :, :, 0].numpy()
print("max-pool by hand:", pooled.tolist(), "| keras:", keras_pooled.tolist())
results["exercise_conv_weights"] = [by_hand, in_model]

# %% [markdown]
# ## Results

# %%
for key, value in results.items():
    print(f"{key:<32} {value}")
practicals.save_results(OUT, {"dataset": DATASET, "fast": FAST, **results});
