"""Where evaluation keeps what it computes once: classifiers and real statistics."""

import os

CACHE_ENV = "KERAS_EDGAN_CACHE"


def cache_directory(cache_dir=None):
    """`cache_dir`, else $KERAS_EDGAN_CACHE, else ~/.cache/keras_edgan; created."""
    directory = cache_dir or os.environ.get(CACHE_ENV) or os.path.join(
        os.path.expanduser("~"), ".cache", "keras_edgan"
    )
    os.makedirs(directory, exist_ok=True)
    return directory
