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
# # Practical 2: neural networks, from one neuron to a babysat MLP
# ### Fashion-MNIST with the 784-64-32-10 MLP; in fast mode, the 8x8 digits (64-64-32-10)
#
# **Goal.** Build a neuron and a layer by hand, see what activations and initialisation do,
# fit a function with one hidden layer, check a hand-written backward pass against Keras,
# train the course's MLP, overfit a small training set and narrow the gap with L2 and dropout,
# measure capacity against width, depth and data size, augment, run `dlcourse doctor`.
#
# **Time.** About 8 minutes on 2 CPU cores (Fashion-MNIST; the capacity and scaling runs take 3
# of them); fast mode takes about a minute on scikit-learn's 8x8 digits (1,797 images: the MLP
# has 64 inputs, not 784). Fast mode: `%env DLCOURSE_FAST=1` in a cell before the setup cell (or
# `DLCOURSE_FAST=1 jupyter lab`; `dlcourse practical 2 --fast`). Figures are shown and saved in `OUT`.

# %% [markdown]
# ## Setup
# `settings` reads fast mode and the figures folder, and imports TensorFlow without its
# start-up log: run it before the other imports.

# %%
from dlcourse import practicals

FAST, OUT = practicals.settings("p2_neural_networks")

# %%
import keras
import numpy as np
import tensorflow as tf

from dlcourse import data, models, nn, plots, studies, training
from dlcourse.data import augment

DATASET = "digits" if FAST else "fashion_mnist"
EPOCHS = 8 if FAST else 12  # the course MLP: the lecture's 12 epochs of SGD 0.01
OVERFIT_EPOCHS, OVERFIT_LR = (30, 1e-2) if FAST else (40, 3e-3)  # Adam, batch 16
SMALL_TRAIN = 300 if FAST else 3000  # examples left for training in the overfitting study
UA_WIDTHS, UA_STEPS = ((1, 4, 16), 600) if FAST else ((1, 2, 4, 8, 16, 32, 64), 3000)  # universal approximation
CAPACITY = dict(train_size=300, widths=(2, 128), depths=(1,), epochs=40, batch_size=32) if FAST else {}
SCALING = dict(sizes=(100, 300, 900), widths=(16, 64), steps=300, batch_size=32) if FAST else {}  # {}: defaults
SEED = 0
keras.utils.set_random_seed(SEED)
results = {}

# %% [markdown]
# ## A neuron, then a layer
# A neuron computes `sigma(w . x + b)`. A layer is many neurons sharing the input:
# `sigma(x @ W + b)` with `W` of shape (inputs, units), which is exactly `keras.layers.Dense`.

# %%
rng = np.random.default_rng(SEED)
x = rng.normal(size=(4, 3))  # (batch, features)
w, b = rng.normal(size=3), 0.5
neuron = nn.Sigmoid()(x @ w + b)  # one output per example
W, bias = rng.normal(size=(3, 2)), np.array([0.1, -0.2])
dense = keras.layers.Dense(2, activation="sigmoid", dtype="float64")
dense.build((None, 3))
dense.set_weights([W, bias])
by_hand = nn.Sigmoid()(x @ W + bias)
results["layer_vs_keras_dense"] = float(np.max(np.abs(by_hand - np.asarray(dense(x)))))
print("neuron outputs:", np.round(neuron, 3), f"| layer vs keras Dense: {results['layer_vs_keras_dense']:.1e}")

# %% [markdown]
# ## Activations and their derivatives
# The derivative is what backpropagation multiplies by: sigmoid's is at most 0.25 (gradients
# shrink layer after layer), ReLU's is 0 or 1 (no shrinking, but a unit can die).

# %%
z = np.linspace(-4, 4, 401)
fig, (ax_value, ax_slope) = plots.figure(ncols=2)
for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish"):
    act = nn.activations.get(name)
    ax_value.plot(z, act.value(z), label=name)
    ax_slope.plot(z, act.derivative(z), label=name)
