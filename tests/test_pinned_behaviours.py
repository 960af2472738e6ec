"""Behaviours that no test pinned down before (issue 24, item 9): each test here fails when one breaks.

Real Meson runs against the installed libraries where a behaviour is Meson's (options, OpenMP order,
pkg-config export); plain Python where it is not (the Fortran adapter's names, bench rows, clashes).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import BIN, meson_blas, run, write_project

from mesonbuild_blas.bench import BenchRow
from mesonbuild_blas.conflicts import symbol_clash
from mesonbuild_blas.fortran import open_library, plan_adapter
from mesonbuild_blas.fortran.conventions import COMPILERS, GFORTRAN
from mesonbuild_blas.header import render_header
from mesonbuild_blas.naming import Scheme
from mesonbuild_blas.records import replace
from mesonbuild_blas.result import BlasInfo, as_interface

A = "/usr/lib/x86_64-linux-gnu"
FAKE = Path(__file__).parent / "fixtures" / "fortran" / "fake_conventions.c"


def _info(vendor: str, interface: str, library: str, **changes: object) -> BlasInfo:
    info = BlasInfo(vendor=vendor, interface=as_interface(interface), symbol_prefix="", symbol_suffix="",
                    fortran_symbol_dgemm="dgemm_", cblas_symbol_dgemm="cblas_dgemm", cblas=True, lapack=True,
                    lapacke=False, cblas_header="cblas.h", fortran_abi="gfortran",
                    int_size=8 if interface == "ilp64" else 4, threading="pthreads", lapack_version="3.11.0",
                    method="pkg-config", library=library, verified_by="run", version="3.11.0")
    return replace(info, **changes)


# ---- options deciding a lookup ---------------------------------------------------------------------------
OPTIONS = """option('blas', type: 'string', value: 'auto')
option('lapack', type: 'string', value: 'auto')
option('blas-order', type: 'array', value: [])
option('lapack-order', type: 'array', value: [])
option('mkl-threading', type: 'string', value: 'auto')
"""


@pytest.mark.meson
@pytest.mark.parametrize(("options", "lapacke_vendor"), [
    (("-Dlapack=netlib",), "netlib"),
    # ATLAS has no LAPACKE: lapack-order goes on to the next vendor
    (("-Dlapack-order=atlas,netlib",), "netlib"),
    (("-Dlapack-order=openblas", "-Dblas=atlas"), None),  # Debian's OpenBLAS has no LAPACKE either
])
def test_lapack_options_decide_lapacke_and_leave_blas_alone(tmp_path: Path, options: tuple[str, ...],
                                                            lapacke_vendor: str | None) -> None:
    src = write_project(tmp_path, """project('o', 'c')
b = dependency('blas', required: false)
e = dependency('lapacke', required: false)
message('V', b.found() ? b.get_variable('vendor') : 'none', e.found() ? e.get_variable('vendor') : 'none')
""", {"meson.options": OPTIONS})
    result = meson_blas("setup", str(src / "build"), str(src), *options)
    assert result.returncode == 0, result.output
    ((blas, lapacke),) = result.messages("V")
    assert lapacke == (lapacke_vendor or "none"), result.stdout
    # the blas options decide dependency('blas'); the lapack ones do not
    assert blas == ("atlas" if "-Dblas=atlas" in options else "mkl"), result.stdout


@pytest.mark.meson
def test_mkl_threading_option_gives_the_gnu_openmp_layer(tmp_path: Path) -> None:
    src = write_project(tmp_path, """project('o', 'c')
m = dependency('mkl')
message('M', m.get_variable('threading'), m.get_variable('openmp_runtime'), m.get_variable('library'))
""", {"meson.options": OPTIONS})
    result = meson_blas("setup", str(src / "build"), str(src), "-Dmkl-threading=gomp")
    assert result.returncode == 0, result.output
    ((threading, runtime, _library),) = result.messages("M")
    assert (threading, runtime) == ("openmp", "gomp"), result.stdout
    intro = run([str(BIN / "meson"), "introspect", "--dependencies", str(src / "build")])
    assert "libmkl_gnu_thread" in intro.stdout and "libmkl_intel_thread" not in intro.stdout, intro.stdout


@pytest.mark.meson
def test_openmp_mix_is_said_when_dependency_openmp_comes_after_the_blas(tmp_path: Path) -> None:
    src = write_project(tmp_path, """project('o', 'c')
