"""``mesonbuild-blas``: the tool's own command line (report, bench, demo, options)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import MESON_MAX_EXCLUSIVE, MESON_MIN, __version__, vendors
from .console import Progress, format_duration, output_width, wrap
from .report import ProgressHandler, Query, Report, format_report_table, info_from_row, run_report
from .runner import RunnerError


def _threading_options() -> str:
    """``meson.options`` lines of the vendors' threading options (from the vendor table)."""
    lines = []
    for vendor in vendors.VENDORS:
        if not vendor.threading_option:
            continue
        choices = ", ".join(repr(t.names[0]) for t in vendor.threadings)
        order = ", then ".join(t.names[0] for t in vendor.threadings)
        display = vendor.bench_advice.display if vendor.bench_advice else vendor.name
        lines.append(f"option('{vendor.threading_option}', type: 'combo', value: 'auto',\n"
                     f"       choices: ['auto', {choices}],\n"
                     f"       description: '{display} threading layer (auto: {order})')\n")
    return "".join(lines)


#: the conventional numpy/SciPy options (meson/__init__.py: project_options reads all but use-ilp64,
#: which the project's own calls read: a lookup without interface: is LP64)
OPTIONS_BLOCK = """\
option('blas', type: 'string', value: 'auto',
       description: 'BLAS vendor to use (auto: search blas-order)')
option('lapack', type: 'string', value: 'auto',
       description: 'LAPACK vendor to use (auto: search lapack-order)')
option('blas-order', type: 'array', value: [],
       description: 'BLAS vendors to try, in order (empty: the built-in order)')
option('lapack-order', type: 'array', value: [],
       description: 'LAPACK vendors to try, in order (empty: the built-in order)')
option('use-ilp64', type: 'boolean', value: false,
       description: 'Also build against an ILP64 (64-bit integer) BLAS')
option('blas-symbol-suffix', type: 'string', value: 'auto',
       description: 'Symbol suffix of the ILP64 BLAS library (auto: detect)')
""" + _threading_options()

OPTIONS_NOTE = ("mesonbuild-blas: save this as meson.options next to meson.build (that file name needs"
                " meson_version: '>=1.1' in project(); for older Meson name it meson_options.txt);"
                " then e.g. meson-blas setup build -Dblas=openblas -Duse-ilp64=true")

#: bench defaults: quick (one size, one thread, each library once) and --full (the sweep)
QUICK_SIZES = [1024]
FULL_SIZES = [256, 1024, 2048]


def _positive_ints(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, not {text!r}") from None
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive integers, not {text!r}")
    return values


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
    report.add_argument("--wide", action="store_true", help="every column, in full (default: fit the terminal)")
    report.add_argument("--verbose", action="store_true", help="show Meson's whole configure log on stderr")

    bench = sub.add_parser("bench", help="time dgemm against each library the report finds",
                           description="Time dgemm against each library the report finds. By default one size "
                                       f"(n={QUICK_SIZES[0]}), one thread, each vendor x interface once (well under "
                                       "a minute); --full sweeps sizes, thread counts and link-time variants.")
    bench.add_argument("--vendor", type=_vendor, help="only this vendor")
    bench.add_argument("--interface", choices=("lp64", "ilp64", "both"), default="both")
    bench.add_argument("--full", action="store_true",
                       help=f"sizes {','.join(map(str, FULL_SIZES))}, 1 thread and all cores, every threading "
                            "variant (minutes)")
    bench.add_argument("--sizes", type=_positive_ints, default=None,
                       help=f"matrix sizes, e.g. 256,1024 (default {QUICK_SIZES[0]})")
    bench.add_argument("--threads", type=_positive_ints, default=None,
                       help="thread counts, e.g. 1,2 (default: 1; --full: 1 and all cores)")
    bench.add_argument("--repeat", type=int, default=3, help="timed runs per point; the best counts (default 3)")
    bench.add_argument("--json", action="store_true", help="one JSON object per measurement, in a list")
    bench.add_argument("--plot", type=Path, metavar="FILE.png", help="draw GFLOP/s vs n (needs matplotlib)")
    bench.add_argument("--wide", action="store_true", help="every column, in full (default: fit the terminal)")

    demo = sub.add_parser("demo", help="build and run the example project against the default BLAS")
    demo.add_argument("--keep", action="store_true", help="keep the build directories")
    demo.add_argument("--verbose", action="store_true", help="show Meson's output on stderr")

    sub.add_parser("options", help="print the meson.options block of the options the plugin reads")

    pkgconfig = sub.add_parser("pkgconfig", help="write one .pc file per proven dependency (for CMake, "
                                                 "autotools, Makefiles)")
    pkgconfig.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="directory to write to")
    pkgconfig.add_argument("--vendor", type=_vendor, help="only this vendor")
    pkgconfig.add_argument("--interface", choices=("lp64", "ilp64", "both"), default="both")
    return parser


