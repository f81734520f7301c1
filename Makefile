# The README's quick start: `make train` and `make test` do all set-up themselves.
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: train test install clean

install: $(STAMP)

# torch==2.13.0 is the CPU build (an unpinned torch pulls a multi-GB CUDA build).
$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	# setuptools as pyproject.toml's build-system needs it: the wheel test builds offline
	# (--no-build-isolation) with this one, and a new venv brings an older one.
	$(PYTHON) -m pip install --quiet --upgrade pip "setuptools>=77"
	$(PYTHON) -m pip install --quiet -e '.[cpu,jax,torch,test]'
	# TF-GAN's metrics are the tests' reference; its declared dependencies (tensorflow-hub,
	# and tf-keras' full tensorflow wheel) would replace tensorflow-cpu, so --no-deps.
	$(PYTHON) -m pip install --quiet --no-deps tensorflow-gan==2.1.0 tf-keras==2.21.0
	touch $(STAMP)

# EDGAN on the embedded MNIST digits (configs/mnist5k_cpu.toml): about five minutes on 2 CPU cores.
train: $(STAMP)
	$(VENV)/bin/train --config=mnist5k_cpu $(ARGS)

# The whole suite on TensorFlow, then the backend-parametrized tests on JAX and PyTorch.
test: $(STAMP)
	$(PYTHON) tests/run_suites.py

clean:
	rm -rf $(VENV) runs .pytest_cache .hypothesis
