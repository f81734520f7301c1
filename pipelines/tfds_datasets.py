"""Reading TFDS datasets from a prepared data_dir, never downloading.

These machines have no network: a dataset is read only if `tfds build NAME`
has already written it to the data_dir. Nothing here calls TFDS's
`download_and_prepare`, and `try_gcs=False` keeps TFDS off its public GCS
bucket, so a missing dataset fails at once with `DatasetNotPreparedError`.

Example (needs cifar10 prepared under ~/tensorflow_datasets, so not a doctest):

    from pipelines import tfds_datasets
    examples = tfds_datasets.read_split("cifar10", "train")
    sorted(examples.element_spec)  # ['image', 'label']
"""

from __future__ import annotations

import os
import pathlib

import tensorflow as tf
import tensorflow_datasets as tfds

from pipelines import errors


def resolve_data_dir(data_dir=None) -> tuple[str, str]:
    """Returns the root data_dir to read and where it came from.

    `data_dir` if given, else $TFDS_DATA_DIR, else ~/tensorflow_datasets. Read
    at call time, so setting TFDS_DATA_DIR after import still counts.
    """
    if data_dir:
        return os.path.expanduser(os.fspath(data_dir)), "the data_dir argument"
    if os.environ.get("TFDS_DATA_DIR"):
        return os.environ["TFDS_DATA_DIR"], "the TFDS_DATA_DIR environment variable"
    return os.path.expanduser("~/tensorflow_datasets"), "the default, as TFDS_DATA_DIR is not set"


def prepared_builder(name: str, data_dir=None) -> tfds.core.DatasetBuilder:
    """Returns the TFDS builder of `name`, checked to be prepared in the data_dir.

    Raises:
      DatasetNotPreparedError: the data_dir holds no prepared copy of the
        version the installed tensorflow-datasets reads.
    """
    root, origin = resolve_data_dir(data_dir)
    builder = tfds.builder(name, data_dir=root, try_gcs=False)
    if not builder.is_prepared():
        raise errors.DatasetNotPreparedError(
            name=name,
            version=str(builder.version),
            data_dir=root,
            data_dir_origin=origin,
            expected_dir=builder.data_dir,
            other_versions=_versions_beside(pathlib.Path(builder.data_dir)),
        )
    return builder


def _versions_beside(version_dir: pathlib.Path) -> list[str]:
    """Other prepared versions next to `version_dir` (a common mismatch to report)."""
    parent = version_dir.parent
    if not parent.is_dir():
        return []
    return sorted(
        d.name for d in parent.iterdir() if d != version_dir and (d / "dataset_info.json").is_file()
    )


def read_split(name: str, split: str, data_dir=None, shuffle_files: bool = False, seed=None) -> tf.data.Dataset:
    """Reads `split` of a prepared TFDS dataset, images left encoded.

    Images stay PNG/JPEG bytes so that a shuffle buffer holds compressed
    records; decode them after shuffling (`preprocessing.preprocess` does).

    Args:
      name: TFDS name, e.g. "cifar10" or "lsun/bedroom".
      split: TFDS split spec, e.g. "train", "train[:10%]", "train+test".
      data_dir: root data_dir (see `resolve_data_dir`).
      shuffle_files: read the files in a shuffled order.
      seed: seed of that order, for the same order on every run.

    Returns:
      A dataset of dicts with "image" (tf.string) and, for datasets with
      classes, "label" (int64).
    """
    builder = prepared_builder(name, data_dir)
    wanted = {"image": True}
    if "label" in builder.info.features:
        wanted["label"] = True
    return builder.as_dataset(
        split=split,
        shuffle_files=shuffle_files,
        decoders=tfds.decode.PartialDecoding(wanted, decoders={"image": tfds.decode.SkipDecoding()}),
        read_config=tfds.ReadConfig(shuffle_seed=seed),
    )
