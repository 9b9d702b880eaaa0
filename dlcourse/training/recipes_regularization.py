"""Recipes of lecture 3: the course MLP with one regulariser each, trained like `mlp`.

    dlcourse train mlp_l2          # L2 penalty 1e-4 on every kernel
    dlcourse train mlp_dropout     # dropout 0.2 after each hidden ReLU
    dlcourse train mlp_batchnorm   # BatchNorm between each hidden Dense and its ReLU
    dlcourse train mlp_augment     # the plain MLP on randomly mirrored images

Every recipe keeps the `mlp` lecture settings (SGD 0.01, batch 64, 12 epochs, no XLA) and
its digits settings (40 epochs, batch 32, SGD 0.1), so the regularisation table compares
one change at a time. Importing this module registers them.
"""

from dlcourse.models import build_mlp
from dlcourse.models.regularized_mlp import build_regularized_mlp
from dlcourse.training.recipes import Recipe, get_recipe, register

L2_STRENGTH = 1e-4
DROPOUT_RATE = 0.2

# The lecture's settings and the digits settings are those of `mlp`: one place to change them.
_LECTURE = get_recipe("mlp").settings
_DIGITS = get_recipe("mlp").per_dataset["digits"]

MLP_L2 = register(Recipe(
    name="mlp_l2",
    build=lambda input_shape, num_classes: build_regularized_mlp(
        input_shape, num_classes, l2=L2_STRENGTH, name="mlp_l2"),
    description=f"the 784-64-32-10 MLP with an L2 penalty {L2_STRENGTH:g} on every kernel; like mlp",
    settings=dict(_LECTURE),
    per_dataset={"digits": dict(_DIGITS)},
))

MLP_DROPOUT = register(Recipe(
    name="mlp_dropout",
    build=lambda input_shape, num_classes: build_regularized_mlp(
        input_shape, num_classes, dropout=DROPOUT_RATE, name="mlp_dropout"),
    description=f"the 784-64-32-10 MLP with dropout {DROPOUT_RATE:g} after each hidden ReLU; like mlp",
    settings=dict(_LECTURE),
    per_dataset={"digits": dict(_DIGITS)},
))

MLP_BATCHNORM = register(Recipe(
    name="mlp_batchnorm",
    build=lambda input_shape, num_classes: build_regularized_mlp(
        input_shape, num_classes, batch_norm=True, name="mlp_batchnorm"),
    description="the MLP with BatchNorm before each hidden ReLU (52,938 parameters on 28x28); like mlp",
    settings=dict(_LECTURE),
    per_dataset={"digits": dict(_DIGITS)},
))

MLP_AUGMENT = register(Recipe(
    name="mlp_augment",
    build=lambda input_shape, num_classes: build_mlp(input_shape, num_classes, name="mlp_augment"),
    description="the plain MLP trained on randomly mirrored images (left-right); like mlp",
    # Clothes are left-right symmetric. Shifts ("crop", pad 4) cost an MLP, which has no
    # translation invariance, 9 points in 12 epochs (test 0.756 vs 0.844 on Fashion-MNIST).
    settings=dict(_LECTURE, augment=("flip",)),
    # Digits are not mirror images, and a 4-pixel shift wipes out an 8x8 digit: small rotations.
    per_dataset={"digits": dict(_DIGITS, augment=("rotation",)), "mnist": dict(augment=("rotation",))},
))
