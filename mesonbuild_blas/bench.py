"""The engine behind ``mesonbuild-blas bench``: time dgemm against a BLAS library.

The probe ``probes/dgemm_bench.c`` is linked against one library per
:class:`BenchTarget`, checked on a small product with a known answer, warmed up
and timed best-of-R; each run reports the file that actually served ``dgemm``
(``dladdr``) and whatever the library says about itself (version, kernel set,
thread count).  :func:`estimate_peak` turns /proc/cpuinfo and a measured clock
into a double-precision peak, and :func:`anomalies` turns all of it into advice.

Nothing here imports Meson.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .probes import build_rpath_dirs, compiler_library_dirs
from .result import BlasInfo
from .vendors import VendorAdvice, lookup

BENCH_SOURCE = Path(__file__).parent / "probes" / "dgemm_bench.c"

def _advice(vendor: str) -> VendorAdvice | None:
    """The vendor entry's performance advice (vendors.py), if any."""
    entry = lookup(vendor)
    return entry.bench_advice if entry is not None else None


def _is_yardstick(vendor: str) -> bool:
    entry = lookup(vendor)
    return entry is not None and entry.bench_yardstick


#: a row below this fraction of the best reference row (same n, threads) is reported
SLOW_FRACTION = 0.40
#: a multi-threaded row below this fraction of the 1-thread row (same target, n) is reported
SLOWER_WITH_THREADS = 0.75
#: vector width of each CPU ISA level
ISA_BITS: Mapping[str, int] = {"avx512": 512, "avx2": 256, "avx": 256, "sse2": 128, "neon": 128, "": 64}

#: (CPU vendor, family) → width of the FMA datapath when narrower than the ISA's vectors
_DATAPATH_BITS = {("AuthenticAMD", 25): 256}  # Zen 4 executes 512-bit FMAs as two 256-bit halves

THREAD_VARIABLES = (
    "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS", "GOTO_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
)


class BenchError(RuntimeError):
    """The benchmark could not be built or run (message says why)."""


# ---------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class BenchTarget:
    vendor: str
    interface: str
    library: str  #: the library file expected to serve dgemm
    compile_args: tuple[str, ...]
    link_args: tuple[str, ...]
    dgemm_symbol: str  #: Fortran dgemm symbol, e.g. dgemm_, scipy_dgemm_64_
    int_size: int  #: 4 or 8
    threading: str  #: pthreads | openmp | sequential | unknown
    #: the linker's default dirs (other dirs of absolute library paths get an rpath);
    #: empty: ask the compiler
    system_lib_dirs: tuple[str, ...] = ()


def target_from_info(info: BlasInfo, compile_args: Sequence[str], link_args: Sequence[str],
                     system_lib_dirs: Sequence[str] = ()) -> BenchTarget:
    """The bench target for a dependency the plugin found."""
    threading = info.threading if info.threading in ("pthreads", "openmp", "sequential") else "unknown"
    return BenchTarget(info.vendor, info.interface, info.library, tuple(compile_args), tuple(link_args),
                       info.fortran_symbol_dgemm, info.int_size, threading, tuple(system_lib_dirs))


@dataclass(frozen=True)
class PeakEstimate:
    gflops: float  #: double-precision peak for ``threads`` threads
    ghz: float
    flops_per_cycle: int  #: per core, double precision
    vector_bits: int  #: width of the FMA datapath used for the estimate
    fma_units: int
    how: str  #: how the numbers were derived, assumptions included
    threads: int = 1
    cores: int = 1  #: physical cores available to this process
    isa: str = ""  #: avx512 | avx2 | avx | sse2 | neon | ""

    @property
    def per_core_gflops(self) -> float:
        return self.flops_per_cycle * self.ghz


