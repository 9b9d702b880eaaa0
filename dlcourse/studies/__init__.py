"""Studies: experiments that run components and return a table and figures.

One module per topic. Imports run one way: components (`layers`, `optimizers`,
`schedules`, `callbacks`, `models`, `data`, `training`, `export`, `interpret`) <- studies
<- practicals. No component imports a study.

    compare(recipe, dataset, optimizers, schedules)   one run per pair: table and curves
    optimizer_trajectories, plot_problem              optimisers on 2-D test functions
    weight_decay_vs_l2()                              decay = L2 for SGD, not for Adam
    robustness_study(), depth_study(), small_net_study()   attacks by eps, layers by depth, weights as images
    landscape_study()                                 loss landscape of a ResNet with and without skips
    cnn_study(), transfer_study()                     FC vs CNNs (BatchNorm, dropout); transfer with few labels
    bptt_study()                                      gradient norm vs time lag: RNN, LSTM, GRU, clipping
    forecasting_table(), language_model_study(), seq2seq_study()   lecture 5's tasks vs their baselines
    width_sweep(), decision_boundary()                universal approximation: error vs width, a 2-D boundary
    capacity_sweep(), scaling_law()                   under/overfitting vs width and depth; loss vs data size
    lr_trial()                                        log-spaced rates on a small subset before the full run
    fid_table(), mode_collapse_table()                FID of GANs, VAE, DDPM; modes covered on a ring
"""

from dlcourse.studies.compare import DEFAULT_LEARNING_RATES, Comparison, compare, plot_comparison
from dlcourse.studies.trajectories import (
    DEFAULT_TRAJECTORY_LEARNING_RATES,
    TRAJECTORY_OPTIMIZERS,
    TRAJECTORY_PROBLEMS,
    optimizer_trajectories,
    plot_problem,
)
from dlcourse.studies.weight_decay import weight_decay_vs_l2
from dlcourse.studies.interpret import (InterpretStudy, accuracy_vs_epsilon, depth_study, plot_accuracy_vs_epsilon,
                                       robustness_study, small_net_study)
from dlcourse.studies.landscape import landscape_study
from dlcourse.studies.cnn import CNNStudy, cnn_study, plot_cnn_study
from dlcourse.studies.transfer import TransferStudy, build_conv_base, transfer_study
from dlcourse.studies.bptt import BPTTStudy, bptt_study, gradient_norms
from dlcourse.studies.sequences import (SequenceStudy, attention_maps, forecasting_table, language_model_study,
                                       plot_attention, seq2seq_study)
from dlcourse.studies.universal_approximation import decision_boundary, shallow_network, width_sweep
from dlcourse.studies.capacity import capacity_sweep, fit_power_law, scaling_law
from dlcourse.studies.lr_trial import DEFAULT_TRIAL_RATES, lr_trial
from dlcourse.studies.generative import GenerativeStudy, fid_table, mode_collapse_table, plot_rings

__all__ = [
    "compare",
    "Comparison",
    "plot_comparison",
    "DEFAULT_LEARNING_RATES",
    "optimizer_trajectories",
    "plot_problem",
    "TRAJECTORY_PROBLEMS",
    "TRAJECTORY_OPTIMIZERS",
    "DEFAULT_TRAJECTORY_LEARNING_RATES",
    "weight_decay_vs_l2",
    "robustness_study", "accuracy_vs_epsilon", "plot_accuracy_vs_epsilon", "depth_study", "small_net_study",
    "landscape_study", "InterpretStudy",
    "cnn_study", "CNNStudy", "plot_cnn_study", "transfer_study", "TransferStudy", "build_conv_base",
    "bptt_study", "BPTTStudy", "gradient_norms", "forecasting_table", "language_model_study", "seq2seq_study",
    "SequenceStudy", "attention_maps", "plot_attention",
    "width_sweep", "decision_boundary", "shallow_network", "capacity_sweep", "scaling_law", "fit_power_law",
    "lr_trial", "DEFAULT_TRIAL_RATES",
    "fid_table", "mode_collapse_table", "plot_rings", "GenerativeStudy",
]
