"""Recipes of the interpretation lesson (practical 4b):

    dlcourse train cnn_fast_adversarial        # cnn_fast, adversarially trained (PGD, eps 0.1)
    dlcourse train mlp_adversarial             # the course MLP, adversarially trained
    dlcourse train resnet_landscape            # a ResNet-20 at CPU width, for the loss landscape
    dlcourse train resnet_landscape_noskip     # the same without its skip connections

Measured on digits (each recipe's own digits settings, seed 0; 360 random test images for
cnn_fast, 200 for the MLP; PGD-10 at eps 0.1, `dlcourse.studies.robustness_study`):

    cnn_fast               clean 0.967   PGD 0.458        mlp               clean 0.970   PGD 0.470
    cnn_fast_adversarial   clean 0.978   PGD 0.694        mlp_adversarial   clean 0.985   PGD 0.810

Adversarial training cost no clean accuracy here (one seed); `benchmarks/interpret.py`
measures the Fashion-MNIST pair.

The two ResNets differ only in the identity shortcuts (Li et al. 2018 compare
ResNet-56 with "ResNet-56-noshort"; depth 20 and 8-16-32 filters keep both, and a 2-D
scan of their loss, within a 2-core CPU's reach): `models.build_resnet(depth=20, width=8,
shortcuts=...)`. Importing this module registers them.
"""

from dlcourse.interpret.adversarial import AdversarialModel
from dlcourse.models import build_mlp
from dlcourse.models.cnn_fast import build_cnn_fast
from dlcourse.models.resnet import build_resnet
from dlcourse.training.recipes import Recipe, get_recipe, register
from dlcourse.training.recipes_cnn import CNN_FAST

ADVERSARIAL_EPS = 0.1
ADVERSARIAL_STEPS = 5
LANDSCAPE_DEPTH = 20
LANDSCAPE_WIDTH = 8  # Filters 8-16-32: half the CIFAR ResNet-20's 16-32-64.


CNN_FAST_ADVERSARIAL = register(Recipe(
    name="cnn_fast_adversarial",
    build=lambda input_shape, num_classes: AdversarialModel(
        build_cnn_fast(input_shape, num_classes, name="cnn_fast_adversarial"), eps=ADVERSARIAL_EPS,
        steps=ADVERSARIAL_STEPS),
    description=f"cnn_fast trained on clean + PGD examples (eps {ADVERSARIAL_EPS}, {ADVERSARIAL_STEPS} steps, "
                "half the loss each); cnn_fast's settings, ~7x its cost per step",
    settings=dict(CNN_FAST.settings),
    per_dataset={k: dict(v) for k, v in CNN_FAST.per_dataset.items()},
))

_MLP = get_recipe("mlp")

MLP_ADVERSARIAL = register(Recipe(
    name="mlp_adversarial",
    build=lambda input_shape, num_classes: AdversarialModel(
        build_mlp(input_shape, num_classes, name="mlp_adversarial"), eps=ADVERSARIAL_EPS, steps=ADVERSARIAL_STEPS),
    description=f"the course MLP trained on clean + PGD examples (eps {ADVERSARIAL_EPS}, {ADVERSARIAL_STEPS} steps); "
                "like mlp",
    settings=dict(_MLP.settings),
    per_dataset={k: dict(v) for k, v in _MLP.per_dataset.items()},
))

for _skips, _suffix in ((True, ""), (False, "_noskip")):
    register(Recipe(
        name=f"resnet_landscape{_suffix}",
        build=lambda input_shape, num_classes, skips=_skips: build_resnet(
            input_shape, num_classes, depth=LANDSCAPE_DEPTH, width=LANDSCAPE_WIDTH, shortcuts=skips),
        description=f"ResNet-20 at CPU width (8-16-32 filters) {'with' if _skips else 'without'} skip connections, "
                    "for the loss landscape; Adam 1e-3",
        settings=dict(epochs=3, batch_size=64, optimizer="adam", learning_rate=1e-3, jit_compile=False),
        per_dataset={"digits": dict(epochs=15, batch_size=32)},
    ))
