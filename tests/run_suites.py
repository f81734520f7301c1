"""Runs the test suites of `make test`: everything on TensorFlow, then the tests
marked `backends` on JAX and on PyTorch. Each suite runs in its own process because
Keras fixes its backend at import. A suite that collects no test (pytest's exit 5)
fails: it would mean tests silently went missing."""

import os
import subprocess
import sys

SUITES = [
    ("tensorflow", []),
    ("jax", ["-m", "backends"]),
    ("torch", ["-m", "backends"]),
]


def main():
    failed = []
    for backend, selection in SUITES:
        print(f"=== KERAS_BACKEND={backend} pytest {' '.join(selection)}", flush=True)
        env = dict(os.environ, KERAS_BACKEND=backend)
        code = subprocess.call(
            [sys.executable, "-m", "pytest", "-q", *selection, *sys.argv[1:]], env=env
        )
        if code == 5:
            print(f"=== {backend}: pytest collected no tests", flush=True)
        if code != 0:
            failed.append(backend)
    if failed:
        print(f"=== FAILED suites: {', '.join(failed)}", flush=True)
        return 1
    print("=== all suites passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
