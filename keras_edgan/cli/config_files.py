"""Where the experiment configurations live, and which file a config name means.

The TOML files of the repository's top-level `configs/` directory install as the
package data `keras_edgan/configs/` (pyproject.toml maps the package
`keras_edgan.configs` onto `configs/`), so `train --config=NAME` works from an
installed wheel as from the source tree. They are found through
`importlib.resources`; a source checkout or an editable install, where
`keras_edgan/configs/` does not exist, reads the checkout's `configs/` itself.

Example:

```python
from keras_edgan.cli import config_files

config_files.names()[:2]                # ['edgan_celeba', 'edgan_cifar10']
config_files.resolve("mnist5k_cpu")     # .../configs/mnist5k_cpu.toml
config_files.resolve("my_run.toml")     # a file of the working directory wins
```
"""

import atexit
import contextlib
import difflib
import importlib.resources
import os
import pathlib

_PACKAGE = "keras_edgan"
_DIRECTORY = "configs"
_SUFFIX = ".toml"

# Configs read out of a zipped package are extracted once and kept until exit.
_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def directory():
    """The directory of the known configs.

    Returns:
        An `importlib.resources.abc.Traversable`: `keras_edgan/configs/` of the
        installed package or, when there is none (a source checkout, an editable
        install), the checkout's `configs/`. A `pathlib.Path` unless the package
        is imported from a zip file.
    """
    package = importlib.resources.files(_PACKAGE)
    packaged = package / _DIRECTORY
    if not packaged.is_dir() and isinstance(package, pathlib.Path):
        checkout = package.parent / _DIRECTORY
        if checkout.is_dir():
            return checkout
    return packaged


def names():
    """The names of the known configs, sorted.

    Returns:
        A list of strings, the file names in `directory()` without `.toml`; each
        is a valid argument of `resolve` (and of `train --config`).
    """
    configs = directory()
    if not configs.is_dir():
        return []
    return sorted(
        entry.name.removesuffix(_SUFFIX)
        for entry in configs.iterdir()
        if entry.name.endswith(_SUFFIX) and entry.is_file()
    )


def resolve(name_or_path):
    """The file of a config given as a path or as the name of a known config.

    A file at `name_or_path` wins; otherwise `name_or_path` names a known config,
    with or without its `.toml`.

    Args:
        name_or_path: a path to a config file (str or path-like), or a name of
            `names()`, e.g. `"mnist5k_cpu"` or `"mnist5k_cpu.toml"`.

    Returns:
        The config's `pathlib.Path` on the file system (a known config of a zipped
        package is extracted to a temporary file, removed at exit).

    Raises:
        FileNotFoundError: neither a file nor a known config; the message names
            the closest known config and lists them all.

    Example:

    >>> resolve("mnist5k_cpu").name
    'mnist5k_cpu.toml'
    """
    name = os.fspath(name_or_path)
    user_path = pathlib.Path(name)
    if user_path.is_file():
        return user_path
    configs = directory()
    packaged = configs / (name if name.endswith(_SUFFIX) else name + _SUFFIX)
    if packaged.is_file():
        return _on_disk(packaged)
    known = names()
    close = difflib.get_close_matches(user_path.name.removesuffix(_SUFFIX), known, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise FileNotFoundError(
        f"No config {name!r}: looked for {user_path} and {packaged}.{hint} "
        f"Known configs in {configs}: {', '.join(known) or 'none'}."
    )


def _on_disk(resource):
    """`resource` as a file system path, extracted for the process' lifetime if needed."""
    if isinstance(resource, pathlib.Path):
        return resource
    return _extracted.enter_context(importlib.resources.as_file(resource))
