"""``mesonbuild-blas demo``: build and run the example projects, LP64 and ILP64."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import vendors

DEMO_PROJECT = "dgemm-c"


def find_projects() -> Path | None:
    """``test-projects/`` of the source checkout this package runs from."""
    here = Path(__file__).resolve().parent
    candidate = here.parent / "test-projects"
    return candidate if (candidate / DEMO_PROJECT / "meson.build").exists() else None


def meson_blas_command() -> list[str]:
    """The installed ``meson-blas`` launcher (Meson records it for regeneration)."""
    beside = Path(sys.executable).parent / "meson-blas"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("meson-blas")
    if found:
        return [found]
    raise FileNotFoundError("meson-blas launcher not found: is mesonbuild-blas installed in this Python?")


def run_demo(keep: bool = False) -> int:
    projects = find_projects()
    if projects is None:
        print("mesonbuild-blas demo: the example projects ship with the source checkout "
              "(test-projects/); run it from a clone of the repository.", file=sys.stderr)
        return 2
    try:
        meson = meson_blas_command()
    except FileNotFoundError as e:
        print(f"mesonbuild-blas demo: {e}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="mesonbuild-blas-demo-"))
    failures = 0
    try:
        for interface in vendors.INTERFACES:
            build = work / f"build-{interface}"
            print(f"== {DEMO_PROJECT}, interface {interface}", flush=True)
            steps = [
                [*meson, "setup", str(build), str(projects / DEMO_PROJECT), f"-Dinterface={interface}"],
                [*meson, "compile", "-C", str(build)],
            ]
            for cmd in steps:
                proc = subprocess.run(cmd, capture_output=True, text=True)
                found = [ln for ln in proc.stdout.splitlines() if "dependency blas found" in ln]
                for line in found:
                    print("  " + line.strip())
                if proc.returncode != 0:
                    print(proc.stdout[-3000:] + proc.stderr[-3000:], file=sys.stderr)
                    failures += 1
                    break
            else:
                run = subprocess.run([str(build / "dgemm_demo")], capture_output=True, text=True)
                print("  " + (run.stdout.strip() or run.stderr.strip()))
                failures += run.returncode != 0
    finally:
        if keep:
            print(f"build directories kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("demo: all OK" if failures == 0 else f"demo: {failures} failure(s)")
    return 0 if failures == 0 else 1
