"""Mutation check of the test suite: does it catch the bugs that matter?

Each mutation below is a real bug that once could (or still could) ship with a
green suite.  For each, this script copies the source tree to a temporary
directory, applies the mutation (a single exact text replacement), runs the
tests that should catch it, and counts it caught when they fail.  It prints one
line per mutation and "N of M mutations caught"; the exit status is non-zero
when one survived.

Not run by pytest (the file name does not start with ``test_``) nor in CI: it
runs real ``meson-blas setup`` projects, a few minutes in all.  Usage::

    PYTHONPATH=. .venv/bin/python tests/mutations.py [-k NAME]

Add a mutation whenever a bug is fixed that the suite did not catch.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str  #: file, relative to the repository root
    old: str  #: exact text, must occur exactly once
    new: str
    tests: tuple[str, ...]  #: pytest arguments that must fail


HOSTILE = "tests/test_hostile.py"
MUTATIONS = (
    Mutation("dgesv result ignored (LAPACK present when dgesv_ merely exists)",
             "mesonbuild_blas/probes/blas_probe.c",
             'answer("R %s dgesv %s", scheme, dgesv_ok(b, ipiv, wrote, inf) ? "ok" : "wrong");',
             'answer("R %s dgesv %s", scheme, "ok");',
             (HOSTILE, "-k", "dgesv_wrong_result or xerbla_exits")),
    Mutation("the _64 suffix candidate removed", "mesonbuild_blas/vendors.py",
             'default_factory=lambda: {LP64: ("",), ILP64: ("", "64_", "_64")}',
             'default_factory=lambda: {LP64: ("",), ILP64: ("", "64_")}',
             (HOSTILE, "-k", "suffix_underscore_64_build")),
    Mutation("CBLAS/LAPACK/LAPACKE width check removed", "mesonbuild_blas/probes/interpret.py",
             "wrong = [w for w in widths if w in WIDTH_NAMES and w != want]", "wrong: list[str] = []",
             (HOSTILE, "-k", "wider_than or mixed_widths")),
    Mutation("identifier check accepts a trailing newline", "mesonbuild_blas/naming.py",
             'abcdefghijklmnopqrstuvwxyz0123456789_$")', 'abcdefghijklmnopqrstuvwxyz0123456789_$\\n")',
             ("tests/test_naming_request.py",)),
    Mutation("REAL-returned-as-double (f2c) detection forced off", "mesonbuild_blas/probes/interpret.py",
             "real_as_double = sdot_f != SDOT_EXPECTED and sdot_d == SDOT_EXPECTED", "real_as_double = False",
             (HOSTILE, "-k", "real_returned_as_double or f2c_conventions")),
    Mutation("a question that ended the probe silently counts as proven", "mesonbuild_blas/probes/interpret.py",
             'return "unverified", f"{feature} unverified: {symbol} {problem}"', 'return "run", ""',
             (HOSTILE, "-k", "lapacke_exits_silently")),
    Mutation("unobserved integer width counts as proven", "mesonbuild_blas/probes/interpret.py",
             "    if not widths or unseen:\n", "    if False:\n",
             ("tests/test_probes.py", "-k", "unverified")),
    Mutation("wrong complex dot product ignored", "mesonbuild_blas/probes/interpret.py",
             "if cdots and CDOTC_EXPECTED not in cdots:", "if False:",
             (HOSTILE, "-k", "cdotc_wrong_result")),
    Mutation("no per-question time limit in the probe", "mesonbuild_blas/probes/blas_probe.c",
             "probe_isolate(scheme, key, fn, sym, width, limit_ms,",
             "probe_isolate(scheme, key, fn, sym, width, 3600L * 1000,",
             (HOSTILE, "-k", "dgemm_hangs")),
    Mutation("probe output not authenticated by the token", "mesonbuild_blas/probes/__init__.py",
             'mark = f"{token} "', 'mark = ""',
             (HOSTILE, "-k", "library_prints_forged_answers")),
    Mutation("loaded threading runtimes ignored", "mesonbuild_blas/probes/interpret.py",
             "threading, runtime = loaded_runtime(data)", 'threading, runtime = "", ""',
             ("tests/test_probes.py", "-k", "threading")),
    Mutation("the probe's own xerbla_ removed (the library's exit(0) ends the question)",
             "mesonbuild_blas/probes/blas_probe.c",
             "PROBE_WEAK void xerbla_(", "PROBE_WEAK void probe_unused_xerbla_(",
             (HOSTILE, "-k", "xerbla_exits")),
)


def files_to_copy() -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line]


def run_mutation(m: Mutation, python: str) -> bool:
    """True when the tests caught (failed on) the mutation (with ``m.old == m.new``: a control run)."""
    with tempfile.TemporaryDirectory(prefix="mesonbuild-blas-mutant-") as tmp:
        for rel in files_to_copy():
            dest = Path(tmp) / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            if (ROOT / rel).is_file():
                shutil.copy2(ROOT / rel, dest)
        target = Path(tmp) / m.path
        text = target.read_text()
        if m.old and text.count(m.old) != 1:
            raise SystemExit(f"mutation {m.name!r}: {m.old!r} occurs {text.count(m.old)} times in {m.path}")
        target.write_text(text.replace(m.old, m.new))
        env = dict(os.environ, PYTHONPATH=tmp, MESONBUILD_BLAS_CACHE_DIR=os.path.join(tmp, ".probe-cache"))
        proc = subprocess.run([python, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *m.tests], cwd=tmp,
                              env=env, capture_output=True, text=True)
        if proc.returncode == 5:  # no tests selected: the selection itself is stale
            raise SystemExit(f"mutation {m.name!r}: no test matches {' '.join(m.tests)}")
        return proc.returncode != 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-k", default="", help="only mutations whose name contains this")
    args = parser.parse_args()
    chosen = [m for m in MUTATIONS if args.k.lower() in m.name.lower()]
    # control: the unmutated tree passes every selection (else "caught" would mean nothing)
    for m in chosen:
        if run_mutation(Mutation(f"control for {m.name}", m.path, "", "", m.tests), sys.executable):
            raise SystemExit(f"the unmutated tree fails {' '.join(m.tests)}: fix that first")
    caught = 0
    for m in chosen:
        ok = run_mutation(m, sys.executable)
        caught += ok
        print(f"{'caught  ' if ok else 'SURVIVED'} {m.name}", flush=True)
    print(f"{caught} of {len(chosen)} mutations caught")
    return 0 if caught == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
