"""`mesonbuild-blas pkgconfig`: the proven result as .pc files, read back with pkg-config.

The files are read back with the ``pkgconfig`` package (pkg-config itself) and
consumed by a plain ``cc $(pkg-config --cflags --libs NAME)`` build of a C
program that uses ``blas_mangling.h``, which runs and reports the integer width.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pkgconfig
import pytest
from conftest import BIN, run

from mesonbuild_blas.pkgconfig_export import macros, pc_name, render_pc
from mesonbuild_blas.report import header_store
from mesonbuild_blas.result import BlasInfo

CLI = str(BIN / "mesonbuild-blas")

PROGRAM = r"""
#include <stdio.h>
#include <blas_mangling.h>
blas_int BLAS_FUNC(idamax)(const blas_int *n, const double *x, const blas_int *incx);
double BLAS_FUNC(ddot)(const blas_int *n, const double *x, const blas_int *incx, const double *y,
                       const blas_int *incy);
int main(void) {
    double x[3] = {1, -7, 3}, y[3] = {4, 5, 6};
    blas_int n = 3, inc = 1;
    /* n = 3 - 2**32: an ILP64 library reads a negative n (0), an LP64 one reads 3 (2) */
    blas_int n_hi = (blas_int)(3 - 4294967296LL);
    printf("%d %g %d %d\n", (int)sizeof(blas_int), BLAS_FUNC(ddot)(&n, x, &inc, y, &inc),
           (int)BLAS_FUNC(idamax)(&n, x, &inc), (int)BLAS_FUNC(idamax)(&n_hi, x, &inc));
#if defined(HAVE_BLAS_ILP64) != (BLAS_INT_MAX > 2147483647)
#error "HAVE_BLAS_ILP64 disagrees with blas_int"
#endif
    return 0;
}
"""


def info(**changes: object) -> BlasInfo:
    base = BlasInfo(vendor="mkl", interface="ilp64", symbol_prefix="", symbol_suffix="", fortran_symbol_dgemm="dgemm_",
                    cblas_symbol_dgemm="cblas_dgemm", cblas=True, lapack=True, lapacke=True,
                    cblas_header="mkl_cblas.h", fortran_abi="g77", int_size=8, threading="sequential",
                    lapack_version="3.12.1", method="python", library="/opt/mkl/libmkl_intel_ilp64.so.3",
                    verified_by="run", version="2026.2")
    return BlasInfo.from_json({**base.to_json(), **changes})


def test_pc_names_are_the_ones_projects_ask_for() -> None:
    assert pc_name(info()) == "mkl-dynamic-ilp64-seq"  # the variant from the proven threading layer
    assert pc_name(info(interface="lp64", int_size=4), "iomp") == "mkl-dynamic-lp64-iomp"
    assert pc_name(info(vendor="scipy-openblas", interface="lp64", int_size=4)) == "scipy-openblas"
    assert pc_name(info(vendor="scipy-openblas")) == "scipy-openblas64"
    assert pc_name(info(vendor="openblas")) == "openblas64"


def test_macros_say_only_what_is_true() -> None:
    assert macros(info()) == ["-DHAVE_BLAS_ILP64"]
    assert macros(info(symbol_prefix="scipy_", symbol_suffix="64_")) == [
        "-DBLAS_SYMBOL_PREFIX=scipy_", "-DBLAS_SYMBOL_SUFFIX=64_", "-DHAVE_BLAS_ILP64"]
    assert macros(info(interface="lp64", int_size=4)) == []
    text = render_pc("x", info(), ["-I/a b"], ["/opt/mkl/libmkl_intel_ilp64.so.3"], ["/usr/lib"])
    assert "Cflags: -I/a\\ b -DHAVE_BLAS_ILP64\n" in text
    assert "Libs: /opt/mkl/libmkl_intel_ilp64.so.3 -Wl,-rpath,/opt/mkl\n" in text
    assert "\nfortran_abi=g77\n" in text and "\nverified_by=run\n" in text


@pytest.mark.meson
def test_exported_pc_files_build_and_run_a_plain_c_program(tmp_path: Path) -> None:
    out = tmp_path / "pc"
    result = run([CLI, "pkgconfig", "-o", str(out), "--vendor", "scipy-openblas"])
    assert result.returncode == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["include", "scipy-openblas.pc", "scipy-openblas64.pc"]
    assert sorted(p.name for p in (out / "include").iterdir()) == ["scipy-openblas", "scipy-openblas64"]
    result = run([CLI, "pkgconfig", "-o", str(out), "--vendor", "openblas", "--interface", "ilp64"])
    assert result.returncode == 0, result.output
    env = {**os.environ, "PKG_CONFIG_PATH": str(out)}
    os.environ["PKG_CONFIG_PATH"], saved = str(out), os.environ.get("PKG_CONFIG_PATH")
    try:
        facts = pkgconfig.variables("scipy-openblas64")
        assert (facts["interface"], facts["int_size"], facts["symbol_prefix"], facts["symbol_suffix"],
                facts["fortran_abi"], facts["verified_by"]) == ("ilp64", "8", "scipy_", "64_", "gfortran", "run")
        assert "-DBLAS_SYMBOL_SUFFIX=64_" in pkgconfig.cflags("scipy-openblas64")
        assert pkgconfig.variables("scipy-openblas")["int_size"] == "4"
        assert pkgconfig.variables("openblas64")["symbol_suffix"] == ""
    finally:
        if saved is None:
            del os.environ["PKG_CONFIG_PATH"]
        else:
            os.environ["PKG_CONFIG_PATH"] = saved
    # the files do not depend on the probe cache (deleting it is always safe) nor on where they are
    assert "${pcfiledir}/include/" in (out / "scipy-openblas64.pc").read_text()
    assert str(header_store()) not in (out / "scipy-openblas64.pc").read_text()
    moved = tmp_path / "moved"
    shutil.copytree(out, moved)
    shutil.rmtree(out)
    env = {**os.environ, "PKG_CONFIG_PATH": str(moved)}
    aside = header_store().with_name("headers.aside")
    header_store().rename(aside)
    try:
        _build_and_run(tmp_path, env)
    finally:
        aside.rename(header_store())


def _build_and_run(tmp_path: Path, env: dict[str, str]) -> None:
    source = tmp_path / "width.c"
    source.write_text(PROGRAM)
    expected = {"scipy-openblas64": "8 -13 2 0", "scipy-openblas": "4 -13 2 2", "openblas64": "8 -13 2 0"}
    for name, want in expected.items():
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", name], env=env, capture_output=True,
                               text=True, check=True).stdout
        exe = tmp_path / name
        built = subprocess.run(f"cc -o {exe} {source} {flags}", shell=True, capture_output=True, text=True)
        assert built.returncode == 0, (shlex.split(flags), built.stderr)
        ran = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60,
                             env={k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"})
        assert ran.stdout.strip() == want, (name, ran.stdout, ran.stderr)
