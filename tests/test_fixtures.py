"""The generated vendor fixture libraries (tests/fixtures) are what they claim to be.

Real builds, no mocks: every fixture is compiled once per session; each variant is linked into a small C
program (through its .pc file when the vendor ships one) that checks the math, the integer width and the
vendor information functions; ``nm``/``readelf`` check the exported spellings and SONAMEs; and the plugin's
own run-time probe is run on each variant.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fixtures.vendor_fixtures import FIXTURES
from fixtures.vendorlibs import (
    HERE,
    ILP64,
    LP64,
    Backing,
    FixtureInstall,
    FixtureSpec,
    LibrarySpec,
    Variant,
    build_fixture,
    default_backing,
    supported,
)

from mesonbuild_blas.probes import Toolchain, run_probe
from mesonbuild_blas.probes.interpret import choose_scheme, probe_input, scheme_id
from mesonbuild_blas.vendors import InfoCall, Vendor

pytestmark = pytest.mark.skipif(bool(supported()), reason=supported() or "supported")

CHECK_SOURCE = HERE / "check_fixture.c"

#: (fixture, library file) → SONAME: the vendors' real names, written out independently of the specs.
EXPECTED_LIBRARIES = {
    ("flexiblas-lp64", "lib/libflexiblas.so.3"): "libflexiblas.so.3",
    ("flexiblas-ilp64", "lib/libflexiblas64.so.3"): "libflexiblas64.so.3",
    ("armpl", "lib/libarmpl_lp64.so"): "libarmpl_lp64.so",
    ("armpl", "lib/libarmpl_ilp64.so"): "libarmpl_ilp64.so",
    ("armpl", "lib/libarmpl_lp64_mp.so"): "libarmpl_lp64_mp.so",
    ("aocl", "lib_LP64/libblis-mt.so.4"): "libblis-mt.so.4",
    ("aocl", "lib_LP64/libflame.so.4"): "libflame.so.4",
    ("aocl", "lib_ILP64/libblis-mt.so.4"): "libblis-mt.so.4",
    ("aocl", "lib_ILP64/libflame.so.4"): "libflame.so.4",
    ("nvpl", "lib/libnvpl_blas_core.so.0"): "libnvpl_blas_core.so.0",
    ("nvpl", "lib/libnvpl_lapack_core.so.0"): "libnvpl_lapack_core.so.0",
    ("nvpl", "lib/libnvpl_blas_lp64_seq.so.0"): "libnvpl_blas_lp64_seq.so.0",
    ("nvpl", "lib/libnvpl_blas_ilp64_seq.so.0"): "libnvpl_blas_ilp64_seq.so.0",
    ("nvpl", "lib/libnvpl_blas_lp64_gomp.so.0"): "libnvpl_blas_lp64_gomp.so.0",
    ("nvpl", "lib/libnvpl_lapack_lp64_seq.so.0"): "libnvpl_lapack_lp64_seq.so.0",
    ("nvpl", "lib/libnvpl_lapack_ilp64_seq.so.0"): "libnvpl_lapack_ilp64_seq.so.0",
}

_FLEXIBLAS = ({"dgemm_", "cblas_dgemm", "dgesv_", "ilaver_", "flexiblas_get_version", "flexiblas_current_backend"},
              {"LAPACKE_dgesv", "dgemm_64_", "cblas_dgemm64_"})
_ARMPL = ({"dgemm_", "cblas_dgemm", "dgesv_", "LAPACKE_dgesv", "armplversion", "armplinfo"},
          {"dgemm_64_", "dgemm_64", "cblas_dgemm64_", "LAPACKE_dgesv64_"})
_BLIS = ({"dgemm_", "cblas_dgemm", "cdotc_", "bli_info_get_version_str", "bli_info_get_blas_int_type_size"},
         {"dgesv_", "LAPACKE_dgesv", "dgemm_64_"})
_FLAME = ({"dgesv_", "ilaver_", "LAPACKE_dgesv"}, {"dgemm_", "cblas_dgemm", "dgesv_64_"})
_NVPL_BLAS = ({"dgemm_", "cblas_dgemm", "nvpl_blas_get_version"}, {"dgesv_", "LAPACKE_dgesv", "dgemm_64_"})
_NVPL_LAPACK = ({"dgesv_", "LAPACKE_dgesv", "nvpl_lapack_get_version"}, {"dgemm_", "cblas_dgemm", "dgesv_64_"})

#: library file name → (symbols that must be exported, symbols that must not be)
SPELLINGS = {
    "libflexiblas.so.3": _FLEXIBLAS,
    "libflexiblas64.so.3": (
        {"dgemm_64_", "cblas_dgemm64_", "dgesv_64_", "ilaver_64_", "cdotc_64_", "flexiblas_get_version64_",
         "flexiblas_current_backend64_"},
        {"dgemm_", "cblas_dgemm", "cblas_dgemm_64", "dgesv_", "flexiblas_get_version", "LAPACKE_dgesv64_"},
    ),
    "libarmpl_lp64.so": _ARMPL,
    "libarmpl_ilp64.so": _ARMPL,
    "libarmpl_lp64_mp.so": _ARMPL,
    "libblis-mt.so.4": _BLIS,
    "libflame.so.4": _FLAME,
    "libnvpl_blas_core.so.0": ({"nvpl_blas_get_version"}, {"dgemm_", "cblas_dgemm"}),
    "libnvpl_lapack_core.so.0": ({"nvpl_lapack_get_version"}, {"dgesv_"}),
    "libnvpl_blas_lp64_seq.so.0": _NVPL_BLAS,
    "libnvpl_blas_ilp64_seq.so.0": _NVPL_BLAS,
    "libnvpl_blas_lp64_gomp.so.0": _NVPL_BLAS,
    "libnvpl_lapack_lp64_seq.so.0": _NVPL_LAPACK,
    "libnvpl_lapack_ilp64_seq.so.0": _NVPL_LAPACK,
}

#: pkg-config module → its -l flag
PC_LIBS = {
    "flexiblas": "-lflexiblas",
    "flexiblas64": "-lflexiblas64",
    "armpl-dynamic-lp64-seq": "-larmpl_lp64",
    "armpl-dynamic-ilp64-seq": "-larmpl_ilp64",
    "armpl-dynamic-lp64-omp": "-larmpl_lp64_mp",
}

VARIANTS = [(spec.name, v.name) for spec in FIXTURES.values() for v in spec.variants]
LIBRARIES = [(spec.name, lib.path) for spec in FIXTURES.values() for lib in spec.libraries]

#: the spelling scheme each variant must be found under, as the plugin names it (suffix)
EXPECTED_SUFFIX = {"flexiblas-ilp64": "64_"}


@pytest.fixture(scope="session")
def installs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FixtureInstall]:
    root = tmp_path_factory.mktemp("vendor-fixtures")
    return {name: build_fixture(spec, root / name) for name, spec in FIXTURES.items()}


def _run(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ)
    full.update(env or {})
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=full, check=False)


def _libraries(spec: FixtureSpec, variant: Variant) -> list[LibrarySpec]:
    return [spec.library(p) for p in variant.libraries]


def _link_args(install: FixtureInstall, variant: Variant) -> list[str]:
    """What a build system would use: the .pc file's Libs when the vendor ships one, else -L/-l."""
    if not variant.pkgconfig:
        return install.link_args(variant)
    proc = _run(["pkg-config", "--libs", variant.pkgconfig], env=install.pkgconfig_env())
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def _ld_env(install: FixtureInstall, variant: Variant) -> dict[str, str]:
    dirs = dict.fromkeys(str(install.prefix / os.path.dirname(p)) for p in variant.libraries)
    return {"LD_LIBRARY_PATH": os.pathsep.join(dirs)}


