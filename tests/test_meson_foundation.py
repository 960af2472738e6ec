"""Real `meson-blas setup` runs: resolution, errors, caching keys, overrides, regeneration."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import assert_clean_error, meson_blas, plain_meson, run, write_project

from mesonbuild_blas.naming import Scheme

pytestmark = pytest.mark.meson

VARS = ("vendor", "interface", "symbol_prefix", "symbol_suffix", "method", "int_size",
        "fortran_symbol_dgemm", "cblas_symbol_dgemm", "library", "verified_by")

SHOW = """
foreach item : deps
  d = item[1]
  vals = []
  foreach v : {vars}
    vals += v + '=' + d.get_variable(v)
  endforeach
  message('DEP', item[0], 'name=' + d.name(), 'version=' + d.version(), ' '.join(vals))
endforeach
""".replace("{vars}", str(list(VARS)))


def resolved(result_stdout: list[list[str]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for fields in result_stdout:
        out[fields[0]] = dict(f.split("=", 1) for f in fields[1:])
    return out


@pytest.fixture(scope="module")
def resolution(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    src = write_project(tmp_path_factory.mktemp("resolve"), """
project('resolve', 'c')
deps = [
  ['blas', dependency('blas')],
  ['blas_ilp64', dependency('blas', interface: 'ilp64')],
  ['openblas_ilp64', dependency('openblas', interface: 'ilp64')],
  ['OpenBLAS_lp64', dependency('OpenBLAS', interface: 'lp64')],
  ['scipy_lp64', dependency('scipy-openblas', interface: 'lp64')],
  ['scipy_ilp64', dependency('scipy-openblas', interface: 'ilp64')],
  ['numpy_spelling', dependency('blas', modules: ['interface: ilp64', 'cblas', 'lapack'])],
  ['keyword_spelling', dependency('blas', interface: 'ilp64', modules: ['cblas', 'lapack'])],
]
""" + SHOW)
    result = meson_blas("setup", str(src / "build"), str(src))
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output
    return resolved(result.messages("DEP"))


def test_default_blas_has_plain_names(resolution: dict[str, dict[str, str]]) -> None:
    """The built-in order chooses a library, never the names: the installed wheels' prefixed OpenBLAS
    comes after every plain-named library (here MKL's wheel and Debian's zoo)."""
    for key, interface, size in (("blas", "lp64", "4"), ("blas_ilp64", "ilp64", "8")):
        d = resolution[key]
        assert d["vendor"] != "scipy-openblas" and d["symbol_prefix"] == "", d
        assert (d["interface"], d["int_size"], d["verified_by"]) == (interface, size, "run"), d
        assert d["fortran_symbol_dgemm"] == Scheme("", d["symbol_suffix"]).fortran("dgemm"), d


def test_embedded_scipy_openblas32(resolution: dict[str, dict[str, str]]) -> None:
    d = resolution["scipy_lp64"]
    assert d["vendor"] == "scipy-openblas" and d["interface"] == "lp64" and d["int_size"] == "4"
    assert (d["symbol_prefix"], d["symbol_suffix"]) == ("scipy_", "")
    assert d["method"] == "python"
    assert d["library"].endswith("scipy_openblas32/lib/libscipy_openblas.so")
    assert d["verified_by"] == "run"


def test_embedded_scipy_openblas64(resolution: dict[str, dict[str, str]]) -> None:
    d = resolution["scipy_ilp64"]
    assert d["vendor"] == "scipy-openblas" and d["interface"] == "ilp64" and d["int_size"] == "8"
    assert (d["symbol_prefix"], d["symbol_suffix"]) == ("scipy_", "64_")
    assert d["fortran_symbol_dgemm"] == "scipy_dgemm_64_"
    assert d["cblas_symbol_dgemm"] == "scipy_cblas_dgemm64_"
    assert d["library"].endswith("scipy_openblas64/lib/libscipy_openblas64_.so")


def test_same_project_lp64_and_ilp64_are_different_libraries(resolution: dict[str, dict[str, str]]) -> None:
    assert resolution["blas"]["library"] != resolution["blas_ilp64"]["library"]


def test_debian_openblas64(resolution: dict[str, dict[str, str]]) -> None:
    d = resolution["openblas_ilp64"]
    assert d["name"] == "openblas" and d["vendor"] == "openblas"
    assert (d["symbol_prefix"], d["symbol_suffix"], d["int_size"]) == ("", "", "8")
    assert d["method"] == "pkg-config"
    assert "openblas64" in d["library"]
    lp = resolution["OpenBLAS_lp64"]
    assert lp["int_size"] == "4" and "openblas64" not in lp["library"] and "openblas" in lp["library"]


def test_scipy_openblas_by_vendor_name(resolution: dict[str, dict[str, str]]) -> None:
    d = resolution["scipy_lp64"]
    assert d["name"] == "scipy-openblas" and d["symbol_prefix"] == "scipy_" and d["int_size"] == "4"


def test_numpy_fork_modules_spelling_is_identical(resolution: dict[str, dict[str, str]]) -> None:
    assert resolution["numpy_spelling"] == resolution["keyword_spelling"]
    assert resolution["numpy_spelling"]["interface"] == "ilp64"


def test_log_line_and_pkgconfig_passthrough(tmp_path: Path) -> None:
    src = write_project(tmp_path, """
