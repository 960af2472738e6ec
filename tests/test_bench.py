"""The dgemm benchmark engine against real libraries (Debian OpenBLAS, scipy-openblas64).

Fast by design: small sizes, one thread; no absolute speeds are asserted.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mesonbuild_blas import vendors
from mesonbuild_blas.bench import (
    THREAD_VARIABLES,
    BenchError,
    BenchRow,
    BenchTarget,
    PeakEstimate,
    anomalies,
    build_bench,
    estimate_peak,
    format_bench_table,
    make_target,
    parse_bench_output,
    plot,
    run_bench,
    thread_env,
)
from mesonbuild_blas.bench.program import BENCH_SOURCE
from mesonbuild_blas.probes import compiler_library_dirs
from mesonbuild_blas.records import replace

ROOT = Path(__file__).resolve().parents[1]


def pkgconfig_libs(name: str) -> list[str]:
    if shutil.which("pkg-config") is None:
        pytest.fail("pkg-config is required (ci/install-zoo.sh installs it)")
    return subprocess.check_output(["pkg-config", "--libs", name], text=True).split()


@pytest.fixture(scope="module")
def openblas() -> BenchTarget:
    link = pkgconfig_libs("openblas")
    libdir = next(arg[2:] for arg in link if arg.startswith("-L"))
    return make_target("openblas", "lp64", os.path.join(libdir, "libopenblas.so"), (), link, threading="pthreads")


@pytest.fixture(scope="module")
def scipy_openblas64() -> BenchTarget:
    spec = importlib.util.find_spec("scipy_openblas64")
    assert spec and spec.submodule_search_locations, "scipy-openblas64 not installed (pip install '.[openblas]')"
    lib = Path(next(iter(spec.submodule_search_locations))) / "lib" / "libscipy_openblas64_.so"
    assert lib.is_file(), lib
    target = make_target("scipy-openblas", "ilp64", str(lib), (), (str(lib),), symbol_prefix="scipy_",
                         symbol_suffix="64_", threading="pthreads")
    assert (target.dgemm_symbol, target.int_size) == ("scipy_dgemm_64_", 8)
    return target


@pytest.fixture(scope="module")
def blis() -> BenchTarget:
    # Debian's libblis-dev has no .pc file: the library by absolute path, as the system lookup gives it
    lib = next((p for d in compiler_library_dirs(("cc",)) if (p := Path(d) / "libblis.so").exists()), None)
    assert lib is not None, "libblis.so not found (ci/install-zoo.sh installs libblis-dev)"
    return make_target("blis", "lp64", str(lib), (), (str(lib),), threading="pthreads")


@pytest.fixture(scope="module")
def peak() -> PeakEstimate:
    return estimate_peak(1)


def test_thread_env_sets_every_variable() -> None:
    env = thread_env(3)
    assert set(env) == {"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                        "GOTO_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"} == set(THREAD_VARIABLES)
    assert set(THREAD_VARIABLES) == {"OMP_NUM_THREADS", *(v for e in vendors.VENDORS for v in e.thread_variables)}
    assert set(env.values()) == {"3"}
    with pytest.raises(ValueError):
        thread_env(0)


def test_peak_estimate(peak: PeakEstimate) -> None:
    assert peak.gflops > 0 and peak.ghz > 0 and peak.flops_per_cycle > 0
    assert peak.vector_bits >= 64 and peak.fma_units >= 1
    assert peak.flops_per_cycle == 2 * peak.fma_units * peak.vector_bits // 64
    assert peak.how and "flops/cycle" in peak.how and "GHz" in peak.how
    more = estimate_peak(2)
    assert more.gflops == pytest.approx(peak.gflops * min(2, peak.cores), rel=0.25)  # clock re-used (cached)


@pytest.mark.parametrize("which", ["openblas", "scipy_openblas64"])
def test_bench_runs_against_real_library(which: str, request: pytest.FixtureRequest, peak: PeakEstimate) -> None:
    target: BenchTarget = request.getfixturevalue(which)
    rows = run_bench(target, [256], [1], 3, peak={1: peak})
    assert len(rows) == 1
    row = rows[0]
    assert (row.vendor, row.interface, row.n, row.threads) == (target.vendor, target.interface, 256, 1)
    assert row.check == "ok"
    assert row.gflops > 0 and row.seconds > 0 and len(row.all_seconds) == 3
    assert row.seconds == min(row.all_seconds)
    assert row.peak_fraction == pytest.approx(row.gflops / peak.gflops)
    # the file that served dgemm is the target's library (pkg-config's -L dir / the wheel's file)
    assert os.path.samefile(row.library, target.library), (row.library, target.library)
    assert row.version and row.fact("lib_threads") == "1"
    data = row.as_json()
    assert data["library"] == row.library and data["check"] == "ok" and data["gflops"] == row.gflops
    assert not [m for m in anomalies(rows, [target], peak) if "ran against" in m or "wrong result" in m]
    table = format_bench_table(rows, peak)
    # the library named as report names it: the real file (the loader's name resolved)
    assert "Peak estimate" in table and target.vendor in table and f"[1] {os.path.realpath(row.library)}" in table
    # version and kernel come from the library's own answers, read as the vendor table says
    assert row.version == re.search(r"OpenBLAS\s+(\S+)", row.fact("config")).group(1)  # type: ignore[union-attr]
    assert row.kernel and row.kernel == row.fact("corename")


def test_bench_program_names_no_vendor() -> None:
    """The C program is vendor-agnostic: every vendor function comes on stdin from vendors.py."""
    source = BENCH_SOURCE.read_text().lower()
    for vendor in vendors.VENDORS:
        for call in (*vendor.info, *vendor.bench_info):
            assert call.symbol.lower() not in source, call.symbol
    for word in ("openblas", "blis", "mkl", "scipy"):
        assert word not in source, word


def test_blis_kernel_set_from_its_enumeration(blis: BenchTarget, peak: PeakEstimate) -> None:
    (row,) = run_bench(blis, [64], [1], 1, peak={1: peak})
    assert row.check == "ok" and row.version.startswith("0.")
    ids = dict(pair.split(":", 1) for pair in row.fact("blis_archs").split(","))
    assert ids and list(ids.values())[-1] == "generic"  # the enumeration stops at its last entry
    assert row.kernel == ids[row.fact("blis_arch")]


def test_parse_bench_output() -> None:
    out = parse_bench_output("check=ok\nn=64\ninfo.config=OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY\n"
                             "garbage line\ndone=1\n")
    assert out == {"check": "ok", "n": "64", "info.config": "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY", "done": "1"}


def test_wrong_integer_width_is_caught(scipy_openblas64: BenchTarget, peak: PeakEstimate) -> None:
    # the ILP64 library called with 4-byte integers: the probe's check call must not pass
    lp64_view = replace(scipy_openblas64, int_size=4)
    try:
        rows = run_bench(lp64_view, [64], [1], 1, peak={1: peak})
    except BenchError as exc:
        assert "4-byte integers" in str(exc)
    else:
        assert rows[0].check == "wrong"
        assert any("wrong result" in m for m in anomalies(rows, [lp64_view], peak))


def test_build_failure_is_a_bench_error(tmp_path: Path) -> None:
    missing = make_target("openblas", "lp64", "", (), ("-lno_such_blas_library",))
    with pytest.raises(BenchError, match="does not build"):
        build_bench(missing, workdir=tmp_path)


def _row(vendor: str, gflops: float, *, n: int = 1024, threads: int = 1, library: str = "/lib/x",
         target_library: str = "/lib/x", check: str = "ok", facts: dict[str, str] | None = None) -> BenchRow:
    """A row as run_bench makes it: version and kernel read from the facts by the vendor's target."""
    target = _target(vendor, target_library)
    facts = facts or {}
    return BenchRow(vendor=vendor, interface="lp64", library=library, n=n, threads=threads, gflops=gflops,
                    peak_fraction=gflops / 100.0, seconds=2 * n**3 / gflops / 1e9, check=check,
                    target_library=target_library, checksum=1.0, abs_checksum=10.0,
                    dgemm_symbol="dgemm_", int_size=4, facts=tuple(sorted(facts.items())),
                    version=target.version_of(facts), kernel=target.kernel_of(facts))