@dataclass(frozen=True)
class BenchRow:
    vendor: str
    interface: str
    library: str  #: the file that served dgemm (dladdr), as the loader named it
    n: int
    threads: int
    gflops: float
    peak_fraction: float
    seconds: float  #: best of the timed calls
    check: str  #: ok | wrong
    target_library: str = ""
    all_seconds: tuple[float, ...] = ()
    checksum: float = 0.0
    abs_checksum: float = 0.0
    dgemm_symbol: str = ""
    int_size: int = 0
    threading: str = "unknown"
    #: what the library said about itself: version, config, corename, blis_arch, lib_threads, ...
    facts: tuple[tuple[str, str], ...] = ()

    def fact(self, key: str) -> str:
        return dict(self.facts).get(key, "")

    @property
    def kernel(self) -> str:
        """The kernel set the library selected at run time, when it says."""
        advice = _advice(self.vendor)
        key = advice.kernel_fact if advice and advice.kernel_fact else ""
        value = self.fact(key) if key else (self.fact("corename") or self.fact("blis_arch"))
        return value.split(":", 1)[1] if ":" in value else value

    @property
    def version(self) -> str:
        vendor = lookup(self.vendor)
        if vendor is not None and vendor.version_from is not None:
            key, regex = vendor.version_from
            match = re.search(regex, self.fact(key))
            if match:
                return match.group(1)
        return self.fact("version")

    def as_json(self) -> dict[str, object]:
        return {
            "vendor": self.vendor, "interface": self.interface, "library": self.library,
            "target_library": self.target_library, "n": self.n, "threads": self.threads,
            "gflops": self.gflops, "peak_fraction": self.peak_fraction, "seconds": self.seconds,
            "all_seconds": list(self.all_seconds), "check": self.check, "checksum": self.checksum,
            "dgemm_symbol": self.dgemm_symbol, "int_size": self.int_size, "threading": self.threading,
            "version": self.version, "kernel": self.kernel, "facts": dict(self.facts),
        }


# ---------------------------------------------------------------------------------------------
# Threads and environment


def thread_env(threads: int) -> dict[str, str]:
    """Variables asking every BLAS we know of for ``threads`` threads."""
    if threads < 1:
        raise ValueError(f"threads must be >= 1, not {threads}")
    return dict.fromkeys(THREAD_VARIABLES, str(threads))