# ---- files, SONAMEs, symbols ----------------------------------------------------------------------------------------


def test_registry_lists_the_expected_libraries() -> None:
    assert set(LIBRARIES) == set(EXPECTED_LIBRARIES)
    assert set(FIXTURES) == {"flexiblas-lp64", "flexiblas-ilp64", "armpl", "aocl", "nvpl"}


@pytest.mark.parametrize(("fixture", "path"), LIBRARIES)
def test_library_file_soname_and_exports(installs: dict[str, FixtureInstall], fixture: str, path: str) -> None:
    install = installs[fixture]
    built = install.library(path)
    assert built.path == install.prefix / path and built.path.is_file() and not built.path.is_symlink()
    for link in built.links:
        assert link.is_symlink() and link.resolve() == built.path.resolve()

    dynamic = _run(["readelf", "-d", str(built.path)]).stdout
    soname = re.search(r"\(SONAME\)\s+Library soname: \[(.+)\]", dynamic)
    assert soname is not None and soname.group(1) == EXPECTED_LIBRARIES[(fixture, path)] == built.spec.soname

    nm = _run(["nm", "-D", "--defined-only", str(built.path)])
    assert nm.returncode == 0, nm.stderr
    exported = {line.split()[-1] for line in nm.stdout.splitlines() if line.strip()}
    assert exported == set(built.exports) | set(built.info_exports)
    must, must_not = SPELLINGS[built.path.name]
    assert must <= exported, sorted(must - exported)
    assert not (must_not & exported), sorted(must_not & exported)


