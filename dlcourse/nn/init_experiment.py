"""How initialisation and activation shape the signal through a deep network.

A plain stack of `depth` square layers (width units, no biases) gets a batch of
standard-normal inputs. Forward, then backward from a random upstream gradient:

    z_l = h_{l-1} @ W_l,   h_l = sigma(z_l),             h_0 ~ N(0, 1)     (n, width)
    g_depth ~ N(0, 1) / n                                d loss / d h_depth, a stand-in loss
    dz_l = g_l * sigma'(z_l),   dW_l = h_{l-1}^T @ dz_l,   g_{l-1} = dz_l @ W_l^T

and records, per layer, Var(h_l) (over all n * width entries) and Var(dW_l).
One layer multiplies the activation variance by about width * Var(W) * E[sigma'(z)**2]
(for small z), so with width = 256:

    normal (std 0.05) + tanh:    x 0.64 per layer -> 0.64**19 ~ 1e-4 by layer 20 (vanishing)
    normal (std 0.05) + sigmoid: gradients x 256 * 0.0025 * 0.25**2 = 0.04 per layer going down
    glorot + relu:               x 1/2 per layer (Glorot assumed a linear unit; ReLU halves)
    glorot + tanh:               slow decay, as tanh squashes what Glorot keeps at variance ~1
    he + relu:                   x 2 * 1/2 = 1 per layer (stable, He et al. 2015)

Measured (width 256, n 256, seed 0), Var(h) at layers 1 and 20: normal + tanh 3.2e-1 -> 3.1e-5;
glorot_uniform + relu 3.4e-1 -> 8.6e-7; he_normal + relu 0.67 -> 0.54. Var(dW), normal +
sigmoid: 1e-31 at layer 1 vs 6e-5 at layer 20.

Example:

    results = run_init_experiment(depth=20)
    plot_init_experiment(results, "figures/init_experiment.png")
"""

import numpy as np

from dlcourse.errors import DLCourseError
from dlcourse.nn import activations as _activations
from dlcourse.nn import initializers as _initializers


def activation_statistics(initializer, activation, depth=20, width=256, n=256, seed=0):
    """Per-layer activation variance and weight-gradient variance of a deep plain stack.

    Args:
        initializer: an initialiser name or `init(shape, rng)`.
        activation: an activation name or object.
        depth: the number of layers (20+ shows the effect clearly).
        width: units per layer.
        n: batch size of the random inputs.
        seed: seeds inputs, weights and the upstream gradient.

    Returns:
        A dict with "initializer", "activation" (names), and "activation_variance",
        "gradient_variance" (float64 arrays of length `depth`, layer 1 first).
    """
    if depth < 1 or width < 1 or n < 2:
        raise DLCourseError(
            f"`depth` and `width` must be >= 1 and `n` >= 2. Received: depth={depth}, width={width}, n={n}"
        )
    rng = np.random.default_rng(seed)
    init = _initializers.get(initializer)
    act = _activations.get(activation)
    kernels = [init((width, width), rng) for _ in range(depth)]
    h = rng.standard_normal((n, width))
    inputs, pre_activations, act_var = [], [], []
    for w in kernels:
        inputs.append(h)
        z = h @ w
        pre_activations.append(z)
        h = act.value(z)
        act_var.append(np.var(h))
    g = rng.standard_normal((n, width)) / n
    grad_var = [0.0] * depth
    for l in reversed(range(depth)):
        dz = act.vjp(pre_activations[l], g)
        grad_var[l] = np.var(inputs[l].T @ dz)
        g = dz @ kernels[l].T
    return {
        "initializer": getattr(initializer, "__name__", str(initializer)),
        "activation": getattr(act, "name", str(activation)),
        "activation_variance": np.asarray(act_var),
        "gradient_variance": np.asarray(grad_var),
    }


def run_init_experiment(
    initializers=("normal", "glorot_uniform", "he_normal"),
    activations=("sigmoid", "tanh", "relu"),
    depth=20,
    width=256,
    n=256,
    seed=0,
):
    """`activation_statistics` for every (initializer, activation) pair; a list of dicts."""
    return [
        activation_statistics(init, act, depth=depth, width=width, n=n, seed=seed)
        for act in activations
        for init in initializers
    ]


def plot_init_experiment(results, path):
    """One column per activation; activation variance (top) and gradient variance (bottom)
    by depth, log scale, one line per initialiser. Writes a PNG and returns its path."""
    if not results:
        raise DLCourseError("`results` is empty: pass the list from `run_init_experiment`.")
    names = list(dict.fromkeys(r["activation"] for r in results))
    from dlcourse import plots

    fig, axes = plots.figure(ncols=len(names), nrows=2, size=(4.2, 3.2))
    axes = np.asarray(axes).reshape(2, len(names))
    for col, name in enumerate(names):
        for r in (r for r in results if r["activation"] == name):
            layers = np.arange(1, len(r["activation_variance"]) + 1)
            for row, key in enumerate(("activation_variance", "gradient_variance")):
                # Floor at a tiny value so log axes survive exact zeros (zeros init, dead ReLUs).
                values = np.maximum(r[key], 1e-30)
                axes[row, col].semilogy(layers, values, "o-", ms=3, label=r["initializer"])
        axes[0, col].set_title(f"{name}: activation variance")
        axes[1, col].set_title(f"{name}: weight-gradient variance")
        for ax in axes[:, col]:
            ax.set_xlabel("layer")
            ax.grid(alpha=0.3, which="both")
            ax.legend(fontsize=7)
    return plots.save_figure(fig, path)
