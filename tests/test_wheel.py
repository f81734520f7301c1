"""The installed package: configs found by name (`keras_edgan.cli.config_files`), and
the wheel `pip wheel .` builds, which holds every module and config of the tree and
runs `train --config=NAME` away from the source tree.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import textwrap
import tomllib
import zipfile

import pytest

from keras_edgan.cli import config as config_lib
from keras_edgan.cli import config_files

REPO = pathlib.Path(__file__).resolve().parents[1]
PACKAGE_ROOTS = ("keras_edgan", "pipelines")
CONFIGS = sorted((REPO / "configs").glob("*.toml"))
# train --config=mnist5k_cpu, reduced to a few seconds.
TINY_RUN = (
    "--config=mnist5k_cpu", "--steps=2", "--log_every=1", "--sample_every=2",
    "--checkpoint_every=2", "--width=4", "--batch_size=8",
)


def test_names_are_the_configs_of_the_tree():
    assert config_files.names() == [path.stem for path in CONFIGS]
    assert "mnist5k_cpu" in config_files.names()


def test_resolve_a_name_with_or_without_toml():
    path = config_files.resolve("mnist5k_cpu")
    assert isinstance(path, pathlib.Path) and path.is_file()
    assert path.name == "mnist5k_cpu.toml"
    assert config_files.resolve("mnist5k_cpu.toml") == path
    assert config_lib.resolve("mnist5k_cpu") == path  # what `load` and `train` read


def test_a_path_wins_over_a_known_name(tmp_path, monkeypatch):
    mine = tmp_path / "elsewhere" / "mine.toml"
    mine.parent.mkdir()
    mine.write_text("width = 8\n")
    assert config_files.resolve(str(mine)) == mine
    assert config_files.resolve(mine) == mine  # path-like
    # A file of the working directory named like a known config is the one read.
    (tmp_path / "mnist5k_cpu.toml").write_text("width = 4\n")
    monkeypatch.chdir(tmp_path)
    assert config_files.resolve("mnist5k_cpu.toml") == pathlib.Path("mnist5k_cpu.toml")
    assert config_files.resolve("mnist5k_cpu") == config_files.directory() / "mnist5k_cpu.toml"


def test_an_unknown_name_suggests_the_closest_and_lists_them_all():
    with pytest.raises(FileNotFoundError) as error:
        config_files.resolve("mnist5k_cp")
    message = str(error.value)
    assert "No config 'mnist5k_cp'" in message
    assert "Did you mean 'mnist5k_cpu'?" in message
    assert f"Known configs in {config_files.directory()}: " in message
    assert ", ".join(config_files.names()) in message


def test_pyproject_lists_every_package_of_the_tree():
    """`[tool.setuptools] packages` is a list (see pyproject.toml): a new package must
    be added to it, or the wheel goes without it."""
    with open(REPO / "pyproject.toml", "rb") as f:
        setuptools_table = tomllib.load(f)["tool"]["setuptools"]
    packages = {
        ".".join(init.parent.relative_to(REPO).parts)
        for root in PACKAGE_ROOTS
        for init in (REPO / root).rglob("__init__.py")
    }
    missing = sorted(packages - set(setuptools_table["packages"]))
    assert not missing, f"Add {missing} to [tool.setuptools] packages in pyproject.toml."
    assert setuptools_table["package-dir"]["keras_edgan.configs"] == "configs"


def _source_tree(destination):
    """A copy of the files a clone of the repository holds, with uncommitted work.

    Building in the repository would reuse setuptools' `build/`, whose stale files
    (from an earlier build) a wheel takes in; outside git, the repository itself.
    """
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO, capture_output=True, check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return REPO
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a deleted file is listed until the deletion is staged
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel of the tree, built as `pip wheel --no-deps .` builds it, offline: with
    the setuptools of the environment (`make install` installs pyproject's)."""
    source = _source_tree(tmp_path_factory.mktemp("source"))
    dist = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(dist), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (path,) = dist.glob("keras_edgan-*.whl")
    return path


@pytest.mark.slow
def test_the_wheel_holds_every_module_and_config(wheel):
    with zipfile.ZipFile(wheel) as archive:
        members = set(archive.namelist())
    configs = {f"keras_edgan/configs/{path.name}" for path in CONFIGS}
    assert configs <= members, sorted(configs - members)
    assert "keras_edgan/configs/README.md" in members
    modules = {
        path.relative_to(REPO).as_posix()
        for root in PACKAGE_ROOTS
        for path in (REPO / root).rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert modules <= members, sorted(modules - members)
    assert not any(name.startswith(("configs/", "tests/")) for name in members)


def _run_python(script, *args, cwd):
    """`script` in a fresh interpreter whose working directory is `cwd`."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.mark.slow
def test_train_runs_from_the_unpacked_wheel(wheel, tmp_path):
    """From an empty directory, with the wheel's files ahead of the editable install."""
    unpacked = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    empty = tmp_path / "empty"
    empty.mkdir()
    logdir = tmp_path / "run"
    result = _run_python(
        """
        import pathlib
        import sys

        unpacked = pathlib.Path(sys.argv[1])
        sys.path.insert(0, str(unpacked))

        import keras_edgan
        import pipelines
        from keras_edgan.cli import config_files
        from keras_edgan.cli.train import run

        for module in (keras_edgan, pipelines):
            assert unpacked in pathlib.Path(module.__file__).parents, module.__file__
        assert config_files.directory() == unpacked / "keras_edgan" / "configs"
        assert unpacked in config_files.resolve("mnist5k_cpu").parents
        sys.argv = ["train", *sys.argv[2:]]
        run()
        """,
        str(unpacked), *TINY_RUN, f"--logdir={logdir}",
        cwd=empty,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (logdir / "generator.keras").is_file()
    assert list(empty.iterdir()) == []


@pytest.mark.slow
def test_configs_resolve_from_the_zipped_wheel(wheel, tmp_path):
    """Imported from the zip itself, a config is extracted to a file `load` can open."""
    result = _run_python(
        """
        import sys
        import tomllib

        sys.path.insert(0, sys.argv[1])

        from keras_edgan.cli import config_files

        assert config_files.__file__.startswith(sys.argv[1]), config_files.__file__
        assert "mnist5k_cpu" in config_files.names()
        path = config_files.resolve("mnist5k_cpu")
        assert path.is_file() and path.suffix == ".toml", path
        with open(path, "rb") as f:
            assert tomllib.load(f)["dataset"] == "mnist5k"
        """,
        str(wheel),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