def test_nvpl_interface_libraries_depend_on_their_core(installs: dict[str, FixtureInstall]) -> None:
    install = installs["nvpl"]
    for lib in install.libraries:
        if "_core" in lib.path.name:
            continue
        dynamic = _run(["readelf", "-d", str(lib.path)]).stdout
        kind = "blas" if "_blas_" in lib.path.name else "lapack"
        assert f"[libnvpl_{kind}_core.so.0]" in dynamic
        assert "[$ORIGIN]" in dynamic  # the core is found next to the interface library
        assert ("[libgomp.so.1]" in dynamic) == ("gomp" in lib.path.name)


# ---- pkg-config and CMake -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fixture", "variant_name"), [(f, v) for f, v in VARIANTS if FIXTURES[f].variant(v).pkgconfig])
def test_pkgconfig_files(installs: dict[str, FixtureInstall], fixture: str, variant_name: str) -> None:
    install = installs[fixture]
    variant = install.spec.variant(variant_name)
    env = install.pkgconfig_env()
    libs = _run(["pkg-config", "--libs", variant.pkgconfig], env=env)
    assert libs.stdout.split() == [f"-L{install.prefix / 'lib'}", PC_LIBS[variant.pkgconfig]]
    cflags = _run(["pkg-config", "--cflags", variant.pkgconfig], env=env).stdout.split()
    version = _run(["pkg-config", "--modversion", variant.pkgconfig], env=env).stdout.strip()
    if fixture == "flexiblas-lp64":
        assert cflags == [f"-I{install.prefix}/include/flexiblas"] and version == "3.4.2"
    elif fixture == "flexiblas-ilp64":
        assert cflags == [f"-I{install.prefix}/include/flexiblas64"] and version == "3.4.2"
    else:
        want = [f"-I{install.prefix}/include"] + (["-DINTEGER64"] if variant.interface == ILP64 else [])
        assert cflags == want and version == "24.10"
        # ArmPL ships each file without the .pc extension as well
        assert (install.pkgconfig_dir or Path()).joinpath(variant.pkgconfig).is_file()


def test_flexiblas_lp64_and_ilp64_share_a_prefix(tmp_path: Path) -> None:
    """Fedora installs flexiblas.pc and flexiblas64.pc side by side; the two specs build into one prefix."""
    build_fixture(FIXTURES["flexiblas-lp64"], tmp_path)
    install = build_fixture(FIXTURES["flexiblas-ilp64"], tmp_path)
    env = install.pkgconfig_env()
    for name, lib in (("flexiblas", "-lflexiblas"), ("flexiblas64", "-lflexiblas64")):
        assert _run(["pkg-config", "--libs", name], env=env).stdout.split() == [f"-L{tmp_path.resolve()}/lib", lib]