AVX512 = PeakEstimate(100.0, 3.0, 32, 512, 2, "synthetic", isa="avx512")
AVX2 = PeakEstimate(100.0, 3.0, 16, 256, 2, "synthetic", isa="avx2")
BLIS_FACTS = {"version": "0.9.0", "blis_arch": "25",
              "blis_archs": "0:skx,1:knl,2:knc,3:haswell,4:sandybridge,5:penryn,6:zen3,25:generic"}
OPENBLAS_FACTS = {"config": "OpenBLAS 0.3.21 DYNAMIC_ARCH SkylakeX", "corename": "SkylakeX"}


def _target(vendor: str, library: str = "/lib/x") -> BenchTarget:
    return make_target(vendor, "lp64", library, (), (), threading="pthreads")


def test_anomalies_slow_blis_gets_data_driven_advice() -> None:
    rows = [_row("blis", 20.0, facts=BLIS_FACTS), _row("openblas", 60.0, facts=OPENBLAS_FACTS)]
    targets = [_target("blis"), _target("openblas")]
    messages = anomalies(rows, targets, AVX512)
    assert len(messages) == 1, messages
    (msg,) = messages
    assert msg.startswith("blis 0.9.0 (lp64) on this CPU selected its generic kernels")
    assert "20.0 GFLOP/s vs 60.0 for openblas 0.3.21 (lp64) at n=1024, 1 thread(s)" in msg
    assert "BLIS_ARCH_TYPE=0 (its skx kernels" in msg and "or upgrade BLIS" in msg
    # the numeric id comes from the library's own arch_t list, and the suggestion from the CPU's ISA
    assert "BLIS_ARCH_TYPE=3 (its haswell kernels" in anomalies(rows, targets, AVX2)[0]
    renumbered = {**BLIS_FACTS, "blis_arch": "30", "blis_archs": "0:zen5,1:zen4,7:skx,9:haswell,30:generic"}
    assert "BLIS_ARCH_TYPE=7" in anomalies([_row("blis", 20.0, facts=renumbered), rows[1]], targets, AVX512)[0]


