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
# # Practical 1 — Gradient descent and Newton's method
#
# **Goal.** Before any neural network: see, run and measure every claim of the lecture on
# optimisation. Gradients and Hessians come from `tf.GradientTape` (float64); every method
# goes through one loop, `classic.minimize(fun, x0, method=...)`, shaped like
# `scipy.optimize.minimize`, which records the whole trajectory in `result.trace`.
#
# You will check that
# 1. a gradient step decreases the quadratic model only for `alpha < 2 g^T g / g^T H g`,
#    and gradient descent zig-zags at the rate `(kappa - 1) / (kappa + 1)`;
# 2. Newton solves a quadratic in one step and converges quadratically (order 2), while
#    gradient descent is linear (order 1);
# 3. pure Newton is attracted to saddle points; gradient descent and modified Newton escape;
# 4. a convex function's stationary points are global minima; a non-convex one has basins;
# 5. a non-linear classifier is a linear classifier of non-linear features; the perceptron
#    never settles on non-separable data;
# 6. SGD wins per epoch, GD per update, averaged SGD obeys its bound; matrix products explode.
#
# **Time.** About 1 minute on 2 CPU cores; fast mode (smaller budgets, same lessons) takes
# about 20 seconds. To turn fast mode on, run `%env DLCOURSE_FAST=1` in a cell before the setup
# cell (or start Jupyter with `DLCOURSE_FAST=1 jupyter lab`; from a terminal:
# `dlcourse practical 1 --fast`). Figures are shown here and saved as PNG in `OUT`.

# %% [markdown]
# ## Setup
# `settings` reads fast mode and the figures folder, and imports TensorFlow without its
# start-up log: run it before the other imports.

# %%
from dlcourse import practicals

FAST, OUT = practicals.settings("p1_gradient_descent_newton")

# %%
import numpy as np

from dlcourse import classic, data, plots

KAPPA = 100.0  # condition number of the ill-conditioned quadratic
GD_MAXITER = 3000 if FAST else 60000  # GD budget on Rosenbrock (extrapolated if not enough)
BASIN_GRID = 6 if FAST else 15  # starts per axis on Himmelblau
N_SAMPLES = 120 if FAST else 300  # points per toy classification set
EPOCHS = 150 if FAST else 500  # logistic-regression epochs (full-batch GD steps)
SGD_SAMPLES, SGD_EPOCHS = (600, 8) if FAST else (4000, 20)
# Hessian-test grid per axis, SGD-theorem epochs (200 updates each), seeds of the 4x4 products
CONVEX_GRID, THEOREM_EPOCHS, PRODUCT_TRIALS = (11, 5, 40) if FAST else (21, 30, 200)
results = {}

# %% [markdown]
# ## Data: the test functions
# Each is a Python callable on a 1-D float64 tensor; `.value`, `.gradient`, `.hessian` work
# on numpy. Check one gradient against central finite differences, then look at them.

# %%
rosen = classic.Rosenbrock()
x = np.array([-1.2, 1.0])
h = 1e-6
fd = [(rosen.value(x + h * e) - rosen.value(x - h * e)) / (2 * h) for e in np.eye(2)]
print("tape gradient:", rosen.gradient(x), " finite differences:", np.round(fd, 4))
print("Hessian at (-1.2, 1):\n", rosen.hessian(x))

panels = {
    "Rosenbrock": (rosen, (-2, 2), (-1, 3)),
    "Himmelblau": (classic.Himmelblau(), (-5, 5), (-5, 5)),
    "saddle x^2 - y^2": (classic.Saddle(), (-2, 2), (-2, 2)),
    "plateau": (classic.Plateau(), (-4, 4), (-4, 4)),
}
fig, axes = plots.figure(ncols=4, size=(3.6, 3.2))
for ax, (name, (fun, xlim, ylim)) in zip(axes, panels.items()):
    classic.draw_contour(ax, fun, xlim, ylim, log=name != "saddle x^2 - y^2")
    ax.set_title(name)
plots.save_figure(fig, OUT / "functions.png");

# %% [markdown]
# ### Which are convex?
# Convex: every chord above the graph, or the Hessian `>= 0` everywhere (both tested on a box).
# Pure Newton finds every kind of stationary point; if f is convex, only global minima.

# %%
convexity = classic.check_convexity(grid=CONVEX_GRID, path=OUT / "convexity.png")
convexity.pop("figure")
for name, row in convexity.items():
    print(f"{name:14s} min eigenvalue {row['min_eigenvalue']:9.3g}, broken chords {row['chord_violations']:.0%}")
