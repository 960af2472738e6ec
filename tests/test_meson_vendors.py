"""Every installable vendor x interface (x threading), through real `meson-blas setup` runs.

Needs the Debian packages of ci/install-zoo.sh and the wheels of the `openblas`
and `mkl` extras in the Python running the tests.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import meson_blas, run, write_project

pytestmark = pytest.mark.meson

A = "/usr/lib/x86_64-linux-gnu"
SP = f"{sys.prefix}/lib/python3.{sys.version_info.minor}/site-packages"
VARS = ("vendor", "interface", "int_size", "symbol_prefix", "symbol_suffix", "method", "threading",
        "fortran_abi", "cblas", "lapack", "lapacke", "library", "verified_by", "openmp_runtime")

# label: (dependency() call, expected variables)
MATRIX: dict[str, tuple[str, dict[str, str]]] = {
    "openblas_lp64": ("dependency('openblas', interface: 'lp64')", {
        "method": "pkg-config", "symbol_suffix": "", "int_size": "4", "threading": "pthreads",
        "fortran_abi": "gfortran", "lapack": "true", "lapacke": "false",
        "library": f"{A}/openblas-pthread/libopenblasp-r0.3.21.so"}),
    "openblas_ilp64": ("dependency('openblas', interface: 'ilp64')", {
        "method": "pkg-config", "symbol_suffix": "", "int_size": "8",
        "library": f"{A}/openblas64-pthread/libopenblas64p-r0.3.21.so"}),
    "openblas_lp64_cmake": ("dependency('openblas', interface: 'lp64', method: 'cmake')", {
        "method": "cmake", "int_size": "4", "library": f"{A}/openblas-pthread/libopenblasp-r0.3.21.so"}),
    "openblas_lp64_system": ("dependency('openblas', method: 'system')", {
        "method": "system", "int_size": "4", "library": f"{A}/openblas-pthread/libopenblasp-r0.3.21.so"}),
    "scipy_lp64": ("dependency('scipy-openblas', interface: 'lp64')", {
        "method": "python", "symbol_prefix": "scipy_", "symbol_suffix": "", "int_size": "4", "lapacke": "true",
        "library": f"{SP}/scipy_openblas32/lib/libscipy_openblas.so"}),
    "scipy_ilp64": ("dependency('scipy-openblas', interface: 'ilp64')", {
        "method": "python", "symbol_prefix": "scipy_", "symbol_suffix": "64_", "int_size": "8",
        "library": f"{SP}/scipy_openblas64/lib/libscipy_openblas64_.so"}),
    # Debian's alternatives would run OpenBLAS behind -lblas: the reference files are linked and run
    "netlib_lp64": ("dependency('netlib', interface: 'lp64')", {
        "method": "system", "int_size": "4", "threading": "sequential", "cblas": "true", "lapack": "true",
        "lapacke": "true", "library": f"{A}/blas/libblas.so.3.11.0"}),
    "netlib_ilp64": ("dependency('netlib', interface: 'ilp64')", {
        "method": "system", "int_size": "8", "symbol_suffix": "", "lapacke": "true",
        "library": f"{A}/blas64/libblas64.so.3.11.0"}),
    # -lblis links the pthread build, the run-time alternative is the OpenMP one: reported as run
    "blis_lp64": ("dependency('blis')", {
        "method": "system", "int_size": "4", "cblas": "true", "lapack": "false", "threading": "openmp",
        "library": f"{A}/blis-openmp/libblis.so.4"}),
    "blis_ilp64": ("dependency('blis', interface: 'ilp64')", {
        "method": "system", "int_size": "8", "threading": "openmp", "library": f"{A}/blis64-openmp/libblis64.so.4"}),
    "atlas_lp64": ("dependency('atlas')", {
        "method": "pkg-config", "int_size": "4", "lapack": "true", "cblas": "true",
        "library": f"{A}/atlas/libblas.so.3.10.3"}),
    "mkl_lp64": ("dependency('mkl', interface: 'lp64')", {
        "method": "python", "int_size": "4", "fortran_abi": "g77", "threading": "openmp", "lapacke": "true",
        "library": f"{sys.prefix}/lib/libmkl_intel_lp64.so.3"}),
    "mkl_ilp64": ("dependency('mkl', interface: 'ilp64')", {
        # the _64 names (dgemm_64_, cblas_dgemm_64), as Meson's own MKL dependency reports them
        "method": "python", "int_size": "8", "symbol_suffix": "_64", "fortran_abi": "g77",
        "library": f"{sys.prefix}/lib/libmkl_intel_ilp64.so.3"}),
    "mkl_lp64_seq": ("dependency('mkl', modules: ['interface: lp64', 'threading: seq'])", {
        "threading": "sequential", "library": f"{sys.prefix}/lib/libmkl_intel_lp64.so.3"}),
    "mkl_ilp64_gomp": ("dependency('mkl', modules: ['interface: ilp64', 'threading: gomp'])", {
        "threading": "openmp", "int_size": "8", "library": f"{sys.prefix}/lib/libmkl_intel_ilp64.so.3"}),
    "mkl_ilp64_tbb": ("dependency('mkl', interface: 'ilp64', modules: ['threading: tbb'])", {
        "threading": "tbb", "int_size": "8"}),
    "mkl_sdl": ("dependency('mkl', modules: ['sdl: true'])", {
        "int_size": "4", "fortran_abi": "g77", "library": f"{sys.prefix}/lib/libmkl_rt.so.3"}),
    # BLIS has no LAPACK: paired with the reference LAPACK, and the log says so
    "blis_lp64_with_lapack": ("dependency('blis', modules: ['lapack'])", {
        "method": "system", "lapack": "true", "int_size": "4", "library": f"{A}/blis-openmp/libblis.so.4"}),
    # MKL's own pkg-config names, as real projects ask for them: the wheel's .pc, proven like any lookup
    "mkl_pc_dynamic_lp64_seq": ("dependency('mkl-dynamic-lp64-seq')", {
        "vendor": "mkl", "name": "mkl-dynamic-lp64-seq", "threading": "sequential", "int_size": "4",
        "library": f"{sys.prefix}/lib/libmkl_intel_lp64.so.3"}),
    "mkl_pc_dynamic_ilp64_gomp": ("dependency('mkl-dynamic-ilp64-gomp')", {
        "vendor": "mkl", "name": "mkl-dynamic-ilp64-gomp", "threading": "openmp", "openmp_runtime": "gomp",
        "int_size": "8",
        "library": f"{sys.prefix}/lib/libmkl_intel_ilp64.so.3"}),
    "mkl_pc_sdl": ("dependency('mkl-sdl')", {
        "vendor": "mkl", "name": "mkl-sdl", "int_size": "4", "library": f"{sys.prefix}/lib/libmkl_rt.so.3"}),
    # the built-in order on x86-64 with the mkl extra installed: MKL (plain names), never the prefixed wheel
    "lapack_generic_ilp64": ("dependency('lapack', interface: 'ilp64')", {
        "vendor": "mkl", "symbol_prefix": "", "lapack": "true", "int_size": "8"}),
}

NOT_FOUND = {
    "atlas_ilp64": ("dependency('atlas', interface: 'ilp64', required: false)",
                    "atlas (ilp64) not found; tried: atlas ("),
    "openblas_openmp": ("dependency('openblas', modules: ['threading: openmp'], required: false)",
                        "its threading layer is pthreads, threading: openmp was requested"),
}


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict[str, str]], str]:
    lines = ["project('vendors', 'c')"]
    for label, (call, _) in MATRIX.items():
        lines.append(f"d = {call}")
        vals = " + ' ' + ".join(f"'{v}=' + d.get_variable('{v}')" for v in VARS)
        lines.append(f"message('M', '{label}', 'name=' + d.name(), {vals})")
    for label, (call, _) in NOT_FOUND.items():
        lines.append(f"message('N', '{label}', {call}.found())")
    src = write_project(tmp_path_factory.mktemp("vendors"), "\n".join(lines) + "\n")
    result = meson_blas("setup", str(src / "build"), str(src))
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output
    found = {f[0]: dict(x.split("=", 1) for x in f[1:]) for f in result.messages("M")}
    missing = {f[0]: f[1] for f in result.messages("N")}
    assert missing == dict.fromkeys(NOT_FOUND, "false")
    return found, result.stdout


@pytest.mark.parametrize("label", list(MATRIX))
def test_vendor_matrix(matrix: tuple[dict[str, dict[str, str]], str], label: str) -> None:
    found, _ = matrix
    call, expected = MATRIX[label]
    got = found[label]
    vendor = expected.get("vendor", label.split("_")[0].replace("scipy", "scipy-openblas"))
    assert got["vendor"] == vendor and got["name"] == expected.get("name", vendor), got
    assert got["verified_by"] == "run"
    for key, value in expected.items():
        assert got[key] == value, (label, key, got)
    interface = "ilp64" if "ilp64" in label or "interface: 'ilp64'" in call else "lp64"
    assert got["interface"] == interface


@pytest.mark.parametrize("label", list(NOT_FOUND))
def test_rejections_are_logged(matrix: tuple[dict[str, dict[str, str]], str], label: str) -> None:
    _, stdout = matrix
    assert NOT_FOUND[label][1] in stdout


def test_blas_only_vendor_pairing_is_logged(matrix: tuple[dict[str, dict[str, str]], str]) -> None:
    _, stdout = matrix
    assert "blis via system library -lblis: no LAPACK of its own (no lapack (dgesv_ missing))" in stdout
    assert f"blis has no LAPACK: paired with LAPACK from netlib ({A}/lapack/liblapack.so)" in stdout


def test_blis_alternatives_mismatch_is_reported(matrix: tuple[dict[str, dict[str, str]], str]) -> None:
    _, stdout = matrix
    assert (f"linked against {A}/blis-pthread/libblis.so.4 but dgemm runs from {A}/blis-openmp/libblis.so.4"
            in stdout)


def test_mkl_root_and_machine_file_dirs(tmp_path: Path) -> None:
    """MKLROOT pointing at the wheel prefix; a machine file naming BLIS's real directory."""
    machine = tmp_path / "native.ini"
    machine.write_text(f"[properties]\nblis_librarydir = '{A}/blis-pthread'\n")
    src = write_project(tmp_path / "src", """
project('roots', 'c')
m = dependency('mkl', interface: 'ilp64', method: 'pkg-config', modules: ['threading: seq'])
message('MKL', m.get_variable('method'), m.get_variable('library'))
b = dependency('blis')
message('BLIS', b.get_variable('library'))
""")
    result = meson_blas("setup", "--native-file", str(machine), str(src / "build"), str(src),
                        env={"MKLROOT": sys.prefix})
    assert result.returncode == 0, result.output
    assert result.messages("MKL") == [["pkg-config", f"{sys.prefix}/lib/libmkl_intel_ilp64.so.3"]]
    # linked from the pthread directory with Meson's build rpath: the pthread build runs
    assert result.messages("BLIS") == [[f"{A}/blis-pthread/libblis.so.4"]]


