"""A SciPy-style build, unmodified: LP64 lookups without interface, ILP64 beside them.

``test-projects/scipy-style`` spells its BLAS block as SciPy's meson.build does
and builds an LP64 and an ILP64 Python extension module in one build. Each
configuration configures and builds it with ``meson-blas`` and imports both
modules from the build directory: correct dgemm/ddot results, the integer width
each module was built for, and the ILP64 module's high-word check.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, meson_blas, run
from test_scipy_consumer import write_scipy_openblas_pc

pytestmark = pytest.mark.meson

PROJECT = ROOT / "test-projects" / "scipy-style"

CHECK = """
import sys
sys.path.insert(0, sys.argv[1])
for name in sys.argv[2:]:
    m = __import__(name)
    print(name, m.int_size(), m.ddot(), ",".join(f"{v:g}" for v in m.dgemm()), m.idamax(3), m.idamax(3 - 2**32))
"""


def has_mkl() -> bool:
    return bool(glob.glob(os.path.join(sys.prefix, "lib", "libmkl_intel_lp64.so*")))


def build_and_import(tmp_path: Path, options: list[str], env: dict[str, str] | None = None,
                     ilp64: bool = True) -> tuple[dict[str, list[str]], str]:
    build = tmp_path / "build"
    result = meson_blas("setup", str(build), str(PROJECT), *options, env=env)
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output
    compiled = run(["ninja", "-C", str(build)])
    assert compiled.returncode == 0, compiled.output
    modules = ["_lp64", "_ilp64"] if ilp64 else ["_lp64"]
    imported = subprocess.run([sys.executable, "-c", CHECK, str(build), *modules], capture_output=True, text=True,
                              timeout=120, env={k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"})
    assert imported.returncode == 0, imported.stderr
    rows = {line.split()[0]: line.split()[1:] for line in imported.stdout.splitlines()}
    assert rows["_lp64"] == ["4", "32.0", "19,43,22,50", "2", "2"]  # 3 - 2**32 truncates to 3 in 32 bits
    if ilp64:
        assert rows["_ilp64"] == ["8", "32.0", "19,43,22,50", "2", "0"]  # all 64 bits read: n < 1
    return {m[0]: m[1:] for m in (["LP64", *x] for x in result.messages("LP64"))} | {
        m[0]: m[1:] for m in (["ILP64", *x] for x in result.messages("ILP64"))}, result.stdout


def test_scipy_style_wheels_installed_no_pkg_config_path(tmp_path: Path) -> None:
    """The scipy-openblas32/64 wheels in the Python running Meson; no PKG_CONFIG_PATH set up."""
    env = {"PKG_CONFIG_PATH": ""}
    found, _log = build_and_import(tmp_path, ["-Duse-ilp64=true"], env)
    assert found["LP64"][:2] == ["scipy-openblas", "lp64"] and found["LP64"][2].endswith("libscipy_openblas.so")
    assert found["ILP64"][:2] == ["scipy-openblas64", "ilp64"]
    assert found["ILP64"][2].endswith("libscipy_openblas64_.so")


def test_scipy_style_wheel_pc_files_on_pkg_config_path(tmp_path: Path) -> None:
    """The wheels' .pc files (both named scipy-openblas.pc) on PKG_CONFIG_PATH, the 64-bit one first."""
    pc64 = write_scipy_openblas_pc(tmp_path / "pc64", "scipy_openblas64")
    pc32 = write_scipy_openblas_pc(tmp_path / "pc32", "scipy_openblas32")
    found, _log = build_and_import(tmp_path, ["-Duse-ilp64=true"], {"PKG_CONFIG_PATH": f"{pc64}:{pc32}"})
    assert found["LP64"][:2] == ["scipy-openblas", "lp64"] and found["LP64"][2].endswith("libscipy_openblas.so")
    assert found["ILP64"][:2] == ["scipy-openblas64", "ilp64"]
    meson_log = (tmp_path / "build" / "meson-logs" / "meson-log.txt").read_text()
    # the 64-bit file comes first for the LP64 lookup and is refused; the hidden 32-bit one is used
    assert "rejected scipy-openblas via pkg-config scipy-openblas: none of the symbols scipy_dgemm_ " in meson_log
    assert f"probe for scipy-openblas via pkg-config {pc32}/scipy-openblas.pc" in meson_log


@pytest.mark.skipif(not has_mkl(), reason="mkl-devel not installed (pip install '.[mkl]')")
def test_scipy_style_mkl(tmp_path: Path) -> None:
    found, _log = build_and_import(tmp_path, ["-Dblas=mkl", "-Dlapack=mkl", "-Duse-ilp64=true"])
    assert found["LP64"][:2] == ["mkl", "lp64"] and "libmkl_intel_lp64" in found["LP64"][2]
    assert found["ILP64"][:2] == ["mkl", "ilp64"] and "libmkl_intel_ilp64" in found["ILP64"][2]


def test_scipy_style_debian_openblas_lp64_only(tmp_path: Path) -> None:
    found, _log = build_and_import(tmp_path, ["-Dblas=openblas", "-Duse-ilp64=false"], ilp64=False)
    assert found["LP64"][:2] == ["openblas", "lp64"]
    assert found["LP64"][2].endswith("openblas-pthread/libopenblasp-r0.3.21.so")
    assert "ILP64" not in found


def test_scipy_style_debian_openblas_lp64_and_ilp64(tmp_path: Path) -> None:
    """Debian's suffix-less ILP64 OpenBLAS beside the LP64 one: each module gets its own width."""
    found, _log = build_and_import(tmp_path, ["-Dblas=openblas", "-Duse-ilp64=true"])
    assert found["LP64"][:2] == ["openblas", "lp64"]
    assert found["ILP64"][:2] == ["openblas64", "ilp64"]
    assert found["ILP64"][2].endswith("openblas64-pthread/libopenblas64p-r0.3.21.so")
