"""Configure-time *work* of mesonbuild-blas versus stock Meson, counted in instructions.

Wall-clock ratios (``configure_time.py``) move by a few hundredths from run to
run on a shared or virtual machine. This counts the instructions the configuring
Python process executes, under ``valgrind --tool=callgrind`` (one run per side
and figure: the count repeats to within 0.01%), on the same two projects:

* ``warm``: ``setup`` of a fresh build dir, probe cache filled beforehand (under valgrind
  too: valgrind's ``LD_PRELOAD`` is part of the cache key);
* ``reconfigure``: ``setup --reconfigure`` of an existing build dir.

Both sides run the same subprocesses in these two figures (compiler checks,
pkg-config), so the Python process is where they differ. ``all ratio`` is the
work: every thread's instructions, plugin over stock. Threads are also counted
apart: ``main`` is Meson's thread, ``background`` what the plugin imports in its
preload thread (fresh build dirs: while Meson detects the compilers). Callgrind
runs threads one at a time, so ``main ratio`` is a lower bound of the cost in
time: background work shortens a configure only where it overlaps Meson's waits
for its subprocesses. The first configure (an empty cache) is not counted here:
its extra cost is the probe's compile, link and run, in subprocesses.

    python benchmarks/configure_work.py [--json]     (needs valgrind)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from configure_time import BIN, PLUGIN_CALL, STOCK_CALL, check_probe, project


def instructions(cmd: list[str], env: dict[str, str], out: Path) -> tuple[int, int]:
    """(main thread, other threads) instructions of ``cmd``'s own process."""
    for old in out.parent.glob(out.name + "*"):
        old.unlink()
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--separate-threads=yes",
                           f"--callgrind-out-file={out}", sys.executable, *cmd],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed under valgrind:\n{proc.stdout}\n{proc.stderr}")
    counts = []
    for part in sorted(out.parent.glob(out.name + "-*")):  # one file per thread: -01 is the main thread
        summary = next(line for line in part.read_text().splitlines() if line.startswith("summary:"))
        counts.append(int(summary.split()[1]))
    return counts[0], sum(counts[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("configure_work.py needs valgrind (apt-get install valgrind)")
    import compileall

    import mesonbuild_blas

    compileall.compile_dir(os.path.dirname(mesonbuild_blas.__file__), quiet=1)  # as pip installs it
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="mesonbuild-blas-work-") as tmp:
        root = Path(tmp)
        env = dict(os.environ, MESONBUILD_BLAS_CACHE_DIR=str(root / "probe-cache"), PYTHONHASHSEED="0")
        counts: dict[tuple[str, str], tuple[int, int]] = {}
        for side, script, call in (("stock", "meson", STOCK_CALL), ("plugin", "meson-blas", PLUGIN_CALL)):
            src = project(root / side, call)
            meson = str(BIN / script)
            # under valgrind too: it sets LD_PRELOAD, which is part of the probe cache's key
            instructions([meson, "setup", str(src / "build-reconfigure"), str(src)], env, root / f"{side}-first.cg")
            counts[side, "warm"] = instructions([meson, "setup", str(src / "build-warm"), str(src)], env,
                                                root / f"{side}-warm.cg")
            if side == "plugin":
                check_probe(src / "build-warm", cached=True)
            counts[side, "reconfigure"] = instructions(
                [meson, "setup", "--reconfigure", str(src / "build-reconfigure"), str(src)], env,
                root / f"{side}-reconfigure.cg")
        for figure in ("warm", "reconfigure"):
            stock_main, _ = counts["stock", figure]
            main_thread, background = counts["plugin", figure]
            rows[figure] = {"stock": stock_main, "plugin_main": main_thread, "plugin_background": background,
                            "ratio_main": main_thread / stock_main,
                            "ratio_all": (main_thread + background) / stock_main}
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'':12s} {'stock Minstr':>12s} {'plugin main':>12s} {'background':>11s} {'main ratio':>10s} "
              f"{'all ratio':>9s}")
        for figure, r in rows.items():
            print(f"{figure:12s} {r['stock'] / 1e6:12.1f} {r['plugin_main'] / 1e6:12.1f} "
                  f"{r['plugin_background'] / 1e6:11.1f} {r['ratio_main']:10.4f} {r['ratio_all']:9.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
