#!/usr/bin/env bash
# The step-speed benchmark (keras_edgan.benchmarks.step_speed) on a GPU machine that
# has JAX and PyTorch with CUDA but neither Keras nor TensorFlow, and reaches no
# package registry: Keras and the two pure-Python-or-wheel packages it lacks travel
# as wheels (about 3 MB; the models need no TensorFlow, BUILD.md "Install").
#
# 1. Here, with pip access to PyPI, from the repository root:
#      bash keras_edgan/benchmarks/gpu_step_speed.sh download
#    fetches the wheels for CPython 3.12 on x86-64 Linux into .whl/ (ignored by git).
# 2. On the GPU machine, from a copy of the repository with .whl/ beside it:
#      bash keras_edgan/benchmarks/gpu_step_speed.sh run OUTDIR
#    installs them into /tmp/site and runs the benchmark on JAX and torch at the
#    paper's size (32x32 OptimizedDCGAN, width 64, batch 64, 2 D steps, CED, OAdam)
#    and on the PacGAN MLPs, in float32 and in mixed_bfloat16, writing one JSON file
#    per run and the printed tables to OUTDIR. About 10 minutes, start-up included.
set -euo pipefail

KERAS_VERSION=3.15.1
WHEELS=(keras==$KERAS_VERSION namex==0.1.0 optree==0.20.0)

case "${1:-}" in
  download)
    python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
      --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
      --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d .whl "${WHEELS[@]}"
    grep -qx '/.whl/' .git/info/exclude 2>/dev/null || echo '/.whl/' >> .git/info/exclude
    ;;
  run)
    out=${2:?"usage: $0 run OUTDIR"}
    mkdir -p "$out"
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
      --target /tmp/site .whl/*.whl
    export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.txt"
    for policy in float32 mixed_bfloat16; do
      python3 -m keras_edgan.benchmarks.step_speed --backends jax,torch \
        --workloads dcgan,pacgan_mlp --steps 20 --repeats 3 --warmup 3 \
        --dtype_policy "$policy" --json "$out/step_speed_$policy.json" \
        2>&1 | tee "$out/step_speed_$policy.txt"
    done
    ;;
  *)
    echo "usage: $0 download | run OUTDIR" >&2
    exit 2
    ;;
esac
