"""The portable test projects, built and run for every installed vendor x interface.

``test-projects/blas-c`` is one C source using only ``blas_mangling.h`` (Fortran BLAS, CBLAS,
``zdotc`` through the library's Fortran ABI, LAPACK, LAPACKE, the ILP64 high-word check);
``test-projects/blas-fortran`` is one Fortran source with default INTEGERs, for the vendors whose
symbols carry no prefix or suffix.  Each case configures with ``meson-blas setup``, builds, runs the
program and compares every line it printed with what the vendor is known to provide.

Needs the Debian packages of ci/install-zoo.sh and the wheels of the ``openblas`` and ``mkl`` extras.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, Run, meson_blas, run

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

    def dgemm(self, interface: str) -> str:
        """The Fortran symbol of dgemm (the header's BLAS_FUNC(dgemm))."""
        suffix = self.ilp64_suffix if interface == "ilp64" else ""
        return f"{self.prefix}dgemm_{suffix}"


#: what each installed vendor provides (Debian zoo + the scipy-openblas and mkl wheels)
VENDORS = {
    "openblas": Vendor(lapacke=False),  # Debian's libopenblas has no LAPACKE symbols
    "scipy-openblas": Vendor(prefix="scipy_", ilp64_suffix="64_"),
    "mkl": Vendor(abi="g77"),
    "netlib": Vendor(),
    "blis": Vendor(lapack=False, lapacke=False),
    "atlas": Vendor(lapacke=False, interfaces=("lp64",)),  # no ILP64 build of ATLAS
}

CASES = [(v, i) for v, info in VENDORS.items() for i in info.interfaces]
FORTRAN_CASES = [(v, i) for v, i in CASES if not VENDORS[v].prefix and not VENDORS[v].ilp64_suffix]
SKIPPED_FORTRAN_CASES = [(v, i) for v, i in CASES if (v, i) not in FORTRAN_CASES]


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


def expected_fortran_output(vendor: str, interface: str) -> list[str]:
    size = 8 if interface == "ilp64" else 4
    lines = [f"{vendor} {interface}: default INTEGER {size} bytes, library {size}",
             "dgemm ok: trace(C) = 30.0", "ddot ok: 32.0"]
    if VENDORS[vendor].lapack:
        lines.append("dgesv ok: x = 1.0 2.0 3.0")
    if interface == "ilp64":
        lines.append("ilp64_high_bits ok")
    return [*lines, "all checks ok"]


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


def _build_and_run(build: Path, exe: str) -> list[str]:
    _ok(meson_blas("compile", "-C", str(build)), "meson-blas compile")
    program = _ok(run([str(build / exe)]), exe)
    # the same program registered as the project's test()
    tested = _ok(meson_blas("test", "-C", str(build), "--print-errorlogs"), "meson-blas test")
    assert re.search(r"^Ok:\s+1\s*$", tested.stdout, re.M) and re.search(r"^Fail:\s+0\s*$", tested.stdout, re.M), (
        tested.stdout)
    return program.stdout.splitlines()


@pytest.mark.parametrize(("vendor", "interface"), CASES, ids=[f"{v}-{i}" for v, i in CASES])
def test_blas_c(tmp_path: Path, vendor: str, interface: str) -> None:
    setup = _setup(C_PROJECT, tmp_path / "build", f"-Dvendor={vendor}", f"-Dinterface={interface}")
    _found_line(setup, vendor, interface)
    assert _build_and_run(tmp_path / "build", "blas_checks") == expected_c_output(vendor, interface)


@pytest.mark.parametrize(("name", "interface", "vendor"), [("blas", "lp64", "scipy-openblas"),
                                                           ("lapacke", "ilp64", "scipy-openblas")])
def test_blas_c_generic_name(tmp_path: Path, name: str, interface: str, vendor: str) -> None:
    """``-Dvendor=blas`` (the default) or ``lapacke``: the built-in order picks the vendor."""
    options = [] if name == "blas" and interface == "lp64" else [f"-Dvendor={name}", f"-Dinterface={interface}"]
    setup = _setup(C_PROJECT, tmp_path / "build", *options)
    assert f"Run-time dependency {name} found: YES" in _found_line(setup, vendor, interface)
    assert _build_and_run(tmp_path / "build", "blas_checks") == expected_c_output(vendor, interface)


@pytest.mark.parametrize(("vendor", "interface"), FORTRAN_CASES, ids=[f"{v}-{i}" for v, i in FORTRAN_CASES])
def test_blas_fortran(tmp_path: Path, vendor: str, interface: str) -> None:
    setup = _setup(FORTRAN_PROJECT, tmp_path / "build", f"-Dvendor={vendor}", f"-Dinterface={interface}")
    assert f"Run-time dependency {vendor} for fortran found: YES" in _found_line(setup, vendor, interface)
    assert f"Message: blas-fortran: {vendor} {interface}, lapack {str(VENDORS[vendor].lapack).lower()}" in setup.stdout
    assert _build_and_run(tmp_path / "build", "blas_fortran") == expected_fortran_output(vendor, interface)


@pytest.mark.parametrize(("vendor", "interface"), SKIPPED_FORTRAN_CASES,
                         ids=[f"{v}-{i}" for v, i in SKIPPED_FORTRAN_CASES])
def test_blas_fortran_skips_decorated_symbols(tmp_path: Path, vendor: str, interface: str) -> None:
    """Fortran's ``call dgemm`` links ``dgemm_``: a prefixed/suffixed library is skipped with a reason."""
    setup = _setup(FORTRAN_PROJECT, tmp_path / "build", f"-Dvendor={vendor}", f"-Dinterface={interface}")
    info = VENDORS[vendor]
    suffix = info.ilp64_suffix if interface == "ilp64" else ""
    assert (f'Message: blas-fortran: skipped, {vendor} {interface} has symbol prefix "{info.prefix}" and suffix '
            f'"{suffix}" (dgemm is {info.dgemm(interface)}, but Fortran code calling dgemm links dgemm_)'
            ) in setup.stdout, setup.stdout
    assert "Build targets in project: 0" in setup.stdout, setup.stdout
