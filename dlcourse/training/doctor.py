"""Babysitting a network: eight quick checks to run before a long training (`dlcourse doctor`).

    report = diagnose(make_config("mlp", "digits"))
    print(report.to_text())          # one line per check: ✓ or ✗, the number, the verdict

On a fixed subset of the recipe's data (at most MAX_TRAIN training and MAX_VALIDATION
validation examples, no augmentation, BatchNorm momentum 0.9 so that its moving statistics
keep up during the short training), with K classes:

    input_statistics   images finite and in [0, 1], all K labels present, no class empty
    initial_loss       |loss_0 - log(K)| / log(K) < 0.3 before any step (softmax near uniform)
    gradient_check     tape gradients vs central differences (eps 1e-6) on 12 random weights
                       of a float64 copy: ||g - g_num|| / (||g|| + ||g_num||) < 1e-4
    overfit_tiny_batch 32 examples, regularisation off, 300 Adam steps: loss < 0.05
    loss_decreases     training loss after one epoch of real training < 0.9 * loss_0 (and finite)
    learns             validation accuracy after a short training >= chance + 0.25 * (1 - chance)
    generalization_gap train accuracy - validation accuracy < 0.15 after the short training
    dead_relu          fraction of hidden ReLU units that output 0 on a whole batch <= 0.5

`simulate_bug` breaks the setup on purpose so each check can be seen failing:
"shuffled-labels" permutes the training labels independently of the images (the model can
still memorise 32 random labels, but it cannot learn); "huge-lr" multiplies every learning
rate by 1e4. Reference: A. Karpathy, "A Recipe for Training Neural Networks", 2019.
"""

import dataclasses
import math
import time

import keras
import numpy as np
import tensorflow as tf

from dlcourse import data
from dlcourse.errors import DLCourseError
from dlcourse.training.runner import build_model

SIMULATED_BUGS = ("shuffled-labels", "huge-lr")
MAX_TRAIN, MAX_VALIDATION = 8192, 2048
INITIAL_LOSS_TOLERANCE = 0.3  # relative to log(K)
GRADIENT_TOLERANCE = 1e-4  # float64, eps = 1e-6; ReLU kinks allow more than smooth nets' 1e-6
TINY_BATCH, TINY_STEPS, TINY_LOSS = 32, 300, 0.05
LOSS_DROP = 0.9  # the loss after epoch 1 must be below 0.9 * the initial loss
SHORT_EPOCHS = 5
GAP_LIMIT = 0.15
DEAD_LIMIT = 0.5
HUGE_LR_FACTOR = 1e4


@dataclasses.dataclass(frozen=True)
class Check:
    """One verdict: `name`, `passed`, and a one-line `reason` with the measured number."""

    name: str
    passed: bool
    reason: str

    def __post_init__(self):
        object.__setattr__(self, "passed", bool(self.passed))  # numpy bools break json.


@dataclasses.dataclass
class DoctorReport:
    """The checks run on one recipe and dataset (`passed`: all of them passed)."""

    recipe: str
    dataset: str
    simulate_bug: str = None
    checks: list = dataclasses.field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self):
        return all(c.passed for c in self.checks)

    def to_text(self):
        bug = f", simulated bug: {self.simulate_bug}" if self.simulate_bug else ""
        width = max(len(c.name) for c in self.checks)
        lines = [f"dlcourse doctor: {self.recipe} on {self.dataset}{bug}"]
        lines += [f"  {'✓' if c.passed else '✗'} {c.name:<{width}}  {c.reason}" for c in self.checks]
        n_ok = sum(c.passed for c in self.checks)
        lines.append(f"{n_ok}/{len(self.checks)} checks passed in {self.seconds:.1f} s")
        return "\n".join(lines)

    def to_dict(self):
        return {"recipe": self.recipe, "dataset": self.dataset, "simulate_bug": self.simulate_bug,
                "passed": self.passed, "seconds": round(self.seconds, 3),
                "checks": [dataclasses.asdict(c) for c in self.checks]}


