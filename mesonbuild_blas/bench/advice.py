"""What a user would want to know about benchmark rows: wrong results, slow kernels, odd scaling.

Vendor-specific knowledge (which kernel sets exist, how to select another one)
comes from each vendor's ``bench_advice`` in ``vendors.py``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from ..vendors import VendorAdvice, lookup
from .peak import PeakEstimate, estimate_peak
from .records import BenchRow, BenchTarget

#: a row below this fraction of the best reference row (same n, threads) is reported
SLOW_FRACTION = 0.40
#: a multi-threaded row below this fraction of the 1-thread row (same target, n) is reported
SLOWER_WITH_THREADS = 0.75


def _advice(vendor: str) -> VendorAdvice | None:
    """The vendor entry's performance advice (vendors.py), if any."""
    entry = lookup(vendor)
    return entry.bench_advice if entry is not None else None


def _is_yardstick(vendor: str) -> bool:
    entry = lookup(vendor)
    return entry is not None and entry.bench_yardstick


def _same_file(a: str, b: str) -> bool:
    if not a or not b:
        return a == b
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


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
    """One message when a target is slow on this CPU; "" otherwise (rows with a wrong result are no speed)."""
    rows = [r for r in rows if r.check == "ok"]
    if not rows:
        return ""
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

    label = first.label
    if kernel:
        bits = f", {kernel_bits}-bit" if kernel_bits > 64 else ""
        head = f"{label} on this CPU selected its {kernel} kernels{bits}"
        if narrow_kernel:
            head += f" although the CPU does {peak.vector_bits}-bit FMAs"
    else:
        head = f"{label} is slow on this CPU"
    if worst is not None:
        row, ref = worst
        evidence = (f"{row.gflops:.1f} GFLOP/s vs {ref.gflops:.1f} for {ref.label} at n={row.n},"
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
    return (f"{row.label} was slower with {row.threads} threads than with 1 at n={row.n}"
            f" ({row.gflops:.1f} vs {base.gflops:.1f} GFLOP/s): other processes on these cores, or"
            f" oversubscription between threading layers ({row.threading}); compare with idle cores")


def anomalies(rows: Sequence[BenchRow], targets: Sequence[BenchTarget],
              peak: PeakEstimate | None = None) -> list[str]:
    """Human-readable warnings about ``rows`` (results for ``targets``)."""
    peak = peak or estimate_peak(1, measure=False)
    messages: list[str] = []
    by_target: dict[tuple[str, str, str, str], list[BenchRow]] = {}
    for row in rows:
        by_target.setdefault((row.vendor, row.interface, row.variant, row.target_library), []).append(row)
    known = {(t.vendor, t.interface, t.variant, t.library) for t in targets}

    for key, group in by_target.items():
        first = group[0]
        label = first.label
        for row in group:
            if row.check != "ok":
                messages.append(f"{label} computed a wrong result for the 4x5x3 check product"
                                f" (n={row.n}, {row.threads} thread(s)): {first.dgemm_symbol} with"
                                f" {first.int_size}-byte integers is not a working dgemm")
                break
        expected = first.target_library if key in known or not targets else ""
        used = sorted({r.library for r in group if r.library})
        for lib in used:
            if expected and not _same_file(lib, expected):
                messages.append(f"{label} ran against {lib}, not {expected}"
                                f" ({os.path.realpath(lib)} vs {os.path.realpath(expected)}): the run-time loader"
                                " picked another file than the link (alternatives, LD_LIBRARY_PATH or rpath)")
        for t in sorted({r.threads for r in group}):
            reported = {r.fact("lib_threads") for r in group if r.threads == t} - {""}
            if reported and reported != {str(t)}:
                messages.append(f"{label} was asked for {t} thread(s) but reports"
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
        bad = sorted({r.label for r in ok if abs(r.checksum - ref.checksum) > 1e-8 * scale})
        if bad:
            messages.append(f"n={n}: checksum of {', '.join(bad)} differs from {ref.label}"
                            f" ({ref.checksum:.12g}): results disagree beyond rounding")
    return messages
