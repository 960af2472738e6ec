"""Hostile and broken inputs: clear errors, never a traceback, never a silent wrong answer.

Every case is a real ``meson-blas setup`` run on a generated project whose
``dependency()`` call sits on line 3 of ``meson.build``.  The outcomes:

* ``error`` (``required: true``): exactly one Meson error line located at
  ``meson.build:3``, naming what was tried, with a fix hint; when the case has
  a fix, ``setup --reconfigure`` with the fixed input then succeeds in the same
  build directory;
* ``not-found`` (``required: false``): the dependency is not found and the
  reason is logged on a ``mesonbuild-blas:`` line;
* ``found``: found, with the listed variables.

Never a Python traceback, never Meson's "Unhandled python exception" / "This is
a Meson bug".  Broken installs are generated under ``tmp_path``: ``.pc`` files
that lie, libraries that are missing, truncated, crash or compute wrong
results (``tests/hostile/fakeblas.c``).  A case whose correct outcome a known
plugin bug prevents carries ``bug=`` (a strict xfail asserting the correct
behaviour); none is open.
"""

from __future__ import annotations

import glob
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import BIN, CROSS_NO_EXE_WRAPPER, ROOT, Run, assert_clean_error, meson_blas, run, write_project

pytestmark = pytest.mark.meson

A = "/usr/lib/x86_64-linux-gnu"
OPENBLAS_LP64 = f"{A}/openblas-pthread/libopenblasp-r0.3.21.so"
OPENBLAS_ILP64 = f"{A}/openblas64-pthread/libopenblas64p-r0.3.21.so"
FAKEBLAS_SOURCE = Path(__file__).with_name("hostile") / "fakeblas.c"
VARS = ("vendor", "interface", "int_size", "symbol_suffix", "fortran_symbol_dgemm", "method", "library",
        "verified_by", "int_size_verified_by", "cblas", "lapack", "lapacke", "cblas_verified_by",
        "lapack_verified_by", "lapacke_verified_by", "fortran_abi", "threading", "threading_source",
        "version_source")
CRASH_MARKERS = ("Traceback", "Unhandled python exception", "This is a Meson bug")
OPTIONS = """option('blas', type: 'string', value: 'auto')
option('lapack', type: 'string', value: 'auto')
option('blas-order', type: 'array', value: [])
option('blas-symbol-suffix', type: 'string', value: 'auto')
"""


def has_mkl() -> bool:
    """The mkl-devel wheel is installed in the Python running the tests."""
    try:
        importlib.metadata.version("mkl-devel")
    except importlib.metadata.PackageNotFoundError:
        return False
    return bool(glob.glob(os.path.join(sys.prefix, "lib", "libmkl_intel_lp64.so*")))


# ---- project and outcome ------------------------------------------------------


def project(call: str, languages: str = "'c'") -> str:
    """A meson.build with ``call`` on line 3 whose outcome is one ``message('R', ...)`` line."""
    values = ", ".join(f"'{v}=' + d.get_variable('{v}')" for v in VARS)
    args = f"'hostile', {languages}" if languages else "'hostile'"
    return f"""project({args})

d = {call}
if d.found()
  message('R', '|'.join(['found', 'version=' + d.version(), {values}]))
else
  message('R', 'not-found')
endif
"""


def outcome(result: Run) -> dict[str, str] | None:
    """The variables of the found dependency, or None when it was not found."""
    lines = [ln[len("Message: R "):] for ln in result.stdout.splitlines() if ln.startswith("Message: R ")]
    assert len(lines) == 1, result.output
    if lines[0] == "not-found":
        return None
    fields = lines[0].split("|")
    assert fields[0] == "found", lines[0]
    return dict(f.split("=", 1) for f in fields[1:])


def plugin_log(result: Run) -> list[str]:
    return [ln for ln in result.stdout.splitlines() if ln.startswith("mesonbuild-blas:")]


def assert_no_crash(result: Run) -> None:
    for marker in CRASH_MARKERS:
        assert marker not in result.output, result.output


