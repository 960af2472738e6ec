"""``mesonbuild-blas``: the tool's own command line (report, bench, demo)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import MESON_MAX_EXCLUSIVE, MESON_MIN, __version__, vendors


def _positive_ints(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, not {text!r}") from None
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive integers, not {text!r}")
    return values


def _strs(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _vendor(text: str) -> str:
    vendor = vendors.lookup(text)
    if vendor is None:
        names = ", ".join(v.name for v in vendors.VENDORS)
        raise argparse.ArgumentTypeError(f"unknown vendor {text!r} (choose from {names})")
    return vendor.name


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mesonbuild-blas",
        description="BLAS/LAPACK dependencies for Meson. Use `meson-blas` as a drop-in `meson`.",
    )
    parser.add_argument(
        "--version", action="version",
        version=f"mesonbuild-blas {__version__} (Meson >= {MESON_MIN}, < {MESON_MAX_EXCLUSIVE})",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    report = sub.add_parser("report", help="every BLAS/LAPACK installation a build could use, with every variable")
    report.add_argument("--json", action="store_true", help="machine-readable output (schema: docs/reference.md)")
    report.add_argument("--interface", choices=("lp64", "ilp64", "both"), default="both")
    report.add_argument("--vendor", type=_vendor, help="only this vendor")

    bench = sub.add_parser("bench", help="time dgemm against each library the report finds")
    bench.add_argument("--vendor", type=_vendor, help="only this vendor")
    bench.add_argument("--interface", choices=("lp64", "ilp64", "both"), default="both")
    bench.add_argument("--sizes", type=_positive_ints, default=[256, 1024, 2048], help="matrix sizes, e.g. 256,1024")
    bench.add_argument("--threads", type=_positive_ints, default=None,
                       help="thread counts, e.g. 1,2 (default: 1 and all cores)")
    bench.add_argument("--repeat", type=int, default=3, help="timed runs per point; the best counts (default 3)")
    bench.add_argument("--json", action="store_true", help="one JSON object per measurement, in a list")
    bench.add_argument("--plot", type=Path, metavar="FILE.png", help="draw GFLOP/s vs n (needs matplotlib)")

    demo = sub.add_parser("demo", help="build and run the example projects against the embedded default BLAS")
    demo.add_argument("--keep", action="store_true", help="keep the build directories")
    return parser


def cmd_report(args: argparse.Namespace) -> int:
    from .report import format_table, run_report

    try:
        report = run_report(args.vendor, args.interface, progress=True)
    except (RuntimeError, FileNotFoundError) as e:
        print(f"mesonbuild-blas report: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(format_table(report))
    return 0 if report.rows else 1


def cmd_bench(args: argparse.Namespace) -> int:
    from . import bench
    from .report import run_report

    if args.repeat < 1:
        print("mesonbuild-blas bench: --repeat must be >= 1", file=sys.stderr)
        return 2
    threads = args.threads or sorted({1, os.cpu_count() or 1})
    try:
        report = run_report(args.vendor, args.interface, progress=True)
    except (RuntimeError, FileNotFoundError) as e:
        print(f"mesonbuild-blas bench: {e}", file=sys.stderr)
        return 2
    targets: list[bench.BenchTarget] = []
    for row in report.rows:
        target = bench.BenchTarget(
            str(row["vendor"]), str(row["interface"]), str(row["library"]),
            _strs(row["compile_args"]), _strs(row["link_args"]),
            str(row["fortran_symbol_dgemm"]), int(str(row["int_size"])), str(row["threading"]))
        if all((t.library, t.interface, t.link_args) != (target.library, target.interface, target.link_args)
               for t in targets):
            targets.append(target)
    if not targets:
        print("mesonbuild-blas bench: no library found to benchmark", file=sys.stderr)
        return 1
    peaks = {t: bench.estimate_peak(t) for t in threads}
    rows: list[bench.BenchRow] = []
    for target in targets:
        print(f"benchmarking {target.vendor} {target.interface} ({target.library})", file=sys.stderr, flush=True)
        try:
            rows += bench.run_bench(target, args.sizes, threads, args.repeat, peak=peaks)
        except bench.BenchError as e:
            print(f"  skipped: {e}", file=sys.stderr)
    if args.json:
        print(json.dumps([r.as_json() for r in rows], indent=2))
    else:
        print(bench.format_bench_table(rows, peaks[min(threads)]))
        notes = bench.anomalies(rows, targets, peaks[min(threads)])
        if notes:
            print("\nworth knowing:")
            print("\n".join(f"- {n}" for n in notes))
    if args.plot:
        try:
            print(f"chart written to {bench.plot(rows, args.plot, peaks.values())}", file=sys.stderr)
        except bench.BenchError as e:
            print(f"mesonbuild-blas bench: {e}", file=sys.stderr)
            return 2
    return 0 if rows else 1


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "report":
        return cmd_report(args)
    if args.command == "bench":
        return cmd_bench(args)
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(keep=args.keep)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
