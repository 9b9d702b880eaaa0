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
# # Practical 4b: looking inside networks
# ### What they learn, why they decide, how they are fooled
#
# **Goal.** Take the trained CNN of practical 4 (`cnn_fast`) and the course MLP apart:
# 1. *what they learn*: first-layer filters, feature maps, how alike the filters are, how
#    the classes separate layer after layer, the lecture's 8-unit network drawn as images;
# 2. *why they decide*: saliency, SmoothGrad, integrated gradients (and their completeness),
#    Grad-CAM, SHAP, and images made by gradient ascent (class models, DeepDream);
# 3. *how they are fooled*: FGSM and PGD against epsilon, the one-pixel attack, adversarial
#    training; and the loss landscape around the trained weights.
#
# Everything is a function of `dlcourse.interpret` on any Keras classifier; every model
# trains through `dlcourse.training`.
#
# **Time.** Full mode (Fashion-MNIST) takes roughly 40 minutes on 2 CPU cores (an
# estimate from the models' sizes, not timed end to end), most of it adversarial training
# (7 forward-backward passes per step) and the two ResNets of the loss landscape. Fast
# mode takes about 45 s of CPU (measured) on scikit-learn's 8x8 digits. To turn fast mode on, run
# `%env DLCOURSE_FAST=1` in a cell before the setup cell (from a terminal:
# `dlcourse practical 4b --fast`). Figures are shown here and saved as PNG in `OUT`.

# %% [markdown]
# ## Setup

# %%
from dlcourse import practicals

FAST, OUT = practicals.settings("p4b_interpret")

# %%
import keras
import numpy as np
import tensorflow as tf

from dlcourse import data, interpret, studies, training
from dlcourse.errors import DLCourseError

DATASET = "digits" if FAST else "fashion_mnist"
EPOCHS = 10 if FAST else None  # None: each recipe's own epochs
CLASS_MODEL_STEPS = 20 if FAST else 200
ADVERSARIAL_EPOCHS = 10 if FAST else 3  # Full mode: 3 of cnn_fast's 12, at 7x the cost each.
N_TEST = 200 if FAST else 1000  # test images for the measurements
EPSILONS = (0.0, 0.05, 0.1, 0.2) if FAST else (0.0, 0.02, 0.05, 0.1, 0.15, 0.2)
ONE_PIXEL_IMAGES = 6 if FAST else 50
SEED = 0
keras.utils.set_random_seed(SEED)
results = {"fast": FAST, "dataset": DATASET}

# %% [markdown]
# ## Data and models
# `cnn_fast` (practical 4) and the course MLP, each trained by the one runner.

# %%
info = data.info(DATASET)
test_images, test_labels = data.split_arrays(DATASET, "test")
images, labels = test_images[:N_TEST].astype("float32") / 255.0, test_labels[:N_TEST].astype("int32")
names = list(info.class_names)


def trained(recipe, epochs=EPOCHS):
    config = training.make_config(recipe, DATASET, epochs=epochs, seed=SEED, run_dir=str(OUT / "runs" / recipe))
    return training.train(config, verbose=0).model


cnn, mlp = trained("cnn_fast"), trained("mlp")
results["cnn_test_accuracy"] = round(interpret.accuracy(cnn, images, labels), 3)
print(info.description, "| cnn_fast accuracy on", N_TEST, "test images:", results["cnn_test_accuracy"])

# %% [markdown]
# ## 1. What the network learned
# The first layer's filters are small images themselves; a layer's feature maps show where
# each filter fires. The cosine similarity of two filters says how redundant they are.

# %%
interpret.plot_filters(interpret.first_layer_filters(cnn), OUT / "filters.png")
interpret.plot_feature_maps(interpret.feature_maps(cnn, images[:1], "conv_1"), OUT / "feature_maps.png")
similarity = interpret.channel_similarity(cnn, "conv_2")
interpret.plot_similarity(similarity, OUT / "filter_similarity.png", title="conv_2 filters")
off_diagonal = np.abs(similarity[~np.eye(len(similarity), dtype=bool)])
results["conv_2_mean_abs_similarity"] = round(float(off_diagonal.mean()), 3)
print("conv_2: mean |cosine| between different filters", results["conv_2_mean_abs_similarity"])