def diagnose(config, simulate_bug=None, seed=0):
    """Run the eight checks of the module docstring on `config`'s recipe and dataset.

    Args:
        config: a `RunConfig` (`make_config(recipe, dataset)`); its optimizer, learning rate,
            schedule and batch size are used for the short training.
        simulate_bug: None, "shuffled-labels" or "huge-lr" (see the module docstring).
        seed: seeds the weights, the subsets and the simulated bug.

    Returns:
        A `DoctorReport`.
    """
    if simulate_bug not in (None, *SIMULATED_BUGS):
        raise DLCourseError(f"Unknown simulated bug {simulate_bug!r}. Use one of: {', '.join(SIMULATED_BUGS)}.")
    start = time.perf_counter()
    lr_factor = HUGE_LR_FACTOR if simulate_bug == "huge-lr" else 1.0
    # No XLA: compiling costs more than it saves on a few hundred steps.
    config = dataclasses.replace(config, augment=(), jit_compile=False,
                                 learning_rate=config.learning_rate * lr_factor)
    info = data.info(config.dataset, config.validation_size)
    k = info.num_classes
    x, y = _arrays(config, "train", MAX_TRAIN)
    x_val, y_val = _arrays(config, "validation", MAX_VALIDATION)
    rng = np.random.default_rng(seed)
    if simulate_bug == "shuffled-labels":
        y = rng.permutation(y)
    _, all_labels = data.split_arrays(config.dataset, "train", config.validation_size)
    checks = [_input_statistics(x, all_labels, k)]

    keras.utils.set_random_seed(seed)
    steps_per_epoch = math.ceil(len(x) / config.batch_size)
    model = build_model(config, info, steps_per_epoch)
    _fast_batch_norm(model)
    probe = rng.choice(len(x), size=min(1024, len(x)), replace=False)
    loss_0, _ = _evaluate(model, x[probe], y[probe])
    checks.append(_initial_loss(loss_0, k))
    checks.append(_gradient_check(model, x[probe[:64]], y[probe[:64]], rng))
    checks.append(_overfit_tiny_batch(model, x[probe[:TINY_BATCH]], y[probe[:TINY_BATCH]], lr_factor, seed))

    model.fit(x, y, batch_size=config.batch_size, epochs=1, shuffle=True, verbose=0)
    loss_1, _ = _evaluate(model, x[probe], y[probe])
    checks.append(_loss_decreases(loss_0, loss_1, steps_per_epoch))
    model.fit(x, y, batch_size=config.batch_size, epochs=SHORT_EPOCHS - 1, shuffle=True, verbose=0)
    train_loss, train_acc = _evaluate(model, x[probe], y[probe])
    _, val_acc = _evaluate(model, x_val, y_val)
    checks.append(_learns(val_acc, k))
    checks.append(_generalization_gap(train_acc, val_acc, train_loss))
    checks.append(_dead_relu(model, x[probe[:512]]))
    return DoctorReport(config.recipe, config.dataset, simulate_bug, checks, time.perf_counter() - start)


def _fast_batch_norm(model, momentum=0.9):
    """Lower BatchNorm momentum: with 0.99 the moving statistics that inference uses lag the
    weights for thousands of steps, and a healthy model looks like chance after a short run."""
    for layer in model.layers:
        if hasattr(layer, "moving_mean") and hasattr(layer, "momentum"):
            layer.momentum = momentum
        elif isinstance(layer, keras.Model):
            _fast_batch_norm(layer, momentum)


def _arrays(config, split, limit):
    """The first `limit` examples of a split as the model sees them (float32 in [0, 1])."""
    batches = data.load(config.dataset, split, batch_size=512, shuffle=False,
                        validation_size=config.validation_size).take(math.ceil(limit / 512))
    xs, ys = zip(*((b[0].numpy(), b[1].numpy()) for b in batches))
    return np.concatenate(xs)[:limit], np.concatenate(ys)[:limit]


