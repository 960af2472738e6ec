"""The portable test projects, built and run for every installed vendor x interface.

``test-projects/blas-c`` is one C source using only ``blas_mangling.h`` (Fortran BLAS, CBLAS,
``zdotc`` through the library's Fortran ABI, LAPACK, LAPACKE, the ILP64 high-word check);
``test-projects/blas-fortran`` is one project of Fortran programs with default INTEGERs (functions of every
result class, subroutines, LAPACK), a shared library and a C + Fortran program, built against every library:
the Fortran adapter bridges symbol prefixes/suffixes and function-result conventions.  Each case configures
with ``meson-blas setup``, builds, runs the
program and compares every line it printed with what the vendor is known to provide.

Needs the Debian packages of ci/install-zoo.sh and the wheels of the ``openblas`` and ``mkl`` extras.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, Run, meson_blas, run

from mesonbuild_blas.naming import Scheme

pytestmark = pytest.mark.meson

C_PROJECT = ROOT / "test-projects" / "blas-c"
FORTRAN_PROJECT = ROOT / "test-projects" / "blas-fortran"


@dataclass(frozen=True)
class Vendor:
    cblas: bool = True
    lapack: bool = True
    lapacke: bool = True
    abi: str = "gfortran"
    prefix: str = ""
    ilp64_suffix: str = ""
    interfaces: tuple[str, ...] = ("lp64", "ilp64")
    #: a gfortran-built interface layer the vendor may ship next to its g77 one (``{interface}`` filled in),
    #: looked for in the installed wheels: MKL's ``gf_*`` layers come and go between releases
    gfortran_layer: str = ""

    def fortran_abi(self, interface: str) -> str:
        """The convention gfortran callers get: the library's, or its gfortran layer's when one is installed."""
        if self.abi != "gfortran" and self.gfortran_layer:
            pattern = self.gfortran_layer.format(interface=interface)
            if any((Path(sys.prefix) / "lib").glob(pattern)):
                return "gfortran"
        return self.abi

    def adapter(self, interface: str) -> str:
        """The Fortran adapter gfortran callers get (none through a gfortran layer: it has the plain names)."""
        if self.fortran_abi(interface) != self.abi:
            return "none"
        names = bool(self.prefix or (self.ilp64_suffix and interface == "ilp64"))
        abi = self.fortran_abi(interface) != "gfortran"
        return "names+abi" if names and abi else "names" if names else "abi" if abi else "none"

    def dgemm(self, interface: str) -> str:
        """The Fortran symbol of dgemm (the header's BLAS_FUNC(dgemm))."""
        suffix = self.ilp64_suffix if interface == "ilp64" else ""
        return Scheme(self.prefix, suffix).fortran("dgemm")


#: what each installed vendor provides (Debian zoo + the scipy-openblas and mkl wheels)
VENDORS = {
    "openblas": Vendor(lapacke=False),  # Debian's libopenblas has no LAPACKE symbols
    "scipy-openblas": Vendor(prefix="scipy_", ilp64_suffix="64_"),
    # ILP64: the _64 names (dgemm_64_, cblas_dgemm_64), as Meson's own MKL dependency reports them
    "mkl": Vendor(abi="g77", ilp64_suffix="_64", gfortran_layer="libmkl_gf_{interface}.so*"),
    "netlib": Vendor(),
    "blis": Vendor(lapack=False, lapacke=False),
    "atlas": Vendor(lapacke=False, interfaces=("lp64",)),  # no ILP64 build of ATLAS
}

CASES = [(v, i) for v, info in VENDORS.items() for i in info.interfaces]
FORTRAN_CASES = CASES


def expected_c_output(vendor: str, interface: str) -> list[str]:
    info = VENDORS[vendor]
    ilp64 = interface == "ilp64"
    lines = [f"{vendor} {interface}: {info.dgemm(interface)}, {8 if ilp64 else 4}-byte blas_int", "dgemm_fortran ok"]
    if info.cblas:
        lines.append("dgemm_cblas ok")
    lines.append(f"zdotc ok ({info.abi} ABI)")
    if info.lapack:
        lines.append("dgesv_lapack ok")
    if info.lapacke:
        lines.append("dgesv_lapacke ok")
    if ilp64:
        lines.append("ilp64_high_bits ok (idamax, daxpy)")
        if info.cblas:
            lines.append("ilp64_high_bits_cblas ok (daxpy)")
    return [*lines, "all checks ok"]


def expected_fortran_output(vendor: str, interface: str) -> dict[str, list[str]]:
    """Program → the lines it prints."""
    size = 8 if interface == "ilp64" else 4
    lapack = VENDORS[vendor].lapack
    lines = [f"{vendor} {interface}: default INTEGER {size} bytes, library {size}",
             "dgemm ok: trace(C) = 30.0", "ddot ok: 32.0"]
    if lapack:
        lines.append("dgesv ok: x = 1.0 2.0 3.0")
    if interface == "ilp64":
        lines.append("ilp64_high_bits ok")
    functions = ["cdotc", "cdotu", "zdotc", "zdotu", "scnrm2", "scasum", "sdot", "sdsdot", "snrm2", "sasum",
                 "dnrm2", "dasum", "isamax"] + (["cladiv", "zladiv", "slapy2", "slamch", "slange"] if lapack else [])
    routines = ["daxpy", "dscal+dswap", "dgemv", "zgemm"] + (["dpotrf+dpotrs", "dsyev", "zgesv"] if lapack else [])
    mixed = ["c dgemm ok", "c zdotc ok"] + (["c cblas_zdotc_sub ok"] if VENDORS[vendor].cblas else [])
    done = ["all checks ok"]
    return {
        "blas_fortran": lines + done,
        "fortran_functions": [f"{f} ok" for f in functions] + done,
        "fortran_routines": [f"{r} ok" for r in routines] + done,
        "fortran_shared": ["shared library zdotc+dgemm ok", *done],
        "mixed": [*mixed, "fortran zdotu+dgemm ok", *done],
        # the program's XERBLA gets DGEMM's illegal argument: natively, or through the adapter's routing
        "xerbla_exits": ["xerbla ok: DGEMM parameter 1"],
    }


def _ok(result: Run, what: str) -> Run:
    assert result.returncode == 0, f"{what} failed (exit status {result.returncode}):\n{result.output}"
    assert "Traceback" not in result.output, result.output
    return result


def _setup(project: Path, build: Path, *options: str) -> Run:
    return _ok(meson_blas("setup", str(build), str(project), *options), "meson-blas setup")


def _found_line(setup: Run, vendor: str, interface: str) -> str:
    found = [ln for ln in setup.stdout.splitlines() if "Run-time dependency" in ln and " found: YES" in ln]
    assert len(found) == 1, setup.stdout
    assert f"({vendor}, {interface}," in found[0], found[0]
    return found[0]


def _build_and_run(build: Path, exe: str, *more: str) -> list[str]:
    """Build, run ``exe`` (and ``more``) and the project's test()s; the programs' output lines."""
    _ok(meson_blas("compile", "-C", str(build)), "meson-blas compile")
    outputs = [_ok(run([str(build / program)]), program).stdout.splitlines() for program in (exe, *more)]
    # the same programs registered as the project's test()s
    tested = _ok(meson_blas("test", "-C", str(build), "--print-errorlogs"), "meson-blas test")
    assert re.search(rf"^Ok:\s+{1 + len(more)}\s*$", tested.stdout, re.M), tested.stdout
    assert re.search(r"^Fail:\s+0\s*$", tested.stdout, re.M), tested.stdout
    return [line for lines in outputs for line in lines]


@pytest.mark.parametrize(("vendor", "interface"), CASES, ids=[f"{v}-{i}" for v, i in CASES])
def test_blas_c(tmp_path: Path, vendor: str, interface: str) -> None:
    setup = _setup(C_PROJECT, tmp_path / "build", f"-Dvendor={vendor}", f"-Dinterface={interface}")
    _found_line(setup, vendor, interface)
    assert _build_and_run(tmp_path / "build", "blas_checks") == expected_c_output(vendor, interface)


@pytest.mark.parametrize(("name", "interface", "vendor"), [("blas", "lp64", "mkl"), ("lapacke", "ilp64", "mkl")])
def test_blas_c_generic_name(tmp_path: Path, name: str, interface: str, vendor: str) -> None:
    """``-Dvendor=blas`` (the default) or ``lapacke``: the built-in order picks the vendor: on x86-64 with
    the mkl extra installed, MKL — a plain-named library before the prefixed scipy-openblas wheels."""
    options = [] if name == "blas" and interface == "lp64" else [f"-Dvendor={name}", f"-Dinterface={interface}"]
    setup = _setup(C_PROJECT, tmp_path / "build", *options)
    assert f"Run-time dependency {name} found: YES" in _found_line(setup, vendor, interface)
    assert _build_and_run(tmp_path / "build", "blas_checks") == expected_c_output(vendor, interface)


@pytest.mark.parametrize(("vendor", "interface"), FORTRAN_CASES, ids=[f"{v}-{i}" for v, i in FORTRAN_CASES])
def test_blas_fortran(tmp_path: Path, vendor: str, interface: str) -> None:
    """Every Fortran program, every library: prefixes/suffixes and g77-ABI libraries go through the adapter."""
    setup = _setup(FORTRAN_PROJECT, tmp_path / "build", f"-Dvendor={vendor}", f"-Dinterface={interface}")
    info = VENDORS[vendor]
    adapter = info.adapter(interface)
    found = [ln for ln in setup.stdout.splitlines() if "Run-time dependency" in ln and " found: YES" in ln]
    assert len(found) == 2, setup.stdout  # language: 'fortran', and modules: ['fortran-adapter'] for C + Fortran
    assert f"Run-time dependency {vendor} for fortran found: YES" in found[0], found[0]
    for line in found:
        assert f"({vendor}, {interface}," in line, line
        assert ("fortran adapter" not in line) if adapter == "none" else (f"fortran adapter {adapter}," in line), line
    assert (f"Message: blas-fortran: {vendor} {interface}, lapack {str(info.lapack).lower()}, "
            f"fortran_abi {info.fortran_abi(interface)}, fortran_adapter {adapter}") in setup.stdout, setup.stdout
    if adapter != "none":
        assert re.search(rf"Fortran adapter for {vendor} \({re.escape(adapter)}\): .*proven by running its "
                         r"self-test \(dgemm, ", setup.stdout), setup.stdout
    if info.fortran_abi(interface) != info.abi:
        assert re.search(rf"{vendor} \({interface}\) for gfortran Fortran callers: .*proven \(fortran_abi gfortran\)",
                         setup.stdout), setup.stdout
    assert "WARNING" not in setup.stdout, setup.stdout
    expected = expected_fortran_output(vendor, interface)
    programs = list(expected)
    assert _build_and_run(tmp_path / "build", *programs) == [ln for p in programs for ln in expected[p]]