ax_value.set_title("sigma(z)")
ax_slope.set_title("sigma'(z)")
ax_value.legend()
plots.save_figure(fig, OUT / "activations.png");

# %% [markdown]
# ## One hidden layer can approximate any function
# `g(x) = C sigma(A x + b)` with more sigmoid units fits `sin 3x + |x| / 2` ever closer; in
# 2-D a small ReLU network bends its boundary round the moons where a line cannot.

# %%
approx = studies.width_sweep(widths=UA_WIDTHS, steps=UA_STEPS, path=OUT / "universal_approximation.png")
moons = studies.decision_boundary(steps=UA_STEPS, path=OUT / "decision_boundary.png")
results["ua_rmse"] = {str(w): round(e, 4) for w, e in zip(approx["widths"], approx["rmse"])}
results["moons_accuracy"] = {"network": round(moons["accuracy"], 3), "line": round(moons["linear_accuracy"], 3)}
print("RMS error by width:", results["ua_rmse"], "| moons accuracy:", results["moons_accuracy"])

# %% [markdown]
# ## Data
# Every dataset arrives through `data.load`: float32 images in [0, 1], int32 labels.

# %%
info = data.info(DATASET)
x_train, y_train = next(iter(data.load(DATASET, "train", batch_size=2048, shuffle=False)))
x_train, y_train = x_train.numpy(), y_train.numpy()
print(info.description, "|", info.num_examples, "| source:", info.source)
flat = x_train.reshape(len(x_train), -1).astype("float64")  # (batch, features) for the hand MLP

# %% [markdown]
# ## Backpropagation by hand vs autodiff
# `nn.MLP` writes out the forward and backward passes in numpy. Its Keras twin (same weights,
# float64) must give the same probabilities, and `tf.GradientTape` the same gradients.

# %%
net = nn.MLP([flat.shape[1], 32, 16, info.num_classes], activation="relu", seed=SEED)
twin = net.to_keras()
batch_x, batch_y = flat[:64], y_train[:64]
loss, hand_grads = net.gradients(batch_x, batch_y)
with tf.GradientTape() as tape:
    keras_loss = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(batch_y, twin(batch_x)))
tape_grads = tape.gradient(keras_loss, twin.trainable_variables)
results["hand_vs_keras_probabilities"] = float(np.max(np.abs(net.predict(batch_x) - twin.predict(batch_x, verbose=0))))
results["hand_vs_tape_gradients"] = max(nn.relative_error(g, t) for g, t in zip(hand_grads, tape_grads))
small = nn.MLP([flat.shape[1], 8, info.num_classes], activation="tanh", seed=SEED)
results["finite_difference_check"] = nn.gradient_check(lambda: small.loss(flat[:16], y_train[:16]), small.params,
                                                       small.gradients(flat[:16], y_train[:16])[1])
history = net.fit(flat, y_train, epochs=5 if FAST else 10, batch_size=32, learning_rate=0.1)
results["hand_mlp_train_accuracy"] = history["accuracy"][-1]
for key in ("hand_vs_keras_probabilities", "hand_vs_tape_gradients", "finite_difference_check"):
    print(f"{key:28s} {results[key]:.1e}")

# %% [markdown]
# ## The course MLP: 784-64-32-10, trained by the one runner

# %%
course = training.train(training.make_config("mlp", DATASET, epochs=EPOCHS, seed=SEED,
                                             run_dir=str(OUT / "runs" / f"mlp_{DATASET}")), verbose=0)
results["course_mlp_test_accuracy"] = course.metrics["test_accuracy"]
results["course_mlp_parameters"] = course.metrics["parameters"]
print(f"mlp on {DATASET}: test accuracy {course.metrics['test_accuracy']:.4f}, "
      f"{course.metrics['parameters']:,} parameters; curves in {course.run_dir / 'curves.png'}")
if not FAST and any(d["name"] == "mnist" and d["available"] for d in data.list_datasets()):
    mnist = training.train(training.make_config("mlp", "mnist", seed=SEED, run_dir=str(OUT / "runs" / "mlp_mnist")),
                           verbose=0)
    results["course_mlp_mnist_test_accuracy"] = mnist.metrics["test_accuracy"]