stationary = {"quadratic": classic.stationary_points_are_global(classic.Quadratic(10.0, b=[1.0, 2.0]), -2, 2),
              "himmelblau": classic.stationary_points_are_global(classic.Himmelblau(), -5, 5)}
for name, found in stationary.items():
    print(f"{name}: stationary points", [p["kind"] for p in found["points"]], "all global:", found["all_global"])
results.update(convex={n: r["convex"] for n, r in convexity.items()},
               stationary_all_global={n: f["all_global"] for n, f in stationary.items()})

# %% [markdown]
# ## Model: the second-order model and the step-size bound
# Along `-g`, `m(alpha) - f = -alpha g^T g + alpha^2 / 2 g^T H g`. It decreases up to
# `alpha* = g^T g / g^T H g` (the exact line-search step), and is above `f` past `2 alpha*`.

# %%
bound = classic.step_size_bound(KAPPA, x0=(1.0, 1.0), path=OUT / "step_size_bound.png")
print(f"alpha* = {bound['alpha_star']:.5f}; change of f at (0.5, 1, 1.5, 2, 2.5) alpha*:",
      np.round(bound["actual_change"], 3))
zigzag = classic.zigzag_rate(KAPPA, iterations=100, path=OUT / "zigzag.png")
print(f"GD rate {zigzag['gd_rate']:.6f} vs (kappa-1)/(kappa+1) = {zigzag['theory_rate']:.6f}; "
      f"y changed sign {zigzag['sign_flips']} times in {zigzag['iterations']} steps")
results.update(alpha_star=bound["alpha_star"], gd_rate=zigzag["gd_rate"], theory_rate=zigzag["theory_rate"])

# %% [markdown]
# ## Train: Newton vs gradient descent
# On Rosenbrock from (-1.2, 1): damped Newton (Newton direction + Armijo backtracking)
# against fixed-step GD. The order `q` in `e_{k+1} ~ C e_k^q` is the slope of
# `log e_{k+1}` against `log e_k`.

# %%
orders = classic.convergence_orders(gd_maxiter=GD_MAXITER, path=OUT / "convergence_orders.png")
print(f"Newton order {orders['newton_order']:.2f}, GD order {orders['gd_order']:.3f}")
print(f"to |x - x*| <= 1e-8: damped Newton {orders['newton_iterations']} iterations, GD "
      f"{orders['gd_iterations']}" + (" (extrapolated)" if orders["gd_extrapolated"] else ""))
print(f"Newton on a 5-D quadratic with kappa = 1000: {orders['quadratic_newton_iterations']} step")
results.update({k: orders[k] for k in ("newton_order", "gd_order", "newton_iterations", "gd_iterations")})

# %% [markdown]
# ### Saddle points and basins
# Pure Newton solves `grad m = 0`, and on `x^2 - y^2` that point is the saddle. GD moves
# `y` away by a factor `1 + 2 alpha` per step; modified Newton flips the negative
# eigenvalue, so its direction goes downhill.

# %%
saddle = classic.saddle_escape(x0=(1.0, 1e-3), iterations=40, path=OUT / "saddle.png")
for method in ("newton", "gd", "modified-newton"):
    print(f"{method:16s} distance to saddle {saddle[method]['distance_to_saddle']:10.3g}  "
          f"escaped: {saddle[method]['escaped']}")
basins = classic.himmelblau_basins(grid=BASIN_GRID, path=OUT / "himmelblau_basins.png")
print("starts reaching each Himmelblau minimum:", basins["counts"], "none:", basins["unconverged"])
results.update(saddle_escaped={m: saddle[m]["escaped"] for m in ("newton", "gd", "modified-newton")},
               basin_counts=basins["counts"])

# %% [markdown]
# ## Evaluate: linear classifiers, with and without non-linear features
# The perceptron and logistic regression (full-batch GD on the cross-entropy) draw a
# line. On XOR no line works; the *same* logistic regression on polynomial or RBF
# features draws curves. The perceptron's batch form `w <- w + sum (Y - Yhat) X` (one update
# per epoch) and its online form both stop on separable data; on overlapping classes, never.

# %%
accuracy = classic.compare_classifiers(N_SAMPLES, epochs=EPOCHS, path=OUT / "classifiers.png")
for name in ("separable", "xor", "moons"):
    print(f"{name:10s}", {model: round(acc, 3) for model, acc in accuracy[name].items()})
