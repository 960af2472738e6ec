"""Verified where users build: Linux aarch64 and s390x under qemu-user, Windows x86-64 under Wine.

Real cross compilers, Debian's multiarch BLAS packages, the scipy-openblas wheels for the
host machine (fetched by pip), ``meson-blas setup`` with the emulator as the cross file's
``exe_wrapper``: every library is proven by running the probe on the emulated machine
(``verified_by=run``, the right integer width), and ``test-projects/blas-c`` is built and
run there.  Tools come from ``ci/install-cross.sh``; without them these tests skip locally
and fail in CI (``CI=true``).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, Run, meson_blas, run, write_project
from platforms import AARCH64, S390X, WIN64, Target, host_wheel_dir, need, stop_wine, wine_session
from test_projects import expected_c_output
from wheelcache import wheel_data

from mesonbuild_blas import vendors
from mesonbuild_blas.probes import ProbeData, Toolchain, run_probe
from mesonbuild_blas.probes.interpret import interpret, probe_input
from mesonbuild_blas.result import BlasInfo

pytestmark = pytest.mark.platforms

C_PROJECT = ROOT / "test-projects" / "blas-c"

#: (dependency name, interface, keywords, vendor expected, library file below the multiarch dir)
MATRIX = {
    "lp64": [
        ("openblas", "method: 'pkg-config', modules: ['cblas', 'lapack']", "openblas",
         "openblas-pthread/libopenblasp-r0.3.21.so"),
        ("openblas", "method: 'system'", "openblas", "openblas-pthread/libopenblasp-r0.3.21.so"),
        ("blis", "", "blis", "libblis.so.4"),
        ("netlib", "method: 'system', modules: ['lapack']", "netlib", "blas/libblas.so.3.11.0"),
        ("blas", "modules: ['cblas', 'lapack']", "openblas", "openblas-pthread/libopenblasp-r0.3.21.so"),
    ],
    "ilp64": [
        ("openblas", "method: 'pkg-config', modules: ['cblas', 'lapack']", "openblas",
         "openblas64-pthread/libopenblas64p-r0.3.21.so"),
        ("openblas", "method: 'system'", "openblas", "openblas64-pthread/libopenblas64p-r0.3.21.so"),
        ("netlib", "method: 'system', modules: ['lapack']", "netlib", "blas64/libblas64.so.3.11.0"),
        ("blas", "modules: ['cblas', 'lapack']", "openblas", "openblas64-pthread/libopenblas64p-r0.3.21.so"),
    ],
}

FIELDS = ("vendor", "verified_by", "int_size", "int_size_verified_by", "fortran_abi", "library")


def matrix_project(where: Path, interface: str, entries: list[tuple[str, str, str, str]]) -> Path:
    lines = ["project('platform-matrix', 'c')"]
    for i, (name, kwargs, _vendor, _lib) in enumerate(entries):
        extra = f", {kwargs}" if kwargs else ""
        lines.append(f"d = dependency('{name}', interface: '{interface}'{extra}, required: false)")
        values = ", ".join(f"d.get_variable('{f}')" for f in FIELDS)
        lines.append(f"message('M{i}', d.found() ? ' '.join([{values}]) : 'not-found')")
    return write_project(where, "\n".join(lines) + "\n")


def setup(target: Target, src: Path, build: Path, *options: str, properties: dict[str, str] | None = None) -> Run:
    cross = build.parent / f"cross-{target.name}.ini"  # next to the build dir, never in a source tree
    cross.write_text(target.cross_file(properties))
    result = meson_blas("setup", "--cross-file", str(cross), str(build), str(src), *options)
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output, result.output
    return result


def matrix_cases() -> list[object]:
    cases: list[object] = []
    for target in (AARCH64, S390X):
        for interface in ("lp64", "ilp64"):
            cases.append(pytest.param(target, interface, id=f"{target.name}-{interface}"))
    return cases


@pytest.mark.parametrize(("target", "interface"), matrix_cases())
def test_vendor_matrix_under_qemu(tmp_path: Path, target: Target, interface: str) -> None:
    """Every Debian multiarch library of the target, proven by running the probe under qemu."""
    target.check()
    entries = MATRIX[interface]
    src = matrix_project(tmp_path / "src", interface, entries)
    result = setup(target, src, tmp_path / "build")
    assert "file in wrong format" not in result.output  # the build machine's wheels are not tried
    size = "8" if interface == "ilp64" else "4"
    for i, (name, kwargs, vendor, lib) in enumerate(entries):
        (fields,) = result.messages(f"M{i}")
        assert fields != ["not-found"], f"{name} ({kwargs}) not found for {target.name}:\n{result.stdout}"
        got = dict(zip(FIELDS, fields, strict=True))
        assert (got["vendor"], got["verified_by"], got["int_size"], got["int_size_verified_by"]) == (
            vendor, "run", size, "run"), (name, kwargs, got)
        assert got["fortran_abi"] == target.fortran_abi, (name, got)
        assert got["library"].startswith(target.libdir + "/") and got["library"].endswith(lib), (name, got)


def test_build_machine_wheels_not_tried_for_another_host(tmp_path: Path) -> None:
    """Cross to aarch64: the x86-64 wheels of the Python running Meson are skipped, with the reason."""
    AARCH64.check()
    src = write_project(tmp_path / "src", """project('w', 'c')