def _report_progress(progress: Progress, what: str) -> ProgressHandler:
    def show(done: int, total: int, query: Query, row: dict[str, object] | None) -> None:
        state = f"found {row.get('version') or ''}".rstrip() if row is not None else "not found"
        progress.step(f"{what}: {done}/{total} lookups, {progress.elapsed():.0f}s: {query.title} {state}")

    return show


def _run_report(args: argparse.Namespace, progress: Progress, command: str, what: str) -> Report | None:
    """The report's detection; None (after saying why) when its project could not be configured."""
    verbose = getattr(args, "verbose", False)
    log = (lambda line: print(line, file=sys.stderr, flush=True)) if verbose else None
    try:
        return run_report(args.vendor, args.interface,
                          progress=None if verbose else _report_progress(progress, what), log=log)
    except (RuntimeError, RunnerError) as e:
        progress.clear()
        print(f"mesonbuild-blas {command}: {e}", file=sys.stderr)
        return None


def cmd_report(args: argparse.Namespace) -> int:
    progress = Progress()
    report = _run_report(args, progress, "report", "report")
    if report is None:
        return 2
    progress.clear()
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(format_report_table(report, output_width(), wide=args.wide))
    return 0 if report.rows else 1


def cmd_bench(args: argparse.Namespace) -> int:
    from . import bench

    if args.repeat < 1:
        print("mesonbuild-blas bench: --repeat must be >= 1", file=sys.stderr)
        return 2
    sizes = args.sizes or (FULL_SIZES if args.full else QUICK_SIZES)
    threads = args.threads or (sorted({1, os.cpu_count() or 1}) if args.full else [1])
    progress = Progress()
    report = _run_report(args, progress, "bench", "bench: finding libraries")
    if report is None:
        return 2
    targets: list[bench.BenchTarget] = []
    for row in report.rows:
        args_of = row.get("compile_args"), row.get("link_args")
        target = bench.target_from_info(
            info_from_row(row), [str(a) for a in args_of[0] or []] if isinstance(args_of[0], list) else [],
            [str(a) for a in args_of[1]] if isinstance(args_of[1], list) else [],
            variant=str(row.get("requested_threading") or ""))
        duplicate = any((t.library, t.interface, t.link_args) == (target.library, target.interface, target.link_args)
                        or (not args.full and (t.vendor, t.interface) == (target.vendor, target.interface))
                        for t in targets)
        if not duplicate:
            targets.append(target)
    if not targets:
        progress.clear()
        print("mesonbuild-blas bench: no library found to benchmark (hint: mesonbuild-blas report says what was"
              " looked for)", file=sys.stderr)
        return 1

    progress.update("bench: measuring the CPU clock")
    peaks = {t: bench.estimate_peak(t) for t in threads}
    # the work left, in flops: each point runs dgemm repeat + 1 times (warm-up)
    work = {n: 2.0 * n**3 * (args.repeat + 1) for n in sizes}
    total = sum(work.values()) * len(threads) * len(targets)
    done = 0.0
    bench_started = progress.elapsed()
    rows: list[bench.BenchRow] = []
    for i, target in enumerate(targets, 1):
        def on_row(row: bench.BenchRow, i: int = i, target: bench.BenchTarget = target) -> None:
            nonlocal done
            done += work[row.n]
            spent = progress.elapsed() - bench_started
            left = spent / done * (total - done) if done else 0.0
            progress.step(f"bench: {i}/{len(targets)} {target.label} n={row.n}, {row.threads} thread(s):"
                          f" {f'{row.gflops:.1f} GFLOP/s' if row.check == 'ok' else 'WRONG result'};"
                          f" {format_duration(progress.elapsed())} elapsed,"
                          f" ~{format_duration(left)} left")

        progress.update(f"bench: {i}/{len(targets)} {target.label}: building")
        try:
            rows += bench.run_bench(target, sizes, threads, args.repeat, peak=peaks, on_row=on_row)
        except bench.BenchError as e:
            done += sum(work.values()) * len(threads)
            progress.note(f"  skipped {target.label}: {e}")
    progress.clear()
    width = output_width()
    if args.json:
        print(json.dumps([r.as_json() for r in rows], indent=2))
    else:
        print(bench.format_bench_table(rows, peaks[min(threads)], width, wide=args.wide))
        notes = bench.anomalies(rows, targets, peaks[min(threads)])
        if notes:
            print("\nworth knowing:")
            print("\n".join(wrap(f"- {n}", None if args.wide else width, "  ") for n in notes))
        if not args.full:
            print("\n" + wrap(f"(quick run: n={','.join(map(str, sizes))}, {','.join(map(str, threads))} thread(s),"
                              " one threading variant per library; --full for the sweep)", width))
    if args.plot:
        try:
            print(f"chart written to {bench.plot(rows, args.plot, peaks.values())}", file=sys.stderr)
        except bench.BenchError as e:
            print(f"mesonbuild-blas bench: {e}", file=sys.stderr)
            return 2
    return 0 if rows else 1


