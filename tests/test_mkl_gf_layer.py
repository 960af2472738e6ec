"""MKL's gfortran interface layers (``gf_lp64``/``gf_ilp64``) preferred over the Fortran adapter.

The real PyPI ``mkl``/``mkl-devel``/``mkl-include`` 2026.0.0 wheels (fetched by pip at test time, cached,
never committed) laid out as an MKLROOT. Fortran consumers get ``libmkl_gf_*`` instead of ``libmkl_intel_*``
— proven again by the probes (``fortran_abi gfortran``), so no adapter — while C consumers keep the layer the
``.pc`` file names. ``test_projects.py`` builds the same project against the installed mkl-devel wheel and
derives from its files whether Fortran consumers get its ``gf_*`` layer (2026.2.1 ships them) or the adapter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, meson_blas
from platforms import need
from test_projects import FORTRAN_PROJECT, _build_and_run, _ok, expected_c_output, expected_fortran_output
from wheelcache import wheel_data

pytestmark = pytest.mark.meson

MKL_VERSION = "2026.0.0"
_KEEP = re.compile(r"lib/libmkl_(core|def|mc3|avx\w*|sequential|gf_i?lp64|intel_i?lp64)\.so\.\d+"
                   r"|lib/pkgconfig/mkl-dynamic-i?lp64-seq\.pc|include/.+")


@pytest.fixture(scope="module")
def mkl_root() -> Path:
    root, error = wheel_data(f"mkl-{MKL_VERSION}-gf", [f"mkl=={MKL_VERSION}", f"mkl-devel=={MKL_VERSION}",
                                                        f"mkl-include=={MKL_VERSION}"],
                             "manylinux_2_28_x86_64", lambda path: bool(_KEEP.fullmatch(path)))
    if error:
        need(f"pip could not fetch the mkl {MKL_VERSION} wheels: {error}")
    assert (root / "lib" / "libmkl_gf_lp64.so.3").is_file(), sorted(p.name for p in (root / "lib").iterdir())
    return root


def _dependencies(build: Path) -> list[dict[str, object]]:
    intro = _ok(meson_blas("introspect", "--dependencies", str(build)), "meson introspect")
    return list(json.loads(intro.stdout))


@pytest.mark.parametrize("interface", ["lp64", "ilp64"])
def test_fortran_consumers_get_the_gf_layer_of_a_real_mkl_wheel(tmp_path: Path, mkl_root: Path,
                                                                 interface: str) -> None:
    build = tmp_path / "build"
    env = {"MKLROOT": str(mkl_root)}
    setup = _ok(meson_blas("setup", str(build), str(FORTRAN_PROJECT), "-Dvendor=mkl", f"-Dinterface={interface}",
                           "-Dmethod=pkg-config", env=env), "meson-blas setup")
    gf, intel = f"mkl_gf_{interface}", f"mkl_intel_{interface}"
    assert f"Message: blas-fortran: mkl {interface}, lapack true, fortran_abi gfortran, fortran_adapter none" \
        in setup.stdout, setup.stdout
    assert re.search(rf"mkl \({interface}\) for gfortran Fortran callers: {gf} \(.*/lib{gf}\.so\.3\), proven "
                     r"\(fortran_abi gfortran\)", setup.stdout), setup.stdout
    assert "Fortran adapter for" not in setup.stdout and "WARNING" not in setup.stdout, setup.stdout
    for dep in _dependencies(build):
        link = " ".join(str(a) for a in dep["link_args"])  # type: ignore[union-attr]
        assert f"lib{gf}.so.3" in link and f"lib{intel}" not in link, link
        assert str(mkl_root) in link, link
    expected = expected_fortran_output("mkl", interface)
    programs = list(expected)
    assert _build_and_run(build, *programs) == [ln for p in programs for ln in expected[p]]


def test_c_consumers_keep_the_layer_the_pc_file_names(tmp_path: Path, mkl_root: Path) -> None:
    """Only Fortran consumers are switched: blas-c's C code calls zdotc_ the intel_lp64 way (g77 ABI)."""
    setup = _ok(meson_blas("setup", str(tmp_path / "build"), str(ROOT / "test-projects" / "blas-c"), "-Dvendor=mkl",
                           "-Dmethod=pkg-config", env={"MKLROOT": str(mkl_root)}), "meson-blas setup")
    assert re.search(r"Run-time dependency mkl found: YES .*\(mkl, lp64,", setup.stdout), setup.stdout
    assert "gfortran Fortran callers" not in setup.stdout, setup.stdout
    link = " ".join(str(a) for d in _dependencies(tmp_path / "build") for a in d["link_args"])  # type: ignore
    assert "libmkl_intel_lp64.so.3" in link and str(mkl_root) in link, link
    assert _build_and_run(tmp_path / "build", "blas_checks") == expected_c_output("mkl", "lp64")
