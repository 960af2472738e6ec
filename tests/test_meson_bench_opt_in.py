"""Configure-time dgemm timing: modules: ['bench'] and -Dblas=fastest / blas-order: ['fastest']."""

from __future__ import annotations

import re
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
    # OpenBLAS that does not know the CPU model runs generic kernels, and BLIS can win) -- or, when
    # the best one's calls overlap an earlier library's, that earlier one (the difference is noise).
    (fast,) = result.messages("FAST")
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("mesonbuild-blas: fastest: "))
    timings = {m.group(1): (float(m.group(3) or m.group(2)), float(m.group(2)))
               for m in re.finditer(r"([\w-]+) ([\d.]+) GFLOP/s(?: \(([\d.]+)-[\d.]+ in \d+ calls\))?", line)}
    assert list(timings) == ["netlib", "blis", "openblas"], line
    best = max(timings, key=lambda v: timings[v][1])
    if line.endswith(f"-> {fast[0]}"):
        assert fast[0] == best, line
    else:
        assert line.endswith(f"keeping the order: {fast[0]}"), line
        assert timings[fast[0]][1] >= timings[best][0], line  # its best call reached the winner's slowest
    assert timings[fast[0]][1] == float(fast[1])
    # The reference BLAS is several times slower than either optimised library: the timing must
    # have run the reference library itself, not what Debian's libblas.so.3 alternative points at.
    assert timings[best][1] > 3 * timings["netlib"][1]
