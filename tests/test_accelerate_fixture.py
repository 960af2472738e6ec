"""Accelerate end to end on Linux, against a fixture library exporting its exact NEWLAPACK names.

The fixture (``tests/fixtures/vendor_fixtures.py``: ``ACCELERATE``) exports ``dgemm$NEWLAPACK``,
``cblas_dgemm$NEWLAPACK``, ``dgemm$NEWLAPACK$ILP64``, ... (no Fortran underscore, ``$`` in the
name) and forwards to OpenBLAS.  The test-only switch ``MESONBUILD_BLAS_TEST_FRAMEWORK_DIR``
(``mesonbuild_blas/testing.py``) makes the ``framework`` lookup link it instead of
``-framework Accelerate``, so the accelerate vendor entry's detection, the probes and
``blas_mangling.h`` all run here.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from conftest import ROOT, meson_blas, run, write_project
from fixtures.vendor_fixtures import ACCELERATE
from fixtures.vendorlibs import Symbols, build_fixture, supported

from mesonbuild_blas import records, vendors
from mesonbuild_blas.naming import Scheme
from mesonbuild_blas.probes import Toolchain
from mesonbuild_blas.probes.interpret import Rejection
from mesonbuild_blas.request import Request
from mesonbuild_blas.search import Candidate
from mesonbuild_blas.testing import FRAMEWORK_DIR_ENV
from mesonbuild_blas.verify import verify

pytestmark = pytest.mark.meson

FIELDS = ("vendor", "verified_by", "int_size", "int_size_verified_by", "symbol_suffix", "fortran_symbol_dgemm",
          "cblas_symbol_dgemm", "cblas", "lapack", "lapacke", "fortran_abi", "method", "library")
SUFFIX = {"lp64": "$NEWLAPACK", "ilp64": "$NEWLAPACK$ILP64"}


@pytest.fixture(scope="module")
def framework_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = supported()
    if reason:
        pytest.skip(reason)
    return build_fixture(ACCELERATE, tmp_path_factory.mktemp("accelerate")).prefix


def test_scheme_without_fortran_underscore() -> None:
    scheme = vendors.BY_NAME["accelerate"].schemes("ilp64")[0]
    assert scheme.fortran("dgemm") == "dgemm$NEWLAPACK$ILP64"
    assert scheme.c("cblas_dgemm") == "cblas_dgemm$NEWLAPACK$ILP64"
    assert Scheme.of_symbols("", "$NEWLAPACK", "dgemm$NEWLAPACK") == Scheme("", "$NEWLAPACK", False)
    assert Scheme.of_symbols("", "64_", "dgemm_64_") == Scheme("", "64_")


@pytest.mark.parametrize("interface", ["lp64", "ilp64"])
def test_accelerate_fixture_found_and_proven(tmp_path: Path, framework_dir: Path, interface: str) -> None:
    values = ", ".join(f"d.get_variable('{f}')" for f in FIELDS)
    src = write_project(tmp_path / "src", f"""project('acc', 'c')
