"""Configure-time dgemm timing: modules: ['bench'] and -Dblas=fastest / blas-order: ['fastest']."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import meson_blas, write_project

pytestmark = pytest.mark.meson

OPTIONS = "option('blas', type: 'string', value: 'auto')\noption('blas-order', type: 'array', value: [])\n"


def test_bench_module_and_fastest_order(tmp_path: Path) -> None:
    src = write_project(tmp_path, """project('fast', 'c')
plain = dependency('netlib')
timed = dependency('netlib', modules: ['bench'])
message('PLAIN', plain.get_variable('dgemm_gflops', default_value: 'none') == '')
message('TIMED', timed.get_variable('dgemm_gflops'))
fast = dependency('blas', interface: 'ilp64')
message('FAST', fast.get_variable('vendor'), fast.get_variable('dgemm_gflops'))
""", {"meson.options": OPTIONS})
    result = meson_blas("setup", str(src / "build"), str(src), "-Dblas-order=fastest,netlib,blis,openblas")
    assert result.returncode == 0, result.output
    assert result.messages("PLAIN") == [["true"]]  # no timing unless asked for
    (timed,) = result.messages("TIMED")
    assert float(timed[0]) > 0
    # The choice is the library with the best measured time, whichever it is on this CPU (an
    # OpenBLAS that does not know the CPU model runs generic kernels, and BLIS can win).
    (fast,) = result.messages("FAST")
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("mesonbuild-blas: fastest: "))
    timings = {}
    for entry in line.split(": ", 2)[2].split(" -> ")[0].split(", "):
        vendor, gflops, _unit = entry.split(" ")
        timings[vendor] = float(gflops)
    assert list(timings) == ["netlib", "blis", "openblas"], line
    assert line.endswith(f"-> {fast[0]}")
    assert timings[fast[0]] == max(timings.values()) == float(fast[1])
    # The reference BLAS is several times slower than either optimised library: the timing must
    # have run the reference library itself, not what Debian's libblas.so.3 alternative points at.
    assert max(timings.values()) > 3 * timings["netlib"]