def _evaluate(model, x, y):
    """Mean cross-entropy and accuracy in inference mode, eagerly (no tracing for a few calls)."""
    probabilities = np.concatenate([np.asarray(model(x[i:i + 1024], training=False))
                                    for i in range(0, len(x), 1024)])
    loss = keras.losses.sparse_categorical_crossentropy(y, probabilities)
    return float(np.mean(loss)), float(np.mean(probabilities.argmax(axis=-1) == y))


def _input_statistics(x, labels, k):
    counts = np.bincount(labels, minlength=k)
    lo, hi, finite = float(x.min()), float(x.max()), bool(np.isfinite(x).all())
    ok = finite and lo >= 0.0 and hi <= 1.0 and len(counts) == k and counts.min() > 0
    reason = (f"mean {x.mean():.3f}, std {x.std():.3f}, range [{lo:.2f}, {hi:.2f}], "
              f"{int((counts > 0).sum())}/{k} classes, smallest class {int(counts.min())} examples")
    if not finite:
        reason = "images contain NaN or inf: " + reason
    elif not ok:
        reason += (": expected values in [0, 1] and every class present" if len(counts) == k
                   else f": labels reach {len(counts) - 1}, beyond the {k} classes")
    return Check("input_statistics", ok, reason)


def _initial_loss(loss_0, k):
    expected = math.log(k)
    error = abs(loss_0 - expected) / expected
    ok = math.isfinite(loss_0) and error < INITIAL_LOSS_TOLERANCE
    verdict = "softmax starts near uniform" if ok else "check the output layer and the initialisation"
    return Check("initial_loss", ok, f"{loss_0:.3f} vs log({k}) = {expected:.3f} "
                 f"({error:.0%} off, tolerance {INITIAL_LOSS_TOLERANCE:.0%}): {verdict}")


def _regularization_off(layer):
    """A copy of `layer` with dropout rate 0 and no weight penalties (for `clone_model`)."""
    config = layer.get_config()
    for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
        if config.get(key) is not None:
            config[key] = None
    if isinstance(layer, keras.layers.Dropout) or type(layer).__name__ == "Dropout":
        config["rate"] = 0.0
    return layer.__class__.from_config(config)


def _gradient_check(model, x, y, rng, n_weights=12, eps=1e-6):
    """Tape gradients of the float64 model's loss vs central differences on a few weights."""
    twin = keras.models.clone_model(model, clone_function=_float64_layer)
    twin.set_weights(model.get_weights())
    x, y = tf.constant(x, tf.float64), tf.constant(y)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(dtype="float64")  # Keras losses default to float32.

    def loss():  # Inference mode: dropout off, BatchNorm on its moving statistics.
        return loss_fn(y, twin(x, training=False)) + sum(twin.losses)

    with tf.GradientTape() as tape:
        value = loss()
    grads = tape.gradient(value, twin.trainable_variables)
    analytic, numeric = [], []
    for _ in range(n_weights):
        var_index = int(rng.integers(len(twin.trainable_variables)))
        var = twin.trainable_variables[var_index]
        index = tuple(int(rng.integers(n)) for n in var.shape)
        old = var.numpy()
        for sign in (1, -1):
            bumped = old.copy()
            bumped[index] += sign * eps
            var.assign(bumped)
            numeric.append(sign * float(loss()) / (2 * eps))
        var.assign(old)
        analytic.append(float(grads[var_index].numpy()[index]))
    numeric = np.add(numeric[0::2], numeric[1::2])
    error = float(np.linalg.norm(np.subtract(analytic, numeric))
                  / max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12))
    ok = error < GRADIENT_TOLERANCE
    return Check("gradient_check", ok, f"relative error {error:.1e} on {n_weights} random weights (float64, "
                 f"threshold {GRADIENT_TOLERANCE:.0e}): " + ("autodiff agrees" if ok else "gradients disagree"))