def setup(src: Path, build: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    result = meson_blas("setup", *args, str(build), str(src), env=env)
    assert_no_crash(result)
    return result


# ---- generated broken installs ---------------------------------------------------


def write_pc(directory: Path, name: str, libs: str, *, version: str = "0.3.21", requires: str = "") -> None:
    directory.mkdir(parents=True, exist_ok=True)
    text = f"Name: {name}\nDescription: mesonbuild-blas hostile test\nVersion: {version}\n"
    if requires:
        text += f"Requires: {requires}\n"
    (directory / f"{name}.pc").write_text(f"{text}Libs: {libs}\nCflags:\n")


def fake_blas(where: Path, *variants: tuple[str, ...]) -> Path:
    """Compile tests/hostile/fakeblas.c into ``where/libfakeblas.so``, one object per variant
    (a tuple of -D flags); ``where/pc`` gets openblas.pc and openblas64.pc naming it."""
    where.mkdir(parents=True, exist_ok=True)
    objects = []
    for i, flags in enumerate(variants or ((),)):
        obj = where / f"fake{i}.o"
        subprocess.run(["cc", "-O1", "-fPIC", "-c", "-o", str(obj), *flags, str(FAKEBLAS_SOURCE)], check=True)
        objects.append(str(obj))
    lib = where / "libfakeblas.so"
    subprocess.run(["cc", "-shared", "-Wl,-soname,libfakeblas.so", "-o", str(lib), *objects], check=True)
    for name in ("openblas", "openblas64"):
        write_pc(where / "pc", name, f"-L{where} -lfakeblas", version="9.9.9")
    return lib


def copy_openblas(lib_dir: Path) -> None:
    """A private copy of Debian's LP64 OpenBLAS with the usual symlinks and an openblas.pc."""
    lib_dir.mkdir(parents=True)
    shutil.copy(OPENBLAS_LP64, lib_dir / "libopenblasp-r0.3.21.so")
    (lib_dir / "libopenblas.so.0").symlink_to("libopenblasp-r0.3.21.so")
    (lib_dir / "libopenblas.so").symlink_to("libopenblas.so.0")
    pc = lib_dir / "pkgconfig"
    pc.mkdir()
    (pc / "openblas.pc").write_text("prefix=${pcfiledir}/../..\nlibdir=${prefix}/lib\nName: openblas\n"
                                    "Description: copy\nVersion: 0.3.21\nLibs: -L${libdir} -lopenblas\nCflags:\n")


def prep_pc(name: str, libs: str, **kw: str) -> Callable[[Path], None]:
    return lambda tmp: write_pc(tmp / "pc", name, libs, **kw)


def prep_fake(*variants: tuple[str, ...]) -> Callable[[Path], None]:
    def prepare(tmp: Path) -> None:
        fake_blas(tmp / "fake", *variants)
        shutil.copytree(tmp / "fake" / "pc", tmp / "pc")

    return prepare


def prep_truncated(tmp: Path) -> None:
    (tmp / "lib").mkdir()
    (tmp / "lib" / "libopenblas.so").write_bytes(Path(OPENBLAS_LP64).read_bytes()[:1000])
    write_pc(tmp / "pc", "openblas", f"-L{tmp}/lib -lopenblas")


def prep_garbage(tmp: Path) -> None:
    (tmp / "lib").mkdir()
    (tmp / "lib" / "libopenblas.so").write_text("this is not a shared library\n")
    write_pc(tmp / "pc", "openblas", f"-L{tmp}/lib -lopenblas")


def prep_mkl_lp64_as_ilp64(tmp: Path) -> None:
    """MKL's LP64 interface library (which also exports the ILP64 *_64 names) behind an ILP64 .pc name."""
    text = (Path(sys.prefix) / "lib" / "pkgconfig" / "mkl-dynamic-lp64-seq.pc").read_text()
    (tmp / "pc").mkdir()
    (tmp / "pc" / "mkl-dynamic-ilp64-seq.pc").write_text(text.replace("${pcfiledir}/../..", sys.prefix))


def prep_dirs(*names: str) -> Callable[[Path], None]:
    def prepare(tmp: Path) -> None:
        for name in names:
            (tmp / name).mkdir(parents=True)

    return prepare


def prep_duplicates(first: str, second: str) -> Callable[[Path], None]:
    def prepare(tmp: Path) -> None:
        write_pc(tmp / "d1", "openblas", first)
        write_pc(tmp / "d2", "openblas", second)

    return prepare


def prep_openblas_copy(subdir: str) -> Callable[[Path], None]:
    return lambda tmp: copy_openblas(tmp / subdir / "lib")


NATIVE_BAD_TOOLS = "[binaries]\npkg-config = '/nonexistent/pkg-config'\ncmake = '/nonexistent/cmake'\n"
CROSS = CROSS_NO_EXE_WRAPPER + "pkg_config_libdir = ['{tmp}/pc']\n"
BLIS_AS_OPENBLAS = prep_pc("openblas", f"-L{A}/blis-pthread -lblis", version="0.3.99")
LP64_AS_OPENBLAS64 = prep_pc("openblas64", f"-L{A}/openblas-pthread -lopenblas")
PC = {"PKG_CONFIG_LIBDIR": "{tmp}/pc"}

@dataclass
class Case:
    name: str
    call: str  #: the dependency() call, on line 3 of meson.build
    expect: str  #: "error", "not-found" or "found"
    #: error: in the error line; not-found: in a mesonbuild-blas: line; found: in stdout
    fragments: tuple[str, ...] = ()
    found: dict[str, str] = field(default_factory=dict)  #: variables of the found dependency
    options: tuple[str, ...] = ()  #: extra `setup` arguments ("{tmp}" expands)
    env: dict[str, str] = field(default_factory=dict)  #: "{tmp}" expands
    files: dict[str, str] = field(default_factory=dict)  #: files below tmp ("{tmp}" expands)
    prepare: Callable[[Path], None] | None = None
    languages: str = "'c'"
    hint: bool = True  #: the error line carries a hint (False: Meson's own validation message)
    fix_call: str | None = None  #: `setup --reconfigure` with this call (and fix_options) then succeeds
    fix_options: tuple[str, ...] = ()
    bug: str = ""  #: a known plugin bug: xfail(strict=True)
    needs_mkl: bool = False
    check: Callable[[Run], None] | None = None  #: extra assertions


def one_warning(fragment: str) -> Callable[[Run], None]:
    def check(result: Run) -> None:
        warnings = [ln for ln in result.output.splitlines() if ln.startswith("WARNING:") and fragment in ln]
        assert len(warnings) == 1, result.output

    return check


def hint_lacks(*words: str) -> Callable[[Run], None]:
    def check(result: Run) -> None:
        line = next(ln for ln in result.output.splitlines() if "ERROR:" in ln)
        hint = line.split("hint:", 1)[-1]
        for word in words:
            assert word not in hint.replace("extraframework", ""), line

    return check


CASES = [
    # ---- keywords, modules and project options ------------------------------------
    Case("option_blas_unknown_vendor", "dependency('blas')", "error",
         ("option blas: unknown BLAS vendor 'nosuch'", "supported vendors: scipy-openblas"),
         options=("-Dblas=nosuch",), fix_call="dependency('blas')", fix_options=("-Dblas=openblas",)),
    Case("option_blas_unknown_vendor_optional", "dependency('blas', required: false)", "not-found",
         ("unknown BLAS vendor 'nosuch'",), options=("-Dblas=nosuch",)),
    Case("variant_name_contradicts_modules", "dependency('mkl-dynamic-lp64-seq', modules: ['threading: tbb'])",
         "error", ("dependency 'mkl-dynamic-lp64-seq' means 'threading: seq', but modules: has 'threading: tbb'",),
         fix_call="dependency('mkl-dynamic-lp64-seq')"),
    Case("variant_name_contradicts_interface", "dependency('mkl-dynamic-lp64-seq', interface: 'ilp64')", "error",
         ("dependency 'mkl-dynamic-lp64-seq' is lp64 by its name, but interface 'ilp64' was asked for",),
         fix_call="dependency('mkl-dynamic-ilp64-seq')"),
    Case("interface_typo", "dependency('blas', interface: 'ilp46')", "error",
         ("interface: must be 'lp64' or 'ilp64', not 'ilp46'",), fix_call="dependency('blas', interface: 'ilp64')"),
    Case("interface_list", "dependency('blas', interface: ['ilp64'])", "error",
         ("interface: must be 'lp64' or 'ilp64', not ['ilp64']",), fix_call="dependency('blas', interface: 'ilp64')"),
    Case("interface_bool", "dependency('blas', interface: true)", "error",
         ("interface: must be 'lp64' or 'ilp64', not True",)),
    Case("interface_upper_case", "dependency('blas', interface: 'ILP64')", "error",
         ("interface: must be 'lp64' or 'ilp64', not 'ILP64'",)),
    Case("two_interfaces_in_modules", "dependency('blas', modules: ['interface: lp64', 'interface: ilp64'])",
         "error", ("conflicting modules: 'interface: lp64' and 'interface: ilp64'",),
         fix_call="dependency('blas', modules: ['interface: ilp64'])"),
    Case("interface_keyword_vs_module", "dependency('blas', interface: 'lp64', modules: ['interface: ilp64'])",
         "error", ("interface: 'lp64' conflicts with modules: ['interface: ilp64']", "give the interface once"),
         fix_call="dependency('blas', modules: ['interface: ilp64'])"),
    Case("modules_as_string_without_space", "dependency('blas', modules: 'interface:ilp64')", "found",
         found={"interface": "ilp64", "int_size": "8"}),
    Case("sdl_true_with_ilp64", "dependency('mkl', interface: 'ilp64', modules: ['sdl: true'])", "error",
         ("'sdl: true'", "cannot be combined with ilp64", "drop 'sdl: true'")),
    Case("sdl_maybe", "dependency('blas', modules: ['sdl: maybe'])", "error",
         ("'sdl: maybe' is not one of true, false, auto",)),
    Case("unknown_module", "dependency('blas', modules: ['lapak'])", "error",
         ("unknown BLAS module 'lapak'", "known modules: 'cblas', 'lapack'"),
         fix_call="dependency('blas', modules: ['lapack'])"),
    Case("unknown_keyed_module", "dependency('blas', modules: ['color: red'])", "error",
         ("unknown BLAS module 'color: red'",)),
    Case("non_string_module", "dependency('blas', modules: ['cblas', 42])", "error",
         ("unknown BLAS module '42'",)),
    Case("threading_fast", "dependency('blas', modules: ['threading: fast'])", "error",
         ("threading 'fast' is not one of seq",)),
    Case("blas_order_unknown_vendor", "dependency('blas')", "error",
         ("option blas-order: unknown BLAS vendor 'nosuch'", "supported vendors"),
         options=("-Dblas-order=openblas,nosuch",), fix_call="dependency('blas')",
         fix_options=("-Dblas-order=openblas,netlib",)),
    Case("symbol_suffix_shell_injection", "dependency('blas')", "error",
         ("blas-symbol-suffix 'x;rm -rf' is not a valid C identifier fragment", "letters, digits and '_'"),
         options=("-Dblas-symbol-suffix=x;rm -rf",), fix_call="dependency('blas')",
         fix_options=("-Dblas-symbol-suffix=auto",)),
    # Meson validates method: before any plugin code runs (1.12 lists the accepted values, 1.3 does not)
    Case("method_python", "dependency('blas', method: 'python')", "error", ("method", "python"), hint=False),
    Case("method_extraframework", "dependency('blas', method: 'extraframework')", "error",
         ("method",), check=hint_lacks("python", "framework")),
    Case("method_inapplicable_for_vendor", "dependency('scipy-openblas', method: 'system')", "error",
         ("scipy-openblas", "system", "python", "pkg-config")),
    Case("interface_on_zlib", "dependency('zlib', interface: 'ilp64')", "error",
         ("'interface' applies only to BLAS/LAPACK dependencies, not 'zlib'", "remove 'interface:'")),
    Case("interface_on_mixed_names", "dependency('blas', 'zlib', interface: 'ilp64')", "error",
         ("'interface' applies only to BLAS/LAPACK dependencies, not 'zlib'",)),
    Case("language_fortran_without_fortran", "dependency('blas', interface: 'ilp64', language: 'fortran')",
         "error", ("Fortran", "not in the list of project languages"), hint=False),
    Case("vendor_name_odd_case", "dependency('OpenBLAS', interface: 'ilp64')", "found",
         found={"vendor": "openblas", "int_size": "8", "library": OPENBLAS_ILP64, "verified_by": "run"}),
    Case("option_vendor_odd_case", "dependency('blas')", "found", options=("-Dblas=OpenBLAS",),
         found={"vendor": "openblas", "int_size": "4", "library": OPENBLAS_LP64}),
    # empty blas-symbol-suffix: an explicit "no suffix", not "detect"
    Case("empty_suffix_debian_ilp64", "dependency('openblas', interface: 'ilp64')", "found",
         options=("-Dblas-symbol-suffix=",),
         found={"symbol_suffix": "", "fortran_symbol_dgemm": "dgemm_", "int_size": "8"}),
    Case("empty_suffix_excludes_scipy_ilp64", "dependency('scipy-openblas', interface: 'ilp64', required: false)",
         "not-found", ("none of the symbols scipy_dgemm_ is defined",), options=("-Dblas-symbol-suffix=",)),
    Case("empty_suffix_error_names_option", "dependency('scipy-openblas', interface: 'ilp64')", "error",
         ("scipy_dgemm_", "blas-symbol-suffix"), options=("-Dblas-symbol-suffix=",),
         fix_call="dependency('scipy-openblas', interface: 'ilp64')", fix_options=("-Dblas-symbol-suffix=auto",)),
    Case("version_constraint_tries_next_vendor", "dependency('blas', version: '>=0.3.30')", "found",
         options=("-Dblas-order=openblas,scipy-openblas",), found={"vendor": "scipy-openblas"}),
    # ---- machine files -------------------------------------------------------------
    Case("machine_file_relative_librarydir", "dependency('openblas', method: 'system')", "error",
         ("openblas_librarydir must be an absolute path, not 'lib/openblas'",),
         options=("--native-file", "{tmp}/native.ini"),
         files={"native.ini": "[properties]\nopenblas_librarydir = 'lib/openblas'\n"}),
    Case("machine_file_missing_librarydir", "dependency('openblas', method: 'system')", "error",
         ("openblas_librarydir: /nonexistent/openblas/lib does not exist",),
         options=("--native-file", "{tmp}/native.ini"),
         files={"native.ini": "[properties]\nopenblas_librarydir = '/nonexistent/openblas/lib'\n"}),
    Case("machine_file_missing_librarydir_optional", "dependency('openblas', method: 'system', required: false)",
         "not-found", ("openblas_librarydir",), options=("--native-file", "{tmp}/native.ini"),
         files={"native.ini": "[properties]\nopenblas_librarydir = '/nonexistent/openblas/lib'\n"}),
    Case("machine_file_librarydir_not_a_string", "dependency('openblas', method: 'system')", "error",
         ("openblas_librarydir", "42"), options=("--native-file", "{tmp}/native.ini"),
         files={"native.ini": "[properties]\nopenblas_librarydir = 42\n"}),
    # ---- broken installs -------------------------------------------------------------
    Case("pc_library_file_missing", "dependency('openblas', method: 'pkg-config')", "error",
         ("openblas via pkg-config openblas", "cannot find /nonexistent/libopenblas.so"),
         env=PC, prepare=prep_pc("openblas", "/nonexistent/libopenblas.so"),
         fix_call="dependency('openblas')"),  # the broken .pc no longer blocks the other methods
    Case("pc_library_name_missing", "dependency('openblas', method: 'pkg-config')", "error",
         ("openblas via pkg-config openblas", "cannot find -lhostile_missing_blas"),
         env=PC, prepare=prep_pc("openblas", "-L/nonexistent/lib -lhostile_missing_blas")),
    # the -L directory is missing but the linker finds -lopenblas in its default path: the
    # answer is what really links and runs (Debian's library and version), not the .pc's claims
    Case("pc_missing_libdir_links_system_library", "dependency('openblas', method: 'pkg-config')", "found",
         env=PC, prepare=prep_pc("openblas", "-L/nonexistent/lib -lopenblas", version="0.3.99"),
         found={"library": OPENBLAS_LP64, "version": "0.3.21", "int_size": "4", "verified_by": "run"}),
    Case("pc_unterminated_variable", "dependency('openblas', method: 'pkg-config')", "error",
         ("openblas via pkg-config openblas: none of the symbols dgemm_ is defined",),
         env=PC, prepare=prep_pc("openblas", "-L${libdir -lopenblas")),
    Case("pc_lp64_name_for_ilp64_library", "dependency('openblas', method: 'pkg-config')", "error",
         ("dgemm_ uses 8-byte integers (ILP64) but lp64 was requested",),
         env=PC, prepare=prep_pc("openblas", f"-L{A}/openblas64-pthread -lopenblas64"),
         fix_call="dependency('openblas', interface: 'ilp64')"),
    Case("pc_blis_without_lapack", "dependency('openblas', method: 'pkg-config', modules: ['lapack'])", "error",
         ("openblas (lp64, lapack) not found", "no lapack (dgesv_ missing)"), env=PC, prepare=BLIS_AS_OPENBLAS),
    Case("pc_blis_without_lapack_generic", "dependency('lapack', method: 'pkg-config', required: false)",
         "not-found", ("rejected openblas via pkg-config openblas: no lapack (dgesv_ missing)",),
         options=("-Dlapack=openblas",), env=PC, prepare=BLIS_AS_OPENBLAS),
    Case("pc_requires_missing_package", "dependency('openblas', method: 'pkg-config')", "error",
         ("hostile-missing-dep",), env=PC,
         prepare=prep_pc("openblas", f"-L{A}/openblas-pthread -lopenblas", requires="hostile-missing-dep >= 1.0")),
    Case("library_without_cblas", "dependency('openblas', method: 'pkg-config', modules: ['cblas'])", "error",
         ("no cblas (cblas_dgemm missing)",), env=PC, prepare=prep_fake()),
    Case("truncated_shared_library", "dependency('openblas', method: 'pkg-config')", "error",
         ("probe failed to build/run", "libopenblas.so: file too short"), env=PC, prepare=prep_truncated),
    Case("garbage_shared_library", "dependency('openblas', method: 'pkg-config')", "error",
         ("probe failed to build/run", "lib/libopenblas.so"), env=PC, prepare=prep_garbage),
    # LP64 names and ILP64 *64_ names in one library: ILP64 only through the suffixed names
    Case("lp64_and_ilp64_names_ilp64", "dependency('openblas', interface: 'ilp64', method: 'pkg-config')",
         "found", env=PC, prepare=prep_fake((), ("-DBLAS_INT=int64_t", "-DFSUF=_64_")),
         found={"symbol_suffix": "64_", "fortran_symbol_dgemm": "dgemm_64_", "int_size": "8",
                "verified_by": "run", "version": "9.9.9"}),
    Case("lp64_and_ilp64_names_lp64", "dependency('openblas', method: 'pkg-config')", "found", env=PC,
         prepare=prep_fake((), ("-DBLAS_INT=int64_t", "-DFSUF=_64_")),
         found={"symbol_suffix": "", "fortran_symbol_dgemm": "dgemm_", "int_size": "4"}),
    Case("mkl_lp64_library_behind_ilp64_pc",
         "dependency('mkl', interface: 'ilp64', method: 'pkg-config', modules: ['threading: seq'])", "found",
         env=PC, prepare=prep_mkl_lp64_as_ilp64, needs_mkl=True,
         found={"symbol_suffix": "_64", "fortran_symbol_dgemm": "dgemm_64_", "int_size": "8"}),
    Case("dgemm_wrong_result", "dependency('openblas', method: 'pkg-config', required: false)", "not-found",
         ("rejected openblas via pkg-config openblas: dgemm_ (a 2x2 product) computed a wrong result",),
         env=PC, prepare=prep_fake(("-DWRONG_DGEMM",))),
    Case("dgemm_wrong_result_required", "dependency('openblas', method: 'pkg-config')", "error",
         ("openblas via pkg-config openblas: dgemm_ (a 2x2 product) computed a wrong result",),
         env=PC, prepare=prep_fake(("-DWRONG_DGEMM",))),
    Case("dgemm_crashes", "dependency('openblas', method: 'pkg-config', required: false)", "not-found",
         ("rejected openblas via pkg-config openblas: dgemm_ (a 2x2 product) crashed (signal 6)",),
         env=PC, prepare=prep_fake(("-DCRASH_DGEMM",))),
    Case("library_aborts_on_load", "dependency('openblas', method: 'pkg-config', required: false)", "not-found",
         ("rejected openblas via pkg-config openblas: probe failed to build/run: probe did not run to completion: "
          "killed by signal 6 (SIGABRT)",), env=PC, prepare=prep_fake(("-DABORT_ON_LOAD",))),
    Case("library_aborts_on_load_required", "dependency('openblas', method: 'pkg-config')", "error",
         ("openblas via pkg-config openblas: probe failed to build/run", "killed by signal 6 (SIGABRT)"),
         env=PC, prepare=prep_fake(("-DABORT_ON_LOAD",))),
    # ---- libraries that hang: a time limit per question, a rejection, no stray process ----------
    Case("dgemm_hangs", "dependency('openblas', method: 'pkg-config')", "error",
         ("openblas via pkg-config openblas: dgemm_ (a 2x2 product) did not return within 1 s",
          "MESONBUILD_BLAS_PROBE_TIMEOUT"),
         env={**PC, "MESONBUILD_BLAS_PROBE_TIMEOUT": "1"}, prepare=prep_fake(("-DHANG_DGEMM",))),
    Case("dgemm_hangs_optional", "dependency('openblas', method: 'pkg-config', required: false)", "not-found",
         ("rejected openblas via pkg-config openblas: dgemm_ (a 2x2 product) did not return within 1 s",),
         env={**PC, "MESONBUILD_BLAS_PROBE_TIMEOUT": "1"}, prepare=prep_fake(("-DHANG_DGEMM",))),
    Case("library_hangs_while_loading", "dependency('openblas', method: 'pkg-config')", "error",
         ("openblas via pkg-config openblas: probe failed to build/run: the library did not finish loading "
          "within 4 s", "MESONBUILD_BLAS_PROBE_TIMEOUT"),
         env={**PC, "MESONBUILD_BLAS_PROBE_TIMEOUT": "1"}, prepare=prep_fake(("-DHANG_ON_LOAD",))),
    Case("library_hangs_while_loading_optional", "dependency('openblas', method: 'pkg-config', required: false)",
         "not-found", ("rejected openblas via pkg-config openblas: probe failed to build/run: the library did not "
                       "finish loading within 4 s",),
         env={**PC, "MESONBUILD_BLAS_PROBE_TIMEOUT": "1"}, prepare=prep_fake(("-DHANG_ON_LOAD",))),
    # ---- libraries that exit, print, or compute wrong results -------------------------------
    # xerbla_ exits: the probe's own xerbla_ wins, so dgesv_ returns and its wrong answer is seen
    Case("xerbla_exits", "dependency('openblas', method: 'pkg-config', modules: ['lapack'])", "error",
         ("openblas via pkg-config openblas: dgesv_ computed a wrong result for a 2x2 linear system",),
         env=PC, prepare=prep_fake(("-DWITH_LAPACK", "-DXERBLA_EXIT"))),
    Case("xerbla_exits_optional", "dependency('openblas', method: 'pkg-config', required: false)", "not-found",
         ("dgesv_ computed a wrong result for a 2x2 linear system",),
         env=PC, prepare=prep_fake(("-DWITH_LAPACK", "-DXERBLA_EXIT"))),
    # a routine that ends the program silently: present, but labelled unverified, never "run"
    Case("lapacke_exits_silently", "dependency('openblas', method: 'pkg-config', modules: ['lapacke'])", "found",
         ("lapacke unverified: LAPACKE_dgesv ended the probe without an answer (exit status 0)",),
         env=PC, prepare=prep_fake(("-DWITH_LAPACK", "-DWITH_LAPACKE", "-DEXIT_IN_LAPACKE")),
         found={"lapacke": "true", "lapacke_verified_by": "unverified", "lapack_verified_by": "run",
                "verified_by": "run"}),
    # forged answers printed by a constructor (int_width 8, another library file) are ignored
    Case("library_prints_forged_answers", "dependency('openblas', method: 'pkg-config', interface: 'ilp64')",
         "error", ("dgemm_ uses 4-byte integers (LP64) but ilp64 was requested",),
         env=PC, prepare=prep_fake(("-DPRINT_ON_LOAD",))),
    Case("library_prints_forged_answers_optional",
         "dependency('openblas', method: 'pkg-config', interface: 'ilp64', required: false)", "not-found",
         ("dgemm_ uses 4-byte integers (LP64) but ilp64 was requested",),
         env=PC, prepare=prep_fake(("-DPRINT_ON_LOAD",))),
    Case("library_prints_forged_answers_found", "dependency('openblas', method: 'pkg-config')", "found",
         env=PC, prepare=prep_fake(("-DPRINT_ON_LOAD",)),
         found={"int_size": "4", "library": "{tmp}/fake/libfakeblas.so", "fortran_abi": "gfortran"}),
    Case("dgesv_wrong_result", "dependency('openblas', method: 'pkg-config', modules: ['lapack'])", "error",
         ("dgesv_ computed a wrong result for a 2x2 linear system",),
         env=PC, prepare=prep_fake(("-DWITH_LAPACK", "-DWRONG_DGESV"))),
    Case("dgesv_wrong_result_optional", "dependency('openblas', method: 'pkg-config', required: false)",
         "not-found", ("dgesv_ computed a wrong result for a 2x2 linear system",),
         env=PC, prepare=prep_fake(("-DWITH_LAPACK", "-DWRONG_DGESV"))),
    Case("dgesv_crashes", "dependency('openblas', method: 'pkg-config', modules: ['lapack'])", "error",
         ("no lapack (dgesv_ not usable)", "dgesv_ crashed (signal 6)"),
         env=PC, prepare=prep_fake(("-DWITH_LAPACK", "-DCRASH_DGESV"))),
    Case("cdotc_wrong_result", "dependency('openblas', method: 'pkg-config')", "error",
         ("cdotc_ computed a wrong result for a complex dot product",),
         env=PC, prepare=prep_fake(("-DWRONG_CDOTC",))),
    Case("cdotc_wrong_result_optional", "dependency('openblas', method: 'pkg-config', required: false)",
         "not-found", ("cdotc_ computed a wrong result for a complex dot product",),
         env=PC, prepare=prep_fake(("-DWRONG_CDOTC",))),
    # ---- mixed integer widths, _64 names, f2c conventions ---------------------------------------
    Case("cblas_wider_than_blas", "dependency('openblas', method: 'pkg-config', modules: ['cblas'])", "error",
         ("no cblas (cblas_dgemm not usable)", "cblas_dgemm uses 8-byte integers (ILP64)"),
         env=PC, prepare=prep_fake(("-DWITH_CBLAS", "-DCBLAS_INT=int64_t"))),
    Case("lapack_wider_than_blas", "dependency('openblas', method: 'pkg-config', modules: ['lapack'])", "error",
         ("no lapack (dgesv_ not usable)", "dgesv_ uses 8-byte integers (ILP64)"),
         env=PC, prepare=prep_fake(("-DWITH_LAPACK", "-DLAPACK_INT=int64_t"))),
    Case("lapacke_wider_than_lapack", "dependency('openblas', method: 'pkg-config', modules: ['lapacke'])",
         "error", ("no lapacke (LAPACKE_dgesv not usable)", "LAPACKE_dgesv uses 8-byte integers (ILP64)"),
         env=PC, prepare=prep_fake(("-DWITH_LAPACK", "-DWITH_LAPACKE", "-DLAPACKE_INT=int64_t"))),
    Case("mixed_widths_optional", "dependency('openblas', method: 'pkg-config')", "found",
         ("cblas_dgemm uses 8-byte integers (ILP64)",), env=PC,
         prepare=prep_fake(("-DWITH_CBLAS", "-DCBLAS_INT=int64_t", "-DWITH_LAPACK")),
         found={"cblas": "false", "cblas_verified_by": "", "lapack": "true", "lapack_verified_by": "run"}),
    # Netlib INDEX64_EXT_API / MKL spelling: dgemm_64_ shared with 64_, only the C names tell
    Case("suffix_underscore_64_build",
         "dependency('openblas', method: 'pkg-config', interface: 'ilp64', modules: ['cblas', 'lapacke'])",
         "found", env=PC,
         prepare=prep_fake(("-DBLAS_INT=int64_t", "-DFSUF=_64_", "-DCSUF=_64", "-DWITH_CBLAS", "-DWITH_LAPACK",
                            "-DWITH_LAPACKE")),
         found={"symbol_suffix": "_64", "fortran_symbol_dgemm": "dgemm_64_", "int_size": "8", "cblas": "true",
                "lapacke": "true", "cblas_verified_by": "run", "lapacke_verified_by": "run",
                "version_source": "pkg-config"}),
    Case("f2c_conventions", "dependency('openblas', method: 'pkg-config')", "found", env=PC,
         prepare=prep_fake(("-DF2C",)), found={"fortran_abi": "g77"}),
    # REAL returned as double but COMPLEX in registers: no known ABI, so not claimed
    Case("real_returned_as_double", "dependency('openblas', method: 'pkg-config')", "found", env=PC,
         prepare=prep_fake(("-DREAL_AS_DOUBLE",)), found={"fortran_abi": "unverified"}),
    Case("duplicate_pc_first_wins", "dependency('openblas', method: 'pkg-config')", "found",
         env={"PKG_CONFIG_PATH": "{tmp}/d1:{tmp}/d2"},
         prepare=prep_duplicates(f"-L{A}/openblas-pthread -lopenblas", f"-L{A}/blas -lblas"),
         found={"library": OPENBLAS_LP64, "int_size": "4", "verified_by": "run"}),
    # the first openblas.pc on the path lies (ILP64 library): refused, and the same-named file it
    # hides later on the path is tried and accepted
    Case("duplicate_pc_first_lies", "dependency('openblas', method: 'pkg-config')", "found",
         env={"PKG_CONFIG_PATH": "{tmp}/d1:{tmp}/d2"},
         found={"library": OPENBLAS_LP64, "int_size": "4"},
         prepare=prep_duplicates(f"-L{A}/openblas64-pthread -lopenblas64", f"-L{A}/openblas-pthread -lopenblas")),
    Case("path_with_spaces", "dependency('openblas', method: 'pkg-config')", "found",
         env={"PKG_CONFIG_LIBDIR": "{tmp}/a b/lib/pkgconfig"}, prepare=prep_openblas_copy("a b"),
         found={"library": "{tmp}/a b/lib/libopenblasp-r0.3.21.so", "int_size": "4"}),
    Case("path_non_ascii_via_pkg_config", "dependency('openblas', method: 'pkg-config')", "error",
         ("pkg-config openblas",), env={"PKG_CONFIG_LIBDIR": "{tmp}/a b/ünï/lib/pkgconfig"},
         prepare=prep_openblas_copy("a b/ünï")),
    Case("path_non_ascii_via_machine_file", "dependency('openblas', method: 'system')", "found",
         options=("--native-file", "{tmp}/native.ini"), prepare=prep_openblas_copy("a b/ünï"),
         files={"native.ini": "[properties]\nopenblas_librarydir = '{tmp}/a b/ünï/lib'\n"},
         found={"library": "{tmp}/a b/ünï/lib/libopenblasp-r0.3.21.so", "method": "system"}),
    # ---- environment roots ------------------------------------------------------------
    Case("mklroot_nowhere_optional", "dependency('mkl', method: 'pkg-config', required: false)", "not-found",
         ("MKLROOT=/nonexistent/mkl (not a directory)",), env={"MKLROOT": "/nonexistent/mkl", **PC},
         prepare=prep_dirs("pc"), check=one_warning("MKLROOT=/nonexistent/mkl is not a directory")),
    Case("mklroot_nowhere_wheel_still_found", "dependency('mkl')", "found", env={"MKLROOT": "/nonexistent/mkl"},
         needs_mkl=True, found={"method": "python", "int_size": "4"}),
    Case("mklroot_empty_dir", "dependency('mkl', method: 'pkg-config')", "error", ("MKLROOT",),
         env={"MKLROOT": "{tmp}/mklroot", **PC}, prepare=prep_dirs("mklroot", "pc")),
    Case("armpl_dir_nowhere", "dependency('armpl', required: false)", "not-found",
         ("ARMPL_DIR=/nonexistent/armpl (not a directory)",), env={"ARMPL_DIR": "/nonexistent/armpl"},
         check=one_warning("ARMPL_DIR=/nonexistent/armpl is not a directory")),
    # ---- tools and compilers ----------------------------------------------------------
    Case("no_pkg_config_program", "dependency('openblas', interface: 'ilp64')", "found",
         options=("--native-file", "{tmp}/native.ini"), files={"native.ini": NATIVE_BAD_TOOLS},
         found={"method": "system", "int_size": "8", "library": OPENBLAS_ILP64}),
    Case("no_pkg_config_program_wheel", "dependency('scipy-openblas', interface: 'ilp64')", "found",
         options=("--native-file", "{tmp}/native.ini"), files={"native.ini": NATIVE_BAD_TOOLS},
         found={"vendor": "scipy-openblas", "method": "python", "int_size": "8"}),
    Case("no_pkg_config_program_method_pkg_config", "dependency('openblas', method: 'pkg-config')", "error",
         ("/nonexistent/pkg-config",), env={"PKG_CONFIG": "/nonexistent/pkg-config"},
         fix_call="dependency('openblas', method: 'system')"),
    Case("no_cmake_program_method_cmake", "dependency('openblas', method: 'cmake')", "error",
         ("/nonexistent/cmake",), options=("--native-file", "{tmp}/native.ini"),
         files={"native.ini": NATIVE_BAD_TOOLS}),
    # no C compiler in the project: one is detected just for the probes
    Case("fortran_only_project", "dependency('openblas', interface: 'ilp64')", "found", languages="'fortran'",
         fragments=("mesonbuild-blas: the project has no C compiler; probing with",),
         found={"vendor": "openblas", "int_size": "8", "library": OPENBLAS_ILP64, "verified_by": "run"}),
    Case("no_languages_project", "dependency('scipy-openblas')", "found", languages="",
         found={"vendor": "scipy-openblas", "int_size": "4", "verified_by": "run"}),
    # ... and when there is none at all
    Case("no_c_compiler_at_all", "dependency('openblas')", "error",
         ("cannot verify without a C compiler", "install one, e.g. gcc"), languages="'fortran'",
         env={"CC": "/nonexistent/cc"}),
    Case("no_c_compiler_at_all_optional", "dependency('blas', required: false)", "not-found",
         ("blas (lp64) not found", "cannot verify without a C compiler"), languages="'fortran'",
         env={"CC": "/nonexistent/cc"}),
    Case("cpp_only_project", "dependency('scipy-openblas', interface: 'ilp64')", "found", languages="'cpp'",
         found={"vendor": "scipy-openblas", "int_size": "8", "verified_by": "run"}),
    Case("cpp_only_project_optional", "dependency('openblas', required: false)", "found", languages="'cpp'",
         found={"vendor": "openblas", "int_size": "4"}),
    # cross build without exe_wrapper: link-only checks, honestly labelled
    Case("cross_no_wrapper_lying_pc_is_labelled_assumed",
         "dependency('openblas', interface: 'ilp64', method: 'pkg-config')", "found",
         options=("--cross-file", "{tmp}/cross.ini"), files={"cross.ini": CROSS}, prepare=LP64_AS_OPENBLAS64,
         found={"verified_by": "link", "int_size_verified_by": "assumed", "int_size": "8"},
         fragments=("cannot run host binaries: link-only check of openblas via pkg-config openblas64",)),
    Case("cross_no_wrapper_missing_lapack",
         "dependency('openblas', method: 'pkg-config', modules: ['lapack'])", "error",
         ("no lapack (link test failed)",), options=("--cross-file", "{tmp}/cross.ini"),
         files={"cross.ini": CROSS}, prepare=BLIS_AS_OPENBLAS),
    Case("hostile_openblas_environment", "dependency('openblas', interface: 'ilp64')", "found",
         env={"OPENBLAS_VERBOSE": "2", "OPENBLAS_NUM_THREADS": "banana", "OMP_NUM_THREADS": "-3",
              "OPENBLAS_CORETYPE": "NOSUCHCORE"},
         found={"int_size": "8", "library": OPENBLAS_ILP64, "verified_by": "run"}),
]


def processes_using(tmp: Path) -> list[str]:
    """Processes whose environment names ``tmp`` (every probe of a case inherits it)."""
    found = []
    for environ in glob.glob("/proc/[0-9]*/environ"):
        try:
            data = Path(environ).read_bytes()
        except OSError:
            continue
        if str(tmp).encode() in data:
            found.append(environ.split("/")[2])
    return found


def _param(case: Case) -> object:
    marks = []
    if case.bug:
        marks.append(pytest.mark.xfail(strict=True, reason=case.bug))
    if case.needs_mkl and not has_mkl():
        marks.append(pytest.mark.skip(reason="the mkl-devel wheel is not installed"))
    return pytest.param(case, id=case.name, marks=marks)


def _expand(text: str, tmp: Path) -> str:
    return text.replace("{tmp}", str(tmp))


def test_case_count() -> None:
    assert len(CASES) >= 70
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_hostile(case: Case, tmp_path: Path) -> None:
    if case.prepare is not None:
        case.prepare(tmp_path)
    for name, text in case.files.items():
        (tmp_path / name).write_text(_expand(text, tmp_path), encoding="utf-8")
    env = {k: _expand(v, tmp_path) for k, v in case.env.items()}
    options = [_expand(o, tmp_path) for o in case.options]
    src = write_project(tmp_path / "src", project(case.call, case.languages), {"meson.options": OPTIONS})
    build = tmp_path / "build"
    result = setup(src, build, *options, env=env)
    if case.expect == "error":
        line = assert_clean_error(result, 3, *case.fragments)
        if case.hint:
            assert "hint" in line.lower(), line
    else:
        assert result.returncode == 0, result.output
        got = outcome(result)
        if case.expect == "not-found":
            assert got is None, got
            log = "\n".join(plugin_log(result))
            for fragment in case.fragments:
                assert fragment in log, result.output
        else:
            assert got is not None, result.output
            for key, value in case.found.items():
                assert got[key] == _expand(value, tmp_path), (key, got)
            for fragment in case.fragments:
                assert fragment in result.stdout, result.output
    if case.check is not None:
        case.check(result)
    assert not processes_using(tmp_path), "a probe (or its child) was left running"
    if case.fix_call is not None or case.fix_options:
        (src / "meson.build").write_text(project(case.fix_call or case.call, case.languages))
        again = setup(src, build, "--reconfigure", *case.fix_options, env=env)
        assert again.returncode == 0, again.output
        assert outcome(again) is not None, again.output


# ---- build directories, caches, environments, versions, concurrency ----------------------


def test_reconfigure_into_a_broken_input_and_back(tmp_path: Path) -> None:
    """A working build dir survives a broken edit: the error is clean, the fix reconfigures and builds."""
    src = write_project(tmp_path / "src", project("dependency('blas', interface: 'ilp64')"))
    build = tmp_path / "build"
    assert setup(src, build).returncode == 0
    (src / "meson.build").write_text(project("dependency('blas', interface: 'ilp46')"))
    broken = setup(src, build, "--reconfigure")
    assert_clean_error(broken, 3, "not 'ilp46'", "hint:")
    (src / "meson.build").write_text(project("dependency('blas', interface: 'ilp64')"))
    fixed = setup(src, build, "--reconfigure")
    assert fixed.returncode == 0, fixed.output
    assert (outcome(fixed) or {}).get("int_size") == "8"
    ninja = run(["ninja", "-C", str(build)])
    assert ninja.returncode == 0, ninja.output


def test_read_only_source_tree(tmp_path: Path) -> None:
    """Nothing is written into the source tree (the mangling header lives in the build dir)."""
    src = write_project(tmp_path / "src", """project('ro', 'c')
d = dependency('blas', interface: 'ilp64')
executable('x', 'x.c', dependencies: d)
""", {"x.c": '#include "blas_mangling.h"\n#include <stdint.h>\n'
              "int main(void) { return sizeof(blas_int) == sizeof(int64_t) ? 0 : 1; }\n"})
    before = sorted(str(p.relative_to(src)) for p in src.rglob("*"))
    for p in [src, *src.rglob("*")]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        result = setup(src, tmp_path / "build")
        assert result.returncode == 0, result.output
        ninja = run(["ninja", "-C", str(tmp_path / "build")])
        assert ninja.returncode == 0, ninja.output
        assert run([str(tmp_path / "build" / "x")]).returncode == 0
    finally:
        for p in [src, *src.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
    assert sorted(str(p.relative_to(src)) for p in src.rglob("*")) == before


def test_cache_dir_that_is_a_regular_file(tmp_path: Path) -> None:
    """An unusable probe cache only costs time."""
    cache = tmp_path / "cache"
    cache.write_text("not a directory\n")
    src = write_project(tmp_path / "src", project("dependency('openblas', interface: 'ilp64')"))
    result = setup(src, tmp_path / "build", env={"MESONBUILD_BLAS_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.output
    got = outcome(result)
    assert got is not None and got["int_size"] == "8" and got["library"] == OPENBLAS_ILP64
    assert cache.read_text() == "not a directory\n"


def test_torn_and_foreign_cache_entries_are_probed_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"MESONBUILD_BLAS_CACHE_DIR": str(cache)}
    src = write_project(tmp_path / "src", project("dependency('openblas', interface: 'ilp64')"))
    first = setup(src, tmp_path / "b1", env=env)
    assert first.returncode == 0, first.output
    entries = list(cache.glob("*.json"))
    assert entries
    for entry in entries:
        text = entry.read_text()
        entry.write_text(text[: len(text) // 2])
    (cache / "0123456789abcdef0123456789abcdef.json").write_text("[1, 2, 3]")
    (cache / ".tmp-leftover.json").write_text("{")
    second = setup(src, tmp_path / "b2", env=env)
    assert second.returncode == 0, second.output
    assert outcome(second) == outcome(first)
    for entry in entries:
        assert json.loads(entry.read_text())["format"], entry  # rewritten whole


def test_damaged_cached_probe_object_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"MESONBUILD_BLAS_CACHE_DIR": str(cache)}
    src = write_project(tmp_path / "src", project("dependency('openblas', interface: 'ilp64')"))
    assert setup(src, tmp_path / "b1", env=env).returncode == 0
    objects = list(cache.glob("*.o"))
    assert objects
    for obj in objects:
        obj.write_bytes(obj.read_bytes()[:100])
    for entry in cache.glob("*.json"):
        entry.unlink()  # force a new probe run
    second = setup(src, tmp_path / "b2", env=env)
    assert second.returncode == 0, second.output
    assert (outcome(second) or {}).get("int_size") == "8"


def test_library_rebuilt_in_place_is_probed_again(tmp_path: Path) -> None:
    """Same path, same link line, different integer width: the cached answer must not be reused."""
    env = {"PKG_CONFIG_LIBDIR": str(tmp_path / "fake" / "pc"), "MESONBUILD_BLAS_CACHE_DIR": str(tmp_path / "cache")}
    lib = fake_blas(tmp_path / "fake")
    src = write_project(tmp_path / "src", project("dependency('openblas', method: 'pkg-config', required: false)"))
    first = setup(src, tmp_path / "b1", env=env)
    assert (outcome(first) or {}).get("int_size") == "4", first.output
    rebuilt = fake_blas(tmp_path / "staging", ("-DBLAS_INT=int64_t",))
    os.replace(rebuilt, lib)
    second = setup(src, tmp_path / "b2", env=env)
    assert second.returncode == 0, second.output
    assert outcome(second) is None, second.output
    assert any("dgemm_ uses 8-byte integers (ILP64) but lp64 was requested" in ln for ln in plugin_log(second))


def _shadowing_dir(tmp_path: Path) -> Path:
    """A directory that, on LD_LIBRARY_PATH, serves the ILP64 OpenBLAS under the LP64 SONAME."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "libopenblas.so.0").symlink_to(OPENBLAS_ILP64)
    return shadow


def test_shadowed_library_rejection_names_the_file_that_ran(tmp_path: Path) -> None:
    shadow = _shadowing_dir(tmp_path)
    src = write_project(tmp_path / "src", project("dependency('openblas', method: 'pkg-config')"))
    result = setup(src, tmp_path / "build", env={"LD_LIBRARY_PATH": str(shadow),
                                                  "MESONBUILD_BLAS_CACHE_DIR": str(tmp_path / "cache")})
    line = assert_clean_error(result, 3, "dgemm_ uses 8-byte integers (ILP64) but lp64 was requested")
    assert str(shadow) in line or "libopenblas64p-r0.3.21.so" in line, line


def test_cached_answer_does_not_depend_on_cache_state(tmp_path: Path) -> None:
    shadow = _shadowing_dir(tmp_path)
    cache = str(tmp_path / "cache")
    src = write_project(tmp_path / "src",
                        project("dependency('openblas', method: 'pkg-config', required: false)"))
    warm = setup(src, tmp_path / "b1", env={"MESONBUILD_BLAS_CACHE_DIR": cache})
    assert (outcome(warm) or {}).get("library") == OPENBLAS_LP64, warm.output
    shadowed = {"LD_LIBRARY_PATH": str(shadow)}
    cold = setup(src, tmp_path / "b2", env={**shadowed, "MESONBUILD_BLAS_CACHE_DIR": str(tmp_path / "cold")})
    assert outcome(cold) is None, cold.output
    again = setup(src, tmp_path / "b3", env={**shadowed, "MESONBUILD_BLAS_CACHE_DIR": cache})
    assert outcome(again) == outcome(cold), again.output


def _bare_venv(where: Path) -> tuple[Path, Path]:
    """A venv without pip (and without mesonbuild-blas): (its python, its site-packages)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    return python, Path(purelib)


def _script(path: Path, python: Path, body: str) -> Path:
    path.write_text(f"#!{python}\nimport sys\n{body}\n")
    path.chmod(0o755)
    return path


def test_unsupported_meson_version(tmp_path: Path) -> None:
    """meson-blas under Meson 1.2.3: one clean message naming the supported range, non-zero exit."""
    python, purelib = _bare_venv(tmp_path / "venv")
    pip = run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
               "--target", str(purelib), "meson==1.2.3"])
    if pip.returncode != 0:
        pytest.skip(f"cannot install meson 1.2.3 from the package index: {pip.output.strip()[-300:]}")
    (purelib / "mesonbuild_blas_source.pth").write_text(f"{ROOT}\n")
    launcher = _script(tmp_path / "venv" / "bin" / "meson-blas", python,
                             "from mesonbuild_blas.meson.launcher import main\nsys.exit(main())")
    assert run([str(python), "-c", "import mesonbuild; assert mesonbuild.__file__.startswith("
                f"{str(purelib)!r})"], cwd=tmp_path).returncode == 0
    src = write_project(tmp_path / "src", project("dependency('blas')"))
    for args in (["--version"], ["setup", str(tmp_path / "build"), str(src)]):
        result = run([str(launcher), *args], cwd=tmp_path)
        assert result.returncode != 0, result.output
        assert_no_crash(result)
        assert result.output.strip().splitlines() == [
            "meson-blas: error: mesonbuild-blas supports Meson >= 1.3.0, < 1.13; this is Meson 1.2.3 "
            "(hint: pip install 'meson>=1.3.0,<1.13')"], result.output


def test_reconfigure_with_a_meson_that_lacks_the_plugin(tmp_path: Path) -> None:
    """Plain `meson` from an environment without mesonbuild-blas on a build dir meson-blas made:
    Meson regenerates from scratch and stops, cleanly, at the first `interface:`; meson-blas recovers it."""
    import mesonbuild

    src = write_project(tmp_path / "src", project("dependency('blas', interface: 'ilp64')"))
    build = tmp_path / "build"
    assert setup(src, build).returncode == 0
    python, purelib = _bare_venv(tmp_path / "venv")
    (tmp_path / "meson-only").mkdir()
    (tmp_path / "meson-only" / "mesonbuild").symlink_to(Path(mesonbuild.__file__).parent)
    (purelib / "meson_only.pth").write_text(f"{tmp_path / 'meson-only'}\n")
    # really without the plugin (run outside the source checkout, which `python -c` would put on sys.path,
    # and without a PYTHONPATH naming a checkout, as when testing a worktree)
    bare = {"PYTHONPATH": ""}
    assert run([str(python), "-c", "import mesonbuild_blas"], cwd=tmp_path, env=bare).returncode != 0
    plain = _script(tmp_path / "venv" / "bin" / "meson", python,
                    "from mesonbuild import mesonmain\nsys.exit(mesonmain.main())")
    result = run([str(plain), "setup", "--reconfigure", str(build), str(src)], cwd=tmp_path, env=bare)
    assert_no_crash(result)
    assert_clean_error(result, 3, 'unknown keyword arguments "interface"')
    assert "references functions or classes that don't exist" in result.output
    again = setup(src, build, "--reconfigure")
    assert again.returncode == 0, again.output
    assert (outcome(again) or {}).get("int_size") == "8"


def test_concurrent_configures_share_one_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    src = write_project(tmp_path / "src", """project('concurrent', 'c')
foreach call : [['blas', 'lp64'], ['blas', 'ilp64'], ['openblas', 'ilp64'], ['netlib', 'lp64']]
  d = dependency(call[0], interface: call[1])
  vals = []
  foreach v : ['vendor', 'int_size', 'symbol_suffix', 'library', 'lapack', 'fortran_abi', 'threading']
    vals += v + '=' + d.get_variable(v)
  endforeach
  message('C', call[0], call[1], '|'.join(vals))
endforeach
""")
    env = dict(os.environ, MESONBUILD_BLAS_CACHE_DIR=str(cache))
    procs = [subprocess.Popen([str(BIN / "meson-blas"), "setup", str(tmp_path / f"b{i}"), str(src)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for i in range(2)]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    for p, out in zip(procs, outputs, strict=True):
        assert p.returncode == 0, out
        assert not any(m in out for m in CRASH_MARKERS), out
    found = [sorted(ln for ln in out.splitlines() if ln.startswith("Message: C ")) for out in outputs]
    assert len(found[0]) == 4 and found[0] == found[1], found
    names = sorted(p.name for p in cache.iterdir())
    assert not [n for n in names if n.startswith(".tmp-")], names
    entries = [p for p in cache.iterdir() if p.suffix == ".json"]
    assert entries, names
    for entry in entries:
        data = json.loads(entry.read_text())
        assert set(data) >= {"format", "output", "libraries"} and data["output"].rstrip().endswith("E done"), entry


def _processes_using(path: Path) -> list[str]:
    """Command lines of running processes that mention ``path``."""
    found = []
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            text = Path(cmdline).read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(path) in text:
            found.append(text)
    return found


def test_probe_object_compiled_in_the_background_leaves_no_process_or_partial_file(tmp_path: Path) -> None:
    """The first configure on a machine starts the probe compile when project() knows the C compiler."""
    cache = tmp_path / "cache"
    env = {"MESONBUILD_BLAS_CACHE_DIR": str(cache)}
    plain = write_project(tmp_path / "plain", "project('plain', 'c')\n")
    assert setup(plain, tmp_path / "b0", env=env).returncode == 0  # no BLAS dependency: settled at exit
    assert not _processes_using(cache) and not list(cache.glob(".tmp-*"))
    assert len(list(cache.glob("blas_probe-*.o"))) <= 1  # finished in time: kept; else stopped
    for obj in cache.glob("blas_probe-*.o"):
        obj.unlink()
    src = write_project(tmp_path / "src", project("dependency('openblas', interface: 'ilp64')"))
    first = setup(src, tmp_path / "b1", env=env)
    assert (outcome(first) or {}).get("int_size") == "8", first.output
    assert not _processes_using(cache) and not list(cache.glob(".tmp-*"))
    assert len(list(cache.glob("blas_probe-*.o"))) == 1


def test_pkg_config_is_detected_once_per_configure(tmp_path: Path) -> None:
    """The plugin asks Meson for the pkg-config program the dependencies use, not a second one."""
    calls = tmp_path / "calls"
    wrapper = tmp_path / "pkg-config"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexec {shutil.which("pkg-config")} "$@"\n')
    wrapper.chmod(0o755)
    env = {"PKG_CONFIG": str(wrapper), "MESONBUILD_BLAS_CACHE_DIR": str(tmp_path / "cache")}
    src = write_project(tmp_path / "src", project("dependency('openblas', interface: 'ilp64')"))
    result = setup(src, tmp_path / "b", env=env)
    assert (outcome(result) or {}).get("int_size") == "8", result.output
    assert calls.read_text().splitlines().count("--version") == 1, calls.read_text()
