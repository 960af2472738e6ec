"""Verify one candidate with the probes, and time dgemm of an accepted one.

The verify function :func:`~mesonbuild_blas.search.search` calls: it builds
and runs the probe program (``probes/``) against the candidate's compile and
link arguments — or, when host binaries cannot run, links only — and turns
the answers into a :class:`~mesonbuild_blas.result.BlasInfo` or a
:class:`~mesonbuild_blas.probes.interpret.Rejection`.  No Meson here: the
integration layer hands over a :class:`~mesonbuild_blas.probes.Toolchain`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from . import vendors
from .errors import BlasError
from .header import validate_for_header
from .probes import ProbeBuildError, Toolchain, link_probe, run_probe
from .probes.interpret import Rejection, interpret, interpret_linked, probe_input
from .records import replace
from .request import Request
from .result import BlasInfo
from .search import Candidate, Timing

#: configure-time dgemm timing (modules: ['bench'], -Dblas=fastest): size, best of
BENCH_N = 512
#: timed calls per library: their spread is the noise a "fastest" difference must exceed
BENCH_REPEAT = 5

NO_COMPILER = "cannot verify without a C compiler (the probes are C programs: install one, e.g. gcc)"


def library_dirs(link_args: Sequence[str], default_dirs: Sequence[str]) -> list[str]:
    """Where the linker looks for ``-l`` names: the link line's ``-L`` dirs, then ``default_dirs``."""
    return [a[2:] for a in link_args if a.startswith("-L") and len(a) > 2] + list(default_dirs)


def library_file(name: str, dirs: Sequence[str]) -> str:
    """The file ``-l<name>`` means in ``dirs`` ("" when none is there)."""
    return next((p for d in dirs for ext in (".so", ".dylib", ".a")
                 if os.path.exists(p := os.path.join(d, f"lib{name}{ext}"))), "")


def linked_libraries(link_args: Sequence[str], default_dirs: Sequence[str]) -> tuple[str, ...]:
    """The library files a link line names (real paths), in order."""
    dirs = library_dirs(link_args, default_dirs)
    out: list[str] = []
    for arg in link_args:
        path = ""
        if os.path.isabs(arg) and os.path.isfile(arg):
            path = arg
        elif arg.startswith("-l") and len(arg) > 2:
            path = library_file(arg[2:], dirs)
        path = _dll_of_import_library(path) if path else path
        if path and os.path.realpath(path) not in out:
            out.append(os.path.realpath(path))
    return tuple(out)


def _dll_of_import_library(path: str) -> str:
    """The DLL a Windows import library (``X.lib``, ``X.dll.a``) stands for when it sits next to it, else ``path``."""
    low = path.lower()
    stem = path[:-len(".dll.a")] if low.endswith(".dll.a") else path[:-len(".lib")] if low.endswith(".lib") else ""
    if not stem:
        return path
    from .probes.pe_exports import import_library_dll  # Windows libraries only

    names = [os.path.basename(stem) + ".dll"]
    if low.endswith(".lib") and (named := import_library_dll(path)) and named not in names:
        names.append(named)  # mkl_rt.lib stands for mkl_rt.3.dll
    for name in names:
        for where in (os.path.dirname(stem), os.path.join(os.path.dirname(os.path.dirname(stem)), "bin")):
            if os.path.isfile(dll := os.path.join(where, name)):
                return dll
    return path


def verify(vendor: vendors.Vendor, request: Request, cand: Candidate, toolchain: Toolchain | None,
           log: Callable[[str], None], debug: Callable[[str], None]) -> BlasInfo | Rejection:
    """The facts of ``cand`` proven by the probes, or why it is rejected."""
    if toolchain is None:
        return Rejection(NO_COMPILER)
    schemes = vendor.schemes(request.interface, request.symbol_suffix)
    args = list(cand.compile_args)
    link = list(cand.link_args)
    link_threading = cand.threading or vendor.threading_default
    linked = linked_libraries(cand.link_args, toolchain.system_lib_dirs)
    if not toolchain.can_run:
        log(f"cannot run host binaries: link-only check of {vendor.name} via {cand.label}")
        outcome = interpret_linked(
            vendor, request.interface, request.features, schemes,
            lambda symbols: link_probe(toolchain, args, link, symbols), version=cand.version,
            method=cand.method, cblas_header=vendor.cblas_header, link_threading=link_threading,
            linked=linked, notes=cand.notes)
    else:
        try:
            data = run_probe(toolchain, args, link, probe_input(vendor, schemes))
        except ProbeBuildError as e:
            return Rejection(f"probe failed to build/run: {e}")
        except OSError as e:
            return Rejection(f"probe could not be started: {e}")
        debug(f"probe for {vendor.name} via {cand.label}{' (cached)' if data.cached else ''}: {data.results}")
        outcome = interpret(vendor, request.interface, request.features, schemes, data,
                            fallback_version=cand.version, method=cand.method, cblas_header=vendor.cblas_header,
                            link_threading=link_threading, linked=linked, notes=cand.notes)
        if isinstance(outcome, Rejection) and data.stderr:
            outcome = Rejection(f"{outcome.reason} (the probe's error output: {data.stderr})")
    if isinstance(outcome, Rejection):
        return outcome
    try:
        validate_for_header(outcome)
    except BlasError as e:  # e.g. a symbol suffix that cannot be part of a C name: the next candidate
        return Rejection(f"blas_mangling.h cannot name its symbols: {e.message}")
    wanted = request.threading_layer(vendor.name)
    if wanted and outcome.threading != wanted:
        return Rejection(f"its threading layer is {outcome.threading}, threading: "
                         f"{request.threading_for(vendor.name)} was requested")
    for note in outcome.notes[len(cand.notes):]:
        log(f"{vendor.name} via {cand.label}: {note}")
    return outcome


def time_dgemm(cand: Candidate, info: BlasInfo, toolchain: Toolchain | None,
               warn: Callable[[str], None], log: Callable[[str], None]) -> Timing:
    """``info`` with ``dgemm_gflops`` measured (1 thread, n = BENCH_N, best of BENCH_REPEAT calls) and the
    GFLOP/s of every call, or ``info`` unchanged and no samples when it cannot be timed (said in the log)."""
    from .bench import BenchError, estimate_peak, run_bench, target_from_info

    target = target_from_info(info, cand.compile_args, cand.link_args,
                              list(toolchain.system_lib_dirs) if toolchain else [])
    cc = " ".join(toolchain.cc) if toolchain else "cc"
    try:
        rows = run_bench(target, [BENCH_N], [1], BENCH_REPEAT, cc, peak={1: estimate_peak(1, cc, measure=False)},
                         toolchain=toolchain)
    except (BenchError, OSError) as e:
        warn(f"timing dgemm of {info.vendor} failed: {e}")
        return Timing(info)
    best = max((r for r in rows if r.check == "ok"), key=lambda r: r.gflops, default=None)
    if best is None:
        log(f"{info.vendor} ({info.interface}): dgemm could not be timed (no call gave the right result)")
        return Timing(info)
    if os.path.realpath(best.library) != info.library:
        warn(f"the dgemm timing of {info.vendor} ran {best.library}, not {info.library}; not using it")
        return Timing(info)
    flops = 2.0 * BENCH_N ** 3
    samples = tuple(flops / s / 1e9 for s in best.all_seconds if s > 0) or (best.gflops,)
    log(f"{info.vendor} ({info.interface}) dgemm n={BENCH_N}, 1 thread: {best.gflops:.1f} GFLOP/s")
    return Timing(replace(info, dgemm_gflops=round(best.gflops, 1)), samples)
