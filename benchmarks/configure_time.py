"""Configure-time cost of mesonbuild-blas versus stock Meson, in one run.

Stock Meson configures a project with a bare ``dependency('openblas64')`` (a plain
pkg-config lookup); mesonbuild-blas configures the same project with a fully probed
``dependency('blas', interface: 'ilp64')``.  Each measurement is the best of N fresh
``setup`` runs (and N ``setup --reconfigure`` runs).  "cold" empties the probe
cache before every run; "warm" keeps it (a second project, or a CI cache).

    python benchmarks/configure_time.py [--repeat N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


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


def best_setup(meson: str, src: Path, env: dict[str, str], repeat: int, cache: Path | None) -> tuple[float, float]:
    setups, reconfs = [], []
    for i in range(repeat):
        build = src / f"build-{i}"
        shutil.rmtree(build, ignore_errors=True)
        if cache is not None:
            shutil.rmtree(cache, ignore_errors=True)
        setups.append(timed([meson, "setup", str(build), str(src)], env))
        reconfs.append(timed([meson, "setup", "--reconfigure", str(build), str(src)], env))
    return min(setups), min(reconfs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mesonbuild-blas-cost-") as tmp:
        root = Path(tmp)
        cache = root / "probe-cache"
        env = dict(os.environ, MESONBUILD_BLAS_CACHE_DIR=str(cache))
        stock = project(root / "stock", "dependency('openblas64')")
        plugin = project(root / "plugin", "dependency('blas', interface: 'ilp64')")
        stock_setup, stock_reconf = best_setup(str(BIN / "meson"), stock, env, args.repeat, None)
        cold_setup, cold_reconf = best_setup(str(BIN / "meson-blas"), plugin, env, args.repeat, cache)
        warm_setup, warm_reconf = best_setup(str(BIN / "meson-blas"), plugin, env, args.repeat, None)
    rows = {
        "stock_setup_s": stock_setup, "stock_reconfigure_s": stock_reconf,
        "plugin_setup_cold_cache_s": cold_setup, "plugin_setup_warm_cache_s": warm_setup,
        "plugin_reconfigure_s": min(cold_reconf, warm_reconf),
        "ratio_setup_cold": cold_setup / stock_setup, "ratio_setup_warm": warm_setup / stock_setup,
        "ratio_reconfigure": min(cold_reconf, warm_reconf) / stock_reconf,
    }
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for key, value in rows.items():
            print(f"{key:28s} {value:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
