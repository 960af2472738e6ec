"""One process, one BLAS: clashing names between two dependencies of one build."""

from __future__ import annotations

import glob
import os
import re
import sys
from pathlib import Path

import pytest
from conftest import meson_blas, write_project

from mesonbuild_blas.conflicts import own_name_ilp64_builds, symbol_clash
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
    message = symbol_clash(LP64, ILP64, "target both", ["scipy-openblas64 (scipy_*64_ names; installed)"])
    assert message is not None
    first, fix = message.splitlines()  # two lines: what clashes, and the fix
    assert first.startswith("BLAS symbol clash in target both: ")
    assert "both export cblas_dgemm, dgemm_" in first and "wrong integer width" in first
    assert first.count(LP64.library) == 1 and first.count(ILP64.library) == 1
    assert fix == "Fix: one library for both, or for ILP64 a build with names of its own: scipy-openblas64 " \
                  "(scipy_*64_ names; installed)"
    assert LP64.plain_symbols and not SCIPY64.plain_symbols
    assert LP64.variables()["plain_symbols"] == "true" and SCIPY64.variables()["plain_symbols"] == "false"


def test_only_alternatives_that_exist_for_the_platform_are_proposed() -> None:
    installed = {"mkl"}
    linux = own_name_ilp64_builds("linux", "x86_64", installed.__contains__)
    assert linux == ["MKL ILP64 (*_64 names; installed)",
                     "scipy-openblas64 (scipy_*64_ names; pip install scipy-openblas64)"]  # installed first
    assert own_name_ilp64_builds("linux", "aarch64", lambda _v: False) == [
        "scipy-openblas64 (scipy_*64_ names; pip install scipy-openblas64)"]  # no MKL on Arm
    assert "Accelerate ILP64 ($NEWLAPACK$ILP64 names)" in own_name_ilp64_builds("darwin", "aarch64",
                                                                                lambda _v: False)
    assert not any("Accelerate" in a for a in linux)


def test_suffixed_names_and_the_same_library_do_not_clash() -> None:
    assert symbol_clash(LP64, SCIPY64) is None
    assert symbol_clash(LP64, LP64) is None
    other_lp64 = info("netlib", "lp64", f"{A}/blas/libblas.so.3.11.0")
    message = symbol_clash(LP64, other_lp64) or ""
    assert "the one loaded first serves both." in message and message.endswith("Fix: one library for both")


TWO = """project('two', 'c')
lp = dependency('openblas', method: 'pkg-config')
ilp = {ilp64_call}
message('PLAIN', lp.get_variable('plain_symbols'), ilp.get_variable('plain_symbols'))
executable('lp', 'main.c', dependencies: lp)
executable('ilp', 'main.c', dependencies: ilp)
{together}
"""


@pytest.mark.meson
@pytest.mark.parametrize(("ilp64_call", "together", "warned"), [
    # separate executables never share a process: no warning
    ("dependency('openblas', interface: 'ilp64')", "", ""),
    # one target linking both (Debian's suffix-less libopenblas64 exports dgemm_ too)
    ("dependency('openblas', interface: 'ilp64')",
     "executable('both', 'main.c', dependencies: [lp, ilp])\n"
     "executable('both_again', 'main.c', dependencies: [ilp, lp])", "target both"),
    # a shared library with one, linked into a program with the other
    ("dependency('openblas', interface: 'ilp64')",
     "lib = shared_library('part', 'main.c', dependencies: ilp)\n"
     "executable('mixed', 'main.c', dependencies: lp, link_with: lib)", "target mixed"),
    # Python extension modules of one project load into one interpreter
    ("dependency('openblas', interface: 'ilp64')",
     "py = import('python').find_installation()\n"
     "py.extension_module('m_lp', 'main.c', dependencies: lp)\n"
     "py.extension_module('m_ilp', 'main.c', dependencies: ilp)",
     r"modules m_lp\S* and m_ilp\S* \(one Python process\)"),
    # names of its own: no clash even in one target
    ("dependency('scipy-openblas64')", "executable('both', 'main.c', dependencies: [lp, ilp])", ""),
])
def test_lp64_and_ilp64_in_one_build(tmp_path: Path, ilp64_call: str, together: str, warned: str) -> None:
    src = write_project(tmp_path, TWO.format(ilp64_call=ilp64_call, together=together),
                        {"main.c": "int main(void) { return 0; }\n"})
    result = meson_blas("setup", str(src / "build"), str(src))
    assert result.returncode == 0, result.output
    lines = result.output.splitlines()
    clash = [i for i, ln in enumerate(lines) if "BLAS symbol clash" in ln]
    assert len(clash) == (1 if warned else 0), result.output  # once per pair of libraries
    if warned:
        first, fix = lines[clash[0]], lines[clash[0] + 1]
        assert re.search(f"BLAS symbol clash in {warned}: ", first), first
        assert "openblas64-pthread/libopenblas64p-r0.3.21.so" in first and "dgemm_" in first
        assert fix.startswith("Fix: one library for both, or for ILP64 a build with names of its own: "), fix
        assert first.count("libopenblas64p-r0.3.21.so") == 1 and first.count("libopenblasp-r0.3.21.so") == 1


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