project('log', 'c')
d = dependency('openblas', interface: 'ilp64', method: 'pkg-config')
message('LIBDIR', d.get_variable(pkgconfig: 'libdir'))
message('DEFAULT', d.get_variable('no_such_variable', default_value: 'dflt'))
""")
    result = meson_blas("setup", str(src / "build"), str(src))
    assert result.returncode == 0, result.output
    line = next(ln for ln in result.stdout.splitlines() if "dependency openblas found" in ln)
    assert "found: YES 0.3.21 (openblas, ilp64, cblas, lapack 3.11.0, gfortran ABI, pthreads)" in line
    assert result.messages("LIBDIR") == [["/usr/lib/x86_64-linux-gnu/openblas64-pthread/"]]
    assert result.messages("DEFAULT") == [["dflt"]]


@pytest.mark.parametrize(
    ("call", "fragments"),
    [
        ("dependency('blas', interface: 'foo')", ["interface: must be 'lp64' or 'ilp64'", "hint:"]),
        ("dependency('blas', interface: 64)", ["interface: must be 'lp64' or 'ilp64'"]),
        ("dependency('zlib', interface: 'ilp64')", ["applies only to BLAS/LAPACK", "'zlib'", "hint:"]),
        ("dependency('blas', interface: 'lp64', modules: ['interface: ilp64'])", ["conflicts"]),
        ("dependency('openblas', modules: ['cblass'])", ["unknown BLAS module 'cblass'", "hint:"]),
        ("dependency('openblas', interface: 'ilp64', method: 'pkg-config')",
         ["openblas (ilp64) not found", "pkg-config openblas64", "apt-get install libopenblas64-dev",
          "drop the method: keyword"]),
    ],
)
def test_clean_errors(tmp_path: Path, call: str, fragments: list[str]) -> None:
    src = write_project(tmp_path, f"project('err', 'c')\n\n{call}\n")
    empty = tmp_path / "empty-pkgconfig"
    empty.mkdir()
    result = meson_blas("setup", str(src / "build"), str(src), env={"PKG_CONFIG_LIBDIR": str(empty)})
    assert_clean_error(result, 3, *fragments)


def test_lp64_library_behind_ilp64_pc_file_is_rejected(tmp_path: Path) -> None:
    """A .pc named like the ILP64 build that links the LP64 library: the probe catches it."""
    pcdir = tmp_path / "pc"
    pcdir.mkdir()
    libs = run(["pkg-config", "--libs", "openblas"]).stdout.strip()
    (pcdir / "openblas64.pc").write_text(
        f"Name: openblas64\nDescription: lies\nVersion: 0.3.21\nLibs: {libs}\nCflags:\n")
    src = write_project(tmp_path / "src", """project('lie', 'c')