results["accuracy"] = {name: accuracy[name] for name in ("separable", "xor", "moons")}
sets = {"separable": data.toy.make_separable(N_SAMPLES, seed=0),
        "overlapping": data.toy.make_blobs(N_SAMPLES, distance=2.0, noise=1.0, seed=0)}
forms = classic.perceptron_forms(sets, epochs=100, path=OUT / "perceptron_forms.png")
for name in sets:
    print(f"perceptron on {name}, mistakes in the last epoch:", {f: r["errors"][-1] for f, r in forms[name].items()})
results["perceptron_converged"] = {n: {f: r["converged"] for f, r in forms[n].items()} for n in sets}

# %% [markdown]
# ### Batch GD vs mini-batch vs SGD
# One epoch is one pass over the data: 1 update for batch GD, m / 32 for mini-batch, m for
# SGD (step `c / sqrt(t)`). Compare per epoch and per second.

# %%
x_blobs, y_blobs = data.toy.make_blobs(SGD_SAMPLES, distance=2.0, noise=0.8, seed=0)
runs = classic.compare_batch_sizes(x_blobs, y_blobs, epochs=SGD_EPOCHS, learning_rate=0.5, sgd_constant=0.5)
fig, axes = plots.figure(ncols=2)
classic.draw_convergence(axes[0], {k: r["loss"] for k, r in runs.items()}, "epoch", "training loss")
classic.draw_convergence(axes[1], {k: r["loss"][1:] for k, r in runs.items()}, "seconds", "training loss",
                         xs={k: r["time"][1:] for k, r in runs.items()})
axes[1].set_xscale("log")
plots.save_figure(fig, OUT / "sgd.png")
for name, run in runs.items():
    print(f"{name:10s} loss after 1 epoch {run['loss'][1]:.4f}, at the end {run['loss'][-1]:.4f}, "
          f"{run['iterations']} updates, {1e6 * run['seconds_per_iteration']:.1f} us per update")
results["sgd_final_loss"] = {name: float(run["loss"][-1]) for name, run in runs.items()}

# %% [markdown]
# ### SGD's theorem
# Convex `f`, steps `c / sqrt(t)`: the averaged iterate obeys `f(w_avg_t) - f* <= (D^2 / c +
# c sqrt((t + 1) / t) C^2) / sqrt(t)` (`D`, `C` measured on the run); GD (step `1 / L`) `L D0^2 / 2k`.

# %%
theorem = classic.sgd_theorem(epochs=THEOREM_EPOCHS, path=OUT / "sgd_theorem.png")
print(f"bound holds: {theorem['bound_holds']}; at the end f - f* = {theorem['sgd_average'][-1]:.1e};",
      "log-log slopes:", {k: round(v, 2) for k, v in theorem["slopes"].items()}, "(bounds: -0.5 and -1)")
results.update(sgd_bound_holds=theorem["bound_holds"], sgd_slopes=theorem["slopes"])

# %% [markdown]
# ### Why depth needs care: products of random matrices
# 100 factors with entries `N(0, sigma^2 / dim)`: the norm behaves like `sigma^100`. The
# lecture's version, 100 unscaled 4x4 factors `N(0, std^2)`: "N(0, 0.5)" means std 0.5 (the
# lecture's 1e-6); a variance of 0.5 (std 0.71) explodes instead.

# %%
products = classic.random_matrix_products((0.5, 1.0, 2.0), factors=100, path=OUT / "random_products.png")
print("log10 |W_100 ... W_1 v|:", {s: round(v, 1) for s, v in products["log10_norm"].items()})
results["log10_product_norm"] = products["log10_norm"]
lecture = classic.lecture_matrix_products(trials=PRODUCT_TRIALS, path=OUT / "lecture_products.png")
lecture.pop("figure")
for std, row in lecture.items():
    print(f"std {std:5s}: log10 max |entry| {row['median']:6.1f} ({row['low']:.1f} .. {row['high']:.1f})")
results["lecture_products"] = {s: r["median"] for s, r in lecture.items()}

# %% [markdown]
# ## Your turn
# Each exercise has an empty cell to try it in, then a solution cell (tagged `solution`:
# collapse or skip it).
#
# **1.** Write Armijo backtracking yourself (`f(x - alpha g) <= f(x) - c alpha |g|^2`, halve
# `alpha` otherwise) and check it picks the same step as `classic.backtracking` on
# Rosenbrock at (-1.2, 1).

