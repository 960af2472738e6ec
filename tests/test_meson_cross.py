"""Cross build without an exe wrapper: probes fall back to link tests, honestly labelled."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CROSS_NO_EXE_WRAPPER, meson_blas, write_project

pytestmark = pytest.mark.meson




def test_cross_without_exe_wrapper_uses_link_probes(tmp_path: Path) -> None:
    src = write_project(tmp_path, """
project('cross', 'c')
d = dependency('openblas', interface: 'ilp64', method: 'pkg-config')
vals = []
foreach v : ['verified_by', 'int_size_verified_by', 'int_size', 'fortran_abi', 'threading', 'symbol_suffix',
             'fortran_symbol_dgemm', 'cblas', 'lapack', 'lapacke', 'library']
  vals += v + '=' + d.get_variable(v)
endforeach
message('X', ' '.join(vals))
s = dependency('scipy-openblas', interface: 'ilp64')
message('S', s.get_variable('verified_by'), s.get_variable('fortran_symbol_dgemm'),
        s.get_variable('cblas_symbol_dgemm'))
""", {"cross.ini": CROSS_NO_EXE_WRAPPER})
    result = meson_blas("setup", "--cross-file", str(src / "cross.ini"), str(src / "build"), str(src))
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output
    (fields,) = result.messages("X")
    got = dict(f.split("=", 1) for f in fields)
    assert got["verified_by"] == "link"
    assert got["int_size_verified_by"] == "assumed"
    assert got["int_size"] == "8"
    assert got["fortran_abi"] == "unverified"
    assert got["threading"] == "unknown"
    assert (got["symbol_suffix"], got["fortran_symbol_dgemm"]) == ("", "dgemm_")
    assert (got["cblas"], got["lapack"], got["lapacke"]) == ("true", "true", "false")
    assert got["library"].endswith("openblas64-pthread/libopenblas64p-r0.3.21.so")
    assert result.messages("S") == [["link", "scipy_dgemm_64_", "scipy_cblas_dgemm64_"]]
    assert "cannot run host binaries: link-only check of openblas via pkg-config openblas64" in result.stdout
    assert "verified by link, integer width assumed" in result.stdout