d = dependency('openblas', interface: 'ilp64', method: 'pkg-config', required: false)
message('FOUND', d.found())
""")
    result = meson_blas("setup", str(src / "build"), str(src), env={"PKG_CONFIG_LIBDIR": str(pcdir)})
    assert result.returncode == 0, result.output
    assert result.messages("FOUND") == [["false"]]
    assert "rejected openblas via pkg-config openblas64: dgemm_ uses 4-byte integers (LP64)" in result.stdout


def test_override_and_fallback(tmp_path: Path) -> None:
    src = write_project(tmp_path, """
project('ovr', 'c')
fake = declare_dependency(compile_args: ['-DFAKE'], variables: {'vendor': 'mine'})
meson.override_dependency('cblas', fake)
message('OVR', dependency('cblas').get_variable('vendor'),
        dependency('cblas', interface: 'ilp64').get_variable('vendor'),
        dependency('cblas', modules: ['lapack']).get_variable('vendor'))
f = dependency('lapack', interface: 'ilp64', modules: ['cblas'], fallback: 'fakeblas')
message('FALLBACK', f.get_variable('vendor'))
""", {"subprojects/fakeblas/meson.build": """
project('fakeblas', 'c')
d = declare_dependency(variables: {'vendor': 'subproject'})
meson.override_dependency('lapack', d)
"""})
    result = meson_blas("setup", str(src / "build"), str(src), "--force-fallback-for=lapack")
    assert result.returncode == 0, result.output
    assert result.messages("OVR") == [["mine", "mine", "mine"]]
    assert result.messages("FALLBACK") == [["subproject"]]
    # neither answer was proven: said once per dependency and interface, and in verified_by
    unverified = [ln for ln in result.stdout.splitlines() if "did not prove" in ln]
    assert [ln.split("dependency(")[1].split(")")[0] for ln in unverified] == [
        "'cblas', lp64", "'cblas', ilp64", "'lapack', ilp64"], result.stdout
    assert all("WARNING" in ln for ln in unverified)
    assert "(an LP64 library makes ILP64 calls compute garbage)" in unverified[1]


def test_unverified_answers_say_so_and_a_proven_override_keeps_its_interface(tmp_path: Path) -> None:
    """An override without blas_info answers with verified_by 'unverified'; an override by a dependency
    the plugin proved LP64 never answers an ILP64 lookup (that one is searched and proven)."""
    src = write_project(tmp_path, """
project('ovr', 'c')
meson.override_dependency('lapack', declare_dependency(link_args: ['-llapack']))
message('UNVERIFIED', dependency('lapack', interface: 'ilp64').get_variable('verified_by'))
lp = dependency('openblas', interface: 'lp64')
meson.override_dependency('blas', lp)
message('LP', dependency('blas').get_variable('interface'), dependency('blas').get_variable('library'))
ilp = dependency('blas', interface: 'ilp64')
message('ILP', ilp.get_variable('interface'), ilp.get_variable('int_size'), ilp.get_variable('verified_by'))
""")
    result = meson_blas("setup", str(src / "build"), str(src))
    assert result.returncode == 0, result.output
    assert result.messages("UNVERIFIED") == [["unverified"]], result.stdout
    (lp,) = result.messages("LP")
    assert lp[0] == "lp64" and "openblas" in lp[1], lp
    assert result.messages("ILP") == [["ilp64", "8", "run"]], result.stdout


def test_plugin_survives_regeneration_reconfigure_and_introspect(tmp_path: Path) -> None:
    src = write_project(tmp_path, """
