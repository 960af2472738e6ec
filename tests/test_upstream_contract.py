"""Code written for Meson's own BLAS/LAPACK contract builds and runs unchanged with the plugin.

``test-projects/upstream-contract`` knows only what Meson's upstream BLAS/LAPACK dependencies
document (mesonbuild/meson pull request 14773): the numpy-fork ``modules:``, ``get_variable('interface')``
and ``get_variable('symbol_suffix')``, the list form of ``dependency()``, MKL's ``threading:`` module.
Its C program calls ``dgemm_``, ``sscal_``, ``dgesv_`` and ``cblas_ddot`` with the suffix applied and its own
prototypes; its Fortran program calls them with default INTEGERs, without and with ``language: 'fortran'``.
Every library installed here (Debian zoo, mkl-devel wheel) must serve it: in the default order and named.
Vendors whose names carry a prefix (scipy-openblas) are not plain-named libraries: a project that names
one asked for its prefix (``symbol_prefix``), which this contract does not know.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from conftest import ROOT, meson_blas, plain_meson, run, write_project
from test_projects import _ok

pytestmark = pytest.mark.meson

PROJECT = ROOT / "test-projects" / "upstream-contract"

#: (blas names, lapack name, interface, MKL threading module, vendor the log must show)
CASES = [
    ("blas", "lapack", "lp64", "", None),
    ("blas", "lapack", "ilp64", "", None),
    ("accelerate,flexiblas,mkl,openblas,blas", "lapack", "lp64", "", "mkl"),
    ("openblas", "openblas", "lp64", "", "openblas"),
    ("openblas", "openblas", "ilp64", "", "openblas"),
    ("netlib", "netlib", "lp64", "", "netlib"),
    ("netlib", "netlib", "ilp64", "", "netlib"),
    ("blis", "blis", "lp64", "", "blis"),
    ("blis", "blis", "ilp64", "", "blis"),
    ("atlas", "atlas", "lp64", "", "atlas"),
    # every MKL threading layer of the wheels: found -> the built program runs (libtbb, needed only by
    # libmkl_tbb_thread, is linked as the probe linked it, not dropped by --as-needed)
    *[("mkl", "mkl", i, t, "mkl") for i in ("lp64", "ilp64") for t in ("seq", "iomp", "gomp", "tbb")],
]


def _id(case: tuple[str, str, str, str, str | None]) -> str:
    names, _lapack, interface, threading, _vendor = case
    return "-".join(p for p in (names.replace(",", "+"), interface, threading) if p)


@pytest.mark.parametrize(("names", "lapack", "interface", "threading", "vendor"), CASES,
                         ids=[_id(c) for c in CASES])
def test_contract_code_builds_and_runs(tmp_path: Path, names: str, lapack: str, interface: str, threading: str,
                                       vendor: str | None) -> None:
    build = tmp_path / "build"
    setup = _ok(meson_blas("setup", str(build), str(PROJECT), f"-Dblas_names={names}", f"-Dlapack_name={lapack}",
                           f"-Dinterface={interface}", f"-Dmkl_threading_module={threading}"), "meson-blas setup")
    found = [ln for ln in setup.stdout.splitlines() if "ependency " in ln and " found: YES" in ln]
    assert len(found) == 4, setup.stdout  # blas, lapack, and both again for language: 'fortran'
    searched = [ln for ln in found if "(cached)" not in ln]  # one name for both: Meson reuses the first
    vendors = {m.group(1) for ln in searched if (m := re.search(r"\(([\w-]+), (?:lp64|ilp64),", ln))}
    assert len(vendors) == 1, searched
    if vendor is not None:
        assert vendors == {vendor}, searched
    for line in searched:
        assert f", {interface}," in line, line
        assert "prefix " not in line, line  # a plain-named library: the contract knows no prefix
    message = re.search(r'Message: contract: \S+ (\w+) suffix "(\w*)"', setup.stdout)
    assert message is not None and message.group(1) == interface, setup.stdout
    if vendor == "mkl" and interface == "ilp64":
        assert message.group(2) == "_64", setup.stdout  # as Meson's own MKL dependency reports it
    _ok(meson_blas("compile", "-C", str(build)), "meson-blas compile")
    tested = _ok(meson_blas("test", "-C", str(build), "--print-errorlogs"), "meson-blas test")
    programs = 3 if interface == "lp64" else 2
    assert re.search(rf"^Ok:\s+{programs}\s*$", tested.stdout, re.M), tested.stdout
    for log in (build / "meson-logs").glob("testlog.txt"):
        assert "WRONG" not in log.read_text(), log.read_text()


@pytest.mark.parametrize("interface", ["lp64", "ilp64"])
def test_contract_code_links_a_prefixed_library_through_generated_plain_names(tmp_path: Path,
                                                                             interface: str) -> None:
    """Where the order ends at the scipy-openblas wheels (here a packager's order; on a machine with no other
    BLAS, the built-in one), a generic request still serves the plain names: a generated, self-tested layer."""
    build = tmp_path / "build"
    setup = _ok(meson_blas("setup", str(build), str(PROJECT), f"-Dinterface={interface}",
                           env={"MESONBUILD_BLAS_ORDER": "scipy-openblas"}), "meson-blas setup")
    assert "WARNING" not in setup.stdout, setup.stdout
    layers = re.findall(r"plain names for scipy-openblas \(prefix scipy_\): \d+ renamed routines; parameter "
                        r"errors routed to the program's XERBLA; proven by running its self-test \(dgemm, xerbla",
                        setup.stdout)
    assert len(layers) == 2, setup.stdout  # blas and lapack (the language: 'fortran' ones get the Fortran adapter)
    suffix = "64_" if interface == "ilp64" else ""
    assert f'Message: contract: scipy-openblas {interface} suffix "{suffix}"' in setup.stdout, setup.stdout
    _ok(meson_blas("compile", "-C", str(build)), "meson-blas compile")
    tested = _ok(meson_blas("test", "-C", str(build), "--print-errorlogs"), "meson-blas test")
    assert re.search(rf"^Ok:\s+{3 if interface == 'lp64' else 2}\s*$", tested.stdout, re.M), tested.stdout
    # a call naming the wheel asks for its prefix: nothing is generated
    named = tmp_path / "named"
    src = write_project(tmp_path / "src", "project('n', 'c')\ndependency('scipy-openblas')\n")
    plain = _ok(meson_blas("setup", str(named), str(src)), "meson-blas setup")
    assert "plain names for" not in plain.stdout, plain.stdout


@pytest.mark.parametrize("where", ["environment", "machine file"])
def test_packager_sets_the_order_without_editing_the_project(tmp_path: Path, where: str) -> None:
    """``MESONBUILD_BLAS_ORDER`` or the machine-file property ``blas_order`` replace the built-in order."""
    args, env = [], None
    if where == "environment":
        env = {"MESONBUILD_BLAS_ORDER": "netlib,openblas"}
    else:
        native = tmp_path / "native.ini"
        native.write_text("[properties]\nblas_order = ['netlib', 'openblas']\n")
        args = [f"--native-file={native}"]
    build = tmp_path / "build"
    setup = _ok(meson_blas("setup", str(build), str(PROJECT), *args, env=env), "meson-blas setup")
    found = [ln for ln in setup.stdout.splitlines() if "Run-time dependency" in ln and " found: YES" in ln]
    assert len(found) == 4 and all("(netlib, lp64," in ln for ln in found), setup.stdout
    assert "WARNING" not in setup.stdout, setup.stdout
    _ok(meson_blas("compile", "-C", str(build)), "meson-blas compile")
    _ok(meson_blas("test", "-C", str(build)), "meson-blas test")
    bad = meson_blas("setup", str(tmp_path / "bad"), str(PROJECT), env={"MESONBUILD_BLAS_ORDER": "nosuchblas"})
    assert bad.returncode != 0 and "Traceback" not in bad.output, bad.output
    assert "environment variable MESONBUILD_BLAS_ORDER: unknown BLAS vendor 'nosuchblas'" in bad.output, bad.output


#: the portable pattern the user guide leads with (docs/user-guide.md, "A meson.build that stays right")
PORTABLE = """project('portable', 'c')
blas = dependency('blas', modules: ['interface: ilp64', 'cblas'])
if blas.get_variable('interface', default_value: 'unknown') != 'ilp64'
  error('this Meson cannot prove the BLAS integer interface (it may have found an LP64 libblas): ' +
        'configure with meson-blas (pip install mesonbuild-blas) or a Meson with BLAS/LAPACK dependencies')
