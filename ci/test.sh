#!/usr/bin/env bash
# The full test suite, from a fresh clone: system packages, a venv with the
# plugin and its test extras, lint + type checks, every test on the newest
# supported Meson, then the Meson integration tests on the oldest supported one.
set -euo pipefail
cd "$(dirname "$0")/.."

OLDEST_MESON="${OLDEST_MESON:-1.3.2}"
VENV="${VENV:-.venv}"
PY="${PYTHON:-python3}"

bash ci/install-zoo.sh
bash ci/install-cross.sh
# the platform tests (tests/test_platforms.py) fail instead of skipping when a cross tool is missing
export MESONBUILD_BLAS_REQUIRE_PLATFORMS=1

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -c ci/constraints.txt -e '.[openblas,mkl,test]'

echo "== ruff"
"$VENV/bin/ruff" check mesonbuild_blas tests
echo "== mypy --strict"
"$VENV/bin/mypy" mesonbuild_blas

echo "== tests on $("$VENV/bin/meson" --version) (newest supported)"
"$VENV/bin/python" -m pytest -q -ra

OLD=".venv-meson-$OLDEST_MESON"
if [ ! -x "$OLD/bin/python" ]; then
  "$PY" -m venv "$OLD"
fi
"$OLD/bin/python" -m pip install -q --upgrade pip
"$OLD/bin/python" -m pip install -q -c ci/constraints.txt "meson==$OLDEST_MESON" -e '.[openblas,mkl,test]'
echo "== Meson integration tests on $("$OLD/bin/meson" --version) (oldest supported)"
"$OLD/bin/python" -m pytest -q -ra -m meson -p no:cacheprovider