project('regen', 'c')
d = dependency('scipy-openblas', interface: 'ilp64')
message('IFACE', d.get_variable('interface'))
""")
    build = src / "build"
    assert meson_blas("setup", str(build), str(src)).returncode == 0
    # 1. edit meson.build and let ninja regenerate (through the recorded launcher)
    with (src / "meson.build").open("a") as f:
        f.write("message('EDIT', dependency('openblas', interface: 'lp64').get_variable('int_size'))\n")
    ninja = run(["ninja", "-C", str(build)])
    assert ninja.returncode == 0, ninja.output
    assert "Message: EDIT 4" in ninja.stdout
    # 2. reconfigure with the plain `meson` command: the coredata marker re-activates the plugin
    with (src / "meson.build").open("a") as f:
        f.write("message('PLAIN', dependency('openblas', interface: 'ilp64').get_variable('int_size'))\n")
    plain = plain_meson("setup", "--reconfigure", str(build), str(src))
    assert plain.returncode == 0, plain.output
    assert "Message: PLAIN 8" in plain.stdout
    # 3. introspection loads the pickled dependency objects
    intro = plain_meson("introspect", str(build), "--dependencies")
    assert intro.returncode == 0, intro.output
    assert "libscipy_openblas64_.so" in intro.stdout


def _plugin_imports(result_stderr: str) -> set[str]:
    return {line.rsplit("|", 1)[1].strip() for line in result_stderr.splitlines()
            if line.startswith("import time:") and "mesonbuild_blas" in line}


def test_reconfigure_loads_neither_vendor_table_nor_header_module_until_a_call_changes(tmp_path: Path) -> None:
    """A reconfigure takes unchanged BLAS dependencies from Meson's cache: the calls' arguments were checked
    in the configure before (the build dir remembers which passed) and the header's directory names its
    digest, so neither the vendor table nor the header module loads. A damaged header is rewritten, and a
    changed call is checked again: its error is located at the call."""
    src = write_project(tmp_path, """
project('lean', 'c')
d = dependency('openblas', interface: 'ilp64', modules: ['cblas', 'lapack'])
executable('show', 'show.c', dependencies: d)
""", {"show.c": "#include <blas_mangling.h>\nint main(void) { return (int)sizeof(blas_int) - 8; }\n"})
    build = tmp_path / "b"
    env = {"PYTHONPROFILEIMPORTTIME": "1"}
    first = meson_blas("setup", str(build), str(src), env=env)
    assert first.returncode == 0, first.output
    assert {"mesonbuild_blas.vendors", "mesonbuild_blas.header"} <= _plugin_imports(first.stderr)
    header = next((build / "meson-private" / "mesonbuild-blas").glob("*/blas_mangling.h"))
    text = header.read_text()

    again = meson_blas("setup", "--reconfigure", str(build), str(src), env=env)
    assert again.returncode == 0, again.output
    assert "Run-time dependency openblas found: YES" not in again.stdout  # from Meson's cache
    assert not {"mesonbuild_blas.vendors", "mesonbuild_blas.header"} & _plugin_imports(again.stderr)
    assert header.read_text() == text

    header.write_text(text.replace("blas_int", "broken_int"))  # its text no longer has its digest
    repaired = meson_blas("setup", "--reconfigure", str(build), str(src), env=env)
    assert repaired.returncode == 0, repaired.output
    assert "mesonbuild_blas.header" in _plugin_imports(repaired.stderr)
    assert header.read_text() == text

    # a call that changed is checked again, where it stands
    (src / "meson.build").write_text((src / "meson.build").read_text().replace("'lapack']", "'lapack', 'cblsa']"))
    changed = meson_blas("setup", "--reconfigure", str(build), str(src))
    assert_clean_error(changed, 3, "unknown BLAS module 'cblsa'")


def test_checked_calls_are_remembered_by_one_plugin_version_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build dir's record of checked dependency() calls (and of what a cached dependency depended on)
    is ignored by another version of the plugin: it may check, probe or render differently."""
    import pickle
    from types import SimpleNamespace

    import mesonbuild_blas.meson as integration
    from mesonbuild_blas import __version__
    from mesonbuild_blas.meson.dependency import BlasDependency, Fingerprint
    from mesonbuild_blas.records import replace
    from mesonbuild_blas.request import ProjectOptions

    monkeypatch.setattr(integration, "install", lambda: None)  # no Meson patching in the test process
    marker = integration.PluginMarker()
    integration.check_request(marker, "openblas", ["cblas", "interface: ilp64"], ProjectOptions(), "auto")
    with pytest.raises(integration.BlasError, match="unknown BLAS module"):
        integration.check_request(marker, "openblas", ["cblsa", "interface: ilp64"], ProjectOptions(), "auto")
    assert len(marker.checked) == 1  # only what passed
    loaded = pickle.loads(pickle.dumps(marker))
    assert loaded.checked_before == frozenset(marker.checked) and not loaded.checked
    function, (checked, version) = marker.__reduce__()
    assert version == __version__
    assert not function(checked, "0.0.1").checked_before  # written by another version
    assert not function().checked_before  # written before the record existed

    now = Fingerprint.now(())
    assert now.plugin == __version__
    assert BlasDependency.blas_still_valid(SimpleNamespace(blas_fingerprint=now))
    for other in ("0.0.1", ""):  # another version, or one that did not record it
        assert not BlasDependency.blas_still_valid(SimpleNamespace(blas_fingerprint=replace(now, plugin=other)))
    # what chooses the library at run time is part of it: another value searches (and probes) again
    for variable in ("LD_LIBRARY_PATH", "MKL_THREADING_LAYER", "FLEXIBLAS"):
        monkeypatch.setenv(variable, "/elsewhere")
        assert not BlasDependency.blas_still_valid(SimpleNamespace(blas_fingerprint=now)), variable
        monkeypatch.undo()