d = dependency('scipy-openblas', interface: 'ilp64', required: false)
message('F', d.found().to_string())
""")
    result = setup(AARCH64, src, tmp_path / "build")
    assert result.messages("F") == [["false"]]
    assert "file in wrong format" not in result.output
    assert ("the Python running Meson has them for the build machine, not this aarch64 linux host: name a "
            "directory made with pip install --target DIR --platform <tag> in the machine-file property "
            "blas_wheeldir") in result.stdout


@pytest.mark.parametrize("interface", ["lp64", "ilp64"])
def test_aarch64_wheels_from_blas_wheeldir(tmp_path: Path, interface: str) -> None:
    """scipy-openblas32/64 manylinux aarch64 wheels, named by the machine file, proven under qemu."""
    AARCH64.check()
    wheels = host_wheel_dir(AARCH64)
    src = write_project(tmp_path / "src", f"""project('w', 'c')
d = dependency('scipy-openblas', interface: '{interface}', modules: ['cblas', 'lapack', 'lapacke'])
message('F', ' '.join([{", ".join(f"d.get_variable('{f}')" for f in FIELDS)}]))
""")
    result = setup(AARCH64, src, tmp_path / "build", properties={"blas_wheeldir": str(wheels)})
    (fields,) = result.messages("F")
    got = dict(zip(FIELDS, fields, strict=True))
    size = "8" if interface == "ilp64" else "4"
    lib = "libscipy_openblas64_.so" if interface == "ilp64" else "libscipy_openblas.so"
    assert (got["vendor"], got["verified_by"], got["int_size"]) == ("scipy-openblas", "run", size), got
    assert got["library"].startswith(str(wheels.resolve())) and got["library"].endswith(lib), got


#: test-projects/blas-c per target: (vendor, interface)
BLAS_C = [(AARCH64, "openblas", "lp64"), (AARCH64, "openblas", "ilp64"), (AARCH64, "netlib", "ilp64"),
          (AARCH64, "blis", "lp64"), (S390X, "openblas", "ilp64"), (S390X, "netlib", "ilp64"),
          (S390X, "netlib", "lp64")]


def run_blas_c(target: Target, tmp_path: Path, vendor: str, interface: str, shown: str,
               properties: dict[str, str] | None = None, run_env: dict[str, str] | None = None) -> None:
    """Configure, build and run test-projects/blas-c for ``target`` (the program runs under the wrapper)."""
    build = tmp_path / "build"
    result = setup(target, C_PROJECT, build, f"-Dvendor={vendor}", f"-Dinterface={interface}", properties=properties)
    found = [ln for ln in result.stdout.splitlines() if "Run-time dependency" in ln and "found: YES" in ln]
    assert len(found) == 1 and f"({shown}, {interface}," in found[0], result.stdout
    compiled = meson_blas("compile", "-C", str(build))
    assert compiled.returncode == 0, compiled.output
    tested = meson_blas("test", "-C", str(build), "--verbose")
    assert tested.returncode == 0, tested.output
    assert re.search(r"^Ok:\s+1\s*$", tested.stdout, re.M), tested.stdout
    exe = next(p for p in build.iterdir() if p.name.startswith("blas_checks") and p.suffix in ("", ".exe"))
    program = run([*target.wrapper, str(exe)], env=run_env)
    assert program.returncode == 0, program.output
    expected = expected_c_output(shown, interface)
    if target.fortran_abi == "unverified":  # blas_mangling.h leaves zdotc_ alone: the program uses CBLAS
        expected = [ln if not ln.startswith("zdotc ok") else "zdotc ok (cblas_zdotc_sub)" for ln in expected]
    assert [ln.rstrip("\r") for ln in program.stdout.splitlines()] == expected


def blas_c_cases() -> list[object]:
    cases: list[object] = []
    for target, vendor, interface in BLAS_C:
        cases.append(pytest.param(target, vendor, interface, id=f"{target.name}-{vendor}-{interface}"))
    return cases


@pytest.mark.parametrize(("target", "vendor", "interface"), blas_c_cases())
def test_blas_c_under_qemu(tmp_path: Path, target: Target, vendor: str, interface: str) -> None:
    target.check()
    run_blas_c(target, tmp_path, vendor, interface, vendor)


# ---- Windows x86-64: mingw-w64 + Wine, the scipy-openblas win_amd64 wheels -------------------------------------------


@pytest.fixture(scope="module")
def wine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A Wine prefix for this module, its variables set in this process (the tests' Meson runs inherit them)."""
    WIN64.check()
    env = wine_session(tmp_path_factory.mktemp("wine"))
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield env
    stop_wine(env)
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="module")
def win_wheels(wine: dict[str, str]) -> Path:
    return host_wheel_dir(WIN64)