def cmd_options() -> int:
    print(OPTIONS_BLOCK, end="")
    print(wrap(OPTIONS_NOTE, output_width(sys.stderr), "  "), file=sys.stderr)
    return 0


def cmd_pkgconfig(args: argparse.Namespace) -> int:
    from .pkgconfig_export import PcFile, local_headers, pc_name, render_pc, write_pc_files
    from .probes import compiler_library_dirs
    from .report import header_store

    progress = Progress()
    report = _run_report(args, progress, "pkgconfig", "pkgconfig: finding libraries")
    if report is None:
        return 2
    progress.clear()
    system_dirs = compiler_library_dirs(("cc",))
    files: dict[str, PcFile] = {}
    for row in report.rows:
        try:
            info = info_from_row(row)
        except RunnerError as e:
            print(f"mesonbuild-blas pkgconfig: {e}", file=sys.stderr)
            return 2
        name = pc_name(info, str(row.get("requested_threading") or ""))
        if name in files:  # the first of the report's order wins, as in a build
            continue
        compile_args = local_headers(name, [str(a) for a in row.get("compile_args") or []],  # type: ignore[attr-defined]
                                     header_store(), args.output)
        link_args = [str(a) for a in row.get("link_args") or []]  # type: ignore[attr-defined]
        files[name] = PcFile(name, render_pc(name, info, compile_args, link_args, system_dirs))
        print(f"{name}.pc: {info.vendor} {info.version} ({info.interface}, {info.library})")
    if not files:
        print("mesonbuild-blas pkgconfig: no BLAS library found; `mesonbuild-blas report` says what was tried",
              file=sys.stderr)
        return 1
    written = write_pc_files(list(files.values()), args.output)
    print(f"wrote {len(written)} file(s) to {args.output}; use them with "
          f"PKG_CONFIG_PATH={args.output.resolve()}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "report":
        return cmd_report(args)
    if args.command == "bench":
        return cmd_bench(args)
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(keep=args.keep, verbose=args.verbose)
    if args.command == "options":
        return cmd_options()
    if args.command == "pkgconfig":
        return cmd_pkgconfig(args)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
