"""The generate task through the one runner: metrics with FID, export read by TensorFlow
alone, the `generate` command, the ring of Gaussians, and resume after kill -9."""

import json
import textwrap

import numpy as np
import pytest

from dlcourse import cli, data, metrics, models, training
from dlcourse.testing import run_python

TINY = dict(epochs=1, batch_size=32, optimizer="adam", learning_rate=2e-3, jit_compile=False)

training.register(training.Recipe(
    name="tiny_dcgan_test", description="test", dataset="digits", task="generate", settings=dict(TINY, epochs=12),
    build=lambda shape, k: models.GAN(models.build_dcgan_generator(16, shape, filters=(32, 16)),
                                      models.build_dcgan_discriminator(shape, filters=(16, 32)), 16),
    options={"beta_1": 0.5, "fid_samples": 300}))
training.register(training.Recipe(
    name="tiny_cgan_test", description="test", dataset="digits", task="generate", settings=dict(TINY),
    build=lambda shape, k: models.ConditionalGAN(models.build_dcgan_generator(8, shape, (8, 4), num_classes=k),
                                                 models.build_dcgan_discriminator(shape, (4, 8), num_classes=k), 8,
                                                 num_classes=k),
    options={"fid_samples": 0}))


@pytest.fixture(scope="module")
def fid_classifier(tmp_path_factory):
    """The digits FID classifier, trained once through the runner into a temp cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("DLCOURSE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield metrics.load_fid_classifier("digits")
    mp.undo()


@pytest.mark.slow
def test_dcgan_recipe_metrics_fid_and_export(tmp_path, fid_classifier):
    config = training.make_config("tiny_dcgan_test", run_dir=str(tmp_path / "run"),
                                  export_dir=str(tmp_path / "export"), seed=1)
    result = training.train(config, verbose=0)
    m = result.metrics
    assert {"d_loss", "g_loss", "val_d_loss", "val_g_loss"} <= set(result.history)
    assert m["epochs_run"] == 12 and np.isfinite(m["test_d_loss"]) and np.isfinite(m["test_g_loss"])
    assert sum(m["class_histogram"]) == m["fid_samples"] == 300
    assert (tmp_path / "run" / "samples.png").is_file()

    # FID sanity at small N: real digits < the GAN's < uniform noise. Measured (seed 1):
    # real 3.6, noise 71; this GAN 143 after 3 epochs, 101 after 6, 30 after 12.
    test, _ = data.split_arrays("digits", "test")
    train, _ = data.split_arrays("digits", "train")
    test, train = test[:300] / 255.0, train[:300] / 255.0
    noise = np.random.default_rng(0).uniform(size=test.shape)
    assert metrics.fid(test, train, fid_classifier) < m["fid"] < metrics.fid(test, noise, fid_classifier)

    # The export, reloaded in a fresh process with TensorFlow alone: same seed, same images.
    meta = json.loads((result.export_dir / "dlcourse.json").read_text())
    assert meta["kind"] == "gan" and meta["latent_shape"] == [16] and meta["image_shape"] == [8, 8, 1]
    expected = result.model.sample(4, seed=3)
    out = tmp_path / "images.npy"
    code = (f"import sys, numpy as np, tensorflow as tf\n"
            f"m = tf.saved_model.load({str(result.export_dir)!r})\n"
            f"np.save({str(out)!r}, m.sample(tf.constant(4), tf.constant(3)).numpy())\n"
            f"print('keras' in sys.modules, 'dlcourse' in sys.modules)")
    fresh = run_python(code)
    assert fresh.returncode == 0, fresh.stderr[-2000:]
    assert fresh.stdout.split()[-1] == "False"
    np.testing.assert_allclose(np.load(out), expected, atol=1e-6)


def test_generate_command_writes_a_grid_and_refuses_bad_arguments(tmp_path, capsys):
    config = training.make_config("tiny_cgan_test", run_dir=str(tmp_path / "run"), export_dir=str(tmp_path / "cgan"))
    training.train(config, verbose=0)
    assert cli.main(["generate", str(tmp_path / "cgan"), "--n", "9", "--seed", "2", "--label", "7",
                     "--out", str(tmp_path / "grid.png")]) == 0
    assert (tmp_path / "grid.png").is_file()
    from dlcourse import export

    generator = export.load_generator(tmp_path / "cgan")
    assert generator.conditional and generator.class_names[7] == "7"
    np.testing.assert_array_equal(generator.sample(3, seed=2, label="7"), generator.sample(3, seed=2, label=7))
    capsys.readouterr()
    for argv, message in ((["--label", "12"], "label"), (["--n", "0"], "`n`"), (["--out", "grid.jpg"], ".png"),
                          (["--label", "shoe"], "Unknown label")):
        assert cli.main(["generate", str(tmp_path / "cgan"), *argv]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("error:") and message in err and len(err.splitlines()) == 1
    assert cli.main(["generate", str(tmp_path / "nothing")]) == 2


def test_ring_recipe_reports_mode_coverage(tmp_path):
    config = training.make_config("gan_ring", run_dir=str(tmp_path / "run"), epochs=1)
    m = training.train(config, verbose=0).metrics
    assert 0 <= m["modes_covered"] <= 8 and 0 <= m["high_quality"] <= 1 and len(m["counts"]) == 8


RESUME = textwrap.dedent("""
    import json, os, signal, sys
    import keras, numpy as np
    from dlcourse import models, training
    training.register(training.Recipe(
        name="tiny_gan_resume", description="test", dataset="digits", task="generate",
        settings=dict(epochs=3, batch_size=64, optimizer="adam", learning_rate=2e-3, jit_compile=False),
        build=lambda shape, k: models.GAN(models.build_dcgan_generator(8, shape, filters=(8, 4)),
                                          models.build_dcgan_discriminator(shape, filters=(4, 8)), 8),
        options={"beta_1": 0.5, "fid_samples": 0}))
    run_dir, kill_epoch, out = RUN_DIR, KILL_EPOCH, OUT

    class KillMidEpoch(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
        def on_train_batch_end(self, batch, logs=None):
            if self.epoch == kill_epoch and batch >= 3:
                os.kill(os.getpid(), signal.SIGKILL)

    config = training.make_config("tiny_gan_resume", run_dir=run_dir, seed=5, steps_per_execution=1)
    result = training.train(config, callbacks=[KillMidEpoch()], verbose=0)
    model = result.model
    np.savez(out, *[v.numpy() for v in model.variables + model.d_optimizer.variables + model.g_optimizer.variables])
    print(json.dumps(result.metrics))
""")


def _resume_run(run_dir, kill_epoch, out):
    code = RESUME.replace("RUN_DIR, KILL_EPOCH, OUT", f"{str(run_dir)!r}, {kill_epoch}, {str(out)!r}")
    return run_python(code)


@pytest.mark.slow
def test_gan_resumes_after_kill_bit_identical(tmp_path):
    # Both optimisers, the noise generator's state and the data order are restored.
    straight = _resume_run(tmp_path / "straight", -1, tmp_path / "straight.npz")
    assert straight.returncode == 0, straight.stderr[-2000:]
    killed = _resume_run(tmp_path / "resumed", 1, tmp_path / "unused.npz")
    assert killed.returncode == -9, killed.stderr[-2000:]
    resumed = _resume_run(tmp_path / "resumed", -1, tmp_path / "resumed.npz")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    a, b = (json.loads(r.stdout.splitlines()[-1]) for r in (straight, resumed))
    assert b["resumed_from_epoch"] == 1 and b["epochs_run"] == a["epochs_run"] == 3
    wa, wb = np.load(tmp_path / "straight.npz"), np.load(tmp_path / "resumed.npz")
    assert len(wa.files) > 40  # Weights, the seed state, both optimisers' slots and step counts.
    assert max(float(np.max(np.abs(wa[k] - wb[k]))) for k in wa.files) == 0.0
    assert a["final_d_loss"] == b["final_d_loss"] and a["final_g_loss"] == b["final_g_loss"]
