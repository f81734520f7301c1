"""Benchmarks that reproduce the source papers' tables (`python -m keras_edgan.benchmarks.ver`)."""
