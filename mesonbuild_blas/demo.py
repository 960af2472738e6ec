"""``mesonbuild-blas demo``: build and run the example project against the default BLAS, LP64 and ILP64.

The project ships inside the package (``demo_project/``), so the demo works
from a wheel as well as from a clone.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from . import names
from .runner import RunnerError, ScratchProject

#: the example project: one C source calling dgemm through blas_mangling.h
DEMO_PROJECT = Path(__file__).resolve().parent / "demo_project"
DEMO_EXE = "dgemm_demo"


def run_demo(keep: bool = False, verbose: bool = False) -> int:
    if not (DEMO_PROJECT / "meson.build").is_file():
        print(f"mesonbuild-blas demo: the example project is missing from {DEMO_PROJECT} "
              "(hint: reinstall mesonbuild-blas)", file=sys.stderr)
        return 2
    try:
        project = ScratchProject(source=DEMO_PROJECT, prefix="mesonbuild-blas-demo-", keep=keep)
    except RunnerError as e:
        print(f"mesonbuild-blas demo: {e}", file=sys.stderr)
        return 2
    echo = (lambda line: print(line, file=sys.stderr)) if verbose else None
    failures = 0
    with project:
        for interface in names.INTERFACES:
            build = f"build-{interface}"
            print(f"== dgemm demo, interface {interface}", flush=True)
            setup = project.setup(build, [f"-Dinterface={interface}"], on_line=echo)
            for line in setup.lines:
                if "dependency scipy-openblas found" in line:
                    print("  " + line.strip(), flush=True)
            result = setup if not setup.ok else project.compile(build, on_line=echo)
            if not result.ok:
                log = project.build_dir(build) / "meson-logs" / "meson-log.txt"
                where = f"; Meson's log: {log}" if keep else " (hint: --verbose shows Meson's output, --keep keeps it)"
                print(f"  failed: {result.error()}{where}", file=sys.stderr)
                failures += 1
                continue
            run = subprocess.run([str(project.build_dir(build) / DEMO_EXE)], capture_output=True, text=True)
            print("  " + (run.stdout.strip() or run.stderr.strip()), flush=True)
            failures += run.returncode != 0
        if keep:
            print(f"build directories kept in {project.root}")
    print("demo: all OK" if failures == 0 else f"demo: {failures} failure(s)")
    return 0 if failures == 0 else 1
