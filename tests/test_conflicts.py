"""One process, one BLAS: clashing names between two dependencies of one build."""

from __future__ import annotations

import glob
import os
import sys
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


def test_openmp_mix_only_when_the_runtimes_differ() -> None:
    from mesonbuild_blas.conflicts import ProjectOpenmp, openmp_mix, uses_openmp
    from mesonbuild_blas.records import replace

    gcc = ProjectOpenmp("gomp", "/usr/lib/gcc/x86_64-linux-gnu/12/libgomp.so", "dependency('openmp') with gcc")
    iomp = replace(LP64, vendor="mkl", openmp_runtime="iomp5", openmp_runtime_file="/v/lib/libiomp5.so")
    message = openmp_mix(iomp, gcc)
    assert message is not None and "libiomp5.so" in message and "libgomp.so" in message
    assert "-Dmkl-threading=gomp" in message  # the vendor's own fix, from the vendor table
    assert openmp_mix(replace(iomp, openmp_runtime="gomp"), gcc) is None
    assert openmp_mix(replace(iomp, openmp_runtime="none"), gcc) is None
    assert openmp_mix(replace(iomp, openmp_runtime="unknown"), gcc) is None
    assert uses_openmp(["-O2", "-fopenmp"]) and uses_openmp(["-fopenmp=libomp"]) and not uses_openmp(["-O2"])


OPENMP_PROJECT = """project('omp', 'c')
omp = dependency('openmp')
b = {call}
message('RT', b.get_variable('openmp_runtime'), b.get_variable('openmp_runtime_file'))
"""


@pytest.mark.meson
@pytest.mark.parametrize(("call", "runtime", "warned"), [
    # MKL's Intel threading layer loads libiomp5: a gcc -fopenmp project would have two runtimes
    ("dependency('mkl', modules: ['threading: iomp'])", "iomp5", True),
    ("dependency('mkl', modules: ['threading: gomp'])", "gomp", False),
    # Debian's runtime alternative for libblis.so.4 is the OpenMP build: libgomp, as gcc's
    ("dependency('blis')", "gomp", False),
    # OpenBLAS's pthreads build brings no OpenMP runtime at all
    ("dependency('openblas', method: 'pkg-config')", "none", False),
])
def test_openmp_runtime_and_mixing_with_the_project(tmp_path: Path, call: str, runtime: str, warned: bool) -> None:
    if "mkl" in call and not glob.glob(os.path.join(sys.prefix, "lib", "libmkl_intel_lp64.so*")):
        pytest.skip("mkl-devel not installed (pip install '.[mkl]')")
    src = write_project(tmp_path, OPENMP_PROJECT.format(call=call))
    result = meson_blas("setup", str(src / "build"), str(src))
    assert result.returncode == 0, result.output
    ((found, file),) = [[*m, ""] if len(m) == 1 else m for m in result.messages("RT")]
    assert found == runtime
    assert (file != "") == (runtime not in ("none", "unknown"))
    lines = [ln for ln in result.output.splitlines() if "OpenMP runtime mix" in ln]
    assert bool(lines) == warned, result.output
    if warned:
        assert "libiomp5" in lines[0] and "libgomp" in lines[0] and "mkl-threading=gomp" in lines[0]


@pytest.mark.meson
def test_openmp_in_compiler_flags_counts_too(tmp_path: Path) -> None:
    if not glob.glob(os.path.join(sys.prefix, "lib", "libmkl_intel_lp64.so*")):
        pytest.skip("mkl-devel not installed (pip install '.[mkl]')")
    src = write_project(tmp_path, "project('omp', 'c')\nb = dependency('mkl', modules: ['threading: iomp'])\n")
    result = meson_blas("setup", str(src / "build"), str(src), "-Dc_args=-fopenmp")
    assert result.returncode == 0, result.output
    assert "OpenMP runtime mix: the project's OpenMP (c_args with gcc) is gomp" in result.output