# %% [markdown]
# Representations by depth: the MLP's test images at the input, after each hidden layer
# and at the logits, projected to 2-D and coloured by class. The separation score (the
# silhouette, computed in each layer's own space) grows with depth.

# %%
methods = ("pca",) if FAST else ("pca", "tsne")
for method in methods:
    rows = interpret.representations_by_depth(mlp, images, labels, method=method, seed=SEED)
    interpret.plot_representations(rows, labels, OUT / f"depth_{method}.png", class_names=names)
results["separation_by_layer"] = {r["layer"]: round(r["separation"], 3) for r in rows}
print(results["separation_by_layer"])

# %% [markdown]
# The lecture's small network: 4 classes, one hidden layer of 8 units. Each unit's 784
# (or 64) input weights, drawn as an image, show the template it matches.

# %%
small = studies.small_net_study(DATASET, classes=(0, 1, 2, 3), epochs=10, out_dir=OUT)
results["small_net_test_accuracy"] = round(small.settings["test_accuracy"], 3)
print(small.to_text())

# %% [markdown]
# ## 2. Why it decides
# Four attributions of the predicted class on the same six test images. Integrated
# gradients add up to `score(image) - score(black image)`: check it.

# %%
six = images[:6]
maps = {"saliency": interpret.saliency(cnn, six), "SmoothGrad": interpret.smoothgrad(cnn, six, seed=SEED),
        "integrated gradients": interpret.integrated_gradients(cnn, six, steps=64)}
titles = [names[k] for k in labels[:6]]
interpret.plot_attributions(six, maps, OUT / "attributions.png", titles=titles)
interpret.plot_grad_cam(six, interpret.grad_cam(cnn, six), OUT / "grad_cam.png", titles=titles)
probability = lambda x: cnn.predict(x, verbose=0)  # noqa: E731
classes = np.argmax(probability(six), axis=-1)
ig = interpret.integrated_gradients(cnn, six, steps=128, score="probability")
change = probability(six)[np.arange(6), classes] - probability(np.zeros_like(six))[np.arange(6), classes]
results["ig_completeness_error"] = round(float(np.max(np.abs(ig.sum(axis=(1, 2)) - change))), 4)
print("integrated gradients: max |sum - (f(x) - f(0))| =", results["ig_completeness_error"])

# %%
# SHAP through the `shap` package (optional: pip install shap). Full mode only: shap
# compiles its kernels first, about 15 s of CPU, a third of fast mode's whole budget.
if FAST:
    print("SHAP values: full mode only.")
else:
    try:
        shap_maps = interpret.shap_values(cnn, six[:2], max_evals=300)
        interpret.plot_attributions(six[:2], {"SHAP": shap_maps}, OUT / "shap.png", titles=titles[:2])
    except DLCourseError as error:  # shap is not installed: the message says how to get it.
        print(error)

# %% [markdown]
# Gradient ascent on the input: the image each class score likes best (with an L2
# penalty and blur to keep it natural), and DeepDream on a test image.

# %%
class_images = np.stack([interpret.class_model(cnn, k, steps=CLASS_MODEL_STEPS) for k in range(info.num_classes)])
interpret.plot_filters(class_images, OUT / "class_models.png", title="class models", ncols=5, titles=names)
dream = interpret.deep_dream(cnn, images[0], layer="conv_2", steps=30)
interpret.plot_attributions(np.stack([images[0], dream]), {}, OUT / "deep_dream.png", titles=["image", "dream"])

# %% [markdown]
# ## 3. How it is fooled
# FGSM takes one step of size eps along the sign of the gradient; PGD takes ten smaller
# ones from a random start, projecting back into the eps-ball: at every eps it is at
# least as strong.

# %%
curve = studies.accuracy_vs_epsilon(cnn, images, labels, EPSILONS, seed=SEED)
studies.plot_accuracy_vs_epsilon({"cnn_fast": curve}, OUT / "accuracy_vs_eps.png")
results["accuracy_vs_eps"] = [{k: round(v, 3) for k, v in row.items()} for row in curve]
for row in results["accuracy_vs_eps"]:
    print(row)

# %% [markdown]
# The one-pixel attack needs no gradient: differential evolution searches a pixel and
# its value.

