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
# # Practical 3: optimisation for deep learning
#
# **Goal.** See what the optimiser, the learning-rate schedule, gradient clipping and
# sharpness-aware minimisation change when the model, the data and the seed stay fixed:
#
# 1. the classic picture: every optimiser's path on three 2-D test functions;
# 2. SGD, momentum, Adam, ... compared on Fashion-MNIST (one table, one figure);
# 3. schedules and warm-up, drawn and trained; "drop the rate every 10 epochs";
# 4. a deep plain network that explodes without gradient clipping and trains with it;
# 5. the learning-rate range test ("LR finder") and a log-spaced trial on a small subset;
# 6. SAM vs Adam; 7. the modern recipe (AdamW, clipping, warm-up, cosine, He init).
#
# Every training run goes through `dlcourse.training` (same seed, same pipeline).
#
# **Time.** About 8 minutes on 2 CPU cores (Fashion-MNIST, 10 epochs per run); fast mode
# takes about a minute: the 8x8 digits, 2 epochs per run, three optimisers. To turn it on,
# run `%env DLCOURSE_FAST=1` in a cell before the setup cell (or start Jupyter with
# `DLCOURSE_FAST=1 jupyter lab`; from a terminal: `dlcourse practical 3 --fast`).
#
# **Fast mode reverses some lessons.** Two epochs on 1,437 small images are too short for
# what pays off later: in fast mode the cosine schedule, gradient clipping and SAM all
# *lose*. Cosine ends below the constant rate (its rate shrinks while the model is still
# far off), SAM + Adam below Adam, and the clipped deep network, though it no longer
# diverges, stays far below the plain MLP. Read those three lessons from a full run; fast
# mode shows that the code runs, not which method wins.

# %% [markdown]
# ## Setup
# `settings` reads fast mode and the figures folder, and imports TensorFlow without its
# start-up log: run it before the other imports.

# %%
from dlcourse import practicals

FAST, OUT = practicals.settings("p3_optimization")

# %%
import time

import keras
import numpy as np

from dlcourse import callbacks, data, models, optimizers, schedules, studies, training
from dlcourse.errors import DLCourseError

