"""Benchmark rows for people: a table that fits the terminal, the peak estimate, a chart."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..console import Column, format_columns, shorten_distinct, wrap
from .peak import PeakEstimate
from .records import BenchError, BenchRow

#: title, right-aligned, priority (the lowest go first when the terminal is too narrow)
BENCH_COLUMNS = (
    Column("vendor"), Column("iface"), Column("version", priority=3), Column("threading", priority=1),
    Column("kernel", priority=2), Column("threads", right=True), Column("n", right=True),
    Column("GFLOP/s", right=True), Column("% peak", right=True, priority=5), Column("best ms", right=True, priority=1),
    Column("check", priority=6), Column("lib", priority=4),
)


def format_peak(peak: PeakEstimate, width: int | None = None, *, derivation: bool = True) -> str:
    """The peak estimate, wrapped to ``width``; with how it was derived."""
    head = (f"Peak estimate: {peak.per_core_gflops:.1f} DP GFLOP/s per core"
            f" ({peak.ghz:.2f} GHz x {peak.flops_per_cycle} flops/cycle), {peak.cores} core(s)")
    lines = [wrap(head, width, "  ")]
    if derivation:
        lines.append(wrap(f"  {peak.how}", width, "  "))
    return "\n".join(lines)


def format_bench_table(rows: Sequence[BenchRow], peak: PeakEstimate | None, width: int | None = None,
                       *, wide: bool = False) -> str:
    """A plain-text table of ``rows``, libraries as footnotes, the peak estimate on top.

    ``width`` (None: unlimited) drops the least important columns and shortens
    paths; ``wide`` shows every column in full.
    """
    fit = None if wide else width
    lines: list[str] = []
    if peak is not None:
        lines += [format_peak(peak, fit), ""]
    libs: list[str] = []
    body: list[list[str]] = []
    for row in sorted(rows, key=lambda r: (r.vendor, r.interface, r.variant, r.target_library, r.threads, r.n)):
        # the file as report names it (the real file: alternatives and links resolved)
        note = os.path.realpath(row.library) if row.library else "?"
        if note not in libs:
            libs.append(note)
        threading = f"{row.threading} ({row.variant})" if row.variant else row.threading
        ok = row.check == "ok"  # a wrong result is no speed: its time is not shown as one
        body.append([row.vendor, row.interface, row.version or "-", threading, row.kernel or "-", str(row.threads),
                     str(row.n), f"{row.gflops:.1f}" if ok else "-", f"{row.peak_fraction:.0%}" if ok else "-",
                     f"{row.seconds * 1e3:.2f}", row.check, f"[{libs.index(note) + 1}]"])
    lines += format_columns(BENCH_COLUMNS, body, fit)
    if fit:
        shown, _width = shorten_distinct(libs, max(fit - 5, 20))
        lines += [f"[{i}] {shown[lib]}" for i, lib in enumerate(libs, 1)]
    else:
        lines += [f"[{i}] {lib}" for i, lib in enumerate(libs, 1)]
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
        if row.check == "ok":  # a wrong result is no speed
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
