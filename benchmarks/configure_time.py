"""Configure-time cost of mesonbuild-blas versus stock Meson: like with like.

Both sides resolve the **same library**: stock Meson configures a project with
``dependency('openblas64')`` (Debian's ILP64 OpenBLAS through pkg-config), the
plugin the same project with ``dependency('openblas', interface: 'ilp64',
modules: ['cblas', 'lapack'])``, which finds that library and proves it with the
probe.  Runs are **interleaved pairs** (stock, plugin, plugin, stock, ...: which
side goes first alternates, so a drifting machine favours neither), the same
number of samples on each side, and three figures are reported, each the median
of the pairwise ratios (``ratio``) with a 95% bootstrap interval of that median
(how far noise alone could move it), next to the ratio of each side's best time
(``best``: on a shared or virtual machine, where a run can be slowed by work
outside it, the fastest run is the closest to the work itself):

* ``cold``: ``setup`` of a fresh build dir with an empty probe cache (the first
  configure in a fresh CI container: the probe object is compiled);
* ``warm``: ``setup`` of a fresh build dir with the probe cache kept;
* ``reconfigure``: ``setup --reconfigure`` of an existing build dir.

The plugin is byte-compiled first, as pip leaves an installed wheel (an
editable install under ``PYTHONDONTWRITEBYTECODE=1`` would otherwise compile its
sources on every run, while Meson's modules were compiled at install time).

    python benchmarks/configure_time.py [--pairs N] [--json]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
STOCK_CALL = "dependency('openblas64')"
PLUGIN_CALL = "dependency('openblas', interface: 'ilp64', modules: ['cblas', 'lapack'])"


def project(where: Path, call: str) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    (where / "meson.build").write_text(f"project('cost', 'c')\nd = {call}\n")
    return where


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def check_probe(build: Path, cached: bool) -> None:
    """The run measured what its figure claims: the probe answered from the cache (warm) or ran (cold)."""
    log = (build / "meson-logs" / "meson-log.txt").read_text(errors="replace")
    probed = [line for line in log.splitlines() if "mesonbuild-blas: probe for" in line]
    if not probed or any(("(cached)" in line) != cached for line in probed):
        state = "answered from the cache" if cached else "run"
        raise SystemExit(f"{build}: the probe was expected to be {state}:\n" + "\n".join(probed))


def median_ci(values: list[float], level: float = 0.95, resamples: int = 4000) -> tuple[float, float]:
    """Percentile-bootstrap interval of the median (pairs resampled with replacement, fixed seed):
    how far the figure could move on this machine from noise alone."""
    rng = random.Random(0)
    medians = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(resamples))
    tail = (1 - level) / 2
    return medians[int(tail * resamples)], medians[int((1 - tail) * resamples) - 1]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    meson = subprocess.run([str(BIN / "meson"), "--version"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, Meson {meson}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    # As pip leaves an installed wheel: byte-compiled. An editable install under
    # PYTHONDONTWRITEBYTECODE=1 would compile the plugin's sources on every run
    # (Meson's own modules were compiled when pip installed them).
    import mesonbuild_blas

    compileall.compile_dir(os.path.dirname(mesonbuild_blas.__file__), quiet=1)
    samples: dict[str, dict[str, list[float]]] = {k: {"stock": [], "plugin": []}
                                                  for k in ("cold", "warm", "reconfigure")}
    with tempfile.TemporaryDirectory(prefix="mesonbuild-blas-cost-") as tmp:
        root = Path(tmp)
        cache = root / "probe-cache"
        env = dict(os.environ, MESONBUILD_BLAS_CACHE_DIR=str(cache))
        sides = {"stock": (str(BIN / "meson"), project(root / "stock", STOCK_CALL)),
                 "plugin": (str(BIN / "meson-blas"), project(root / "plugin", PLUGIN_CALL))}
        for i in range(args.pairs):
            for scenario in ("cold", "warm", "reconfigure"):
                order = list(sides.items()) if i % 2 == 0 else list(reversed(sides.items()))
                for side, (meson, src) in order:
                    build = src / f"build-{scenario}-{i}"
                    if scenario == "reconfigure":
                        build = src / "build-reconfigure"
                        if not build.exists():
                            timed([meson, "setup", str(build), str(src)], env)
                        cmd = [meson, "setup", "--reconfigure", str(build), str(src)]
                    else:
                        if scenario == "cold" and side == "plugin":
                            # only before the plugin's run: emptied after it, the cache would be
                            # empty for the warm run that follows (stock never uses it)
                            shutil.rmtree(cache, ignore_errors=True)
                        cmd = [meson, "setup", str(build), str(src)]
                    samples[scenario][side].append(timed(cmd, env))
                    if side == "plugin" and scenario != "reconfigure":
                        check_probe(build, cached=scenario == "warm")
    rows: dict[str, object] = {"machine": machine(), "pairs": args.pairs}
    for scenario, by_side in samples.items():
        ratios = [p / s for s, p in zip(by_side["stock"], by_side["plugin"], strict=True)]
        rows[scenario] = {"stock_median_s": statistics.median(by_side["stock"]),
                          "plugin_median_s": statistics.median(by_side["plugin"]),
                          "ratio_median": statistics.median(ratios),
                          "ratio_ci95": median_ci(ratios),
                          "ratio_best": min(by_side["plugin"]) / min(by_side["stock"])}
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"machine: {rows['machine']}; {args.pairs} interleaved pairs per figure")
        print(f"{'':12s} {'stock s':>8s} {'plugin s':>9s} {'ratio':>6s} {'95% interval':>13s} {'best':>5s}")
        for scenario in samples:
            r = rows[scenario]
            assert isinstance(r, dict)
            low, high = r["ratio_ci95"]
            print(f"{scenario:12s} {r['stock_median_s']:8.3f} {r['plugin_median_s']:9.3f} {r['ratio_median']:6.3f} "
                  f"{low:6.3f}-{high:.3f} {r['ratio_best']:5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