# %%
correct = np.flatnonzero(np.argmax(probability(images), axis=-1) == labels)[:ONE_PIXEL_IMAGES]
outcomes = [interpret.one_pixel_attack(cnn, images[i], labels[i], seed=SEED) for i in correct]
assert all(interpret.changed_pixels(images[i], adv) == 1 for i, (adv, _) in zip(correct, outcomes))
results["one_pixel_success_rate"] = round(float(np.mean([ok for _, ok in outcomes])), 3)
print(f"one pixel fooled {results['one_pixel_success_rate']:.0%} of {len(correct)} correctly classified images")

# %% [markdown]
# Adversarial training mixes PGD examples (eps 0.1) into every batch of `fit`: robust
# accuracy at eps 0.1 rises; clean accuracy may pay a little. Full mode trains
# `cnn_fast_adversarial` for 3 epochs (`benchmarks/interpret.py` trains it for all 12);
# fast mode, the MLP pair.

# %%
plain, robust = ("mlp", "mlp_adversarial") if FAST else ("cnn_fast", "cnn_fast_adversarial")
for name, model in ((plain, mlp if FAST else cnn), (robust, trained(robust, ADVERSARIAL_EPOCHS))):
    attacked = interpret.pgd(model, images, labels, eps=0.1, steps=10, seed=SEED)
    results[name] = {"clean": round(interpret.accuracy(model, images, labels), 3),
                     "pgd_0.1": round(interpret.accuracy(model, attacked, labels), 3)}
    print(name, results[name])

# %% [markdown]
# ## 4. The loss landscape
# The loss around the trained weights along filter-normalised random directions (Li et
# al. 2018). Full mode compares a ResNet-20 with and without its skip connections; fast
# mode draws the landscape of `cnn_fast`.

# %%
if FAST:
    steps = np.linspace(-1, 1, 7)
    land = {"cnn_fast, 1-D": interpret.loss_landscape(cnn, images[:100], labels[:100], steps, seed=SEED),
            "cnn_fast, 2-D": interpret.loss_landscape(cnn, images[:100], labels[:100], steps, betas=steps, seed=SEED)}
    interpret.plot_landscape(land, OUT / "landscape.png")
    results["landscape_loss_at_0"] = round(float(land["cnn_fast, 1-D"].losses[3]), 4)
else:
    study = studies.landscape_study(DATASET, n=500, steps=15, seed=SEED, out_dir=OUT / "landscape")
    print(study.to_text())
    results["landscape"] = study.rows

# %% [markdown]
# ## Your turn
# 1. Write FGSM yourself with `tf.GradientTape` (loss: cross-entropy of the model's
#    probabilities) and compare with `interpret.fgsm` at eps 0.1 on `images[:50]`.

# %%
# Your FGSM here.

# %% tags=["solution"]
x = tf.constant(images[:50])
with tf.GradientTape() as tape:
    tape.watch(x)
    loss = keras.losses.sparse_categorical_crossentropy(labels[:50], cnn(x, training=False))
mine = np.clip(images[:50] + 0.1 * np.sign(tape.gradient(loss, x).numpy()), 0, 1)
agree = np.mean(mine == interpret.fgsm(cnn, images[:50], labels[:50], 0.1))
results["exercise_fgsm_agreement"] = round(float(agree), 3)
# Not 100 %: Keras clips probabilities at 1e-7, which zeroes the gradient of very
# confident images; interpret.fgsm differentiates -log p without the clip.
print(f"pixels equal: {agree:.1%}")

# %% [markdown]
# 2. Occlusion: slide a grey 3x3 patch over `images[0]` and record how much the predicted
#    class's probability drops at each position. Does it agree with Grad-CAM?

# %%
# Your occlusion map here.

# %% tags=["solution"]
image, k = images[0], int(np.argmax(probability(images[:1])))
height, width = image.shape[:2]
patched = np.repeat(image[None], height * width, axis=0)
for n, (r, c) in enumerate(np.ndindex(height, width)):
    patched[n, max(r - 1, 0):r + 2, max(c - 1, 0):c + 2] = 0.5
occlusion = (probability(image[None])[0, k] - probability(patched)[:, k]).reshape(height, width)
cam = interpret.grad_cam(cnn, image)
results["exercise_occlusion_vs_grad_cam"] = round(float(np.corrcoef(occlusion.ravel(), cam.ravel())[0, 1]), 3)
print("correlation of occlusion and Grad-CAM:", results["exercise_occlusion_vs_grad_cam"])

# %%
practicals.save_results(OUT, results)
