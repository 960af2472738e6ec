"""The engine behind ``mesonbuild-blas bench``: time dgemm against a BLAS library.

The program ``probes/dgemm_bench.c`` is linked against one library per
:class:`BenchTarget`, checked on a small product with a known answer, warmed up
and timed best-of-R; each run reports the file that actually served ``dgemm``
(``dladdr``) and what the library says about itself through the vendor
functions the target lists (version, kernel set, thread count).
:func:`estimate_peak` turns /proc/cpuinfo and a measured clock into a
double-precision peak, and :func:`anomalies` turns all of it into advice.

One module per concern: ``records`` (targets and rows; :func:`make_target` is
the one place a target is built), ``threads`` (thread environment), ``peak``
(CPU peak model), ``program`` and ``timing`` (build and run), ``advice``,
``output`` (table and chart).  Nothing here imports Meson.
"""

from __future__ import annotations

from .advice import SLOW_FRACTION, SLOWER_WITH_THREADS, anomalies
from .output import format_bench_table, format_peak, plot
from .peak import ISA_BITS, PeakEstimate, estimate_peak, measure_ghz
from .program import BENCH_SOURCE, parse_bench_output
from .records import BenchError, BenchRow, BenchTarget, library_label, make_target, target_from_info
from .threads import THREAD_VARIABLES, bench_env, thread_env
from .timing import build_bench, native_toolchain, run_bench

__all__ = [
    "BENCH_SOURCE", "ISA_BITS", "SLOWER_WITH_THREADS", "SLOW_FRACTION", "THREAD_VARIABLES", "BenchError", "BenchRow",
    "BenchTarget", "PeakEstimate", "anomalies", "bench_env", "build_bench", "estimate_peak", "format_bench_table",
    "format_peak", "library_label", "make_target", "measure_ghz", "native_toolchain", "parse_bench_output", "plot",
    "run_bench", "target_from_info", "thread_env",
]