endif
message('PORTABLE', blas.get_variable('interface'), blas.get_variable('symbol_suffix'))
"""


def test_portable_pattern_works_with_the_plugin_and_stops_without(tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", PORTABLE)
    ok = _ok(meson_blas("setup", str(tmp_path / "with"), str(src)), "meson-blas setup")
    assert ok.messages("PORTABLE")[0][0] == "ilp64", ok.stdout
    # plain Meson (no plugin) finds Debian's LP64 libblas for the same call: the pattern stops it
    plain = plain_meson("setup", str(tmp_path / "without"), str(src))
    assert plain.returncode != 0 and "Traceback" not in plain.output, plain.output
    assert "ERROR: Problem encountered: this Meson cannot prove the BLAS integer interface" in plain.output, \
        plain.output
    assert "configure with meson-blas" in plain.output


STAND_IN = """import sys

from mesonbuild.dependencies import detect


def meson_own_blas(*args, **kwargs):
    raise AssertionError("Meson's own BLAS factory answered")


# what a Meson with BLAS/LAPACK dependencies of its own registers, before the plugin loads
for name in ("blas", "lapack", "openblas", "mkl", "accelerate", "flexiblas"):
    detect.packages[name] = meson_own_blas

from mesonbuild_blas.meson.launcher import main

