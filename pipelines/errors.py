"""Errors raised by `pipelines`, worded to say what to do next.

Example:

>>> from pipelines import errors
>>> str(errors.unknown_choice("dataset", "cifar", ["cifar10", "mnist"]))
"Unknown dataset 'cifar'. Known datasets: cifar10, mnist. Did you mean 'cifar10'?"
"""

import difflib

BUILD_SECTION = 'BUILD.md, section "Preparing datasets offline"'

# Datasets whose `tfds build` needs more than the network.
_BUILD_NOTES = {
    "celeb_a": "celeb_a: when Google Drive refuses the download, put the five CelebA files in "
    "--manual_dir (BUILD.md lists them).",
    "lsun/bedroom": "lsun/bedroom: building needs tensorflow-io and a 46 GB download; "
    "BUILD.md gives a working environment.",
}


def unknown_choice(what, value, known, context=""):
    """Returns a ValueError naming `value`, the known choices and the closest one.

    Args:
        what: the kind of thing looked up, e.g. "dataset" or "split".
        value: what the caller passed.
        known: the accepted values.
        context: appended after the value, e.g. " of dataset 'celeb_a'".
    """
    known = sorted(known)
    message = f"Unknown {what} {value!r}{context}. Known {what}s: {', '.join(known)}."
    close = difflib.get_close_matches(str(value), known, n=1, cutoff=0.5)
    if close:
        message += f" Did you mean {close[0]!r}?"
    return ValueError(message)


class DatasetNotPreparedError(FileNotFoundError):
    """A TFDS dataset is not prepared in the data_dir this machine reads.

    These machines cannot download, so the message explains how to prepare the
    dataset elsewhere and copy it here.

    Attributes:
        name: the TFDS name, e.g. "lsun/bedroom".
        version: the dataset version the installed tensorflow-datasets reads.
        data_dir: the root data_dir that was searched.
        expected_dir: the version directory that should hold dataset_info.json.
        other_versions: versions found beside it, which this TFDS does not read.
    """

    def __init__(self, name, version, data_dir, data_dir_origin, expected_dir, other_versions=()):
        self._args = (name, version, data_dir, data_dir_origin, expected_dir, tuple(other_versions))
        self.name = name
        self.version = version
        self.data_dir = data_dir
        self.expected_dir = expected_dir
        self.other_versions = tuple(other_versions)
        lines = [
            f"TFDS dataset {name!r} (version {version}) is not prepared in data_dir {data_dir} "
            f"(taken from {data_dir_origin}).",
            f"Directory searched: {expected_dir} (needs dataset_info.json and the data files).",
        ]
        if self.other_versions:
            lines.append(
                f"Found other versions there: {', '.join(self.other_versions)}; the installed "
                f"tensorflow-datasets reads {version}: build it with this tensorflow-datasets version."
            )
        lines += [
            "Datasets are never downloaded here. Prepare it as described in " + BUILD_SECTION + ":",
            f"  1. on a machine with network access: tfds build {name} --data_dir=X",
            f"  2. copy X/{name}/{version}/ to {expected_dir}/ on this machine",
            f"  3. pass data_dir={data_dir} (or --data_dir), or set TFDS_DATA_DIR={data_dir}",
        ]
        if name in _BUILD_NOTES:
            lines.append("Note for " + _BUILD_NOTES[name])
        super().__init__("\n".join(lines))

    def __reduce__(self):
        # Rebuild from the constructor's arguments so the error survives pickling
        # (e.g. when raised inside a multiprocessing worker).
        return type(self), self._args
