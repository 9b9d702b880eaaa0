"""The one road for training: recipes, a frozen run config, and the runner.

    from dlcourse import training
    config = training.make_config("mlp", "fashion_mnist", epochs=12, seed=0)
    result = training.train(config)          # model.fit, resumable, metrics, plots
"""

from dlcourse.training.config import RunConfig, make_config
from dlcourse.training.recipes import RECIPES, Recipe, get_recipe, register
from dlcourse._environment import library_versions as versions
from dlcourse.training.runner import RunResult, build_model, make_optimizer, train
from dlcourse.training.tasks import TASKS, Task, get_task, register_task
from dlcourse.training import recipes_regularization  # noqa: F401  # Registers mlp_l2, mlp_dropout, ...
from dlcourse.training import recipes_sequence  # noqa: F401  # Registers the forecasters, char_gpt, seq2seq, vit
from dlcourse.training import recipes_cnn  # noqa: F401  # Registers lenet5 ... resnet18, cifar_*, cnn_fast
from dlcourse.training import recipes_interpret  # noqa: F401  # Registers cnn_fast_ and mlp_adversarial, resnet_landscape(_noskip)
from dlcourse.training import recipes_modern  # noqa: F401  # Registers mlp_modern, cnn_modern
from dlcourse.training import recipes_generative  # noqa: F401  # Registers dcgan, cgan, wgan_gp, sngan, vae, ddpm, ...
from dlcourse.training.doctor import SIMULATED_BUGS, DoctorReport, diagnose
from dlcourse.training.gpu_check import GpuReport, check_gpu
from dlcourse.training.multi_worker import make_strategy, train_multi_worker

__all__ = ["RunConfig", "make_config", "Recipe", "RECIPES", "get_recipe", "register",
           "RunResult", "build_model", "make_optimizer", "train", "versions", "Task", "TASKS", "get_task", "register_task", "diagnose", "DoctorReport", "SIMULATED_BUGS",
           "check_gpu", "GpuReport", "train_multi_worker", "make_strategy"]