def bench_env(target: BenchTarget, threads: int, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment the probe runs in: ``base`` (default os.environ) and thread counts.

    No loader path: the probe carries the rpaths Meson would give a program in a
    build directory, so it runs the library a build would run (with Debian's
    alternatives, ``LD_LIBRARY_PATH`` would let a same-named library win).
    """
    env = dict(os.environ if base is None else base)
    env.update(thread_env(threads))
    return env


# ---------------------------------------------------------------------------------------------
# Peak estimate


@dataclass(frozen=True)
class _Cpu:
    vendor_id: str
    family: int
    model_name: str
    flags: frozenset[str]
    mhz: float  #: largest "cpu MHz" in /proc/cpuinfo (0 when absent)
    max_khz: float  #: cpufreq cpuinfo_max_freq (0 when absent)
    cores: int  #: physical cores this process may run on


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


@functools.lru_cache(maxsize=1)
def _cpu() -> _Cpu:
    text = _read("/proc/cpuinfo")
    try:
        allowed: set[int] | None = set(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        allowed = None
    blocks = [b for b in text.split("\n\n") if b.strip()]
    first: dict[str, str] = {}
    mhz = 0.0
    cores: set[tuple[str, str]] = set()
    logical = 0
    for block in blocks:
        fields: dict[str, str] = {}
        for line in block.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip()] = value.strip()
        if not first and ("flags" in fields or "Features" in fields):
            first = fields
        try:
            mhz = max(mhz, float(fields.get("cpu MHz", "0")))
        except ValueError:
            pass
        proc = fields.get("processor", "")
        if allowed is not None and proc.isdigit() and int(proc) not in allowed:
            continue
        if proc.isdigit():
            logical += 1
            if "core id" in fields:
                cores.add((fields.get("physical id", "0"), fields["core id"]))
    n_cores = len(cores) or logical or (len(allowed) if allowed else 0) or os.cpu_count() or 1
    try:
        max_khz = float(_read("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq").strip() or 0)
    except ValueError:
        max_khz = 0.0
    try:
        family = int(first.get("cpu family", "0"))
    except ValueError:
        family = 0
    flags = frozenset((first.get("flags") or first.get("Features") or "").split())
    return _Cpu(first.get("vendor_id", ""), family, first.get("model name", ""), flags, mhz, max_khz, n_cores)


def _isa(flags: frozenset[str]) -> str:
    if "avx512f" in flags:
        return "avx512"
    if "avx2" in flags and "fma" in flags:
        return "avx2"
    if "avx" in flags:
        return "avx"
    if "sse2" in flags:
        return "sse2"
    if "asimd" in flags:
        return "neon"
    return ""


def _split_cc(cc: str) -> list[str]:
    return shlex.split(cc) or ["cc"]


@functools.lru_cache(maxsize=4)
def measure_ghz(cc: str = "cc") -> float:
    """Core clock in GHz from a chain of dependent integer adds (one per cycle); 0.0 if it cannot run."""
    with tempfile.TemporaryDirectory(prefix="mesonbuild-blas-clock-") as tmp:
        exe = os.path.join(tmp, "clock")
        try:
            build = subprocess.run([*_split_cc(cc), "-O2", "-o", exe, str(BENCH_SOURCE)],
                                   capture_output=True, text=True, timeout=60)
            if build.returncode != 0:
                return 0.0
            run = subprocess.run([exe, "--clock"], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return 0.0
    try:
        return float(_parse_output(run.stdout).get("ghz", "0"))
    except ValueError:
        return 0.0


def estimate_peak(threads: int, cc: str = "cc", measure: bool = True) -> PeakEstimate:
    """Double-precision peak for ``threads`` threads, with the derivation in ``how``."""
    if threads < 1:
        raise ValueError(f"threads must be >= 1, not {threads}")
    cpu = _cpu()
    isa = _isa(cpu.flags)
    notes: list[str] = []
    x86 = isa in ("avx512", "avx2", "avx", "sse2")
    isa_bits = ISA_BITS[isa]
    if isa == "avx512":
        fma_units = 2
        notes.append("avx512f: 512-bit vectors, assuming 2 FMA units per core (Xeon Gold 6000/Platinum and later"
                     " server cores, Zen 5; some Xeon Bronze/Silver/Gold 5000 and client cores have only one)")
    elif isa == "avx2":
        fma_units = 2
        notes.append("avx2+fma: 256-bit vectors, assuming 2 FMA units per core (Haswell and later, Zen 2 and later;"
                     " Zen 1 has the equivalent of one)")
    elif x86:
        fma_units = 1
        notes.append(f"{isa} without FMA: one add pipe plus one multiply pipe, counted as 1 FMA unit")
    elif isa == "neon":
        fma_units = 2
        notes.append("NEON: 128-bit vectors, assuming 2 FMA pipes per core (SVE and wider cores not modelled)")
    else:
        fma_units = 1
        notes.append("unknown ISA: assuming scalar double precision, 1 FMA per cycle")
    vector_bits = _DATAPATH_BITS.get((cpu.vendor_id, cpu.family), isa_bits) if x86 else isa_bits
    vector_bits = min(vector_bits, isa_bits)
    if vector_bits < isa_bits:
        notes.append(f"{cpu.vendor_id} family {cpu.family} runs {isa_bits}-bit FMAs on a {vector_bits}-bit datapath")
    flops_per_cycle = 2 * fma_units * (vector_bits // 64)

    nominal = max(cpu.mhz / 1000.0, cpu.max_khz / 1e6)
    nominal_src = "cpufreq cpuinfo_max_freq" if cpu.max_khz / 1e6 >= cpu.mhz / 1000.0 and cpu.max_khz else \
        "/proc/cpuinfo 'cpu MHz'"
    measured = measure_ghz(cc) if measure else 0.0
    if measured > nominal:
        ghz = measured
        clock = (f"{measured:.2f} GHz measured (dependent-add chain, one add per cycle), above the nominal"
                 f" {nominal:.2f} GHz from {nominal_src}" if nominal else
                 f"{measured:.2f} GHz measured (dependent-add chain, one add per cycle); no nominal clock found")
    elif nominal:
        ghz = nominal
        clock = f"{nominal:.2f} GHz nominal from {nominal_src}" + (
            f" (measured {measured:.2f} GHz is lower)" if measured else " (not measured)")
    else:
        raise BenchError("cannot estimate the CPU clock: no /proc/cpuinfo clock and the clock probe did not run")
    used = min(threads, cpu.cores)
    gflops = flops_per_cycle * ghz * used
    name = cpu.model_name or "this CPU"
    if cpu.vendor_id:
        name += f" ({cpu.vendor_id} family {cpu.family})"
    how = (f"{name}: {'; '.join(notes)}; 2 flops per FMA x {fma_units} unit(s) x {vector_bits // 64} doubles"
           f" = {flops_per_cycle} DP flops/cycle; clock {clock}; x {used} core(s)"
           f" ({threads} thread(s) requested, {cpu.cores} physical core(s) available)"
           f" = {gflops:.1f} GFLOP/s. The clock is one busy core's; all-core clocks are often lower.")
    return PeakEstimate(gflops, ghz, flops_per_cycle, vector_bits, fma_units, how, threads, cpu.cores, isa)


# ---------------------------------------------------------------------------------------------
# Build and run

_TEXT_KEYS = ("library", "config", "version", "corename")


def _parse_output(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if not sep:
            continue
        if key in _TEXT_KEYS:
            out[key] = value
            continue
        for token in line.split():
            k, s, v = token.partition("=")
            if s:
                out[k] = v
    return out


def build_bench(target: BenchTarget, cc: str = "cc", *, workdir: Path) -> Path:
    """Compile and link the probe against ``target``; the executable's path."""
    if target.int_size not in (4, 8):
        raise BenchError(f"int_size must be 4 or 8, not {target.int_size}")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", target.dgemm_symbol):
        raise BenchError(f"not a C identifier: dgemm symbol {target.dgemm_symbol!r}")
    workdir.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{target.vendor}-{target.interface}-{target.dgemm_symbol}")
    exe = workdir / f"dgemm_bench-{safe}"
    cmd = [*_split_cc(cc), "-O2", "-o", str(exe), str(BENCH_SOURCE), *target.compile_args,
           f"-DBENCH_DGEMM={target.dgemm_symbol}", f"-DBENCH_INT_SIZE={target.int_size}"]
    if sys.platform != "darwin":
        cmd.append("-Wl,--no-as-needed")
    cmd += [*target.link_args, "-ldl"]  # dladdr/dlsym live in libdl before glibc 2.34
    system_dirs = target.system_lib_dirs or compiler_library_dirs(tuple(_split_cc(cc)))
    cmd += [f"-Wl,-rpath,{d}" for d in build_rpath_dirs(list(target.link_args), system_dirs)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BenchError(f"cannot run the compiler {cc!r}: {exc}") from exc
    if proc.returncode != 0:
        raise BenchError(f"the dgemm benchmark does not build against {target.vendor} ({target.library}):"
                         f" {_first_line(proc.stderr) or f'exit status {proc.returncode}'}\n  {shlex.join(cmd)}")
    return exe


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for line in lines:
        if "error" in line.lower() or "undefined reference" in line or "cannot find" in line:
            return line
    return lines[0] if lines else ""


def _run_once(exe: Path, target: BenchTarget, n: int, threads: int, repeat: int, timeout: float) -> dict[str, str]:
    try:
        proc = subprocess.run([str(exe), str(n), str(repeat)], capture_output=True, text=True,
                              env=bench_env(target, threads), timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{target.vendor}: n={n} with {threads} thread(s) took longer than {timeout:.0f} s") from exc
    out = _parse_output(proc.stdout)
    if proc.returncode == 0 and out.get("done") == "1":
        return out
    status = f"signal {-proc.returncode}" if proc.returncode < 0 else f"exit status {proc.returncode}"
    detail = _first_line(proc.stderr) or _first_line(proc.stdout)
    if "error while loading shared libraries" in proc.stderr or "Library not loaded" in proc.stderr:
        hint = ("the run-time loader cannot find the library: link it by absolute path or with -L<dir>"
                " (it then gets an rpath), or add -Wl,-rpath,<dir>")
    elif "check" not in out:
        hint = (f"dgemm failed on a 4x5x3 product: {target.dgemm_symbol} may not take"
                f" {target.int_size}-byte integers ({target.interface})")
    else:
        hint = f"the run for n={n} did not complete"
    raise BenchError(f"{target.vendor} ({target.library}): {hint} [{status}]" + (f": {detail}" if detail else ""))


def run_bench(
    target: BenchTarget,
    sizes: Sequence[int],
    threads: Sequence[int],
    repeat: int,
    cc: str = "cc",
    *,
    peak: Mapping[int, PeakEstimate] | None = None,
    timeout: float = 600.0,
) -> list[BenchRow]:
    """Time dgemm for every (threads, n); ``peak`` maps thread counts to estimates (computed when missing)."""
    if repeat < 1 or not sizes or not threads:
        raise ValueError("need repeat >= 1 and at least one size and one thread count")
    peaks = dict(peak or {})
    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory(prefix="mesonbuild-blas-bench-") as tmp:
        exe = build_bench(target, cc, workdir=Path(tmp))
        for t in threads:
            if t not in peaks:
                peaks[t] = estimate_peak(t, cc)
            for n in sizes:
                out = _run_once(exe, target, n, t, repeat, timeout)
                gflops = float(out["gflops"])
                facts = tuple(sorted((k, v) for k, v in out.items() if k not in _ROW_KEYS))
                rows.append(BenchRow(
                    vendor=target.vendor, interface=target.interface, library=out.get("library", ""),
                    n=n, threads=t, gflops=gflops,
                    peak_fraction=gflops / peaks[t].gflops if peaks[t].gflops > 0 else 0.0,
                    seconds=float(out["best_seconds"]), check=out.get("check", "wrong"),
                    target_library=target.library,
                    all_seconds=tuple(float(s) for s in out.get("seconds", "").split(",") if s),
                    checksum=float(out.get("checksum", "nan")), abs_checksum=float(out.get("abssum", "nan")),
                    dgemm_symbol=target.dgemm_symbol, int_size=target.int_size, threading=target.threading,
                    facts=facts,
                ))
    return rows


_ROW_KEYS = frozenset({"n", "best_seconds", "gflops", "seconds", "check", "checksum", "abssum", "library", "done"})


# ---------------------------------------------------------------------------------------------
# Anomalies


def _same_file(a: str, b: str) -> bool:
    if not a or not b:
        return a == b
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _label(row: BenchRow) -> str:
    advice = _advice(row.vendor)
    name = advice.display if advice else row.vendor
    return f"{name} {row.version}".strip()


def _suggestion(advice: VendorAdvice, rows: Sequence[BenchRow], isa: str) -> tuple[str, str]:
    """(kernel set, value for advice.env) to suggest, or ("", "")."""
    ids: dict[str, str] = {}
    if advice.numeric_ids:
        for row in rows:
            for pair in row.fact(advice.numeric_ids).split(","):
                num, sep, name = pair.partition(":")
                if sep:
                    ids[name.lower()] = num
    for kernel in advice.suggest.get(isa, ()):
        if not advice.numeric_ids:
            return kernel, kernel
        if kernel.lower() in ids:
            return kernel, ids[kernel.lower()]
    return "", ""


def _slow_message(rows: Sequence[BenchRow], all_rows: Sequence[BenchRow], peak: PeakEstimate) -> str:
    """One message when a target is slow on this CPU; "" otherwise."""
    first = rows[0]
    advice = _advice(first.vendor) or VendorAdvice(display=first.vendor)
    kernel = next((r.kernel for r in rows if r.kernel), "")
    kernel_bits = advice.kernel_bits.get(kernel.lower(), 0)
    narrow_kernel = 0 < kernel_bits < peak.vector_bits

    slow: list[tuple[BenchRow, BenchRow]] = []
    if not _is_yardstick(first.vendor):
        for row in rows:
            refs = [r for r in all_rows if _is_yardstick(r.vendor) and r.check == "ok"
                    and (r.n, r.threads) == (row.n, row.threads)]
            if refs:
                ref = max(refs, key=lambda r: r.gflops)
                if ref.gflops > 0 and row.gflops < SLOW_FRACTION * ref.gflops:
                    slow.append((row, ref))
    # the evidence quoted: the largest n (kernel-bound), fewest threads (least noisy)
    worst = max(slow, key=lambda pair: (pair[0].n, -pair[0].threads)) if slow else None
    best = max(rows, key=lambda r: r.peak_fraction)
    # a narrow kernel only matters when the library is also far from the peak
    narrow_kernel = narrow_kernel and best.peak_fraction < 0.5
    if worst is None and not narrow_kernel:
        return ""

    label = _label(first)
    if kernel:
        bits = f", {kernel_bits}-bit" if kernel_bits > 64 else ""
        head = f"{label} on this CPU selected its {kernel} kernels{bits}"
        if narrow_kernel:
            head += f" although the CPU does {peak.vector_bits}-bit FMAs"
    else:
        head = f"{label} is slow on this CPU"
    if worst is not None:
        row, ref = worst
        evidence = (f"{row.gflops:.1f} GFLOP/s vs {ref.gflops:.1f} for {_label(ref)} at n={row.n},"
                    f" {row.threads} thread(s)")
    else:
        evidence = f"{best.gflops:.1f} GFLOP/s at best, {best.peak_fraction:.0%} of the estimated peak"
    suggest_kernel, value = _suggestion(advice, rows, peak.isa)
    if suggest_kernel and suggest_kernel.lower() != kernel.lower() and advice.remedy:
        remedy = advice.remedy.format(env=advice.env, value=value, kernel=suggest_kernel)
    else:
        remedy = advice.fallback.format(env=advice.env) if advice.fallback else ""
    return f"{head} ({evidence})" + (f"; {remedy}" if remedy else "")


def _scaling_message(rows: Sequence[BenchRow]) -> str:
    """A message when more threads made a size clearly slower than one thread did; "" otherwise."""
    one = {r.n: r for r in rows if r.threads == 1}
    worse = [(r.gflops / one[r.n].gflops, r, one[r.n]) for r in rows
             if r.threads > 1 and r.n in one and r.gflops < SLOWER_WITH_THREADS * one[r.n].gflops]
    if not worse:
        return ""
    _, row, base = min(worse, key=lambda w: w[0])
    return (f"{_label(row)} ({row.interface}) was slower with {row.threads} threads than with 1 at n={row.n}"
            f" ({row.gflops:.1f} vs {base.gflops:.1f} GFLOP/s): other processes on these cores, or"
            f" oversubscription between threading layers ({row.threading}); compare with idle cores")


def anomalies(rows: Sequence[BenchRow], targets: Sequence[BenchTarget],
              peak: PeakEstimate | None = None) -> list[str]:
    """Human-readable warnings about ``rows`` (results for ``targets``)."""
    peak = peak or estimate_peak(1, measure=False)
    messages: list[str] = []
    by_target: dict[tuple[str, str, str], list[BenchRow]] = {}
    for row in rows:
        by_target.setdefault((row.vendor, row.interface, row.target_library), []).append(row)
    known = {(t.vendor, t.interface, t.library) for t in targets}

    for key, group in by_target.items():
        first = group[0]
        label = _label(first)
        for row in group:
            if row.check != "ok":
                messages.append(f"{label} ({first.interface}) computed a wrong result for the 4x5x3 check product"
                                f" (n={row.n}, {row.threads} thread(s)): {first.dgemm_symbol} with"
                                f" {first.int_size}-byte integers is not a working dgemm")
                break
        expected = first.target_library if key in known or not targets else ""
        used = sorted({r.library for r in group if r.library})
        for lib in used:
            if expected and not _same_file(lib, expected):
                messages.append(f"{label} ({first.interface}) ran against {lib}, not {expected}"
                                f" ({os.path.realpath(lib)} vs {os.path.realpath(expected)}): the run-time loader"
                                " picked another file than the link (alternatives, LD_LIBRARY_PATH or rpath)")
        for t in sorted({r.threads for r in group}):
            reported = {r.fact("lib_threads") for r in group if r.threads == t} - {""}
            if reported and reported != {str(t)}:
                messages.append(f"{label} ({first.interface}) was asked for {t} thread(s) but reports"
                                f" {'/'.join(sorted(reported))} (sequential build or thread cap?)")
        slow = _slow_message(group, rows, peak)
        if slow:
            messages.append(slow)
        scaling = _scaling_message(group)
        if scaling:
            messages.append(scaling)
        over = max(group, key=lambda r: r.peak_fraction)
        if over.peak_fraction > 1.05:
            messages.append(f"{label} reached {over.gflops:.1f} GFLOP/s, {over.peak_fraction:.0%} of the estimated"
                            " peak: the peak estimate is too low (clock or FMA-unit assumption)")

    # the same product must give the same checksum, whoever computes it
    for n in sorted({r.n for r in rows}):
        ok = [r for r in rows if r.n == n and r.check == "ok" and r.checksum == r.checksum]
        if len(ok) < 2:
            continue
        ref = ok[0]
        scale = max((abs(r.abs_checksum) for r in ok if r.abs_checksum == r.abs_checksum), default=0.0)
        scale = max(scale, abs(ref.checksum), 1.0)
        bad = sorted({_label(r) for r in ok if abs(r.checksum - ref.checksum) > 1e-8 * scale})
        if bad:
            messages.append(f"n={n}: checksum of {', '.join(bad)} differs from {_label(ref)}"
                            f" ({ref.checksum:.12g}): results disagree beyond rounding")
    return messages


# ---------------------------------------------------------------------------------------------
# Output


def format_table(rows: Sequence[BenchRow], peak: PeakEstimate | None) -> str:
    """A plain-text table of ``rows``, libraries as footnotes, the peak estimate on top."""
    lines: list[str] = []
    if peak is not None:
        lines.append(f"Peak estimate: {peak.per_core_gflops:.1f} DP GFLOP/s per core"
                     f" ({peak.ghz:.2f} GHz x {peak.flops_per_cycle} flops/cycle), {peak.cores} core(s)")
        lines.append(f"  {peak.how}")
        lines.append("")
    libs: list[str] = []
    header = ("vendor", "interface", "threads", "n", "GFLOP/s", "% peak", "best ms", "check", "kernel", "lib")
    body: list[tuple[str, ...]] = []
    for row in sorted(rows, key=lambda r: (r.vendor, r.interface, r.target_library, r.threads, r.n)):
        note = f"{row.library or '?'}" + (f" ({_label(row)})" if row.version else "")
        if note not in libs:
            libs.append(note)
        body.append((row.vendor, row.interface, str(row.threads), str(row.n), f"{row.gflops:.1f}",
                     f"{row.peak_fraction:.0%}", f"{row.seconds * 1e3:.2f}", row.check, row.kernel or "-",
                     f"[{libs.index(note) + 1}]"))
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    right = {2, 3, 4, 5, 6}
    for r in [header, *body]:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    lines.extend(f"[{i}] {lib}" for i, lib in enumerate(libs, 1))
    return "\n".join(lines)


def plot(rows: Sequence[BenchRow], path: Path | str, peak: Iterable[PeakEstimate] = ()) -> Path:
    """GFLOP/s against n, one line per (vendor, interface, threads), saved to ``path``."""
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError as exc:
        raise BenchError("plotting needs matplotlib: pip install 'mesonbuild-blas[plot]'") from exc
    matplotlib.use("Agg")
    plt = importlib.import_module("matplotlib.pyplot")
    fig, ax = plt.subplots(figsize=(8, 5))
    series: dict[tuple[str, str, int], list[BenchRow]] = {}
    for row in rows:
        series.setdefault((row.vendor, row.interface, row.threads), []).append(row)
    # one colour per library, one line style per thread count
    libraries = sorted({(v, i) for v, i, _ in series})
    thread_counts = sorted({t for _, _, t in series})
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    styles = ("-", "--", ":", "-.")
    for (vendor, interface, threads), group in sorted(series.items()):
        group = sorted(group, key=lambda r: r.n)
        ax.plot([r.n for r in group], [r.gflops for r in group], marker="o",
                color=colours[libraries.index((vendor, interface)) % len(colours)],
                linestyle=styles[thread_counts.index(threads) % len(styles)],
                label=f"{vendor} {interface}, {threads} thread(s)")
    sizes = [r.n for r in rows]
    if sizes and max(sizes) >= 4 * min(sizes):
        ax.set_xscale("log", base=2)
        ticks = sorted(set(sizes))
        ax.set_xticks(ticks, [str(t) for t in ticks])
    for p in peak:
        ax.axhline(p.gflops, linestyle="--", linewidth=0.8, color="grey")
        ax.annotate(f"peak, {p.threads} thread(s)", (0, p.gflops), xycoords=("axes fraction", "data"),
                    fontsize=8, color="grey", va="bottom")
    ax.set_xlabel("n (dgemm n x n x n)")
    ax.set_ylabel("GFLOP/s")
    ax.set_title("dgemm")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    out = Path(path)
    fig.savefig(out, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return out