b = dependency('mkl', modules: ['threading: iomp'])
omp = dependency('openmp')
""")
    result = meson_blas("setup", str(src / "build"), str(src))
    assert result.returncode == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "OpenMP runtime mix" in ln]
    assert len(lines) == 1 and "libiomp5" in lines[0] and "libgomp" in lines[0], result.output


# ---- the header's integer limits ---------------------------------------------------------------------------
@pytest.mark.parametrize("interface", ["lp64", "ilp64"])
def test_blas_int_limits_match_blas_int(tmp_path: Path, interface: str) -> None:
    """BLAS_INT_MIN/BLAS_INT_MAX are the limits of blas_int, for either interface (checked by the compiler)."""
    info = _info("openblas", interface, f"{A}/libopenblas.so.0")
    (tmp_path / "blas_mangling.h").write_text(render_header(info))
    bits = 64 if interface == "ilp64" else 32
    (tmp_path / "limits.c").write_text(f"""#include "blas_mangling.h"
_Static_assert(sizeof(blas_int) * 8 == {bits}, "blas_int width");
_Static_assert(BLAS_INT_MAX == (blas_int)(((unsigned long long)1 << {bits - 1}) - 1), "max");
_Static_assert(BLAS_INT_MIN == -BLAS_INT_MAX - 1, "min");
_Static_assert((blas_int)(BLAS_INT_MAX + 0) > 0 && (blas_int)BLAS_INT_MIN < 0, "signed");
int main(void) {{ return 0; }}
""")
    built = subprocess.run(["cc", "-std=c11", "-c", "-o", str(tmp_path / "limits.o"), str(tmp_path / "limits.c")],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr


# ---- pkgconfig export of MKL's threading variants --------------------------------------------------------------
@pytest.mark.meson
def test_pkgconfig_writes_each_mkl_threading_variant_with_its_layer(tmp_path: Path) -> None:
    out = tmp_path / "pc"
    result = run([str(BIN / "mesonbuild-blas"), "pkgconfig", "-o", str(out), "--vendor", "mkl",
                  "--interface", "lp64"])
    assert result.returncode == 0, result.output
    layers = {"iomp": "libmkl_intel_thread", "seq": "libmkl_sequential", "gomp": "libmkl_gnu_thread",
              "tbb": "libmkl_tbb_thread"}
    for token, layer in layers.items():
        text = (out / f"mkl-dynamic-lp64-{token}.pc").read_text()
        libs = next(line for line in text.splitlines() if line.startswith("Libs:"))
        assert layer in libs, (token, libs)
        assert all(other not in libs for other in layers.values() if other != layer), (token, libs)


# ---- the Fortran adapter's names for another compiler --------------------------------------------------------
def test_adapter_names_follow_the_consumers_compiler(tmp_path: Path) -> None:
    """Intel's Windows compilers emit DGEMM (upper case, no underscore): the adapter defines those names."""
    lib = tmp_path / "libfake.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", str(lib), str(FAKE), "-DF2C_PREFIXED"], check=True)
    libraries = [open_library(str(lib))]
    intel = plan_adapter(Scheme("fk_", ""), GFORTRAN, COMPILERS["intel-cl"], libraries)
    gnu = plan_adapter(Scheme("fk_", ""), GFORTRAN, GFORTRAN, libraries)
    assert intel.routines()["dgemm"] == "DGEMM" and gnu.routines()["dgemm"] == "dgemm_"
    assert {t.target for t in intel.trampolines} <= {t.target for t in gnu.trampolines}