# %%
# Your Armijo backtracking here.

# %% tags=["solution"]
def my_backtracking(fun, x, alpha=1.0, c=1e-4):
    fx, g = fun.value(x), fun.gradient(x)
    while fun.value(x - alpha * g) > fx - c * alpha * g @ g:
        alpha /= 2
    return alpha


x = np.array([-1.2, 1.0])
g = rosen.gradient(x)
mine = my_backtracking(rosen, x)
theirs, _ = classic.backtracking(rosen.value, x, rosen.value(x), g, -g)
print(f"exercise 1: my step {mine:.3g}, classic.backtracking {theirs:.3g}")

# %% [markdown]
# **2.** Measure GD's rate with `alpha = 2 / (L + mu)` for kappa = 10, 100, 1000 and compare
# with `(kappa - 1) / (kappa + 1)`. How many iterations gain 6 digits at kappa = 1000?

# %%
# Your rates here (hint: `classic.zigzag_rate`).

# %% tags=["solution"]
rates = {}
for kappa in (10.0, 100.0, 1000.0):
    rates[kappa] = classic.zigzag_rate(kappa, iterations=50)["gd_rate"]
    print(f"exercise 2: kappa {kappa:6.0f}: rate {rates[kappa]:.5f}, theory {(kappa - 1) / (kappa + 1):.5f}, "
          f"iterations for 1e-6: {np.log(1e-6) / np.log(rates[kappa]):.0f}")

# %% [markdown] tags=["solution"]
# *Answer.* The measured rate equals `(kappa - 1) / (kappa + 1)`. The error shrinks by that
# factor per step, so 6 digits take `ln(1e-6) / ln(r) ~ 13.8 / (2 / kappa) = 6.9 kappa` steps: about 6,900 at
# kappa = 1000. The cost grows linearly with the condition number, which is why
# ill-conditioning, not dimension, is what slows gradient descent.

# %% [markdown]
# **3.** Train logistic regression on the moons with `method="newton"`: how many iterations
# against gradient descent's `EPOCHS`? Why so few?

# %%
# Your Newton logistic regression here.

# %% tags=["solution"]
x_moons, y_moons = data.toy.make_moons(N_SAMPLES, noise=0.15, seed=0)
newton = classic.logistic_regression(x_moons, y_moons, epochs=50, method="newton")
print(f"exercise 3: Newton took {newton.history['result'].nit} iterations "
      f"(accuracy {newton.accuracy(x_moons, y_moons):.3f}); GD was given {EPOCHS}")
results["exercises"] = {"armijo_step": mine, "newton_logistic_iterations": newton.history["result"].nit}

# %% [markdown] tags=["solution"]
# *Answer.* The logistic loss is smooth and convex, so near its minimum it is almost a
# quadratic, which Newton solves in one step: the iterations converge quadratically and a
# handful suffice, while GD's rate depends on the (poor) conditioning of the features.
# Each Newton step costs a `(d + 1) x (d + 1)` solve, cheap for 2-D data, prohibitive for
# the millions of weights of a network.

# %% [markdown]
# ## Results

# %%
xor, escaped = results["accuracy"]["xor"], results["saddle_escaped"]
table = [
    ("GD rate on kappa=100 (theory 0.9802)", f"{results['gd_rate']:.4f}"),
    ("Newton order near (1, 1) (theory 2)", f"{results['newton_order']:.2f}"),
    ("GD order (theory 1)", f"{results['gd_order']:.3f}"),
    ("iterations to 1e-8: damped Newton / GD", f"{results['newton_iterations']} / {results['gd_iterations']}"),
    ("escaped the saddle: Newton / GD / modified", " / ".join(str(v) for v in escaped.values())),
    ("XOR accuracy: linear / RBF features", f"{xor['logistic']:.2f} / {xor['logistic + RBF']:.2f}"),
    ("log10 |product|, sigma 0.5 / 1 / 2", " / ".join(f"{v:.1f}" for v in results["log10_product_norm"].values())),
    ("lecture's 4x4 products, std 0.5 / 1", " / ".join(f"{results['lecture_products'][s]:.1f}" for s in ("0.5", "1"))),
    ("convex test functions", ", ".join(n for n, c in results["convex"].items() if c)),
]
for name, value in table:
    print(f"{name:45s} {value}")
practicals.save_results(OUT, results);