WIN_LIBS = {"lp64": "scipy_openblas32/lib/libscipy_openblas.dll",
            "ilp64": "scipy_openblas64/lib/libscipy_openblas64_.dll"}


@pytest.mark.parametrize("interface", ["lp64", "ilp64"])
def test_windows_wheels_proven_under_wine(tmp_path: Path, win_wheels: Path, interface: str) -> None:
    """The win_amd64 wheels (DLL + import library) found through blas_wheeldir and proven by running the probe."""
    src = write_project(tmp_path / "src", f"""project('w', 'c')
d = dependency('blas', interface: '{interface}', modules: ['cblas', 'lapack', 'lapacke'])
message('F', ' '.join([{", ".join(f"d.get_variable('{f}')" for f in FIELDS)}]))
""")
    result = setup(WIN64, src, tmp_path / "build", properties={"blas_wheeldir": str(win_wheels)})
    (fields,) = result.messages("F")
    got = dict(zip(FIELDS, fields, strict=True))
    size = "8" if interface == "ilp64" else "4"
    assert (got["vendor"], got["verified_by"], got["int_size"], got["int_size_verified_by"], got["fortran_abi"]) == (
        "scipy-openblas", "run", size, "run", "gfortran"), got
    assert got["library"] == str((win_wheels / WIN_LIBS[interface]).resolve()), got
    assert "dgemm runs from" not in result.stdout  # the import library and its DLL are one library


@pytest.mark.parametrize("interface", ["lp64", "ilp64"])
def test_blas_c_under_wine(tmp_path: Path, win_wheels: Path, interface: str) -> None:
    lib_dir = (win_wheels / WIN_LIBS[interface]).parent
    run_blas_c(WIN64, tmp_path, "scipy-openblas", interface, "scipy-openblas",
               properties={"blas_wheeldir": str(win_wheels)}, run_env={"WINEPATH": "Z:" + str(lib_dir)})


MKL_WIN_VERSION = "2026.2.0"
#: what the MKL Windows wheels' data files hold that the tests use (installed as pip does: below Library/)
_MKL_WIN_KEEP = re.compile(r"Library/lib/pkgconfig/mkl-.*\.pc|Library/include/.+"
                           r"|Library/lib/mkl_(rt|core_dll|sequential_dll|intel_i?lp64_dll)\.lib"
                           r"|Library/bin/(mkl_(rt|core|intel_thread|sequential|def|mc3|avx\w*|vml_\w+)\.\d+|libiomp5md)\.dll")


@pytest.fixture(scope="module")
def win_mkl(wine: dict[str, str]) -> Path:
    """The real win_amd64 mkl-devel, mkl, mkl-include and intel-openmp wheels, laid out as pip --target does."""
    where, error = wheel_data(f"mkl-{MKL_WIN_VERSION}-win_amd64", [
        f"{name}=={MKL_WIN_VERSION}" for name in ("mkl-devel", "mkl", "mkl-include", "intel-openmp")],
        "win_amd64", lambda path: bool(_MKL_WIN_KEEP.fullmatch(path)))
    if error:
        need(f"pip could not fetch the mkl {MKL_WIN_VERSION} win_amd64 wheels: {error}")
    return where


MSVC_CAUSE = "the library holds static code compiled by MSVC, which needs MSVC's C runtime (/GS)"