def test_demo_command() -> None:
    from conftest import BIN

    result = run([str(BIN / "mesonbuild-blas"), "demo"])
    assert result.returncode == 0, result.output
    assert "scipy-openblas lp64: scipy_dgemm_(3x3) trace(C) = 32, 4-byte integers: OK" in result.stdout
    assert "scipy-openblas ilp64: scipy_dgemm_64_(3x3) trace(C) = 32, 8-byte integers: OK" in result.stdout


def test_project_options_choose_vendor_and_interface(tmp_path: Path) -> None:
    src = write_project(tmp_path, """
project('opts', 'c')
d = dependency('blas')
message('OPT', d.get_variable('vendor'), d.get_variable('interface'))
e = dependency('blas', interface: get_option('use-ilp64') ? 'ilp64' : 'lp64')
message('KW', e.get_variable('vendor'), e.get_variable('interface'))
""", {"meson.options": """
option('blas', type: 'string', value: 'auto')
option('blas-order', type: 'array', value: [])
option('use-ilp64', type: 'boolean', value: false)
"""})
    result = meson_blas("setup", str(src / "build"), str(src), "-Dblas-order=atlas,openblas", "-Duse-ilp64=true")
    assert result.returncode == 0, result.output
    # use-ilp64 never changes a call that does not ask for ILP64 (SciPy builds LP64 and ILP64
    # side by side under -Duse-ilp64=true)
    assert result.messages("OPT") == [["atlas", "lp64"]]
    # the documented one-switch idiom: ATLAS has no ILP64 build, so the next in the order
    assert result.messages("KW") == [["openblas", "ilp64"]]
    assert "Traceback" not in result.output
    # a vendor that cannot exist here: a clean error saying why
    failed = meson_blas("setup", str(src / "build2"), str(src), "-Dblas=accelerate")
    assert_clean_error(failed, 3, "accelerate (not available on linux: Accelerate is part of macOS")


