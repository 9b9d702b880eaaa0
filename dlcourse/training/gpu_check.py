"""What this machine's GPUs can do for the course, one line per check (`dlcourse doctor --gpu`).

    report = check_gpu()
    print(report.to_text())

The checks, on a small convnet (conv 3x3 with 32 filters, dense 10) and random 28x28 images:

    devices            the GPUs TensorFlow sees: name, compute capability, whether TF has CUDA
    mixed_precision    one training step under "mixed_float16": float16 compute, a loss-scale
                       optimizer, a finite loss; ms per step against float32
    xla                ms per step with `jit_compile` off and on
    mirrored_strategy  one `fit` step under `MirroredStrategy` over every visible GPU

Without a GPU the first line says "no GPU" and the others are skipped, which is not a
failure: the course runs on CPU. `device_type="CPU"` runs the same checks on the CPU
(the tests do that, as does anyone curious about XLA on their CPU).
Mixed precision pays off on GPUs of compute capability 7.0 or more (tensor cores); on a
CPU "mixed_float16" is slower than float32 (about 4x measured on a 2-core machine).
"""

import contextlib
import dataclasses
import time

import keras
import numpy as np
import tensorflow as tf

DEVICE_TYPES = ("GPU", "CPU")
_BATCH = 64


@dataclasses.dataclass(frozen=True)
class GpuCheckLine:
    """One check: `name`, `status` ("ok", "failed" or "skipped") and a one-line `detail`."""

    name: str
    status: str
    detail: str


@dataclasses.dataclass
class GpuReport:
    """The checks, in order; `passed` is True unless one failed (skipped is fine)."""

    device_type: str
    checks: list

    @property
    def passed(self):
        return all(c.status != "failed" for c in self.checks)

    @property
    def has_devices(self):
        return self.checks[0].status == "ok"

    def to_text(self):
        return "\n".join(f"{c.status:<7} {c.name:<17} {c.detail}" for c in self.checks)


def check_gpu(device_type="GPU", steps=10):
    """Run the checks on the visible devices of `device_type` ("GPU" or "CPU").

    Args:
        device_type: which devices to check; "CPU" exercises every check without a GPU.
        steps: timed steps per measurement (after one untimed step that compiles).

    Returns:
        A `GpuReport`.
    """
    if device_type not in DEVICE_TYPES:
        from dlcourse.errors import DLCourseError

        raise DLCourseError(f"`device_type` must be GPU or CPU. Received: device_type={device_type!r}")
    devices = tf.config.list_logical_devices(device_type)
    checks = [_devices_line(device_type, devices)]
    names = ("mixed_precision", "xla", "mirrored_strategy")
    if not devices:
        checks += [GpuCheckLine(n, "skipped", "no GPU") for n in names]
        return GpuReport(device_type, checks)
    runs = (lambda: _mixed_precision(devices[0].name, steps), lambda: _xla(devices[0].name, steps),
            lambda: _mirrored(devices))
    for name, run in zip(names, runs):
        checks.append(_guarded(name, run))
    return GpuReport(device_type, checks)


def _guarded(name, run):
    """`run()`'s (status, detail), or "failed" with the error's first line."""
    try:
        status, detail = run()
    except Exception as err:  # A broken driver or kernel must not hide the other lines.
        first = (str(err).strip().splitlines() or [""])[0][:160]
        status, detail = "failed", f"{type(err).__name__}: {first}"
    return GpuCheckLine(name, status, detail)


def _devices_line(device_type, devices):
    cuda = "yes" if tf.test.is_built_with_cuda() else "no"
    if not devices:
        return GpuCheckLine("devices", "skipped",
                            f"no GPU: TensorFlow sees none (built with CUDA: {cuda}); the course runs on CPU")
    described = []
    for physical in tf.config.list_physical_devices(device_type):
        details = tf.config.experimental.get_device_details(physical)
        capability = details.get("compute_capability")
        cc = f", compute capability {capability[0]}.{capability[1]}" if capability else ""
        described.append(f"{details.get('device_name', physical.name)}{cc}")
    return GpuCheckLine("devices", "ok", f"{len(devices)} {device_type}: {'; '.join(described)} (CUDA: {cuda})")


def _mixed_precision(device, steps):
    with tf.device(device):
        ms_32 = _ms_per_step(_small_convnet(None), steps)
        model = _small_convnet("mixed_float16")
        ms_16, loss = _ms_per_step(model, steps, return_loss=True)
    compute = model.get_layer("conv").compute_dtype
    scaled = isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    if compute != "float16" or not scaled or not np.isfinite(loss):
        return "failed", f"compute dtype {compute}, loss-scale optimizer {scaled}, loss {loss:.4g}"
    return "ok", (f"mixed_float16 step: loss {loss:.3f}, {ms_16:.2f} ms vs float32 {ms_32:.2f} ms "
                  f"({ms_32 / ms_16:.2f}x)")


def _xla(device, steps):
    with tf.device(device):
        off = _ms_per_step(_small_convnet(None, jit_compile=False), steps)
        on = _ms_per_step(_small_convnet(None, jit_compile=True), steps)
    return "ok", f"XLA off {off:.2f} ms/step, on {on:.2f} ms/step ({off / on:.2f}x)"


def _mirrored(devices):
    strategy = tf.distribute.MirroredStrategy([d.name for d in devices])
    with strategy.scope():
        # steps_per_execution > 1 and XLA crash under a strategy in Keras 3.15: both off.
        model = _small_convnet(None, jit_compile=False)
    x, y = _batch(_BATCH * strategy.num_replicas_in_sync)
    history = model.fit(x, y, batch_size=len(x), epochs=1, verbose=0)
    loss = history.history["loss"][-1]
    if not np.isfinite(loss):
        return "failed", f"{strategy.num_replicas_in_sync} replicas, loss {loss}"
    return "ok", f"{strategy.num_replicas_in_sync} replica(s), one step, loss {loss:.3f}"


def _small_convnet(dtype_policy, jit_compile=False):
    with _policy(dtype_policy):
        inputs = keras.Input((28, 28, 1))
        x = keras.layers.Conv2D(32, 3, activation="relu", name="conv")(inputs)
        x = keras.layers.Flatten()(x)
        x = keras.layers.Dense(10, name="logits")(x)
        outputs = keras.layers.Activation("softmax", dtype="float32")(x)  # float16 softmax saturates.
        model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy",
                  jit_compile=jit_compile)
    return model


def _ms_per_step(model, steps, return_loss=False):
    x, y = _batch(_BATCH)
    loss = model.train_on_batch(x, y)  # Compiles: not timed.
    start = time.perf_counter()
    for _ in range(steps):
        loss = model.train_on_batch(x, y)
    ms = 1000 * (time.perf_counter() - start) / max(steps, 1)
    return (ms, float(loss)) if return_loss else ms


def _batch(n):
    rng = np.random.default_rng(0)
    return rng.random((n, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, n).astype(np.int32)


@contextlib.contextmanager
def _policy(name):
    """Build under dtype policy `name` (None: unchanged), then restore the global one."""
    saved = keras.config.dtype_policy()
    if name:
        keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(saved)
