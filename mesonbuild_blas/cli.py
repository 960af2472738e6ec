"""``mesonbuild-blas``: the tool's own command line."""

from __future__ import annotations

import argparse
import sys

from . import MESON_MAX_EXCLUSIVE, MESON_MIN, __version__


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
    demo = sub.add_parser("demo", help="build and run the example projects against the embedded default BLAS")
    demo.add_argument("--keep", action="store_true", help="keep the build directories")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(keep=args.keep)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
