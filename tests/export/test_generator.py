"""Generator exports: GAN, conditional GAN, VAE and DDPM written, reloaded, compared."""

import json

import keras
import numpy as np
import pytest

from dlcourse import export, models
from dlcourse.errors import DLCourseError

SHAPE = (8, 8, 1)


def _models():
    keras.utils.set_random_seed(0)
    x, t = keras.Input(SHAPE), keras.Input((), dtype="int32")
    denoiser = keras.Model([x, t], keras.layers.Conv2D(1, 3, padding="same")(x))
    return {
        "gan": models.GAN(models.build_dcgan_generator(16, SHAPE, (8, 4)),
                          models.build_dcgan_discriminator(SHAPE, (4, 8)), 16),
        "conditional_gan": models.ConditionalGAN(models.build_dcgan_generator(16, SHAPE, (8, 4), num_classes=3),
                                                 models.build_dcgan_discriminator(SHAPE, (4, 8), num_classes=3), 16,
                                                 num_classes=3),
        "vae": models.VAE(models.build_vae_encoder(SHAPE, 4, (4, 8), 16), models.build_vae_decoder(4, SHAPE, (8, 4))),
        "diffusion": models.DiffusionModel(denoiser, timesteps=8),
    }


def _write(model, root, kind):
    path = root / kind / "1"
    path.mkdir(parents=True)
    meta = export.write_generator(model, path, class_names=("a", "b", "c"))
    (path / "dlcourse.json").write_text(json.dumps({**meta, "task": "generate"}))
    return root / kind


@pytest.mark.parametrize("kind", ["gan", "conditional_gan", "vae", "diffusion"])
def test_export_round_trip(kind, tmp_path):
    model = _models()[kind]
    generator = export.load_generator(_write(model, tmp_path, kind))
    assert generator.kind == kind and generator.metadata["image_shape"] == list(SHAPE)
    np.testing.assert_allclose(generator.sample(4, seed=3), model.sample(4, seed=3), atol=1e-5)
    assert not np.allclose(generator.sample(4, seed=3), generator.sample(4, seed=4))
    z = np.random.default_rng(0).normal(size=(2, *generator.latent_shape)).astype("float32")
    if kind == "conditional_gan":
        np.testing.assert_allclose(generator.generate(z, label=[2, 1]), model.generate(z, np.array([2, 1])), atol=1e-5)
        np.testing.assert_allclose(generator.sample(2, seed=0, label="c"), model.sample(2, seed=0, labels=[2, 2]),
                                   atol=1e-5)
    elif kind == "diffusion":
        np.testing.assert_allclose(generator.generate(z), model.generate(z, "ddim", 8), atol=1e-5)
    else:
        np.testing.assert_allclose(generator.generate(z), model.generate(z), atol=1e-5)


def test_bad_requests_raise(tmp_path):
    all_models = _models()
    plain = export.load_generator(_write(all_models["gan"], tmp_path, "gan"))
    conditional = export.load_generator(_write(all_models["conditional_gan"], tmp_path, "conditional_gan"))
    cases = [(lambda: plain.sample(0), "`n`"), (lambda: plain.sample(2, seed=-1), "seed"),
             (lambda: plain.sample(2, label=1), "label"), (lambda: plain.generate(np.zeros((2, 5))), "`z`"),
             (lambda: conditional.sample(2, label="d"), "Unknown label"),
             (lambda: conditional.sample(2, label=3), "label")]
    for call, message in cases:
        with pytest.raises(DLCourseError, match=message):
            call()


def test_a_classifier_export_is_not_a_generator(tmp_path):
    version = tmp_path / "mlp" / "1"
    version.mkdir(parents=True)
    (version / "saved_model.pb").write_bytes(b"")
    (version / "dlcourse.json").write_text(json.dumps({"task": "classify", "endpoints": ["serve"]}))
    with pytest.raises(DLCourseError, match="not a generator export"):
        export.load_generator(tmp_path / "mlp")