d = dependency('accelerate', interface: '{interface}', modules: ['cblas', 'lapack'])
message('A', '|'.join([{values}]))
""")
    result = meson_blas("setup", str(tmp_path / "build"), str(src), env={FRAMEWORK_DIR_ENV: str(framework_dir)})
    assert result.returncode == 0, result.output
    (fields,) = result.messages("A")
    got = dict(zip(FIELDS, " ".join(fields).split("|"), strict=True))
    suffix = SUFFIX[interface]
    assert got == {
        "vendor": "accelerate", "verified_by": "run", "int_size": "8" if interface == "ilp64" else "4",
        "int_size_verified_by": "run", "symbol_suffix": suffix, "fortran_symbol_dgemm": f"dgemm{suffix}",
        "cblas_symbol_dgemm": f"cblas_dgemm{suffix}", "cblas": "true", "lapack": "true", "lapacke": "false",
        "fortran_abi": "gfortran", "method": "framework",
        "library": str(framework_dir / interface / "libAccelerate.so"),
    }
    found = f"Run-time dependency accelerate found: YES unknown (accelerate, {interface}, suffix {suffix},"
    assert found in result.stdout
    header = next((tmp_path / "build").rglob("blas_mangling.h")).read_text()
    assert f"#define BLAS_SYMBOL_SUFFIX {suffix}\n" in header
    assert f"#define BLAS_FUNC(name) name ## {suffix}\n" in header


def test_accelerate_needs_the_switch_off_macos(tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", "project('acc', 'c')\ndependency('accelerate', required: false)\n")
    result = meson_blas("setup", str(tmp_path / "build"), str(src), env={FRAMEWORK_DIR_ENV: ""})
    assert result.returncode == 0, result.output
    assert "not available on linux: Accelerate is part of macOS" in result.stdout


@pytest.mark.parametrize("interface", ["lp64", "ilp64"])
def test_blas_c_against_accelerate_fixture(tmp_path: Path, framework_dir: Path, interface: str) -> None:
    """test-projects/blas-c calls dgemm$NEWLAPACK... through BLAS_FUNC/CBLAS_FUNC and runs."""
    env = {FRAMEWORK_DIR_ENV: str(framework_dir)}
    build = tmp_path / "build"
    setup = meson_blas("setup", str(build), str(ROOT / "test-projects" / "blas-c"), "-Dvendor=accelerate",
                       f"-Dinterface={interface}", env=env)
    assert setup.returncode == 0, setup.output
    compiled = meson_blas("compile", "-C", str(build), env=env)
    assert compiled.returncode == 0, compiled.output
    # a real framework is found through its absolute install name; the fixture stand-in through the loader path
    program = run([str(build / "blas_checks")], env={"LD_LIBRARY_PATH": str(framework_dir / interface)})
    assert program.returncode == 0, program.output
    suffix = SUFFIX[interface]
    size = 8 if interface == "ilp64" else 4
    expected = [f"accelerate {interface}: dgemm{suffix}, {size}-byte blas_int", "dgemm_fortran ok", "dgemm_cblas ok",
                "zdotc ok (gfortran ABI)", "dgesv_lapack ok"]
    if interface == "ilp64":
        expected += ["ilp64_high_bits ok (idamax, daxpy)", "ilp64_high_bits_cblas ok (daxpy)"]
    assert program.stdout.splitlines() == [*expected, "all checks ok"]
    # the program really calls the '$' names
    nm = run(["nm", "-D", "--undefined-only", str(build / "blas_checks")])
    assert re.search(rf"\bdgemm{re.escape(suffix)}$", nm.stdout, re.M), nm.stdout


def test_name_that_cannot_be_c_is_a_rejected_candidate(tmp_path: Path) -> None:
    """A library whose proven symbols cannot be spelled in C is rejected with the reason, not a hard error."""
    if reason := supported():
        pytest.skip(reason)
    dotted = Symbols(fortran_suffix=".v2", c_suffix=".v2", fortran_underscore=False)
    spec = dataclasses.replace(ACCELERATE, libraries=(dataclasses.replace(ACCELERATE.libraries[0], symbols=dotted),),
                               variants=ACCELERATE.variants[:1])
    install = build_fixture(spec, tmp_path / "dotted")
    vendor = records.replace(vendors.BY_NAME["accelerate"], suffixes={"lp64": (".v2",)})
    request = Request(name="accelerate", interface="lp64", vendors=("accelerate",), features=frozenset())
    lib = install.library_files[0]
    cand = Candidate("framework", "fixture", (), (str(lib), f"-Wl,-rpath,{lib.parent}"))
    outcome = verify(vendor, request, cand, Toolchain(cc=("cc",), identity="test-cc"), lambda _m: None,
                     lambda _m: None)
    assert isinstance(outcome, Rejection), outcome
    assert outcome.reason.startswith("blas_mangling.h cannot name its symbols: BLAS symbol suffix '.v2' cannot be "
                                     "part of a C identifier"), outcome.reason
