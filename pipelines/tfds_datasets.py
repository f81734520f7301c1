"""Reading TFDS datasets from a prepared data_dir, never downloading.

These machines have no network: a dataset is read only if `tfds build NAME`
has already written it to the data_dir. Nothing here calls TFDS's
`download_and_prepare`, and `try_gcs=False` keeps TFDS off its public GCS
bucket, so a missing dataset fails at once with `DatasetNotPreparedError`.

Under `tfds.testing.mock_data` no data_dir is needed: TFDS serves fake
examples from the builder's code (or from the metadata files mock_data is
given), and the datasets here are those examples.

Example (needs cifar10 prepared under ~/tensorflow_datasets, so not a doctest):

    from pipelines import tfds_datasets
    examples = tfds_datasets.read_split("cifar10", "train")
    sorted(examples.element_spec)  # ['image', 'label']
"""

import os
import pathlib

import tensorflow_datasets as tfds

from pipelines import errors


def resolve_data_dir(data_dir=None):
    """Returns the root data_dir to read and where it came from.

    `data_dir` if given, else $TFDS_DATA_DIR, else ~/tensorflow_datasets. Read
    at call time, so setting TFDS_DATA_DIR after import still counts.
    """
    if data_dir:
        return os.path.expanduser(os.fspath(data_dir)), "the data_dir argument"
    if os.environ.get("TFDS_DATA_DIR"):
        return os.environ["TFDS_DATA_DIR"], "the TFDS_DATA_DIR environment variable"
    return os.path.expanduser("~/tensorflow_datasets"), "the default, as TFDS_DATA_DIR is not set"


def read_split(name, split, data_dir=None, shuffle_files=False, seed=None):
    """Reads `split` of a prepared TFDS dataset, images left encoded.

    Images stay PNG/JPEG bytes so that a shuffle buffer holds compressed
    records; decode them after shuffling (`preprocessing.preprocess` does).

    A dataset that is not prepared in the data_dir is still read when TFDS
    can serve it without files, as under `tfds.testing.mock_data`: the
    builder, not this module, decides.

    Args:
        name: TFDS name, e.g. "cifar10" or "lsun/bedroom".
        split: TFDS split spec, e.g. "train", "train[:10%]", "train+test".
        data_dir: root data_dir (see `resolve_data_dir`).
        shuffle_files: read the files in a shuffled order.
        seed: seed of that order, for the same order on every run.

    Returns:
        A dataset of dicts with "image" (tf.string) and, for datasets with
        classes, "label" (int64).

    Raises:
        DatasetNotPreparedError: the data_dir holds no prepared copy of the
            version the installed tensorflow-datasets reads, and TFDS cannot
            serve the split without one.
    """
    root, origin = resolve_data_dir(data_dir)
    builder = tfds.builder(name, data_dir=root, try_gcs=False)
    if builder.is_prepared():
        return _as_dataset(builder, split, shuffle_files, seed)
    # No prepared copy in the data_dir. TFDS can still serve the split without
    # one when its builder is patched to, as `tfds.testing.mock_data` does
    # (its `as_dataset` makes up examples from the builder's features), so the
    # builder decides. Its own `as_dataset` refuses at once, before reading or
    # downloading anything: AssertionError when the version directory is
    # missing, KeyError ("splits is empty") when it holds no dataset_info.json;
    # mock_data with MockPolicy.USE_FILES raises ValueError when its metadata
    # files are missing. Whatever the refusal, the cure is to prepare the
    # dataset, so it becomes DatasetNotPreparedError with TFDS's reason chained.
    try:
        return _as_dataset(builder, split, shuffle_files, seed)
    except Exception as refusal:
        raise _not_prepared_error(name, builder, root, origin) from refusal


def _as_dataset(builder, split, shuffle_files, seed):
    """`builder.as_dataset` of the "image" (left encoded) and "label" features."""
    wanted = {"image": True}
    if "label" in builder.info.features:
        wanted["label"] = True
    return builder.as_dataset(
        split=split,
        shuffle_files=shuffle_files,
        decoders=tfds.decode.PartialDecoding(wanted, decoders={"image": tfds.decode.SkipDecoding()}),
        read_config=tfds.ReadConfig(shuffle_seed=seed),
    )


def _not_prepared_error(name, builder, root, origin):
    return errors.DatasetNotPreparedError(
        name=name,
        version=str(builder.version),
        data_dir=root,
        data_dir_origin=origin,
        expected_dir=builder.data_dir,
        other_versions=_versions_beside(pathlib.Path(builder.data_dir)),
    )


def _versions_beside(version_dir):
    """Other prepared versions next to `version_dir` (a common mismatch to report)."""
    parent = version_dir.parent
    if not parent.is_dir():
        return []
    return sorted(
        d.name for d in parent.iterdir() if d != version_dir and (d / "dataset_info.json").is_file()
    )