DATASET = "digits" if FAST else "fashion_mnist"
EPOCHS = 2 if FAST else 10
SEED = 0
OPTIMIZERS = ("sgd", "momentum", "adam") if FAST else (
    "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "radam", "ranger")
SPEED = dict(jit_compile=False)  # XLA compiling costs more than these short runs gain.
TRIAL_SUBSET = 300 if FAST else 2000  # examples in the learning-rate trial
results = {}

# %% [markdown]
# ## 1. Trajectories on 2-D test functions
#
# Each optimiser steps one 2-element `keras.Variable` with the exact gradient of a test
# function: Rosenbrock's curved valley, the saddle x^2 - y^2 (started 0.001 off its
# ridge), and a quadratic whose curvatures are 1 and 100.

# %%
for name in studies.TRAJECTORY_PROBLEMS:
    paths, png = studies.plot_problem(name, OUT / f"trajectories_{name}.png",
                                      optimizers=("sgd", "momentum", "adam", "ranger") if FAST else OPTIMIZERS)
    print(f"{name:>10}: " + ", ".join(f"{k} ends at ({v[-1, 0]:.3g}, {v[-1, 1]:.3g})" for k, v in paths.items()))

# %% [markdown]
# ## 2. Data and the comparison
#
# The course MLP (784-64-32-10; 64-64-32-10 on the digits) trained once per optimiser,
# each with a sensible default learning rate (`studies.DEFAULT_LEARNING_RATES`).

# %%
info = data.info(DATASET)
print(info.description, info.num_examples)
target = 0.6 if FAST else 0.85
comparison = studies.compare("mlp", DATASET, optimizers=OPTIMIZERS, epochs=EPOCHS, target=target, seed=SEED,
                             out_dir=OUT / "runs" / "optimizers", **SPEED)
print(comparison.to_text())
best = max(comparison.rows, key=lambda r: r["val_accuracy"] or 0.0)
results["best optimizer"] = f"{best['optimizer']} (val acc {best['val_accuracy']:.3f})"

# %% [markdown]
# ## 3. Schedules and warm-up
#
# A schedule maps the optimizer step to a learning rate. Warm-up ramps it up from 0 so
# that the first, badly-informed steps are small. `cosine` is Keras's half cosine
# (`keras.optimizers.schedules.CosineDecay`); the lecture's `alpha_0 cos(pi t / 2T)` is
# `quarter_cosine`, which stays higher for longer.

# %%
steps_per_epoch = int(np.ceil(info.num_examples["train"] / 64))
total = steps_per_epoch * EPOCHS
warmup = max(1, total // 10)
names = ("constant", "step", "exponential", "cosine", "quarter_cosine")
drawn = {name: schedules.get(name, 0.1, total) for name in names}
drawn["cosine + warm-up"] = schedules.get("cosine", 0.1, total, warmup_steps=warmup)
schedules.plot_schedule(drawn, total, OUT / "schedules.png", title=f"learning rate over {total} steps");

# %% [markdown]
# The lecture's rule "divide the rate by 10 every 10 epochs" is the `step_epochs` schedule,
# a runner option (`dlcourse train mlp --schedule step_epochs`); drawn over 30 epochs here.

# %%
stepped = schedules.get("step_epochs", 0.1, 30 * steps_per_epoch, steps_per_epoch=steps_per_epoch)
print("rate at epochs 0, 10, 20:", [round(float(stepped(e * steps_per_epoch)), 4) for e in (0, 10, 20)])
schedules.plot_schedule(stepped, 30 * steps_per_epoch, OUT / "step_epochs.png", title="step_epochs over 30 epochs");

# %%
by_schedule = studies.compare("mlp", DATASET, optimizers=("momentum",), schedules=("constant", "cosine"),
                              epochs=EPOCHS, seed=SEED, out_dir=OUT / "runs" / "schedules",
                              warmup_steps=warmup, batch_size=64, **SPEED)
print(by_schedule.to_text())

# %% [markdown]
# ## 4. Gradient clipping on a network that explodes
#
# Twelve ReLU layers initialised with twice He's variance: each layer multiplies the
# signal by about sqrt(2), so the first gradients are enormous and one SGD step throws
# the weights to infinity. Clipping the global gradient norm to 1 bounds every step.

# %%
def build_deep_plain(input_shape, num_classes, depth=12, units=128):
    inputs = keras.Input(input_shape)
    x = keras.layers.Flatten()(inputs)
    for i in range(depth):
        init = keras.initializers.VarianceScaling(4.0, "fan_in", "untruncated_normal", seed=i)
        x = keras.layers.Dense(units, activation="relu", kernel_initializer=init)(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(x))


training.register(training.Recipe("deep_plain", build_deep_plain, "12 ReLU layers, 2x He variance"));
for clipnorm in (None, 1.0):
    config = training.make_config("deep_plain", DATASET, epochs=EPOCHS, optimizer="sgd", learning_rate=0.01,
                                  clipnorm=clipnorm, seed=SEED, run_dir=str(OUT / "runs" / f"clip_{clipnorm}"),
                                  **SPEED)
    try:
        run = training.train(config, verbose=0)
        outcome = f"losses {np.round(run.history['loss'], 2).tolist()}, test acc {run.metrics['test_accuracy']:.3f}"
    except DLCourseError as error:
        outcome = f"diverged: {str(error).split(';')[0]}"
    print(f"clipnorm={clipnorm}: {outcome}")
    results[f"deep plain net, clipnorm={clipnorm}"] = outcome

# %% [markdown]
# ## 5. The learning-rate range test
#
# Sweep the rate from 1e-5 to 10 over a few hundred batches and watch the loss; the
# suggestion is where it falls fastest. The model is restored afterwards.

# %%
config = training.make_config("mlp", DATASET, optimizer="sgd", learning_rate=0.01, steps_per_execution=1,
                              seed=SEED, **SPEED)
keras.utils.set_random_seed(SEED)
model = training.build_model(config, info, steps_per_epoch)
finder = callbacks.find_learning_rate(model, data.load(DATASET, "train", batch_size=64, seed=SEED),
                                      min_lr=1e-5, max_lr=10.0, steps=80 if FAST else 300)
callbacks.plot_lr_finder(finder, OUT / "lr_finder.png");
print(f"suggested SGD learning rate: {finder.suggestion:.3g} ({finder.method})")
results["LR finder suggestion (SGD)"] = round(finder.suggestion, 4)

# %% [markdown]
# The lecture's cheaper habit: a few epochs on a small subset at rates 1e-1 ... 1e-3
# (log-spaced), keep the lowest validation loss, then the full run with it (the runner).

# %%
trial = studies.lr_trial("mlp", DATASET, subset=TRIAL_SUBSET, trial_epochs=2, seed=SEED, full_run=True,
                         epochs=EPOCHS, run_dir=str(OUT / "runs" / "lr_trial"), path=OUT / "lr_trial.png", **SPEED)
print("validation loss by rate:", {f"{t['learning_rate']:.3g}": round(t["val_loss"], 3) for t in trial["trials"]})
print(f"best {trial['best']:.3g}" + (" (at the edge: widen the range)" if trial["at_edge"] else "")
      + f"; full run test accuracy {trial['full_metrics']['test_accuracy']:.3f}")
results["LR trial best (SGD)"] = trial["best"]
results["LR trial full-run test accuracy"] = round(trial["full_metrics"]["test_accuracy"], 4)

# %% [markdown]
# ## 6. SAM vs Adam
#
# SAM takes the gradient at the worst point within a radius `rho` of the weights, then
# lets Adam step from the weights themselves: two forward/backward passes per step.

# %%
train_ds = data.load(DATASET, "train", batch_size=64, seed=SEED)
val_ds, test_ds = data.load(DATASET, "validation"), data.load(DATASET, "test")
for label, wrap in (("adam", lambda m: m), ("sam + adam", lambda m: models.SAMModel(m, rho=0.05))):
    keras.utils.set_random_seed(SEED)
    model = wrap(models.build_mlp(info.input_shape, info.num_classes))
    model.compile(optimizer=optimizers.get("adam", 1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(train_ds, validation_data=val_ds, epochs=EPOCHS, verbose=0, shuffle=False).history
    seconds = time.perf_counter() - start
    test = model.evaluate(test_ds, verbose=0, return_dict=True)
    print(f"{label:>10}: val acc {history['val_accuracy'][-1]:.3f}, test acc {test['accuracy']:.3f}, "
          f"{seconds:.1f} s")
    results[f"{label} test accuracy"] = round(test["accuracy"], 4)

# %% [markdown]
# ## 7. The modern recipe
#
# `mlp_modern`: AdamW (decoupled weight decay 0.01), global-norm clipping at 1, linear
# warm-up, cosine decay to 0.1 of the peak, He initialisation: today's default settings.

# %%
modern_config = training.make_config("mlp_modern", DATASET, epochs=EPOCHS, warmup_steps=8 if FAST else None,
                                     seed=SEED, run_dir=str(OUT / "runs" / "mlp_modern"), **SPEED)
modern = training.train(modern_config, verbose=0)
print(f"mlp_modern: test accuracy {modern.metrics['test_accuracy']:.3f} (Adam alone, section 6: "
      f"{results['adam test accuracy']:.3f}); warm-up {modern_config.warmup_steps} steps")
results["mlp_modern test accuracy"] = round(modern.metrics["test_accuracy"], 4)

# %% [markdown]
# ## Your turn
# Each exercise has an empty cell to try it in, then a solution (tagged `solution`: collapse
# or skip it).
#
# **1.** Write warm-up + the lecture's quarter-cosine decay in numpy,
# `lr(t) = min(1, t / K) * lr0 * cos(pi * min(t, T) / (2 T))`, and check it against
# `schedules.get("quarter_cosine", lr0, T, warmup_steps=K)`.

# %%
# Your schedule here.

# %% tags=["solution"]
lr0, T, K = 0.1, 200, 20
t = np.arange(T)
by_hand = np.minimum(1.0, t / K) * lr0 * np.cos(np.pi * np.minimum(t, T) / (2 * T))
ours = schedules.schedule_values(schedules.get("quarter_cosine", lr0, T, warmup_steps=K), T)
print(f"warm-up + quarter cosine, largest difference: {np.max(np.abs(by_hand - ours)):.1e}")

# %% [markdown]
# **2.** On the `valley` problem (curvatures 1 and 100), predict the largest stable learning
# rate of plain SGD, then check it with `studies.optimizer_trajectories`. Why that value?

# %%
# Your prediction and check here.

# %% tags=["solution"]
valley = studies.TRAJECTORY_PROBLEMS["valley"]
for lr in (0.019, 0.021):
    end = studies.optimizer_trajectories(valley.function, valley.x0, ("sgd",), steps=200,
                                         learning_rates=lr)["sgd"][-1]
    verdict = "stable" if np.all(np.abs(end) < 5) else "diverged"
    print(f"SGD lr={lr}: ends at ({end[0]:.3g}, {end[1]:.3g}) ({verdict})")

# %% [markdown] tags=["solution"]
# *Answer.* On a quadratic, one gradient step multiplies the error along a direction of
# curvature `L` by `1 - lr * L`. It shrinks only while `|1 - lr * L| < 1`, i.e. `lr < 2 / L`.
# The steepest direction sets the limit: `2 / 100 = 0.02`. Just below it SGD still
# converges (slowly along the flat direction, whose factor is `1 - 0.019`), just above it
# the steep direction oscillates with growing amplitude.

# %% [markdown]
# **3.** Clip a list of gradients to global norm 1 by hand and compare with
# `optimizers.clip_by_global_norm`.

# %%
# Your clipping here.

# %% tags=["solution"]
grads = [np.array([3.0, 4.0]), np.array([[12.0]])]  # global norm 13
norm = np.sqrt(sum(np.sum(g**2) for g in grads))
clipped = [g * 1.0 / max(norm, 1.0) for g in grads]
theirs, their_norm = optimizers.clip_by_global_norm(grads, 1.0)
difference = max(np.max(np.abs(a - keras.ops.convert_to_numpy(b))) for a, b in zip(clipped, theirs))
print(f"global norm {norm:.1f} (ours {float(their_norm):.1f}); clipped, largest difference: {difference:.1e}")

# %% [markdown]
# ## Results

# %%
for row in comparison.rows:
    results[f"{row['optimizer']} val accuracy"] = round(row["val_accuracy"], 4)
width = max(len(k) for k in results)
print("\n".join(f"{k:<{width}}  {v}" for k, v in results.items()))
practicals.save_results(OUT, {"dataset": DATASET, "epochs": EPOCHS, "fast": FAST, **results});
