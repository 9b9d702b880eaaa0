"""The modern recipe of lecture 3: the course MLP and CNN with today's default training.

    dlcourse train mlp_modern      # the 784-64-32-10 MLP
    dlcourse train cnn_modern      # the small convnet of `cnn`

Five parts, each a setting the runner turns into the optimiser and the model:

    AdamW            optimizer="adamw", weight_decay=WEIGHT_DECAY (decoupled: each step
                     w -= learning_rate(t) * WEIGHT_DECAY * w, Keras's convention)
    clipping         clipnorm=CLIP_NORM: the global norm of all gradients together
                     (the runner passes it as `global_clipnorm`)
    warm-up          learning_rate(t) = min(1, t / warmup_steps) * cosine(t)
    cosine decay     cosine(t) = peak * ((1 - FLOOR) * 0.5 * (1 + cos(pi * t / T)) + FLOOR),
                     T = epochs * steps_per_epoch: from the peak at t = 0 down to
                     FLOOR * peak = 0.1 * peak at the last step (schedule SCHEDULE)
    fan-in init      He normal (std sqrt(2 / fan_in)) for every ReLU layer's kernel

The warm-up multiplies the cosine on the same clock (`dlcourse.schedules.Warmup`): the
rate is 0 at step 0, cosine(warmup_steps) (just under the peak) at the end of the
warm-up, and 0.1 * peak at step T. Warm-up lengths are about 5 % of each run.
Importing this module registers the two recipes.

Reference: Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019
(AdamW with cosine annealing); He et al., "Delving Deep into Rectifiers", ICCV 2015.
"""

from dlcourse.models import build_cnn, build_mlp
from dlcourse.training.recipes import Recipe, register

PEAK_LEARNING_RATE = 1e-3
WEIGHT_DECAY = 0.01  # PyTorch's AdamW default; Keras's is 0.004
CLIP_NORM = 1.0
FLOOR = 0.1  # the cosine ends at FLOOR * peak
SCHEDULE = "cosine_floor"  # dlcourse.schedules.get: CosineDecay(peak, T, alpha=FLOOR)
INITIALIZER = "he_normal"

_MODERN = dict(optimizer="adamw", learning_rate=PEAK_LEARNING_RATE, weight_decay=WEIGHT_DECAY,
               clipnorm=CLIP_NORM, schedule=SCHEDULE, jit_compile=False)

MLP_MODERN = register(Recipe(
    name="mlp_modern",
    build=lambda input_shape, num_classes: build_mlp(
        input_shape, num_classes, kernel_initializer=INITIALIZER, name="mlp_modern"),
    description="the 784-64-32-10 MLP, He init, AdamW 1e-3 (decay 0.01), global-norm clip 1, "
                "warm-up then cosine to 0.1 of the peak",
    # 12 epochs of 844 steps on Fashion-MNIST: 500 warm-up steps; on digits 40 x 41 steps: 80.
    settings=dict(_MODERN, epochs=12, batch_size=64, warmup_steps=500),
    per_dataset={"digits": dict(epochs=40, batch_size=32, warmup_steps=80)},
))

CNN_MODERN = register(Recipe(
    name="cnn_modern",
    build=lambda input_shape, num_classes: build_cnn(
        input_shape, num_classes, kernel_initializer=INITIALIZER, name="cnn_modern"),
    description="the small convnet of cnn with the settings of mlp_modern (AdamW, clipping, "
                "warm-up, cosine to 0.1, He init)",
    # 5 epochs of 844 steps on Fashion-MNIST: 200 warm-up steps; on digits 15 x 41 steps: 30.
    settings=dict(_MODERN, epochs=5, batch_size=64, warmup_steps=200),
    per_dataset={"digits": dict(epochs=15, batch_size=32, warmup_steps=30)},
))