sys.exit(main())
"""


def test_a_meson_with_its_own_blas_dependencies(tmp_path: Path) -> None:
    """Stand-in factories registered under Meson's names first: the plugin serves them and says so once."""
    script = tmp_path / "meson_with_own_blas.py"
    script.write_text(STAND_IN)
    src = write_project(tmp_path / "src", PORTABLE + "dependency('lapack')\ndependency('openblas')\n")
    result = run([sys.executable, str(script), "setup", str(tmp_path / "build"), str(src)])
    _ok(result, "setup through the stand-in")
    assert result.messages("PORTABLE")[0][0] == "ilp64", result.stdout
    said = [ln for ln in result.stdout.splitlines() if "has its own BLAS/LAPACK dependencies" in ln]
    assert len(said) == 1, result.stdout
    named = re.search(r"dependencies \(([^)]*)\); mesonbuild-blas \S+ serves these names in their place", said[0])
    assert named is not None, said
    assert set(named.group(1).split(", ")) == {"blas", "lapack", "openblas", "mkl", "accelerate", "flexiblas"}
    # stock Meson has none of these names: nothing is said there
    plain = _ok(meson_blas("setup", str(tmp_path / "stock"), str(src)), "meson-blas setup")
    assert "has its own BLAS/LAPACK dependencies" not in plain.stdout


F2PY_SOURCE = """subroutine solve(n, a, b, info)
  integer, intent(in) :: n
  double precision, intent(inout) :: a(n, n)
  double precision, intent(inout) :: b(n)
  integer, intent(out) :: info
  integer :: ipiv(n)
  call dgesv(n, 1, a, n, ipiv, b, n, info)
end subroutine
"""


@pytest.mark.parametrize("order", ["", "scipy-openblas"])
def test_numpy_f2py_meson_backend_gets_the_plugin_from_path(tmp_path: Path, order: str) -> None:
    """numpy.f2py's meson backend runs ``meson`` from PATH: a ``meson`` there that is ``meson-blas`` (the
    migration guide's recipe) gives its generated meson.build (``--dep lapack``) the plugin; the module
    imports and solves, also when the order ends at the prefixed wheels."""
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "meson").symlink_to(Path(sys.executable).parent / "meson-blas")
    (tmp_path / "solve.f90").write_text(F2PY_SOURCE)
    env = {"PATH": f"{shim}:{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    if order:
        env["MESONBUILD_BLAS_ORDER"] = order
    built = run([sys.executable, "-m", "numpy.f2py", "-c", "--backend", "meson", "--dep", "lapack", "-m",
                 "solvemod", "solve.f90"], cwd=tmp_path, env=env)
    _ok(built, "f2py")
    assert re.search(r"Run-time dependency lapack found: YES .*\((\S+), lp64,", built.stdout), built.stdout
    if order:
        assert "plain names for scipy-openblas" in built.stdout, built.stdout
    # a module linked to a wheel's library loads it once the wheel is imported (its run path pointed
    # into f2py's temporary build directory)
    preload = "import scipy_openblas32\n" if order else ""
    check = run([sys.executable, "-c", preload + "import numpy as np, solvemod\n"
                 "a = np.array([[2.0, 1.0], [1.0, 3.0]], order='F'); b = np.array([3.0, 5.0])\n"
                 "info = solvemod.solve(a, b)\n"
                 "assert info == 0 and np.allclose(b, [0.8, 1.4]), (info, b)\nprint('solved')"], cwd=tmp_path)
    assert check.returncode == 0 and "solved" in check.stdout, check.output
