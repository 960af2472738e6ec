"""SciPy's own meson.build calls, as the reference consumer (issue: every vendor)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import meson_blas, write_project

pytestmark = pytest.mark.meson


def write_scipy_openblas_pc(where: Path, module: str) -> Path:
    """The .pc file SciPy's CI writes with `python -c 'import scipy_openblas64 as m; m.get_pkg_config()'`."""
    where.mkdir(parents=True, exist_ok=True)
    text = subprocess.run([sys.executable, "-c", f"import {module} as m; print(m.get_pkg_config())"],
                          check=True, capture_output=True, text=True).stdout
    (where / "scipy-openblas.pc").write_text(text)
    return where


def test_scipy_style_calls(tmp_path: Path) -> None:
    pc = write_scipy_openblas_pc(tmp_path / "pc64", "scipy_openblas64")
    src = write_project(tmp_path / "src", """project('scipy-like', 'c')
blas_name = 'scipy-openblas'
blas = dependency(blas_name, method: 'pkg-config', modules: ['interface: ilp64'])
message('PC', blas.name(), blas.get_variable('method'), blas.get_variable('symbol_suffix', default_value: ''),
        'openblas' in blas.name())
lp = dependency('openblas', modules: ['interface: lp64'])
message('LP', lp.name(), 'openblas' in lp.name(), lp.get_variable('symbol_suffix', default_value: ''))
mkl = dependency('mkl', modules: ['interface: ilp64', 'threading: seq'])
message('MKL', mkl.name().startswith('mkl'), mkl.get_variable('threading'), mkl.get_variable('int_size'))
rt = dependency('mkl', modules: ['sdl: true'])
message('RT', rt.name().startswith('mkl'), rt.get_variable('interface'), rt.get_variable('fortran_abi'))
""")
    result = meson_blas("setup", str(src / "build"), str(src), env={"PKG_CONFIG_PATH": str(pc)})
    assert result.returncode == 0, result.output
    assert result.messages("PC") == [["scipy-openblas", "pkg-config", "64_", "true"]]
    assert result.messages("LP") == [["openblas", "true", ""]]
    assert result.messages("MKL") == [["true", "sequential", "8"]]
    assert result.messages("RT") == [["true", "lp64", "g77"]]


def test_both_scipy_openblas_pc_files_on_the_path_are_told_apart(tmp_path: Path) -> None:
    """Both wheels' .pc files are called scipy-openblas.pc; pkg-config's first match hides the
    other. The probe refuses the first for the interface it does not have, and the lookup goes
    on to the same-named file later on the path."""
    pc32 = write_scipy_openblas_pc(tmp_path / "pc32", "scipy_openblas32")
    pc64 = write_scipy_openblas_pc(tmp_path / "pc64", "scipy_openblas64")
    src = write_project(tmp_path / "src", """project('both', 'c')
d = dependency('scipy-openblas', method: 'pkg-config', interface: 'ilp64')
message('F', d.get_variable('int_size'), d.get_variable('fortran_symbol_dgemm'), d.get_variable('library'))
e = dependency('scipy-openblas', method: 'pkg-config')
message('E', e.get_variable('int_size'), e.get_variable('fortran_symbol_dgemm'))
""")
    result = meson_blas("setup", str(src / "build"), str(src), env={"PKG_CONFIG_PATH": f"{pc32}:{pc64}"})
    assert result.returncode == 0, result.output
    (found,) = result.messages("F")
    assert found[:2] == ["8", "scipy_dgemm_64_"] and found[2].endswith("libscipy_openblas64_.so")
    assert result.messages("E") == [["4", "scipy_dgemm_"]]
    assert ("rejected scipy-openblas via pkg-config scipy-openblas: none of the symbols scipy_dgemm_64_ "
            "is defined") in result.stdout