def test_static_openblas_is_probed_from_the_archive(tmp_path: Path) -> None:
    """static: true links the .a; the probe must pull the probed symbols out of the archive."""
    src = write_project(tmp_path / "src", """project('static', 'c')
d = dependency('openblas', static: true)
message('S', d.get_variable('method'), d.get_variable('library'), d.get_variable('int_size'))
executable('axpy', 'axpy.c', dependencies: d)
""", {"axpy.c": """#include <blas_mangling.h>
void BLAS_FUNC(daxpy)(const blas_int *, const double *, const double *, const blas_int *, double *,
                      const blas_int *);
int main(void) { double x[1] = {1}, y[1] = {1}, a = 2; blas_int n = 1;
                 BLAS_FUNC(daxpy)(&n, &a, x, &n, y, &n); return y[0] == 3 ? 0 : 1; }
"""})
    build = src / "build"
    result = meson_blas("setup", str(build), str(src))
    assert result.returncode == 0, result.output
    assert result.messages("S") == [["pkg-config", f"{A}/openblas-pthread/libopenblasp-r0.3.21.a", "4"]]
    assert meson_blas("compile", "-C", str(build)).returncode == 0
    assert run([str(build / "axpy")]).returncode == 0
    assert "openblas" not in run(["ldd", str(build / "axpy")]).stdout  # really static


