#!/usr/bin/env bash
# Gradbook side by side with PyTorch, JAX, scikit-learn, numpy and MLflow (Benchmarks/README.md).
#
#   bash Benchmarks/side-by-side.sh [--reps 5] [--only W1,W2,W3,T1,T2,S1] [--csv FILE]
#
# Builds in release, makes a virtual environment under .build/bench-venv with the peers that
# can be installed (each on its own: one that fails is skipped, and the run carries on without
# it), then runs Benchmarks/side_by_side.py. The table goes to stdout and to
# .build/side-by-side.csv.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --product gradbook
swift build -c release --product side-by-side

venv=.build/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" || echo "no virtual environment: Gradbook alone" >&2
fi
if [ -x "$venv/bin/python" ]; then
  for peer in numpy torch jax scikit-learn mlflow; do
    module=${peer/scikit-learn/sklearn}
    "$venv/bin/python" -c "import $module" 2>/dev/null && continue
    echo "installing $peer into $venv" >&2
    "$venv/bin/pip" install -q "$peer" || echo "$peer could not be installed: carrying on without it" >&2
  done
fi
exec python3 Benchmarks/side_by_side.py "$@"
