#!/usr/bin/env bash
# The full test suite, from a fresh clone: system packages, a venv with the
# plugin and its test extras, lint + type checks, every test on the newest
# supported Meson, then the Meson integration tests on the oldest supported one.
set -euo pipefail
cd "$(dirname "$0")/.."

OLDEST_MESON="${OLDEST_MESON:-1.3.2}"
# the Meson minors between oldest and newest where meson/compat.py takes another path
# (1.7: the option store's get_value; 1.8-1.9: get_value_for with env-taking compilers;
# 1.10: compilers without env, pkg-config keyed on extra paths, partial candidates)
MIDDLE_MESONS="${MIDDLE_MESONS:-1.7.2 1.9.2 1.10.2}"
# the Meson-marked tests that exercise the integration layer on every Meson they run on
COMPAT_TESTS=(tests/test_compat.py tests/test_meson_foundation.py tests/test_meson_vendors.py
              tests/test_upstream_contract.py tests/test_hostile.py)
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

MID=".venv-meson-middle"
if [ ! -x "$MID/bin/python" ]; then
  "$PY" -m venv "$MID"
fi
"$MID/bin/python" -m pip install -q --upgrade pip
"$MID/bin/python" -m pip install -q -c ci/constraints.txt -e '.[openblas,mkl,test]'
for version in $MIDDLE_MESONS; do
  "$MID/bin/python" -m pip install -q "meson==$version"
  echo "== Meson integration tests of meson/compat.py's paths on $("$MID/bin/meson" --version)"
  "$MID/bin/python" -m pytest -q -ra -m meson -p no:cacheprovider "${COMPAT_TESTS[@]}"
done
