"""The run-time probe against real libraries, without Meson."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from mesonbuild_blas import vendors
from mesonbuild_blas.probes import ProbeBuildError, Toolchain, run_probe
from mesonbuild_blas.probes.interpret import Rejection, interpret, probe_input
from mesonbuild_blas.result import BlasInfo
from mesonbuild_blas.wheels import installed_wheels

CC = Toolchain(cc=("cc",), identity="test-cc")


def pkgconfig_libs(name: str) -> list[str]:
    if shutil.which("pkg-config") is None:
        pytest.fail("pkg-config is required (ci/install-zoo.sh installs it)")
    return subprocess.check_output(["pkg-config", "--libs", name], text=True).split()


def probe(vendor_name: str, interface: str, link: list[str], cache: Path,
          features: frozenset[str] = frozenset()) -> BlasInfo | Rejection:
    vendor = vendors.BY_NAME[vendor_name]
    schemes = vendor.schemes(interface)
    data = run_probe(CC, [], link, probe_input(vendor, schemes), cache_dir=cache)
    return interpret(vendor, interface, features, schemes, data, method="test")


def wheel_link(interface: str) -> list[str]:
    found = installed_wheels(vendors.BY_NAME["scipy-openblas"], interface, "linux")
    assert found, f"scipy-openblas wheel for {interface} not installed (pip install '.[openblas]')"
    lib = Path(found[0].link)
    return [str(lib), f"-Wl,-rpath,{lib.parent}"]


def test_debian_openblas64_is_ilp64_without_suffix(tmp_path: Path) -> None:
    info = probe("openblas", "ilp64", pkgconfig_libs("openblas64"), tmp_path)
    assert isinstance(info, BlasInfo), info
    assert (info.symbol_prefix, info.symbol_suffix, info.int_size) == ("", "", 8)
    assert info.fortran_symbol_dgemm == "dgemm_"
    assert "openblas64" in info.library
    assert info.fortran_abi == "gfortran"
    assert info.threading == "pthreads"
    assert info.lapack and info.cblas and not info.lapacke  # Debian builds with NO_LAPACKE
    assert info.verified_by == "run"


def test_lp64_library_rejected_as_ilp64_even_without_suffix(tmp_path: Path) -> None:
    outcome = probe("openblas", "ilp64", pkgconfig_libs("openblas"), tmp_path)
    assert isinstance(outcome, Rejection)
    assert "4-byte integers (LP64)" in outcome.reason and "ilp64 was requested" in outcome.reason


def test_ilp64_library_rejected_as_lp64(tmp_path: Path) -> None:
    outcome = probe("openblas", "lp64", pkgconfig_libs("openblas64"), tmp_path)
    assert isinstance(outcome, Rejection)
    assert "8-byte integers (ILP64)" in outcome.reason


def test_scipy_openblas64_prefix_and_split_suffixes(tmp_path: Path) -> None:
    info = probe("scipy-openblas", "ilp64", wheel_link("ilp64"), tmp_path)
    assert isinstance(info, BlasInfo), info
    assert info.symbol_prefix == "scipy_" and info.symbol_suffix == "64_"
    assert info.fortran_symbol_dgemm == "scipy_dgemm_64_"
    assert info.cblas_symbol_dgemm == "scipy_cblas_dgemm64_"
    assert info.lapacke and info.lapack and info.cblas
    assert info.library.endswith("libscipy_openblas64_.so")
    assert info.version.startswith("0.3.")


def test_scipy_openblas32(tmp_path: Path) -> None:
    info = probe("scipy-openblas", "lp64", wheel_link("lp64"), tmp_path)
    assert isinstance(info, BlasInfo), info
    assert (info.symbol_prefix, info.symbol_suffix, info.int_size) == ("scipy_", "", 4)


def test_missing_lapacke_rejects_when_requested(tmp_path: Path) -> None:
    outcome = probe("openblas", "lp64", pkgconfig_libs("openblas"), tmp_path, frozenset({"lapacke"}))
    assert isinstance(outcome, Rejection)
    assert "LAPACKE_dgesv missing" in outcome.reason


FAKE_BLAS = r"""
#include <stdint.h>
typedef INT blas_int;
void daxpy_(const blas_int *n, const double *a, const double *x, const blas_int *incx,
            double *y, const blas_int *incy) {
    for (blas_int i = 0; i < *n; i++) y[i * *incy] += *a * x[i * *incx];
}
void dgemm_(const char *ta, const char *tb, const blas_int *m, const blas_int *n, const blas_int *k,
            const double *alpha, const double *a, const blas_int *lda, const double *b,
            const blas_int *ldb, const double *beta, double *c, const blas_int *ldc) {
    (void)ta; (void)tb;
    for (blas_int j = 0; j < *n; j++)
        for (blas_int i = 0; i < *m; i++) {
            double s = 0;
            for (blas_int l = 0; l < *k; l++) s += a[i + l * *lda] * b[l + j * *ldb];
            c[i + j * *ldc] = *alpha * s + *beta * c[i + j * *ldc];
        }
}
"""


def build_fake_blas(where: Path, int_type: str) -> Path:
    """A tiny real BLAS (daxpy_, dgemm_) with the given integer type."""
    src = where / "fake.c"
    src.write_text(FAKE_BLAS.replace("INT", int_type))
    lib = where / "libfakeblas.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    return lib


def test_probe_cache_hits_and_invalidates_when_library_changes(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    libdir = tmp_path / "lib"
    libdir.mkdir()
    lib = build_fake_blas(libdir, "int32_t")
    link = [str(lib), f"-Wl,-rpath,{libdir}"]
    vendor = vendors.BY_NAME["openblas"]
    schemes = vendor.schemes("lp64")
    stdin = probe_input(vendor, schemes)
    first = run_probe(CC, [], link, stdin, cache_dir=cache)
    assert not first.cached
    assert first.result("s0", "int_width") == "4"
    second = run_probe(CC, [], link, stdin, cache_dir=cache)
    assert second.cached, "an unchanged library must not be probed again"
    time.sleep(0.01)
    build_fake_blas(libdir, "int64_t")  # same path, now ILP64
    third = run_probe(CC, [], link, stdin, cache_dir=cache)
    assert not third.cached
    assert third.result("s0", "int_width") == "8"


def test_a_library_failing_with_a_message_is_rejected_with_it_and_not_cached(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A dgemm_ that prints why it fails and exits (as Intel's OpenMP runtime does under Wine): the rejection
    carries the message, and the answer is not cached, since it may depend on the environment."""
    libdir = tmp_path / "lib"
    libdir.mkdir()
    src = libdir / "fake.c"
    src.write_text("#include <stdio.h>\n#include <stdlib.h>\n"
                   + FAKE_BLAS.replace("INT", "int32_t").replace(
                       "(void)ta; (void)tb;", 'if (getenv("FAKE_FAIL")) { fputs("OMP: Error #179: no NUMA\\n", '
                                              'stderr); exit(3); } (void)ta; (void)tb;'))
    lib = libdir / "libfakeblas.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    link = [str(lib), f"-Wl,-rpath,{libdir}"]
    monkeypatch.setenv("FAKE_FAIL", "1")
    from mesonbuild_blas.request import ProjectOptions, build_request
    from mesonbuild_blas.search import Candidate
    from mesonbuild_blas.verify import verify

    request = build_request("netlib", [], ProjectOptions())
    cand = Candidate("system", "fake", (), tuple(link))
    outcome = verify(vendors.BY_NAME["netlib"], request, cand, CC, lambda _: None, lambda _: None)
    assert isinstance(outcome, Rejection), outcome
    assert outcome.reason.endswith("(exit status 3) (the probe's error output: OMP: Error #179: no NUMA)"), outcome
    monkeypatch.delenv("FAKE_FAIL")
    assert isinstance(verify(vendors.BY_NAME["netlib"], request, cand, CC, lambda _: None, lambda _: None),
                      BlasInfo)  # asked again, not answered from the cache


