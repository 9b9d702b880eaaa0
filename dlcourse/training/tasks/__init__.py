"""Tasks: the few places where kinds of model differ on the one training road.

The runner does the same for every recipe (seed -> data -> build -> compile -> `fit`
with backup, NaN guard and TensorBoard -> evaluate -> export); a recipe names its task,
and the task says how its data is loaded, how the model is compiled, what
`metrics.json` reports and what the export's endpoints take and return:

    classify        images -> class probabilities    exports read by `dlcourse predict`
    generate        noise -> images (GAN, VAE, DDPM)  exports read by `dlcourse generate`

Later lessons add tasks (generate, forecast, language_model, seq2seq) with
`register_task`, each in its own module here; the runner does not change.
"""

from dlcourse.training.tasks.base import TASKS, Task, get_task, register_task
from dlcourse.training.tasks.classify import ClassifyTask
from dlcourse.training.tasks.forecast import ForecastTask
from dlcourse.training.tasks.language_model import LanguageModelTask
from dlcourse.training.tasks.seq2seq import Seq2SeqTask
from dlcourse.training.tasks.classify_text import ClassifyTextTask
from dlcourse.training.tasks.generate import GenerateTask

__all__ = ["Task", "TASKS", "get_task", "register_task", "ClassifyTask",
           "ForecastTask", "LanguageModelTask", "Seq2SeqTask", "ClassifyTextTask",
           "GenerateTask"]