def test_headers_compile(installs: dict[str, FixtureInstall], tmp_path: Path) -> None:
    for install in installs.values():
        for header in install.spec.headers:
            path = install.prefix / header.path
            src = tmp_path / "h.c"
            src.write_text(f'#include "{path.name}"\n')
            proc = _run(["gcc", "-fsyntax-only", "-Wall", "-Werror", f"-I{path.parent}", str(src)])
            assert proc.returncode == 0, (path, proc.stderr)


def test_vendors_without_pkgconfig_ship_none(installs: dict[str, FixtureInstall]) -> None:
    for name in ("aocl", "nvpl"):
        assert installs[name].pkgconfig_dir is None
        assert not list(installs[name].prefix.rglob("*.pc"))


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
def test_nvpl_cmake_package_configs(installs: dict[str, FixtureInstall], tmp_path: Path) -> None:
    install = installs["nvpl"]
    targets = [t for pkg in install.spec.cmake for t in pkg.targets]
    body = ["cmake_minimum_required(VERSION 3.16)", "project(fixture_check LANGUAGES NONE)",
            "find_package(nvpl_blas 0.5 CONFIG REQUIRED)", "find_package(nvpl_lapack CONFIG REQUIRED)",
            'message(STATUS "VERSION ${nvpl_blas_VERSION}")']
    for t in targets:
        body += [f"get_target_property(_loc {t.name} IMPORTED_LOCATION)",
                 f"get_target_property(_defs {t.name} INTERFACE_COMPILE_DEFINITIONS)",
                 f'message(STATUS "TARGET {t.name} ${{_loc}} ${{_defs}}")']
    src = tmp_path / "src"
    src.mkdir()
    (src / "CMakeLists.txt").write_text("\n".join(body) + "\n")
    proc = _run(["cmake", "-S", str(src), "-B", str(tmp_path / "build"), f"-DCMAKE_PREFIX_PATH={install.prefix}"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "-- VERSION 0.5.0" in proc.stdout
    seen = dict(re.findall(r"-- TARGET (\S+) (\S+ \S+)", proc.stdout))
    assert set(seen) == {"nvpl::blas_lp64_seq", "nvpl::blas_ilp64_seq", "nvpl::blas_lp64_omp",
                         "nvpl::lapack_lp64_seq", "nvpl::lapack_ilp64_seq"}
    for t in targets:
        location, defs = seen[t.name].split(" ")
        assert location == str(install.prefix / t.library) and Path(location).is_file()
        assert defs == ("NVPL_ILP64" if "ilp64" in t.name else "_defs-NOTFOUND")


# ---- linking and running a program --------------------------------------------------------------------------------


def _parse_check_output(text: str) -> dict[str, str]:
    """``key value...`` lines; ``info <key> value...`` lines are keyed ``info <key>``."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split(" ", 2 if line.startswith("info ") else 1)
        out[" ".join(parts[:-1])] = parts[-1]
    return out


@pytest.mark.parametrize(("fixture", "variant_name"), VARIANTS)
def test_program_links_and_computes(installs: dict[str, FixtureInstall], tmp_path: Path, fixture: str,
                                    variant_name: str) -> None:
    install = installs[fixture]
    variant = install.spec.variant(variant_name)
    libs = _libraries(install.spec, variant)
    rules = {lib.symbols for lib in libs}
    assert len(rules) == 1
    rule = rules.pop()
    apis = {api for lib in libs for api in lib.apis}
    info = {key for lib in libs for key in lib.info}
    defines = [f"-DSYM_PREFIX={rule.prefix}", f"-DF_SUFFIX={rule.fortran_suffix}", f"-DC_SUFFIX={rule.c_suffix}",
               f"-DFINT={'int64_t' if variant.interface == ILP64 else 'int32_t'}"]
    defines += [f"-DHAVE_{api.upper()}" for api in sorted(apis - {'blas'})]
    defines += [f"-DINFO_{key.upper()}" for key in sorted(info)]
    exe = tmp_path / "check"
    build = _run(["gcc", "-o", str(exe), str(CHECK_SOURCE), *defines, *_link_args(install, variant)])
    assert build.returncode == 0, build.stderr
    proc = _run([str(exe)], env=_ld_env(install, variant))
    assert proc.returncode == 0, proc.stderr
    out = _parse_check_output(proc.stdout)

    assert out["dgemm"] == "23 34 31 46"
    assert out["width"] == ("8" if variant.interface == ILP64 else "4")
    assert out["cdotc"] == "70 -8"
    assert ("cblas_dgemm" in out) == ("cblas" in apis)
    if "cblas" in apis:
        assert out["cblas_dgemm"] == "23 34 31 46"
    if "lapack" in apis:
        assert out["dgesv"] == "0 0.800000 1.400000"
        assert re.fullmatch(r"3\.\d+\.\d+", out["ilaver"])
    if "lapacke" in apis:
        assert out["lapacke_dgesv"] == "0 0.800000 1.400000"

    vendor = install.spec.vendor
    if vendor == "flexiblas":
        assert out["info version"] == "3.4.2"
        assert out["info backend"] == f"OPENBLAS-PTHREAD {len('OPENBLAS-PTHREAD')}"
    elif vendor == "armpl":
        assert out["info version"] == "24.10.0"
        assert out["info armplinfo"].startswith("Arm Performance Libraries version 24.10.0")
    elif vendor == "aocl":
        assert out["info version"] == "4.2.0"
        assert out["info int_bits"] == ("64" if variant.interface == ILP64 else "32")
        assert (out["info openmp"], out["info pthreads"]) == ("1", "0")
    elif vendor == "nvpl":
        assert out["info blas_version"] == "500"
        assert out.get("info lapack_version") == ("500" if "lapack" in apis else None)


# ---- the plugin's own probe -----------------------------------------------------------------------------------------

_INFO_CALLS = {
    "aocl": (InfoCall("version", "str", "bli_info_get_version_str"),
             InfoCall("int_bits", "int", "bli_info_get_blas_int_type_size")),
    "nvpl": (InfoCall("blas_version", "verint", "nvpl_blas_get_version"),),
    "armpl": (InfoCall("version", "ver4", "armplversion"),),
}


@pytest.mark.parametrize(("fixture", "variant_name"), VARIANTS)
def test_plugin_probe_sees_the_fixture(installs: dict[str, FixtureInstall], tmp_path: Path, fixture: str,
                                       variant_name: str) -> None:
    install = installs[fixture]
    variant = install.spec.variant(variant_name)
    apis = {api for lib in _libraries(install.spec, variant) for api in lib.apis}
    vendor = Vendor(name="fixture", description="", prefixes=("",),
                    suffixes={LP64: ("",), ILP64: ("", "64_", "_64")},
                    info=_INFO_CALLS.get(install.spec.vendor, ()))
    schemes = vendor.schemes(variant.interface)
    # absolute library paths, as Meson passes them (the probe gives their directories an rpath)
    link_args = install.library_paths(variant)
    assert all(os.path.exists(p) for p in link_args), link_args
    data = run_probe(Toolchain(cc=("cc",)), [], link_args, probe_input(vendor, schemes), cache_dir=tmp_path)

    chosen = choose_scheme(variant.interface, schemes, data)
    assert isinstance(chosen, tuple), chosen
    index, scheme = chosen
    assert scheme.suffix == EXPECTED_SUFFIX.get(fixture, "")
    sid = scheme_id(index)
    width = "8" if variant.interface == ILP64 else "4"
    assert data.result(sid, "int_width") == width
    assert data.result(sid, "dgemm") == "ok"
    assert data.result(sid, "cdotc_registers") == "70 -8"
    assert os.path.realpath(data.file_of(sid, "dgemm")).startswith(str(install.prefix))
    assert data.result(sid, "cblas_dgemm") == ("ok" if "cblas" in apis else None)
    assert data.result(sid, "dgesv") == ("ok" if "lapack" in apis else None)
    assert data.result(sid, "lapacke_dgesv") == ("ok" if "lapacke" in apis else None)
    for api, key in (("cblas", "cblas_int_width"), ("lapack", "lapack_int_width"), ("lapacke", "lapacke_int_width")):
        assert data.result(sid, key) == (width if api in apis else None), key
    if install.spec.vendor == "aocl":
        assert data.result(sid, "info.version") == "4.2.0"
        assert data.result(sid, "info.int_bits") == ("64" if variant.interface == ILP64 else "32")
    if install.spec.vendor == "nvpl":
        assert data.result(sid, "info.blas_version") == "0.5.0"  # major*10000 + minor*100 + patch
    if install.spec.vendor == "armpl":  # four arguments, 8-byte integers in the ILP64 library
        assert data.result(sid, "info.version") == "24.10.0"
    if fixture == "flexiblas-ilp64":
        # '' finds nothing; '64_' (dgemm_64_, cblas_dgemm64_) is chosen; '_64' shares the Fortran name only
        assert [data.found(scheme_id(i), "dgemm") for i in range(3)] == [False, True, True]
        assert [data.found(scheme_id(i), "cblas_dgemm") for i in range(3)] == [False, True, False]


# ---- failures are loud ----------------------------------------------------------------------------------------------


def test_default_backing_is_openblas() -> None:
    lp64, ilp64 = default_backing(LP64), default_backing(ILP64)
    for backing in (lp64, ilp64):
        assert backing.blas.is_file() and backing.lapacke.is_file() and backing.blas.is_absolute()
    assert "openblas" in lp64.blas.name and "openblas64" in ilp64.blas.name
    assert lp64.lapacke.name.startswith("liblapacke.so.3") and ilp64.lapacke.name.startswith("liblapacke64.so.3")


@pytest.mark.parametrize(("backing_kind", "message"), [
    ("no-lapacke", "does not define LAPACKE_dgesv (needed for LAPACKE_dgesv)"),
    ("missing-file", "cannot load backing library /nonexistent/libnothing.so"),
])
def test_missing_backing_aborts_at_load(tmp_path: Path, backing_kind: str, message: str) -> None:
    openblas = default_backing(LP64).blas
    backing = (Backing(blas=openblas, lapacke=openblas) if backing_kind == "no-lapacke"  # OpenBLAS has no LAPACKE
               else Backing(blas=Path("/nonexistent/libnothing.so"), lapacke=openblas))
    apis = ("lapacke",) if backing_kind == "no-lapacke" else ("blas",)
    spec = FixtureSpec(name="broken", vendor="broken", version="1.0.0",
                       libraries=(LibrarySpec("lib/libbroken.so", "libbroken.so", LP64, apis=apis),),
                       variants=(Variant("lp64", LP64, ("lib/libbroken.so",)),))
    install = build_fixture(spec, tmp_path / "prefix", backing={LP64: backing})
    (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
    exe = tmp_path / "main"
    build = _run(["gcc", "-o", str(exe), str(tmp_path / "main.c"), "-Wl,--no-as-needed", *install.link_args("lp64")])
    assert build.returncode == 0, build.stderr
    proc = _run([str(exe)], env=_ld_env(install, spec.variants[0]))
    assert proc.returncode == -6  # SIGABRT, at load time
    assert "libbroken.so (test fixture): " in proc.stderr and message in proc.stderr, proc.stderr


def test_unsupported_api_is_rejected(tmp_path: Path) -> None:
    spec = FixtureSpec(name="bad", vendor="bad", version="1", variants=(),
                       libraries=(LibrarySpec("lib/libbad.so", "libbad.so", LP64, apis=("fftw",)),))
    with pytest.raises(ValueError, match="unknown API 'fftw'"):
        build_fixture(spec, tmp_path, backing={LP64: default_backing(LP64)})