# %% [markdown]
# ## Initialisation
# Push a batch through a deep plain stack: with a badly scaled initialiser the activations
# (and gradients) vanish; He initialisation keeps ReLU's variance constant.

# %%
init_results = nn.run_init_experiment(depth=10 if FAST else 20, width=64 if FAST else 256, n=128, seed=SEED)
nn.plot_init_experiment(init_results, OUT / "initialisation.png");

# %% [markdown]
# ## Overfitting, then regularised
# Keep only a few hundred (fast) or thousand training images, train with Adam for many epochs:
# the training accuracy reaches 1 while the validation loss turns up. Then add L2 and dropout:
# the train/validation gap narrows. (Keras adds the L2 penalty to `val_loss` too: compare
# accuracies, or keep the penalty small as here.)

# %%
training.register(training.Recipe(
    name="p2_regularized", description="p2: MLP with L2 1e-4 and dropout 0.3",
    build=lambda shape, k: models.build_regularized_mlp(shape, k, l2=1e-4, dropout=0.3, name="p2_regularized")))
held_out = info.num_examples["train"] + info.num_examples["validation"] - SMALL_TRAIN
curves = {}
for recipe in ("mlp", "p2_regularized"):
    # validation_size=held_out leaves SMALL_TRAIN training images; no XLA: short runs.
    config = training.make_config(recipe, DATASET, epochs=OVERFIT_EPOCHS, optimizer="adam",
                                  learning_rate=OVERFIT_LR, batch_size=16, validation_size=held_out,
                                  jit_compile=False, seed=SEED, run_dir=str(OUT / "runs" / f"overfit_{recipe}"))
    curves[recipe] = training.train(config, verbose=0).history
fig, axes = plots.figure(ncols=2)
for recipe, h in curves.items():
    axes[0].plot(h["loss"], label=f"{recipe} train")
    axes[0].plot(h["val_loss"], "--", label=f"{recipe} validation")
    axes[1].plot(h["accuracy"], label=f"{recipe} train")
    axes[1].plot(h["val_accuracy"], "--", label=f"{recipe} validation")
axes[0].set_title("loss")
axes[1].set_title("accuracy")
axes[0].legend(fontsize=7)
axes[0].set_xlabel("epoch")
plots.save_figure(fig, OUT / "overfitting_regularised.png")
for recipe, h in curves.items():
    results[f"{recipe}_small_train_final_gap"] = h["accuracy"][-1] - h["val_accuracy"][-1]
    results[f"{recipe}_small_train_val_accuracy"] = h["val_accuracy"][-1]
    print(f"{recipe:15s} train accuracy {h['accuracy'][-1]:.3f}, validation {h['val_accuracy'][-1]:.3f}, "
          f"gap {h['accuracy'][-1] - h['val_accuracy'][-1]:+.3f}")

# %% [markdown]
# What "regularised" means here: the *gap* between training and validation accuracy
# narrows, because the network can no longer memorise the few training images as easily
# (its training accuracy drops). The validation accuracy itself may end a little lower,
# not higher: with a few hundred images and this short a run, L2 and dropout also slow the
# learning of what does generalise. They pay off in validation accuracy with more epochs,
# a tuned strength, or more data; what they buy at once is a model whose training score
# tells the truth about its validation score.

# %% [markdown]
# ## Capacity: width, depth and the amount of data
# On one training subset small MLPs underfit (training loss stays high), large ones overfit
# (training loss near 0, test loss up). More data lowers the test loss like `a n^-alpha`.

# %%
capacity = studies.capacity_sweep(DATASET, **CAPACITY, path=OUT / "capacity.png")
scaling = studies.scaling_law(DATASET, **SCALING, path=OUT / "scaling_law.png")
results["capacity"] = {f"{r['depth']}x{r['width']}": [round(r["train_loss"], 3), round(r["test_loss"], 3)]
                       for r in capacity["rows"]}