# ---- bench rows with a wrong result ------------------------------------------------------------------------------
LIBRARY = "/nonexistent/libopenblas.so.0"  #: not a link: the file the timing ran is the one verified


def _row(check: str, gflops: float) -> BenchRow:
    seconds = 2 * 512**3 / gflops / 1e9
    return BenchRow(vendor="openblas", interface="lp64", library=LIBRARY, n=512, threads=1,
                    gflops=gflops, peak_fraction=gflops / 100, seconds=seconds, check=check, all_seconds=(seconds,))


def test_a_bench_row_with_a_wrong_result_never_counts_as_a_speed(monkeypatch: pytest.MonkeyPatch) -> None:
    from mesonbuild_blas import bench, verify
    from mesonbuild_blas.bench.output import format_bench_table
    from mesonbuild_blas.search import Candidate

    info = _info("openblas", "lp64", LIBRARY)
    monkeypatch.setattr(bench, "estimate_peak", lambda *a, **k: None)
    cand = Candidate("pkg-config", "pkg-config openblas", (), ("-lopenblas",))
    for rows, expected in (([_row("wrong", 99.0), _row("ok", 7.0)], 7.0), ([_row("wrong", 99.0)], None)):
        monkeypatch.setattr(bench, "run_bench", lambda *a, rows=rows, **k: rows)
        timed = verify.time_dgemm(cand, info, None, lambda _m: None, lambda _m: None)
        assert timed.info.dgemm_gflops == expected
        assert (max(timed.samples) if timed.samples else None) == expected
    table = format_bench_table([_row("wrong", 99.0)], None)
    assert "99.0" not in table and "wrong" in table


# ---- the clash warning for two files of one vendor -------------------------------------------------------------
def test_two_files_of_one_vendor_clash() -> None:
    """Two different OpenBLAS builds (pthreads and OpenMP) export the same names: one process, one of them."""
    pthread = _info("openblas", "lp64", f"{A}/openblas-pthread/libopenblasp-r0.3.21.so")
    openmp = _info("openblas", "lp64", f"{A}/openblas-openmp/libopenblasp-r0.3.21.so")
    message = symbol_clash(pthread, openmp)
    assert message is not None and pthread.library in message and openmp.library in message
    assert symbol_clash(pthread, pthread) is None  # the same file asked for twice


# ---- the probe links as the project's programs do ----------------------------------------------------------------
@pytest.mark.meson
def test_the_probe_links_with_the_projects_link_flags(tmp_path: Path) -> None:
    """c_link_args (and LDFLAGS, which Meson folds into them) reach the probe: -static makes a shared
    library unlinkable for the project's programs, so the probe rejects it and names the linker's reason."""
    src = write_project(tmp_path, "project('lf', 'c')\nd = dependency('openblas', required: false)\n"
                                  "message('F', d.found())\n")
    result = meson_blas("setup", str(src / "build"), str(src), "-Dc_link_args=-static")
    assert result.returncode == 0, result.output
    assert result.messages("F") == [["false"]], result.stdout
    assert "attempted static link of dynamic object" in result.stdout, result.stdout
    plain = meson_blas("setup", str(src / "plain"), str(src))
    assert plain.messages("F") == [["true"]], plain.stdout


@pytest.mark.meson
def test_the_probe_links_with_the_linker_meson_chose(tmp_path: Path) -> None:
    """CC_LD=gold: Meson links with -fuse-ld=gold, and so does the probe (a gold-only flag in c_link_args would
    otherwise make the probe's GNU ld reject every library the project's programs link fine)."""
    src = write_project(tmp_path, "project('lf', 'c')\nd = dependency('openblas', required: false)\n"
                                  "message('F', d.found())\n")
    result = meson_blas("setup", str(src / "build"), str(src), "-Dc_link_args=-Wl,--threads", env={"CC_LD": "gold"})
    assert result.returncode == 0, result.output
    assert "ld.gold" in result.stdout and result.messages("F") == [["true"]], result.stdout
