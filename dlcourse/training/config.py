"""`RunConfig`: everything one training run depends on, in one frozen dataclass."""

import dataclasses
from pathlib import Path
from typing import Optional

from dlcourse.errors import DLCourseError
from dlcourse.training.recipes import get_recipe


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """The settings of one run. Build it with `make_config`, which applies the recipe.

    Fields:
        recipe, dataset: what to train, on what.
        epochs, batch_size: the loop.
        optimizer, learning_rate: `dlcourse.optimizers.get` name and its step size.
        schedule, warmup_steps: `dlcourse.schedules.get` name, and linear warm-up steps.
        clipnorm: clip the global gradient norm to this value (None: no clipping).
        seed: seeds weights, data order, dropout; `deterministic` adds op determinism.
        run_dir: metrics, history, curves, TensorBoard logs and the resumable backup.
        export_dir: where the SavedModel goes (None: no export).
        validation_size: examples or fraction of train held out for validation.
        steps_per_execution, jit_compile: speed settings (switched off under a strategy).
            128 steps per execution: the course MLP trains 2.4x faster than plain `fit`
            here, compiling included (benchmarks/spine.py); XLA is off by default (no
            faster on this CPU, and slow to compile).
        mixed_precision: a Keras dtype policy for the model ("mixed_float16" on GPUs,
            "mixed_bfloat16" on TPUs and recent CPUs; None: float32). Outputs stay float32,
            and Keras wraps the optimiser in a LossScaleOptimizer for float16.
        augment: names for `dlcourse.data.augment.make_augmenter` (empty: none).
        standardize: put a per-channel standardisation (mean 0, variance 1 with the
            training split's statistics) in front of the model; it travels in the export.
        weight_decay: the optimizer's decoupled weight decay, `w -= learning_rate *
            weight_decay * w` each step (None: the optimizer's default, 0 but for adamw).
    """

    recipe: str
    dataset: str
    epochs: int = 12
    batch_size: int = 64
    optimizer: str = "sgd"
    learning_rate: float = 0.01
    schedule: str = "constant"
    warmup_steps: int = 0
    clipnorm: Optional[float] = None
    seed: int = 0
    deterministic: bool = False
    run_dir: str = "runs/default"
    export_dir: Optional[str] = None
    validation_size: float = 0.1
    mixed_precision: Optional[str] = None
    steps_per_execution: int = 128
    jit_compile: bool = False
    augment: tuple = ()
    standardize: bool = False
    weight_decay: Optional[float] = None

    def to_dict(self):
        return dataclasses.asdict(self)


def make_config(recipe, dataset=None, **overrides):
    """The `RunConfig` for `recipe` on `dataset`: recipe defaults, then the recipe's
    per-dataset settings, then `overrides` (None values are ignored).

    `run_dir` defaults to `runs/<recipe>_<dataset>`; `export_dir` stays None unless given.
    """
    r = get_recipe(recipe)
    dataset = dataset or r.dataset
    fields = {f.name for f in dataclasses.fields(RunConfig)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise DLCourseError(f"Unknown run settings {unknown}. Valid: {', '.join(sorted(fields))}.")
    values = {**r.settings_for(dataset), **{k: v for k, v in overrides.items() if v is not None}}
    values.setdefault("run_dir", str(Path("runs") / f"{recipe}_{dataset}"))
    config = RunConfig(recipe=recipe, dataset=dataset, **values)
    _check(config)
    return config


def _check(c):
    if not 0 <= c.seed < 2**32:
        raise DLCourseError(f"`seed` must be in [0, 2**32). Received: seed={c.seed}")
    for name in ("epochs", "batch_size", "steps_per_execution"):
        if getattr(c, name) < 1:
            raise DLCourseError(f"`{name}` must be at least 1. Received: {name}={getattr(c, name)}")
    if not c.learning_rate > 0:
        raise DLCourseError(f"`learning_rate` must be positive. Received: learning_rate={c.learning_rate}")
    if c.clipnorm is not None and not c.clipnorm > 0:
        raise DLCourseError(f"`clipnorm` must be positive. Received: clipnorm={c.clipnorm}")
    from dlcourse.optimizers import OPTIMIZER_NAMES
    from dlcourse.schedules import SCHEDULE_NAMES

    for name, valid in (("optimizer", OPTIMIZER_NAMES), ("schedule", SCHEDULE_NAMES)):
        if getattr(c, name) not in valid:
            raise DLCourseError(f"Unknown {name} {getattr(c, name)!r}. Use one of: {', '.join(valid)}.")
    if c.mixed_precision not in (None, "mixed_float16", "mixed_bfloat16"):
        raise DLCourseError(
            f"`mixed_precision` must be mixed_float16 or mixed_bfloat16. Received: {c.mixed_precision!r}"
        )
    if c.weight_decay is not None and not c.weight_decay >= 0:
        raise DLCourseError(f"`weight_decay` must be 0 or more. Received: weight_decay={c.weight_decay}")
    if c.warmup_steps < 0:
        raise DLCourseError(f"`warmup_steps` must be 0 or more. Received: warmup_steps={c.warmup_steps}")
