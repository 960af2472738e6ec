"""A double-precision peak for this CPU: /proc/cpuinfo, a measured clock, and stated assumptions."""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
from collections.abc import Mapping

from ..records import record
from .program import BENCH_SOURCE, compiler_command, parse_bench_output
from .records import BenchError

#: vector width of each CPU ISA level
ISA_BITS: Mapping[str, int] = {"avx512": 512, "avx2": 256, "avx": 256, "sse2": 128, "neon": 128, "": 64}

#: (CPU vendor, family) → width of the FMA datapath when narrower than the ISA's vectors
_DATAPATH_BITS = {("AuthenticAMD", 25): 256}  # Zen 4 executes 512-bit FMAs as two 256-bit halves


@record
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



@record
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


@functools.lru_cache(maxsize=4)
def measure_ghz(cc: str = "cc") -> float:
    """Core clock in GHz from a chain of dependent integer adds (one per cycle); 0.0 if it cannot run."""
    with tempfile.TemporaryDirectory(prefix="mesonbuild-blas-clock-") as tmp:
        exe = os.path.join(tmp, "clock")
        try:
            build = subprocess.run([*compiler_command(cc), "-O2", "-o", exe, str(BENCH_SOURCE)],
                                   capture_output=True, text=True, timeout=60)
            if build.returncode != 0:
                return 0.0
            run = subprocess.run([exe, "--clock"], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return 0.0
    try:
        return float(parse_bench_output(run.stdout).get("ghz", "0"))
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