def test_anomalies_quiet_when_blis_is_competitive() -> None:
    facts = {**BLIS_FACTS, "blis_arch": "0"}
    rows = [_row("blis", 55.0, facts=facts), _row("openblas", 60.0, facts=OPENBLAS_FACTS)]
    assert anomalies(rows, [_target("blis"), _target("openblas")], AVX512) == []


def test_anomalies_narrow_kernel_without_a_yardstick() -> None:
    rows = [_row("openblas", 45.0, facts={"config": "OpenBLAS 0.3.21", "corename": "Haswell"})]
    (msg,) = anomalies(rows, [_target("openblas")], AVX512)
    assert "selected its Haswell kernels, 256-bit although the CPU does 512-bit FMAs" in msg
    assert "OPENBLAS_CORETYPE=SkylakeX" in msg
    # on an AVX2 machine Haswell kernels are the right ones
    assert anomalies(rows, [_target("openblas")], AVX2) == []


def test_anomalies_wrong_check_library_mismatch_and_scaling(tmp_path: Path) -> None:
    linked, loaded = tmp_path / "libblas-a.so", tmp_path / "libblas-b.so"
    linked.write_text("a")
    loaded.write_text("b")
    rows = [
        _row("openblas", 50.0, library=str(loaded), target_library=str(linked), facts=OPENBLAS_FACTS),
        _row("openblas", 20.0, threads=2, library=str(loaded), target_library=str(linked), check="wrong",
             facts=OPENBLAS_FACTS),
    ]
    messages = anomalies(rows, [_target("openblas", str(linked))], AVX512)
    assert any("wrong result" in m for m in messages), messages
    assert any(f"ran against {loaded}, not {linked}" in m for m in messages), messages
    assert any("slower with 2 threads than with 1 at n=1024" in m for m in messages), messages
    # a symlink to the linked file is the same library
    alias = tmp_path / "libblas.so.0"
    alias.symlink_to(linked)
    same = [_row("openblas", 50.0, library=str(alias), target_library=str(linked), facts=OPENBLAS_FACTS)]
    assert anomalies(same, [_target("openblas", str(linked))], AVX512) == []


def test_plot(tmp_path: Path) -> None:
    rows = [_row("openblas", 50.0, n=256), _row("openblas", 60.0, n=1024)]
    if importlib.util.find_spec("matplotlib") is None:
        with pytest.raises(BenchError, match=r"pip install 'mesonbuild-blas\[plot\]'"):
            plot(rows, tmp_path / "bench.png")
    else:
        out = plot(rows, tmp_path / "bench.png", [AVX512])
        assert out.stat().st_size > 0