def _float64_layer(layer):
    config = layer.get_config()
    config["dtype"] = "float64"
    return layer.__class__.from_config(config)


def _overfit_tiny_batch(model, x, y, lr_factor, seed):
    keras.utils.set_random_seed(seed)
    tiny = keras.models.clone_model(model, clone_function=_regularization_off)
    tiny.compile(optimizer=keras.optimizers.Adam(1e-3 * lr_factor), loss="sparse_categorical_crossentropy",
                 steps_per_execution=TINY_STEPS // 3)
    tiny.fit(tf.data.Dataset.from_tensors((x, y)).repeat(TINY_STEPS), epochs=1, shuffle=False, verbose=0)
    # Training mode, as it was fitted: BatchNorm on this batch's statistics (dropout is off).
    loss = float(keras.losses.sparse_categorical_crossentropy(y, tiny(x, training=True)).numpy().mean())
    ok = loss < TINY_LOSS
    verdict = "the model can memorise" if ok else "cannot fit even a tiny batch: check the model and the loss"
    return Check("overfit_tiny_batch", ok, f"loss {loss:.4f} after {TINY_STEPS} Adam steps on {len(x)} examples, "
                 f"regularisation off (target < {TINY_LOSS}): {verdict}")


def _loss_decreases(loss_0, loss_1, steps):
    ok = math.isfinite(loss_1) and loss_1 < LOSS_DROP * loss_0
    if not math.isfinite(loss_1) or loss_1 > loss_0:
        verdict = "diverged: lower the learning rate"
    else:
        verdict = "learning" if ok else "barely moves: check the labels and the learning rate"
    return Check("loss_decreases", ok, f"training loss {loss_0:.3f} -> {loss_1:.3f} after one epoch "
                 f"({steps} steps; target < {LOSS_DROP} x start): {verdict}")


def _learns(val_acc, k):
    chance = 1.0 / k
    target = chance + 0.25 * (1.0 - chance)
    ok = val_acc >= target
    verdict = "well above chance" if ok else "no better than guessing: are images and labels paired?"
    return Check("learns", ok, f"validation accuracy {val_acc:.3f} after {SHORT_EPOCHS} epochs "
                 f"(chance {chance:.2f}, target >= {target:.3f}): {verdict}")


def _generalization_gap(train_acc, val_acc, train_loss):
    gap = train_acc - val_acc
    if not math.isfinite(train_loss):
        return Check("generalization_gap", False, f"not measurable: the training loss is {train_loss}")
    ok = gap < GAP_LIMIT
    verdict = "train and validation agree" if ok else "memorising: regularise or get more data"
    return Check("generalization_gap", ok, f"train accuracy {train_acc:.3f} - validation {val_acc:.3f} "
                 f"= {gap:+.3f} (limit {GAP_LIMIT}): {verdict}")


def _dead_relu(model, x):
    relus = [layer for layer in model.layers
             if getattr(layer, "activation", None) is keras.activations.relu]
    if not relus:
        return Check("dead_relu", True, "no ReLU layers to check")
    probe = keras.Model(model.input, [layer.output for layer in relus])
    outputs = probe(x, training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    units = [np.reshape(np.asarray(o), (len(x), -1)) for o in outputs]  # (batch, units)
    if not all(np.isfinite(u).all() for u in units):
        return Check("dead_relu", False, "hidden activations are NaN or inf: the weights diverged")
    dead = sum(int(np.all(u == 0, axis=0).sum()) for u in units)
    total = sum(u.shape[1] for u in units)
    ok = dead / total <= DEAD_LIMIT
    verdict = "most units alive" if ok else "most units are dead: lower the learning rate or use He init"
    return Check("dead_relu", ok, f"{dead}/{total} hidden ReLU units ({dead / total:.0%}) output 0 on all "
                 f"{len(x)} examples (limit {DEAD_LIMIT:.0%}): {verdict}")