def test_mkl_windows_wheels_lp64_through_mkl_rt_under_wine(tmp_path: Path, win_mkl: Path) -> None:
    """mkl-devel's Windows layout (Library/lib/pkgconfig, import libraries, DLLs in Library/bin) found through
    blas_wheeldir: MinGW cannot link the MSVC-compiled interface layers (rejected, with the cause), so the
    lookup falls back to the single dynamic library mkl_rt, proven under Wine; blas-c builds and runs on it."""
    bin_dir = win_mkl / "Library" / "bin"
    run_blas_c(WIN64, tmp_path, "mkl", "lp64", "mkl", properties={"blas_wheeldir": str(win_mkl)},
               run_env={"WINEPATH": "Z:" + str(bin_dir)})
    log = (tmp_path / "build" / "meson-logs" / "meson-log.txt").read_text()
    assert re.search(r"rejected mkl via .*mkl-dynamic-lp64-seq\.pc: .*__security_cookie", log), log
    assert MSVC_CAUSE in log


def test_mkl_windows_wheels_facts_under_wine(tmp_path: Path, win_mkl: Path) -> None:
    fields = (*FIELDS, "threading", "threading_source", "openmp_runtime")
    src = write_project(tmp_path / "src", f"""project('w', 'c')
d = dependency('mkl', modules: ['cblas', 'lapack', 'lapacke'])
message('F', ' '.join([{", ".join(f"d.get_variable('{f}')" for f in fields)}]))
e = dependency('mkl', interface: 'ilp64', required: false)
message('ILP64', e.found())
""")
    result = setup(WIN64, src, tmp_path / "build", properties={"blas_wheeldir": str(win_mkl)})
    (values,) = result.messages("F")
    got = dict(zip(fields, values, strict=True))
    assert (got["vendor"], got["verified_by"], got["int_size"], got["int_size_verified_by"], got["fortran_abi"]) == (
        "mkl", "run", "4", "run", "g77"), got
    # the import library's DLL (mkl_rt.lib stands for mkl_rt.3.dll), the threading layer it loaded at run time
    assert got["library"] == str((win_mkl / "Library" / "bin" / "mkl_rt.3.dll").resolve()), got
    assert (got["threading"], got["threading_source"], got["openmp_runtime"]) == ("openmp", "probe", "iomp5"), got
    assert "dgemm runs from" not in result.stdout
    # ILP64: only the split layers have it, and MinGW cannot link them (the reason is in the log)
    assert result.messages("ILP64") == [["false"]], result.stdout
    assert re.search(r"rejected mkl via .*mkl-dynamic-ilp64-seq\.pc: .*__security_cookie", result.stdout)


CRASHING_DLL = r"""
/* LP64 dgemm_/daxpy_ that work, a cdotc_ that crashes: the probe must survive it */
#include <string.h>
__declspec(dllexport) void daxpy_(int *n, double *a, double *x, int *incx, double *y, int *incy)
{ for (int i = 0; i < *n; i++) y[i * *incy] += *a * x[i * *incx]; }
__declspec(dllexport) void dgemm_(const char *ta, const char *tb, int *m, int *n, int *k, double *alpha,
    double *a, int *lda, double *b, int *ldb, double *beta, double *c, int *ldc)
{
    (void)ta; (void)tb;
    for (int j = 0; j < *n; j++)
        for (int i = 0; i < *m; i++) {
            double s = 0;
            for (int l = 0; l < *k; l++) s += a[i + l * *lda] * b[l + j * *ldb];
            c[i + j * *ldc] = *alpha * s + *beta * c[i + j * *ldc];
        }
}
__declspec(dllexport) float cdotc_(void) { volatile int *p = 0; return (float)*p; }
"""


def _probe_mingw_dll(tmp_path: Path, name: str, source: str) -> tuple[Path, ProbeData]:
    """Build ``source`` as lib<name>.dll with MinGW and run the probe (netlib's LP64 spellings) under Wine."""
    (tmp_path / f"{name}.c").write_text(source)
    dll = tmp_path / f"lib{name}.dll"
    subprocess.run([f"{WIN64.triplet}-gcc", "-shared", "-O1", "-o", str(dll), str(tmp_path / f"{name}.c"),
                    f"-Wl,--out-implib,{tmp_path / f'lib{name}.dll.a'}"], check=True, capture_output=True)
    toolchain = Toolchain(cc=(f"{WIN64.triplet}-gcc",), identity="mingw-test", run_wrapper=WIN64.wrapper,
                          gnu_ld=False, host_system="windows")
    vendor = vendors.BY_NAME["netlib"]
    data = run_probe(toolchain, [], [f"-L{tmp_path}", f"-l{name}"], probe_input(vendor, vendor.schemes("lp64")),
                     cache_dir=tmp_path / "cache")
    return dll, data


