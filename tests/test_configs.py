"""Every config in configs/ builds as `train` builds it, reads its data and trains two
steps, at a reduced width and minibatch, on fake TFDS examples
(`tfds.testing.mock_data`) or the embedded and synthetic datasets.
"""

import contextlib

import numpy as np
import pytest
from test_pipelines import mocked_tfds

import pipelines
from keras_edgan.cli import config as config_lib
from keras_edgan.cli import config_files
from keras_edgan.cli.build import build_gan

CONFIGS = sorted(config_files.directory().glob("*.toml"))
# Reduced for a test; everything else as written in the file.
REDUCED = {"width": 4, "batch_size": 2, "steps": 2, "log_every": 2}


@contextlib.contextmanager
def training_data(config, data_dir, per_step):
    """The config's dataset as `train` reads it, on fake examples for a TFDS dataset."""
    data = pipelines.info(config["dataset"])
    with contextlib.ExitStack() as stack:
        if data.source == "tfds":
            stack.enter_context(mocked_tfds(
                data_dir, data.name, num_examples=4 * config["batch_size"] * per_step
            ))
        yield pipelines.load(
            config["dataset"],
            batch_size=config["batch_size"] * per_step,
            image_size=None if data.point_dim else config["image_size"] or data.default_size,
            split=config["split"],
            data_dir=str(data_dir) if data.source == "tfds" else None,
            seed=config["seed"],
            with_labels=config["conditional"],
        )


@pytest.mark.parametrize("path", CONFIGS, ids=[path.stem for path in CONFIGS])
def test_config_builds_reads_its_data_and_trains_two_steps(path, tmp_path):
    config = config_lib.load(str(path), REDUCED)
    gan, _ = build_gan(config)
    gan.run_eagerly = True  # tracing each config's step would take longer than running it
    with training_data(config, tmp_path, gan.minibatches_per_step) as dataset:
        batch = next(iter(dataset))
        images = batch[0] if isinstance(batch, tuple) else batch
        assert images.shape[0] == config["batch_size"] * gan.minibatches_per_step
        assert tuple(gan.generator.output_shape[1:]) == tuple(images.shape[1:])
        history = gan.fit(
            dataset.repeat(), epochs=1, steps_per_epoch=config["steps"], verbose=0
        ).history
    assert set(history) >= {"d_loss", "g_loss"}
    assert all(np.isfinite(values).all() for values in history.values()), history
    assert int(gan.d_optimizer.iterations) == 2 * gan.minibatches_per_step
    # Under WGAN's critic schedule the first generator update comes after 100 critic steps;
    # xICFG's approximator takes epochs × pool minibatches updates per step.
    generator_updates = (config["approximator_epochs"] * config["pool_minibatches"]
                         if config["model"] == "xicfg" else 1)
    assert int(gan.g_optimizer.iterations) == (0 if config["critic_schedule"]
                                               else 2 * generator_updates)


def test_every_table_row_has_its_config():
    """The rows of EDGAN's Tables 1, 2, 4, 5 and 6, per dataset, as named in
    configs/README.md."""
    names = {path.stem for path in CONFIGS}
    datasets = ("cifar10", "svhn", "stl10", "celeba", "lsun_bedroom")
    expected = {"table1_sn_in_p_cifar10", "table1_r311_cifar10", "table1_sn_in_p_r311_b128_cifar10"}
    expected |= {f"table2_{arch}_{d}" for arch in ("dcgan", "optimized_dcgan") for d in datasets}
    expected |= {f"table4_lr_{c}_cifar10" for c in "bcde"}
    expected |= {f"table4_ratio_{c}_cifar10" for c in "acde"}
    expected |= {f"table4_{group}_{c}_cifar10" for group in ("init", "optimizer") for c in "bcde"}
    expected |= {
        f"table5_{row}_{d}" for row in ("no_penalty", "js_penalty", "bi_penalty") for d in datasets
    }
    expected |= {f"edgan_{d}" for d in datasets}
    baselines = ("lsgan", "wgan_gp", "sngan", "sagan", "gan_0gp")
    expected |= {f"table6_{row}_{d}" for row in baselines for d in datasets}
    assert expected <= names, sorted(expected - names)
    readme = (config_files.directory() / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in expected), sorted(
        name for name in expected if f"`{name}`" not in readme
    )


def test_table_configs_keep_the_papers_iteration_counts():
    steps = {"table1": 200_000, "table2": 200_000, "table4": 100_000, "table5": 100_000}
    steps.update({f"table6_{row}": 200_000 for row in ("lsgan", "wgan_gp", "sagan")})
    steps.update({f"table6_{row}": 100_000 for row in ("sngan", "gan_0gp")})
    for path in CONFIGS:
        for prefix, count in steps.items():
            if path.stem.startswith(prefix + "_"):
                assert config_lib.load(str(path))["steps"] == count, path.stem


def test_dcgan_configuration_rows_draw_uniform_noise():
    """Tables 1 and 2 run the DCGAN configuration of §2.3, whose z ~ U[−1, 1]."""
    rows = [path for path in CONFIGS if path.stem.startswith(("table1_", "table2_"))]
    assert len(rows) == 13
    for path in rows:
        assert config_lib.load(str(path))["noise_distribution"] == "uniform", path.stem