results["scaling_alpha"] = {w: round(f["alpha"], 3) for w, f in scaling["fits"].items()}
print("(train, test) loss by depth x width:", results["capacity"], "\nalpha by width:", results["scaling_alpha"])

# %% [markdown]
# ## Augmentation
# New training images for free: mirror Fashion-MNIST, rotate digits slightly.
# The `mlp_augment` recipe trains on them (`benchmarks/regularization_table.py` compares all).

# %%
names = training.make_config("mlp_augment", DATASET).augment
augmented, _ = augment.make_augmenter(names, info.num_classes, seed=SEED)(x_train[:8], y_train[:8])
fig, axes = plots.figure(ncols=8, nrows=2, size=(1.2, 1.3))
for i in range(8):
    for row, images in ((0, x_train), (8, augmented)):
        axes[row + i].imshow(images[i, ..., 0], cmap="gray")
        axes[row + i].axis("off")
axes[0].set_title("original", fontsize=8, loc="left")
axes[8].set_title("+".join(names), fontsize=8, loc="left")
plots.save_figure(fig, OUT / "augmentation.png");

# %% [markdown]
# ## Babysitting: `dlcourse doctor mlp`
# Before a long run: is the first loss log(K)? Do the gradients check? Can it overfit 32
# examples? Does the loss fall, does it beat chance, are the ReLUs alive?

# %%
report = training.diagnose(training.make_config("mlp", "digits"), seed=SEED)
print(report.to_text())
(OUT / "doctor.txt").write_text(report.to_text() + "\n");
results["doctor_checks_passed"] = sum(c.passed for c in report.checks)

# %% [markdown]
# ## Your turn
# Each exercise has an empty cell to try it in, then a solution (tagged `solution`: collapse
# or skip it).
#
# **1.** Write the gradient of the mean softmax cross-entropy with respect to the logits,
# `(softmax(z) - onehot(y)) / batch`, and check it against `tf.GradientTape`.

# %%
# Your gradient and its check here.

# %% tags=["solution"]
def cross_entropy_logit_gradient(logits, labels):
    shifted = logits - logits.max(axis=1, keepdims=True)  # stable softmax
    probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    return (probabilities - np.eye(logits.shape[1])[labels]) / len(logits)


logits = tf.Variable(rng.normal(size=(5, 4)))
labels = np.array([0, 3, 1, 1, 2])
with tf.GradientTape() as tape:
    ce = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True))
results["exercise_logit_gradient_error"] = float(
    np.max(np.abs(cross_entropy_logit_gradient(logits.numpy(), labels) - tape.gradient(ce, logits).numpy())))
print(f"largest difference from the tape: {results['exercise_logit_gradient_error']:.1e}")

# %% [markdown]
# **2.** Break the training on purpose: run the doctor with `simulate_bug="shuffled-labels"`.
# Which checks fail? Why can the network still memorise 32 examples?

# %%
# Your doctor run here.

# %% tags=["solution"]
broken = training.diagnose(training.make_config("mlp", "digits"), simulate_bug="shuffled-labels", seed=SEED)
print(broken.to_text())
results["doctor_shuffled_labels_failed"] = [c.name for c in broken.checks if not c.passed]

# %% [markdown] tags=["solution"]
# *Answer.* `loss_decreases` and `learns` fail: with the labels shuffled there is no
# relation between an image and its label left to learn, so the training loss barely moves
# and the validation accuracy stays at chance. `overfit_tiny_batch` still passes because the
# MLP has 6,570 weights (digits) for the 32 examples of the tiny batch: enough to store 32
# arbitrary labels by heart. Memorising is not learning, which is why the doctor checks both.

# %% [markdown]
# ## Results

# %%
for key, value in results.items():
    print(f"{key:<42} {value:.4g}" if isinstance(value, float) else f"{key:<42} {value}")
practicals.save_results(OUT, {"dataset": DATASET, "fast": FAST, **results});