def test_static_library_names_the_archive_that_defines_dgemm(tmp_path: Path) -> None:
    """-llapacke -llapack -lblas as archives: ``library`` is the archive the linker took dgemm_ from (its
    trace), not the first archive of the line (liblapacke.a)."""
    src = write_project(tmp_path / "src", """project('static', 'c')
d = dependency('netlib', static: true, modules: ['lapacke'])
message('S', d.get_variable('library'))
""")
    result = meson_blas("setup", str(src / "build"), str(src))
    assert result.returncode == 0, result.output
    ((library,),) = result.messages("S")
    assert library.endswith(".a") and "lapacke" not in os.path.basename(library), library
    assert library in {os.path.realpath(f"{A}/liblapack.a"), os.path.realpath(f"{A}/libblas.a")}, library
    assert f"statically linked: dgemm_ from {library} (the linker's trace)" in result.stdout, result.stdout


def test_archive_definitions_from_the_linkers_trace() -> None:
    from mesonbuild_blas.probes import archive_definitions

    trace = ("/usr/bin/ld: /opt/x/liblapack.a(dgemm.o): definition of dgemm_\n"
             "/usr/bin/ld: /tmp/probe.o: reference to dgemm_\n"
             "/opt/y/libblas.so: definition of daxpy_\n")
    assert archive_definitions(trace) == [("dgemm_", "/opt/x/liblapack.a")]


def test_blas_symbol_suffix_option_still_chooses_mkl_names(tmp_path: Path) -> None:
    """MKL ILP64 reports its _64 names by default; the project's blas-symbol-suffix option still chooses."""
    src = write_project(tmp_path, """project('suffix', 'c')
d = dependency('mkl', interface: 'ilp64', modules: ['cblas'])
message('S', d.get_variable('symbol_suffix'), d.get_variable('fortran_symbol_dgemm'), d.get_variable('int_size'))
""", {"meson.options": "option('blas-symbol-suffix', type: 'string', value: 'auto')\n"})
    result = meson_blas("setup", str(src / "build"), str(src))
    assert result.returncode == 0, result.output
    assert result.messages("S") == [["_64", "dgemm_64_", "8"]], result.stdout
    plain = meson_blas("setup", str(src / "plain"), str(src), "-Dblas-symbol-suffix=")
    assert plain.returncode == 0, plain.output
    assert "Message: S  dgemm_ 8" in plain.stdout, plain.stdout  # the empty suffix
