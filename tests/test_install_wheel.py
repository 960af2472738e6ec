"""The install route of a newcomer before the package is on an index: build the wheel, install it
into a fresh virtual environment outside the clone, and run the tools from there.

pip resolves Meson, ninja, pyelftools and the scipy-openblas wheels of the ``openblas``
extra from the package index (or its cache), as a user's pip would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mesonbuild_blas import __version__
from mesonbuild_blas.cli import OPTIONS_BLOCK

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 600
IGNORE = shutil.ignore_patterns(
    ".venv", ".venv-*", ".git", "build", "dist", "*.egg-info", "__pycache__", ".mypy_cache", ".ruff_cache",
    ".pytest_cache", "*.whl",
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("PYTHONPATH", "VIRTUAL_ENV", "PIP_NO_BUILD_ISOLATION", "PIP_REQUIRE_VIRTUALENV", "MESON"):
        env.pop(name, None)
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run(cmd: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    argv = [str(c) for c in cmd]
    proc = subprocess.run(argv, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=TIMEOUT, check=False)
    if proc.returncode != 0:
        pytest.fail(f"exit status {proc.returncode}: {' '.join(argv)}\n--- stdout ---\n{proc.stdout}\n"
                    f"--- stderr ---\n{proc.stderr}")
    return proc


@pytest.mark.meson
def test_wheel_installs_and_runs_anywhere(tmp_path: Path) -> None:
    # 1. the wheel, built from a copy of the sources (no build/ or dist/ in the clone)
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=IGNORE)
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", wheels, src], cwd=tmp_path)
    (wheel,) = wheels.glob("mesonbuild_blas-*.whl")
    assert wheel.name == f"mesonbuild_blas-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("mesonbuild_blas/demo_project/meson.build", "mesonbuild_blas/demo_project/meson.options",
                    "mesonbuild_blas/demo_project/dgemm_demo.c", "mesonbuild_blas/probes/dgemm_bench.c",
                    "mesonbuild_blas/probes/blas_probe.c", "mesonbuild_blas/probes/probe_platform.h",
                    "mesonbuild_blas/py.typed"):
        assert shipped in names, shipped
    metadata = zipfile.ZipFile(wheel).read(f"mesonbuild_blas-{__version__}.dist-info/METADATA").decode()
    assert "License-Expression: BSD-3-Clause" in metadata

    # 2. a fresh venv (no system site-packages), somewhere else: the wheel with the openblas extra
    venv = tmp_path / "elsewhere" / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    bin_dir = venv / "bin"
    _run([bin_dir / "python", "-m", "pip", "install", f"{wheel}[openblas]"], cwd=tmp_path)

    # 3. the tools, run from a directory that is not a clone
    work = tmp_path / "elsewhere"
    demo = _run([bin_dir / "mesonbuild-blas", "demo"], cwd=work)
    assert demo.stdout.rstrip().endswith("demo: all OK"), demo.stdout
    assert "(scipy-openblas, ilp64," in demo.stdout, demo.stdout
    options = _run([bin_dir / "mesonbuild-blas", "options"], cwd=work)
    assert options.stdout == OPTIONS_BLOCK
    version = _run([bin_dir / "meson-blas", "--version"], cwd=work)
    assert version.stderr.startswith(f"mesonbuild-blas {__version__} (Meson ")
