"""Build the benchmark program against a target and run it: the rows."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from ..probes import Toolchain, _first_error, build_rpath_dirs, compiler_library_dirs
from .peak import PeakEstimate, estimate_peak
from .program import BENCH_SOURCE, compiler_command, facts_of, parse_bench_output
from .records import BenchError, BenchRow, BenchTarget
from .threads import bench_env


def native_toolchain(cc: str = "cc", system_lib_dirs: Sequence[str] = ()) -> Toolchain:
    """The probes' :class:`~mesonbuild_blas.probes.Toolchain` for this machine.

    ``gnu_ld`` follows the rule the plugin applies to Meson's host machine: every
    linker but Apple's and Microsoft's takes ``-Wl,--no-as-needed``.
    """
    command = tuple(compiler_command(cc))
    return Toolchain(cc=command, gnu_ld=sys.platform not in ("darwin", "win32"),
                     system_lib_dirs=tuple(system_lib_dirs) or compiler_library_dirs(command))


def link_arguments(target: BenchTarget, toolchain: Toolchain) -> list[str]:
    """The link line a build would use: the target's libraries, kept even if unreferenced, with build rpaths."""
    args = ["-Wl,--no-as-needed"] if toolchain.gnu_ld else []
    args += [*target.link_args, "-ldl"]  # dladdr/dlsym live in libdl before glibc 2.34
    args += [f"-Wl,-rpath,{d}" for d in build_rpath_dirs(list(target.link_args), toolchain.system_lib_dirs)]
    return args


def build_bench(target: BenchTarget, cc: str = "cc", *, workdir: Path, toolchain: Toolchain | None = None) -> Path:
    """Compile and link the program against ``target``; the executable's path."""
    if target.int_size not in (4, 8):
        raise BenchError(f"int_size must be 4 or 8, not {target.int_size}")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", target.dgemm_symbol):
        raise BenchError(f"not a C identifier: dgemm symbol {target.dgemm_symbol!r}")
    toolchain = toolchain or native_toolchain(cc, target.system_lib_dirs)
    workdir.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{target.vendor}-{target.interface}-{target.dgemm_symbol}")
    exe = workdir / f"dgemm_bench-{safe}"
    after_source = ["-x", "none"] if toolchain.source_flags else []  # a C++ driver: only the source is C
    cmd = [*toolchain.cc, "-O2", "-o", str(exe), *toolchain.source_flags, str(BENCH_SOURCE), *after_source,
           *target.compile_args,
           f"-DBENCH_DGEMM={target.dgemm_symbol}", f"-DBENCH_INT_SIZE={target.int_size}",
           *link_arguments(target, toolchain)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BenchError(f"cannot run the compiler {shlex.join(toolchain.cc)}: {exc}") from exc
    if proc.returncode != 0:
        raise BenchError(f"the dgemm benchmark does not build against {target.label} ({target.library}):"
                         f" {_first_error(proc.stderr) or f'exit status {proc.returncode}'}\n  {shlex.join(cmd)}")
    return exe


def _run_once(exe: Path, target: BenchTarget, n: int, threads: int, repeat: int, timeout: float) -> dict[str, str]:
    try:
        proc = subprocess.run([str(exe), str(n), str(repeat)], input=target.facts_input, capture_output=True,
                              text=True, env=bench_env(threads), timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{target.label}: n={n} with {threads} thread(s) took longer than {timeout:.0f} s") from exc
    out = parse_bench_output(proc.stdout)
    if proc.returncode == 0 and out.get("done") == "1":
        return out
    status = f"signal {-proc.returncode}" if proc.returncode < 0 else f"exit status {proc.returncode}"
    detail = _first_error(proc.stderr) or _first_error(proc.stdout)
    if "error while loading shared libraries" in proc.stderr or "Library not loaded" in proc.stderr:
        hint = ("the run-time loader cannot find the library: link it by absolute path or with -L<dir>"
                " (it then gets an rpath), or add -Wl,-rpath,<dir>")
    elif "check" not in out:
        hint = (f"dgemm failed on a 4x5x3 product: {target.dgemm_symbol} may not take"
                f" {target.int_size}-byte integers ({target.interface})")
    else:
        hint = f"the run for n={n} did not complete"
    raise BenchError(f"{target.label} ({target.library}): {hint} [{status}]" + (f": {detail}" if detail else ""))


def row_from_answers(target: BenchTarget, out: Mapping[str, str], threads: int, peak: PeakEstimate) -> BenchRow:
    """One measurement: the program's answers, with version and kernel read as the vendor table says."""
    gflops = float(out["gflops"])
    facts = facts_of(dict(out))
    return BenchRow(
        vendor=target.vendor, interface=target.interface, library=out.get("library", ""),
        n=int(out["n"]), threads=threads, gflops=gflops,
        peak_fraction=gflops / peak.gflops if peak.gflops > 0 else 0.0,
        seconds=float(out["best_seconds"]), check=out.get("check", "wrong"),
        target_library=target.library,
        all_seconds=tuple(float(s) for s in out.get("seconds", "").split(",") if s),
        checksum=float(out.get("checksum", "nan")), abs_checksum=float(out.get("abssum", "nan")),
        dgemm_symbol=target.dgemm_symbol, int_size=target.int_size, threading=target.threading,
        facts=tuple(sorted(facts.items())), variant=target.variant,
        version=target.version_of(facts), kernel=target.kernel_of(facts),
    )


def run_bench(
    target: BenchTarget,
    sizes: Sequence[int],
    threads: Sequence[int],
    repeat: int,
    cc: str = "cc",
    *,
    peak: Mapping[int, PeakEstimate] | None = None,
    timeout: float = 600.0,
    toolchain: Toolchain | None = None,
    on_row: Callable[[BenchRow], None] | None = None,
) -> list[BenchRow]:
    """Time dgemm for every (threads, n); ``peak`` maps thread counts to estimates (computed when missing).

    ``on_row`` is called after each measurement (progress).
    """
    if repeat < 1 or not sizes or not threads:
        raise ValueError("need repeat >= 1 and at least one size and one thread count")
    peaks = dict(peak or {})
    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory(prefix="mesonbuild-blas-bench-") as tmp:
        exe = build_bench(target, cc, workdir=Path(tmp), toolchain=toolchain)
        for t in threads:
            if t not in peaks:
                peaks[t] = estimate_peak(t, cc)
            for n in sizes:
                row = row_from_answers(target, _run_once(exe, target, n, t, repeat, timeout), t, peaks[t])
                rows.append(row)
                if on_row is not None:
                    on_row(row)
    return rows