def test_windows_probe_survives_a_crash(tmp_path: Path, wine: dict[str, str]) -> None:
    """Win32 crash isolation: a crashing question (re-run of the probe) is reported, the probe completes."""
    dll, data = _probe_mingw_dll(tmp_path, "crash", CRASHING_DLL)
    assert data.complete
    assert data.result("s0", "cdotc_registers") == "crash:0xc0000005", data.results
    assert data.file_of("s0", "dgemm") == str(dll)  # Wine's Z:\ path mapped back
    vendor = vendors.BY_NAME["netlib"]
    info = interpret(vendor, "lp64", frozenset(), vendor.schemes("lp64"), data, method="system")
    assert isinstance(info, BlasInfo), info
    assert (info.int_size, info.verified_by, info.fortran_abi) == (4, "run", "unverified")


HOSTILE_DLL = r"""
/* LP64 daxpy_/dgemm_ that work but print forged answers (on load, and from dgemm_); an sdot_
 * that never returns; a dgesv_ that calls the DLL's own xerbla_, which exits */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>
__declspec(dllexport) void daxpy_(int *n, double *a, double *x, int *incx, double *y, int *incy)
{ for (int i = 0; i < *n; i++) y[i * *incy] += *a * x[i * *incx]; }
__declspec(dllexport) void dgemm_(const char *ta, const char *tb, int *m, int *n, int *k, double *alpha,
    double *a, int *lda, double *b, int *ldb, double *beta, double *c, int *ldc)
{
    (void)ta; (void)tb;
    printf("R s0 dgemm wrong\n");
    fflush(stdout);
    for (int j = 0; j < *n; j++)
        for (int i = 0; i < *m; i++) {
            double s = 0;
            for (int l = 0; l < *k; l++) s += a[i + l * *lda] * b[l + j * *ldb];
            c[i + j * *ldc] = *alpha * s + *beta * c[i + j * *ldc];
        }
}
__declspec(dllexport) void xerbla_(const char *name, int *info, size_t len)
{ (void)name; (void)info; (void)len; exit(0); }
__declspec(dllexport) void dgesv_(int *n, int *nrhs, double *a, int *lda, int *ipiv, double *b, int *ldb, int *info)
{ (void)n; (void)nrhs; (void)a; (void)lda; (void)ipiv; (void)b; (void)ldb; *info = -1; xerbla_("DGESV ", info, 6); }
__declspec(dllexport) float sdot_(int *n, float *x, int *incx, float *y, int *incy)
{ (void)n; (void)x; (void)incx; (void)y; (void)incy; for (;;) Sleep(1000); }
BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID p)
{
    (void)h; (void)p;
    if (reason == DLL_PROCESS_ATTACH) { printf("R s0 int_width 8\n"); fflush(stdout); }
    return TRUE;
}
"""


def test_windows_probe_time_limit_token_and_own_xerbla(tmp_path: Path, wine: dict[str, str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Win32 question re-runs keep the probe's guarantees: a hanging call is killed at the
    per-question limit, printed lines cannot forge answers, and a DLL's own exiting xerbla_
    (a PE program cannot interpose on it) makes LAPACK unverified, not run."""
    monkeypatch.setenv("MESONBUILD_BLAS_PROBE_TIMEOUT", "3")
    dll, data = _probe_mingw_dll(tmp_path, "hostile", HOSTILE_DLL)
    assert data.complete
    got = data.results["s0"]
    assert (got["int_width"], got["dgemm"]) == ("4", "ok"), got  # the forged lines carry no token
    assert got["sdot_float"] == got["sdot_double"] == "timeout:3000", got
    assert got["dgesv"] == "noanswer:0", got
    assert str(dll) in data.loaded  # the loaded-module list, Wine's Z:\ path mapped back
    assert not any(f.endswith("blas_probe.exe") for f in data.loaded)
    vendor = vendors.BY_NAME["netlib"]
    info = interpret(vendor, "lp64", frozenset(), vendor.schemes("lp64"), data, method="system")
    assert isinstance(info, BlasInfo), info
    assert (info.int_size, info.verified_by, info.lapack, info.lapack_verified_by) == (4, "run", True, "unverified")
    assert "lapack unverified: dgesv_ ended the probe without an answer (exit status 0)" in info.notes