def test_reconfigure_reuses_dependencies_until_an_option_or_library_changes(tmp_path: Path) -> None:
    """Meson keeps found dependencies in the build dir. A reconfigure reuses them (no new search, even with
    several modules, whose order Meson's cache key would otherwise scramble), but not when the project's
    options (-Dblas=...), the environment or the library file changed: those search again."""
    src = write_project(tmp_path, """
project('reuse', 'c')
d = dependency('blas', modules: ['cblas', 'lapack'])
message('V', d.get_variable('vendor'), d.get_variable('library'))
""", {"meson.options": "option('blas', type: 'string', value: 'auto')\n"})
    build = src / "build"

    def configure(*args: str) -> tuple[list[list[str]], bool]:
        result = meson_blas("setup", *args, str(build), str(src))
        assert result.returncode == 0 and "Traceback" not in result.output, result.output
        return result.messages("V"), "Run-time dependency blas found: YES" in result.stdout

    first, searched = configure("-Dblas=openblas")
    assert searched and first[0][0] == "openblas"
    for _ in range(3):  # several processes: each hashes strings differently
        assert configure("--reconfigure") == (first, False)
    assert configure("--reconfigure", "-Dblas=netlib")[0][0][0] == "netlib"
    again, searched = configure("--reconfigure", "-Dblas=openblas")
    assert searched and again == first
    # the library file changed (a package upgrade): searched again, from a fresh probe
    library = Path(first[0][1])
    stat = library.stat()
    try:
        os.utime(library, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert configure("--reconfigure") == (first, True)
    finally:
        os.utime(library, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_lp64_and_ilp64_headers_in_one_project_do_not_collide(tmp_path: Path) -> None:
    """SciPy's case: both interfaces in one build, each target sees its own blas_mangling.h."""
    source = """#include <stdio.h>
#include <blas_mangling.h>
int main(void) { printf("%d\\n", (int)sizeof(blas_int)); return 0; }
"""
    src = write_project(tmp_path, """project('both', 'c')
lp = dependency('blas', interface: 'lp64')
ilp = dependency('blas', interface: 'ilp64')
e32 = executable('lp', 'show.c', dependencies: lp)
e64 = executable('ilp', 'show.c', dependencies: ilp)
""", {"show.c": source})
    build = src / "build"
    assert meson_blas("setup", str(build), str(src)).returncode == 0
    compiled = run(["ninja", "-C", str(build)])
    assert compiled.returncode == 0, compiled.output
    assert run([str(build / "lp")]).stdout.split()[0] == "4"
    assert run([str(build / "ilp")]).stdout.split()[0] == "8"
    headers = sorted((build / "meson-private" / "mesonbuild-blas").glob("*/blas_mangling.h"))
    assert len(headers) == 2
    # deleted generated headers come back with the next reconfigure (cached dependency objects)
    for h in headers:
        h.unlink()
    (src / "show.c").touch()
    assert meson_blas("setup", "--reconfigure", str(build), str(src)).returncode == 0
    assert all(h.is_file() for h in headers)
    rebuilt = run(["ninja", "-C", str(build)])
    assert rebuilt.returncode == 0, rebuilt.output


def test_fortran_only_project_ilp64(tmp_path: Path) -> None:
    """No C compiler in the project: one is detected just for the probes; the Fortran program
    gets 8-byte default integers from language: 'fortran'."""
    src = write_project(tmp_path, """project('fonly', 'fortran')
d = dependency('openblas', interface: 'ilp64', language: 'fortran')
message('V', d.get_variable('verified_by'), d.get_variable('int_size'))
executable('dot', 'dot.f90', dependencies: d)
""", {"dot.f90": """program dot
  implicit none
  double precision :: x(3) = [1d0, 2d0, 3d0], y(3) = [4d0, 5d0, 6d0]
  double precision, external :: ddot
  integer :: n, big
  n = 3
  big = -4294967296_8 + 3   ! low 32 bits say 3: only an ILP64 call sees n <= 0
  if (ddot(n, x, 1, y, 1) /= 32d0) error stop 1
  if (ddot(big, x, 1, y, 1) /= 0d0) error stop 2
  print '(a, i0)', 'ok ', kind(n)
end program dot
"""})
    build = src / "build"
    setup = meson_blas("setup", str(build), str(src))
    assert setup.returncode == 0, setup.output
    assert setup.messages("V") == [["run", "8"]]
    assert "the project has no C compiler; probing with" in setup.stdout
    compiled = meson_blas("compile", "-C", str(build))
    assert compiled.returncode == 0, compiled.output
    ran = run([str(build / "dot")])
    assert ran.returncode == 0 and ran.stdout.strip() == "ok 8", ran.output
