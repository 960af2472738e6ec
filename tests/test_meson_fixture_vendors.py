"""Vendors that cannot be installed here, through real `meson-blas setup` runs against
*generated fixture libraries* (tests/fixtures: real file names, SONAMEs, pkg-config/CMake
files and symbol spellings; the arithmetic is OpenBLAS's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import assert_clean_error, meson_blas, write_project
from fixtures.vendor_fixtures import FIXTURES
from fixtures.vendorlibs import FixtureInstall, build_fixture, supported

pytestmark = pytest.mark.meson

VARS = ("vendor", "interface", "int_size", "symbol_suffix", "fortran_symbol_dgemm", "cblas_symbol_dgemm",
        "method", "threading", "cblas", "lapack", "lapacke", "library", "verified_by", "threading_source",
        "version_source")

CASES: dict[str, tuple[str, dict[str, str]]] = {
    "fixture_flexiblas_lp64": ("dependency('flexiblas')", {
        "method": "pkg-config", "int_size": "4", "symbol_suffix": "", "lapack": "true", "lapacke": "false",
        "library": "flexiblas-lp64/lib/libflexiblas.so.3", "version": "3.4.2"}),
    "fixture_flexiblas_ilp64": ("dependency('flexiblas', interface: 'ilp64')", {
        "int_size": "8", "symbol_suffix": "64_", "fortran_symbol_dgemm": "dgemm_64_",
        "cblas_symbol_dgemm": "cblas_dgemm64_", "library": "flexiblas-ilp64/lib/libflexiblas64.so.3"}),
    "fixture_armpl_lp64_seq": ("dependency('armpl')", {
        "method": "pkg-config", "int_size": "4", "threading": "sequential", "lapacke": "true",
        "library": "armpl/lib/libarmpl_lp64.so", "version": "24.10.0"}),
    "fixture_armpl_ilp64_seq": ("dependency('armpl', interface: 'ilp64')", {
        "int_size": "8", "symbol_suffix": "", "library": "armpl/lib/libarmpl_ilp64.so", "version": "24.10.0",
        "version_source": "probe"}),
    "fixture_armpl_lp64_omp": ("dependency('armpl', modules: ['threading: omp'])", {
        "threading": "openmp", "library": "armpl/lib/libarmpl_lp64_mp.so"}),
    "fixture_aocl_lp64": ("dependency('aocl')", {
        "method": "system", "int_size": "4", "threading": "openmp", "lapack": "true", "lapacke": "true",
        "library": "aocl/lib_LP64/libblis-mt.so.4", "version": "4.2.0"}),
    "fixture_aocl_ilp64": ("dependency('aocl', interface: 'ilp64')", {
        "int_size": "8", "library": "aocl/lib_ILP64/libblis-mt.so.4"}),
    "fixture_nvpl_lp64": ("dependency('nvpl')", {
        "method": "system", "int_size": "4", "threading": "sequential", "lapack": "true",
        "library": "nvpl/lib/libnvpl_blas_lp64_seq.so.0"}),
    "fixture_nvpl_ilp64": ("dependency('nvpl', interface: 'ilp64')", {
        "int_size": "8", "library": "nvpl/lib/libnvpl_blas_ilp64_seq.so.0", "version": "0.5.0",
        "version_source": "probe", "threading_source": "name"}),
    "fixture_nvpl_lp64_openmp": ("dependency('nvpl', modules: ['threading: openmp'])", {
        "threading": "openmp", "threading_source": "probe", "library": "nvpl/lib/libnvpl_blas_lp64_gomp.so.0"}),
}


@pytest.fixture(scope="module")
def installs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FixtureInstall]:
    reason = supported()
    if reason:
        pytest.fail(f"fixture libraries cannot be built here: {reason}")
    root = tmp_path_factory.mktemp("fixture-vendors")
    return {name: build_fixture(spec, root / name) for name, spec in FIXTURES.items()}


def fixture_env(installs: dict[str, FixtureInstall]) -> dict[str, str]:
    pc = [str(i.pkgconfig_dir) for i in installs.values() if i.pkgconfig_dir is not None]
    return {"PKG_CONFIG_PATH": ":".join(pc), "AOCL_ROOT": str(installs["aocl"].prefix),
            "NVPL_ROOT": str(installs["nvpl"].prefix)}


@pytest.fixture(scope="module")
def resolved(installs: dict[str, FixtureInstall],
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    lines = ["project('fixtures', 'c')"]
    for label, (call, _) in CASES.items():
        vals = " + ' ' + ".join(f"'{v}=' + d.get_variable('{v}')" for v in VARS)
        lines += [f"d = {call}", f"message('F', '{label}', 'version=' + d.version(), {vals})"]
    src = write_project(tmp_path_factory.mktemp("fixture-project"), "\n".join(lines) + "\n")
    result = meson_blas("setup", str(src / "build"), str(src), env=fixture_env(installs))
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output
    return {f[0]: dict(x.split("=", 1) for x in f[1:]) for f in result.messages("F")}


@pytest.mark.parametrize("label", list(CASES))
def test_fixture_vendor(resolved: dict[str, dict[str, str]], installs: dict[str, FixtureInstall], label: str) -> None:
    _call, expected = CASES[label]
    got = resolved[label]
    vendor = label.split("_")[1]
    assert got["vendor"] == vendor
    assert got["verified_by"] == "run"
    assert got["interface"] == ("ilp64" if "ilp64" in label else "lp64")
    root = Path(installs[next(iter(installs))].prefix).parent
    for key, value in expected.items():
        if key == "library":
            assert got[key] == str(root / value), (label, got)
        else:
            assert got[key] == value, (label, key, got)


def test_fixture_aocl_from_machine_file_librarydir(installs: dict[str, FixtureInstall], tmp_path: Path) -> None:
    aocl = installs["aocl"].prefix
    machine = tmp_path / "native.ini"
    machine.write_text(f"[properties]\naocl_librarydir = '{aocl}/lib_ILP64'\n")
    src = write_project(tmp_path / "src", """project('m', 'c')
d = dependency('aocl', interface: 'ilp64')
message('LIB', d.get_variable('library'), d.get_variable('int_size'))
""")
    result = meson_blas("setup", "--native-file", str(machine), str(src / "build"), str(src))
    assert result.returncode == 0, result.output
    assert result.messages("LIB") == [[f"{aocl}/lib_ILP64/libblis-mt.so.4", "8"]]


def test_fixture_aocl_lp64_libraries_are_not_accepted_as_ilp64(installs: dict[str, FixtureInstall],
                                                                tmp_path: Path) -> None:
    aocl = installs["aocl"].prefix
    machine = tmp_path / "native.ini"
    machine.write_text(f"[properties]\naocl_librarydir = '{aocl}/lib_LP64'\n")
    src = write_project(tmp_path / "src", "project('m', 'c')\n\ndependency('aocl', interface: 'ilp64')\n")
    result = meson_blas("setup", "--native-file", str(machine), str(src / "build"), str(src))
    assert_clean_error(result, 3, "uses 4-byte integers (LP64) but ilp64 was requested")


def test_accelerate_outside_macos_is_a_clear_error(tmp_path: Path) -> None:
    src = write_project(tmp_path, "project('a', 'c')\n\ndependency('accelerate', interface: 'ilp64')\n")
    result = meson_blas("setup", str(src / "build"), str(src))
    assert_clean_error(result, 3, "accelerate (ilp64) not found",
                       "not available on linux: Accelerate is part of macOS")
