"""End to end: a meson-python project using ``meson-blas`` built into a wheel with build isolation.

The plugin is built into a wheel first and offered to pip with ``--find-links``; everything else the
isolated build needs (meson-python, meson, ninja, scipy-openblas64) comes from the package index.  The
resulting wheel is installed into a fresh virtual environment and imported there, after the temporary
build environment (which the extension was linked against) is gone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "test-projects" / "mesonpy-ilp64"
TIMEOUT = 600  # seconds, per subprocess: isolated builds download meson, meson-python, ninja, OpenBLAS

#: Build output and caches that must not be copied along with sources.
IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache",
    "*.whl",
)


def _env() -> dict[str, str]:
    """The environment for pip: no overrides that would bypass what is under test."""
    env = dict(os.environ)
    for name in ("MESON", "PIP_NO_BUILD_ISOLATION", "PIP_REQUIRE_VIRTUALENV", "PYTHONPATH", "VIRTUAL_ENV"):
        env.pop(name, None)
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run(cmd: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``cmd``; on failure, fail the test showing the command, its stdout and its stderr."""
    argv = [str(c) for c in cmd]
    try:
        proc = subprocess.run(argv, cwd=cwd, env=env if env is not None else _env(), capture_output=True,
                              text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        pytest.fail(f"timed out after {TIMEOUT}s: {' '.join(argv)}\n--- stdout ---\n{out}\n--- stderr ---\n{err}")
    if proc.returncode != 0:
        pytest.fail(f"exit status {proc.returncode}: {' '.join(argv)}\n"
                    f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}")
    return proc


#: Load ``blas_ilp64_demo/_blasdemo*.so`` by path, bypassing the package ``__init__`` (no preload).
_LOAD_EXTENSION_ALONE = """
import importlib.machinery, importlib.util, sysconfig
from pathlib import Path
so = next((Path(sysconfig.get_paths()["platlib"]) / "blas_ilp64_demo").glob("_blasdemo*"))
loader = importlib.machinery.ExtensionFileLoader("_blasdemo", str(so))
importlib.util.module_from_spec(importlib.util.spec_from_file_location("_blasdemo", so, loader=loader))
"""


def _only_wheel(directory: Path, pattern: str) -> Path:
    wheels = sorted(directory.glob(pattern))
    assert len(wheels) == 1, f"expected one {pattern} in {directory}, found {[w.name for w in wheels]}"
    return wheels[0]


@pytest.mark.meson
def test_mesonpy_isolated_wheel_ilp64(tmp_path: Path) -> None:
    # 1. The plugin as a wheel, built from a copy of the sources so no build/ lands in the repo.
    plugin_src = tmp_path / "plugin-src"
    shutil.copytree(ROOT, plugin_src, ignore=IGNORE)
    plugin_wheels = tmp_path / "plugin-wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", plugin_wheels, plugin_src], cwd=tmp_path)
    plugin_wheel = _only_wheel(plugin_wheels, "mesonbuild_blas-*.whl")
    plugin_version = plugin_wheel.name.split("-")[1]

    # 2. The test project, built with build isolation.  The constraint (inherited by pip's
    # build-environment install through PIP_CONSTRAINT) makes sure the plugin is the local wheel.
    project = tmp_path / "mesonpy-ilp64"
    shutil.copytree(PROJECT, project, ignore=IGNORE)
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(f"mesonbuild-blas=={plugin_version}\n")
    env = _env()
    env["PIP_CONSTRAINT"] = str(constraints)
    out = tmp_path / "dist"
    build = _run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", out, project,
                  "--find-links", plugin_wheels], cwd=tmp_path, env=env)
    log = build.stdout + build.stderr
    assert "pip-build-env-" in log, f"not an isolated build:\n{log}"
    assert f"plugin-wheels/{plugin_wheel.name}" in log, f"plugin not installed from the local wheel:\n{log}"
    assert "+ meson-blas setup " in log, f"meson-python did not run the meson-blas launcher:\n{log}"
    found = [line for line in log.splitlines() if "Run-time dependency scipy-openblas found:" in line]
    assert found, f"no BLAS configure line in the build log:\n{log}"
    assert "YES" in found[0] and "(scipy-openblas, ilp64," in found[0], found[0]
    assert "Message: BLAS scipy-openblas interface ilp64, Fortran dgemm symbol scipy_dgemm_64_" in log
    project_wheel = _only_wheel(out, "blas_ilp64_demo-0.1.0-*.whl")

    # 3. A fresh venv: install the wheel (it pulls scipy-openblas64) and call into BLAS.
    venv_dir = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv_dir], cwd=tmp_path)
    python = venv_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    _run([python, "-m", "pip", "install", project_wheel], cwd=tmp_path)
    result = _run([python, "-c", "import blas_ilp64_demo as m; "
                   "print(m.ddot([1, 2, 3], [4, 5, 6]), m.int_size(), m.idamax_hi(3))"], cwd=tmp_path)
    # idamax over [1, -7, 3] is 2 (1-based): the 64-bit n and return value went through intact.
    assert result.stdout.strip() == "32.0 8 2", result.stderr
    # n = 3 - 2**32 has low 32 bits 3: only a library reading all 64 bits sees n < 1 and returns 0.
    high_word = _run([python, "-c", "import blas_ilp64_demo as m; print(m.idamax_hi(3 - 2**32))"], cwd=tmp_path)
    assert high_word.stdout.strip() == "0", high_word.stderr

    # No run path into the (deleted) isolated build environment: the wheel's library was linked
    # through the build directory, whose run paths meson-python strips.
    so = next((venv_dir / "lib").glob("python3*/site-packages/blas_ilp64_demo/_blasdemo*.so"))
    dynamic = _run(["readelf", "-d", so], cwd=tmp_path).stdout
    run_paths = [line.split("[", 1)[1].rstrip("]") for line in dynamic.splitlines() if "PATH)" in line]
    assert all(p == "" for p in run_paths), dynamic  # meson-python leaves an empty entry behind
    # Loaded on its own (without importing scipy_openblas64 first) it cannot find the library: the
    # documented import of the BLAS wheel's package first is what makes it work.
    alone = subprocess.run(
        [str(python), "-c", _LOAD_EXTENSION_ALONE], cwd=tmp_path, env=_env(), capture_output=True, text=True,
        timeout=TIMEOUT, check=False,
    )
    assert alone.returncode != 0, f"extension loaded without the preload:\n{alone.stdout}\n{alone.stderr}"
    assert "libscipy_openblas64_" in alone.stderr, alone.stderr
