"""`Task`: what one kind of model needs from the runner, in five methods."""

import abc

from dlcourse.errors import DLCourseError

TASKS = {}


class Task(abc.ABC):
    """The places where a kind of model differs on the one training road.

    Subclass it, override what differs, and `register_task` an instance. The runner
    calls, in order: `data`, `build`, `compile`, (fit), `metrics`, and `export` when
    an export was asked for.

    Attributes:
        name: the key recipes use (`Recipe(..., task="classify")`).
        export_command: the `dlcourse` command that reads this task's exports.
    """

    name = None
    export_command = None

    @abc.abstractmethod
    def data(self, config, strategy=None):
        """`(info, splits)`: what the builder needs to know, and the tf.data splits.

        `info` has at least `name`, `source` and `num_examples` (split -> count).
        `splits` is `{"train", "validation", "test"}` (the last two may be None). The
        train split has a known cardinality and an `epoch_counter` (a `tf.Variable`
        the runner sets at each epoch start, so a resumed run sees the same batches).
        """

    def build(self, config, info, recipe):
        """The recipe's model for this data (default: `recipe.build(input_shape, num_classes)`)."""
        return recipe.build(info.input_shape, info.num_classes)

    @abc.abstractmethod
    def compile(self, model, config, make_optimizer):
        """Compile `model`; `make_optimizer()` gives a new optimizer from the config.

        Must leave the model and every optimizer built, so a backup restores them.
        """

    def metrics(self, config, info, model, splits):
        """The task's numbers for `metrics.json` (the runner adds timing and versions)."""
        return {}

    def export(self, model, path, info, config):
        """Write the SavedModel into the new folder `path`; return metadata for
        `dlcourse.json` (endpoints, class names, scaling, ...)."""
        raise DLCourseError(f"Recipes of task {self.name!r} cannot be exported yet.")


def register_task(task):
    """Add `task` to `TASKS` under `task.name` and return it."""
    if not task.name:
        raise DLCourseError(f"{type(task).__name__} needs a `name` to be registered.")
    TASKS[task.name] = task
    return task


def get_task(name):
    if name not in TASKS:
        raise DLCourseError(f"Unknown task {name!r}. Use one of: {', '.join(sorted(TASKS))}.")
    return TASKS[name]


def check_replicas(config, strategy):
    """Refuse a batch that the strategy's replicas cannot share equally."""
    replicas = strategy.num_replicas_in_sync if strategy else 1
    if config.batch_size % replicas:
        raise DLCourseError(
            f"`batch_size` must divide by the {replicas} replicas. Received: batch_size={config.batch_size}"
        )