def test_probe_cache_is_keyed_on_compiler_and_flags(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    link = pkgconfig_libs("openblas")
    vendor = vendors.BY_NAME["openblas"]
    stdin = probe_input(vendor, vendor.schemes("lp64"))
    assert not run_probe(CC, [], link, stdin, cache_dir=cache).cached
    assert run_probe(CC, [], link, stdin, cache_dir=cache).cached
    # other flags, another compiler identity, another compiler command: probed again
    assert not run_probe(CC, ["-DSOMETHING=1"], link, stdin, cache_dir=cache).cached
    assert not run_probe(Toolchain(cc=("cc",), identity="gcc 99"), [], link, stdin, cache_dir=cache).cached
    assert not run_probe(Toolchain(cc=("gcc",), identity="test-cc"), [], link, stdin, cache_dir=cache).cached
    # the compiled probe object is shared: include dirs and macros cannot change it
    assert len(list(cache.glob("blas_probe-*.o"))) == 3  # one per compiler command + identity, not per -D


@pytest.mark.parametrize("variable", ["FLEXIBLAS", "MKL_THREADING_LAYER", "MKL_INTERFACE_LAYER", "LD_LIBRARY_PATH"])
def test_probe_cache_is_keyed_on_what_chooses_the_library_at_run_time(tmp_path: Path, variable: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """FlexiBLAS's backend, MKL's threading and interface layer, the loader's path: another value can run
    another library (or layer), so its answers come from a probe in that environment."""
    from mesonbuild_blas.probes import cache_key

    monkeypatch.delenv(variable, raising=False)
    before = cache_key(CC, [], ["-lopenblas"], "")
    monkeypatch.setenv(variable, "SEQUENTIAL" if variable.startswith("MKL") else "/nonexistent")
    assert cache_key(CC, [], ["-lopenblas"], "") != before


def test_corrupt_cache_entries_are_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    link = pkgconfig_libs("openblas")
    vendor = vendors.BY_NAME["openblas"]
    stdin = probe_input(vendor, vendor.schemes("lp64"))
    run_probe(CC, [], link, stdin, cache_dir=cache)
    for entry in cache.glob("*.json"):
        entry.write_text('{"format": 1, "output": "S s0 dgemm dgemm_ 1 /x\\n')  # torn write
    again = run_probe(CC, [], link, stdin, cache_dir=cache)
    assert not again.cached and again.complete


def test_netlib_ilp64_lapacke_width_is_observed(tmp_path: Path) -> None:
    """Debian's reference ILP64 LAPACKE: its width is seen (pivots), never assumed."""
    a = "/usr/lib/x86_64-linux-gnu"
    link = [f"-L{a}/lapack64", f"-L{a}/blas64", f"-Wl,-rpath,{a}/lapack64:{a}/blas64",
            "-llapacke64", "-llapack64", "-lblas64"]
    vendor = vendors.BY_NAME["netlib"]
    schemes = vendor.schemes("ilp64")
    data = run_probe(CC, [], link, probe_input(vendor, schemes), cache_dir=tmp_path)
    assert data.result("s0", "lapacke_int_width") == "8"
    assert data.result("s0", "dgesv_int_width") == "8"
    info = interpret(vendor, "ilp64", frozenset({"lapacke"}), schemes, data, method="test")
    assert isinstance(info, BlasInfo), info
    assert (info.lapacke, info.lapacke_verified_by, info.lapack_verified_by) == (True, "run", "run")


def test_unverified_width_is_labelled_never_run(tmp_path: Path) -> None:
    """Where the CBLAS width cannot be observed (RISC-V, POWER, s390x: the probe prints "?"),
    CBLAS is present but "unverified", and the log note says so."""
    vendor = vendors.BY_NAME["openblas"]
    schemes = vendor.schemes("lp64")
    data = run_probe(CC, [], pkgconfig_libs("openblas"), probe_input(vendor, schemes), cache_dir=tmp_path)
    assert data.result("s0", "cblas_int_width") == "4"
    data.results["s0"]["cblas_int_width"] = "?"  # what blas_probe.c answers on those machines
    info = interpret(vendor, "lp64", frozenset({"cblas"}), schemes, data, method="test")
    assert isinstance(info, BlasInfo), info
    assert info.cblas and info.cblas_verified_by == "unverified"
    assert info.lapack_verified_by == "run"
    assert any("cblas unverified" in note for note in info.notes), info.notes
    assert "cblas (unverified)" in info.log_summary()


def test_threading_from_a_loaded_runtime(tmp_path: Path) -> None:
    """A library that links libgomp (and does not say its threading): openmp, observed by the probe."""
    src = tmp_path / "fake.c"
    src.write_text(FAKE_BLAS.replace("INT", "int32_t"))
    lib = tmp_path / "libgompblas.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(lib), str(src), "-Wl,--no-as-needed", "-lgomp"], check=True)
    vendor = vendors.BY_NAME["openblas"]
    schemes = vendor.schemes("lp64")
    data = run_probe(CC, [], [str(lib), f"-Wl,-rpath,{tmp_path}"], probe_input(vendor, schemes),
                     cache_dir=tmp_path / "cache")
    assert any("libgomp" in f for f in data.loaded), data.loaded
    info = interpret(vendor, "lp64", frozenset(), schemes, data, method="test", link_threading="sequential")
    assert isinstance(info, BlasInfo), info
    assert (info.threading, info.threading_source) == ("openmp", "probe")
    plain = build_fake_blas(tmp_path, "int32_t")
    data = run_probe(CC, [], [str(plain), f"-Wl,-rpath,{tmp_path}"], probe_input(vendor, schemes),
                     cache_dir=tmp_path / "cache")
    info = interpret(vendor, "lp64", frozenset(), schemes, data, method="test", link_threading="sequential")
    assert isinstance(info, BlasInfo), info
    assert (info.threading, info.threading_source) == ("sequential", "name")


def test_compiler_dirs_are_remembered_per_compiler_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mesonbuild_blas.probes import executable_identity, remembered_dirs

    calls: list[str] = []

    def ask(answer: str) -> list[str]:
        calls.append(answer)
        return [answer]

    key: list[object] = [["cc"], "gcc", "12.2.0", *executable_identity("cc")]
    assert remembered_dirs(key, lambda: ask("/a"), tmp_path) == ["/a"]
    assert remembered_dirs(key, lambda: ask("/b"), tmp_path) == ["/a"]  # remembered
    assert remembered_dirs([*key, "13.1.0"], lambda: ask("/c"), tmp_path) == ["/c"]  # another compiler
    monkeypatch.setenv("LIBRARY_PATH", "/opt/lib")
    assert remembered_dirs(key, lambda: ask("/d"), tmp_path) == ["/d"]  # LIBRARY_PATH is part of the key
    for f in (tmp_path / "compilers").iterdir():
        f.write_text("{torn")
    assert remembered_dirs(key, lambda: ask("/e"), tmp_path) == ["/e"]  # a torn entry is asked again
    assert calls == ["/a", "/c", "/d", "/e"]


def test_background_object_build_is_used_and_an_unused_one_is_stopped(tmp_path: Path) -> None:
    """The first configure on a machine compiles the probe object while the lookups run."""
    from mesonbuild_blas import probes

    cache = tmp_path / "cache"
    probes.prebuild_object(CC, cache)
    assert len(probes._PREBUILDS) == 1 and list(cache.glob(".tmp-*.o"))  # compiling, into a staged file
    probes.prebuild_object(CC, cache)  # one build per object
    assert len(probes._PREBUILDS) == 1
    libdir = tmp_path / "lib"
    libdir.mkdir()
    lib = build_fake_blas(libdir, "int64_t")
    vendor = vendors.BY_NAME["openblas"]
    stdin = probe_input(vendor, vendor.schemes("ilp64"))
    data = run_probe(CC, [], [str(lib), f"-Wl,-rpath,{libdir}"], stdin, cache_dir=cache)
    assert data.result("s0", "int_width") == "8"
    assert not probes._PREBUILDS and len(list(cache.glob("blas_probe-*.o"))) == 1
    assert not list(cache.glob(".tmp-*"))
    probes.prebuild_object(CC, cache)  # cached: nothing starts
    assert not probes._PREBUILDS

    other = Toolchain(cc=("cc",), identity="test-cc other")
    probes.prebuild_object(other, cache)
    (proc, _staged), = probes._PREBUILDS.values()
    probes.end_prebuilds()  # nobody needed it: stopped, its staged file removed
    assert proc.returncode is not None and not probes._PREBUILDS
    assert not list(cache.glob(".tmp-*")) and len(list(cache.glob("blas_probe-*.o"))) == 1


def test_a_failing_background_build_leaves_the_error_to_the_foreground_compile(tmp_path: Path) -> None:
    from mesonbuild_blas import probes

    broken = Toolchain(cc=("cc", "-fno-such-option"), identity="broken")
    probes.prebuild_object(broken, tmp_path / "cache")
    with pytest.raises(probes.ProbeBuildError, match="no-such-option"):
        run_probe(broken, [], ["-lm"], "", cache_dir=tmp_path / "cache")
    assert not probes._PREBUILDS and not list((tmp_path / "cache").glob(".tmp-*"))


def test_a_library_with_an_unresolvable_symbol_is_rejected_naming_it(tmp_path: Path) -> None:
    """A library needing a symbol nothing provides is rejected (a project's link would fail), and the
    reason names the symbol."""
    libdir = tmp_path / "lib"
    libdir.mkdir()
    src = libdir / "broken.c"
    src.write_text(FAKE_BLAS.replace("INT", "int32_t")
                   + "void mesonbuild_blas_nowhere(void);\nvoid drotg_(void) { mesonbuild_blas_nowhere(); }\n")
    lib = libdir / "libbrokenblas.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    vendor = vendors.BY_NAME["openblas"]
    schemes = vendor.schemes("lp64")
    with pytest.raises(ProbeBuildError, match=r"undefined (reference to .|symbol: )mesonbuild_blas_nowhere"):
        run_probe(CC, [], [str(lib), f"-Wl,-rpath,{libdir}"], probe_input(vendor, schemes),
                  cache_dir=tmp_path / "cache")


@pytest.mark.parametrize(("file", "expected"), [
    ("/usr/lib/x86_64-linux-gnu/libgomp.so.1", ("openmp", "gomp")),
    ("/venv/lib/python3.11/site-packages/numpy.libs/libgomp-a34b3233.so.1.0.0", ("openmp", "gomp")),
    ("/opt/intel/lib/libiomp5.so", ("openmp", "iomp5")),
    ("C:/mkl/Library/bin/LIBIOMP5MD.DLL", ("openmp", "iomp5")),
    ("/usr/lib/llvm-14/lib/libomp.so.5", ("openmp", "omp")),
    ("/usr/lib/x86_64-linux-gnu/libtbb.so.12", ("tbb", "")),
    ("C:/tbb/bin/tbb12.dll", ("tbb", "")),
    ("/usr/lib/libompstuff.so", None),  # another library whose name starts like a runtime's
    ("/usr/lib/libgomp-plugin-nvptx.so.1", None),  # not a hex wheel tag
    ("/usr/lib/libgomp", None),  # no extension
])
def test_threading_runtimes_are_recognised_by_file_name(file: str, expected: tuple[str, str] | None) -> None:
    from mesonbuild_blas.probes import ProbeData
    from mesonbuild_blas.probes.interpret import _runtimes

    found = _runtimes(ProbeData(loaded=[file]))
    assert [(layer, openmp) for layer, openmp, _file in found] == ([expected] if expected else [])
