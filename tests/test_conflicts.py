"""One process, one BLAS: clashing names between two dependencies of one build."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import meson_blas, write_project

from mesonbuild_blas.conflicts import clashes, symbol_clash
from mesonbuild_blas.result import BlasInfo, as_interface

A = "/usr/lib/x86_64-linux-gnu"


def info(vendor: str, interface: str, library: str, prefix: str = "", suffix: str = "") -> BlasInfo:
    fortran = f"{prefix}dgemm_{suffix}_" if suffix else f"{prefix}dgemm_"
    return BlasInfo(vendor=vendor, interface=as_interface(interface), symbol_prefix=prefix, symbol_suffix=suffix,
                    fortran_symbol_dgemm=fortran, cblas_symbol_dgemm=f"{prefix}cblas_dgemm{suffix}", cblas=True,
                    lapack=True, lapacke=False, cblas_header="cblas.h", fortran_abi="gfortran",
                    int_size=8 if interface == "ilp64" else 4, threading="pthreads", lapack_version="3.11.0",
                    method="pkg-config", library=library, verified_by="run", version="0.3.21")


LP64 = info("openblas", "lp64", f"{A}/openblas-pthread/libopenblasp-r0.3.21.so")
ILP64 = info("openblas", "ilp64", f"{A}/openblas64-pthread/libopenblas64p-r0.3.21.so")
SCIPY64 = info("scipy-openblas", "ilp64", "/sp/libscipy_openblas64_.so", "scipy_", "64_")


def test_plain_names_of_two_libraries_clash() -> None:
    message = symbol_clash(LP64, ILP64)
    assert message is not None
    assert "both export cblas_dgemm, dgemm_" in message and "wrong integer width" in message
    assert LP64.library in message and ILP64.library in message
    assert "scipy-openblas (64_ names)" in message  # the fix, from the vendor table
    assert LP64.plain_symbols and not SCIPY64.plain_symbols
    assert LP64.variables()["plain_symbols"] == "true" and SCIPY64.variables()["plain_symbols"] == "false"


def test_suffixed_names_and_the_same_library_do_not_clash() -> None:
    assert symbol_clash(LP64, SCIPY64) is None
    assert symbol_clash(LP64, LP64) is None
    other_lp64 = info("netlib", "lp64", f"{A}/blas/libblas.so.3.11.0")
    assert "silently" in (symbol_clash(LP64, other_lp64) or "")
    assert clashes([LP64, SCIPY64], ILP64) == [symbol_clash(LP64, ILP64)]


@pytest.mark.meson
@pytest.mark.parametrize(("ilp64_call", "warned"), [
    ("dependency('openblas', interface: 'ilp64')", True),  # Debian's suffix-less libopenblas64
    ("dependency('scipy-openblas64')", False),
])
def test_lp64_and_ilp64_in_one_build(tmp_path: Path, ilp64_call: str, warned: bool) -> None:
    src = write_project(tmp_path, f"""project('two', 'c')
lp = dependency('openblas', method: 'pkg-config')
ilp = {ilp64_call}
message('PLAIN', lp.get_variable('plain_symbols'), ilp.get_variable('plain_symbols'))
""")
    result = meson_blas("setup", str(src / "build"), str(src))
    assert result.returncode == 0, result.output
    assert result.messages("PLAIN") == [["true", "true" if warned else "false"]]
    lines = [ln for ln in result.output.splitlines() if "BLAS symbol clash" in ln]
    assert bool(lines) == warned, result.output
    if warned:
        assert "openblas64-pthread/libopenblas64p-r0.3.21.so" in lines[0] and "dgemm_" in lines[0]
