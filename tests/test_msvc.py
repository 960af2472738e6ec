"""The MSVC / clang-cl path, without Meson and without an MSVC: command lines and import libraries.

What runs here: the command lines (pure functions and, with a fake ``cl``, what
run_probe/link_probe hand it), and the export reader on real import libraries
(MinGW's dlltool / ld --out-implib, the scipy-openblas win_amd64 wheel).  A real
cl/clang-cl build is not tested (docs/vendors.md, "Platforms").
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from platforms import WIN64, host_wheel_dir, need

from mesonbuild_blas import vendors
from mesonbuild_blas.probes import ProbeBuildError, Toolchain, link_probe, msvc_exports, run_probe
from mesonbuild_blas.probes.commands import (
    compile_command,
    link_command,
    msvc_forced_symbols,
    msvc_link_inputs,
    object_flags,
)
from mesonbuild_blas.probes.interpret import probe_input
from mesonbuild_blas.probes.pe_exports import AR_MAGIC, ExportsError, archive_symbols, exported_names

MINGW = "x86_64-w64-mingw32"


# ---- command lines ---------------------------------------------------------------------------------------------

def test_compile_commands() -> None:
    assert compile_command("gcc", ["cc"], "p.c", "p.o", ["-m64"]) == ["cc", "-c", "-o", "p.o", "p.c", "-m64"]
    assert compile_command("gcc", ["c++"], "p.c", "p.o", [], ["-x", "c"]) == ["c++", "-x", "c", "-c", "-o", "p.o",
                                                                              "p.c"]
    assert compile_command("msvc", ["cl"], "p.c", "p.obj", ["/arch:AVX2"]) == [
        "cl", "/nologo", "/c", "p.c", "/Fop.obj", "/arch:AVX2"]


def test_gnu_link_command_keeps_the_mingw_order() -> None:
    cmd = link_command("gcc", ["gcc"], ["p.o"], "p.exe", ["-m64"], ["-Lx", "-lopenblas"],
                       gnu_extra=["-Wl,--undefined=dgemm_"])
    assert cmd == ["gcc", "-o", "p.exe", "p.o", "-m64", "-Wl,--undefined=dgemm_", "-Lx", "-lopenblas"]


def test_msvc_link_command_translates_gnu_style_arguments() -> None:
    cmd = link_command("msvc", ["cl"], ["p.obj"], "p.exe", ["/MD"],
                       ["-LC:/ob/lib", "-lopenblas", r"C:\mkl\mkl_rt.lib", "lapack.lib", "/LIBPATH:C:/x",
                        "-Wl,--no-as-needed", "-pthread", "/DEFAULTLIB:msvcrt"],
                       forced=["/INCLUDE:dgemm_"])
    assert cmd == ["cl", "/nologo", "p.obj", "/MD", "/Fep.exe", "/link", "/LIBPATH:C:/ob/lib", "/LIBPATH:C:/x",
                   "openblas.lib", r"C:\mkl\mkl_rt.lib", "lapack.lib", "/DEFAULTLIB:msvcrt", "/INCLUDE:dgemm_"]
    assert "-x" not in cmd and not any(a.startswith("-Wl") or a == "--export-dynamic" for a in cmd)


def test_msvc_link_inputs_and_object_flags() -> None:
    got = msvc_link_inputs(["-L/a", "-lfoo", "/abs/libbar.a", "-LIBPATH:/b", "/GL"])
    assert (got.libpaths, got.libraries, got.driver) == (["/a", "/b"], ["foo.lib", "/abs/libbar.a"], ["/GL"])
    assert object_flags(["/I", "inc", "/Iinc2", "/DX=1", "/arch:AVX2", "-DY"], "msvc") == ["/arch:AVX2"]
    assert object_flags(["-I", "inc", "-DX", "-m64"]) == ["-m64"]


def test_forced_symbols_only_what_the_library_exports() -> None:
    exported = {"dgemm_", "__imp_dgemm_", "_sgemm_", "cblas_dgemm"}
    assert msvc_forced_symbols(["dgemm_", "dgemm", "sgemm_", "cblas_dgemm", "dgemm_"], exported) == [
        "/INCLUDE:cblas_dgemm", "/INCLUDE:dgemm_", "/INCLUDE:_sgemm_"]


# ---- exported names of import libraries ------------------------------------------------------------------------

def _mingw(tool: str) -> str:
    path = shutil.which(f"{MINGW}-{tool}")
    if path is None:
        need(f"{MINGW}-{tool} is not installed")
        raise AssertionError  # unreachable: need() skips or fails
    return path


@pytest.fixture(scope="module")
def mingw_libs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DLL with its ld import library (libx.dll.a), and a dlltool import library (y.lib)."""
    d = tmp_path_factory.mktemp("implib")
    (d / "x.c").write_text("int dgemm_(void) { return 1; }\nint cblas_dgemm(void) { return 2; }\n")
    subprocess.run([_mingw("gcc"), "-shared", "-o", str(d / "x.dll"), str(d / "x.c"),
                    f"-Wl,--out-implib,{d / 'libx.dll.a'}"], check=True)
    (d / "y.def").write_text("LIBRARY y.dll\nEXPORTS\n  sgemm_\n  openblas_get_config\n")
    subprocess.run([_mingw("dlltool"), "-d", str(d / "y.def"), "-l", str(d / "y.lib"), "-D", "y.dll"], check=True,
                   cwd=d)
    return d


def test_exports_of_mingw_import_libraries_and_dll(mingw_libs: Path) -> None:
    assert {"dgemm_", "__imp_dgemm_", "cblas_dgemm", "__imp_cblas_dgemm"} <= exported_names(mingw_libs / "libx.dll.a")
    assert {"sgemm_", "__imp_sgemm_", "openblas_get_config"} <= exported_names(mingw_libs / "y.lib")
    assert exported_names(mingw_libs / "x.dll") == {"dgemm_", "cblas_dgemm"}


def test_msvc_exports_of_a_link_line(mingw_libs: Path) -> None:
    names = msvc_exports([f"-L{mingw_libs}", "-ly", str(mingw_libs / "libx.dll.a"), "-lmissing"])
    assert {"sgemm_", "dgemm_"} <= names
    assert msvc_exports([f"/LIBPATH:{mingw_libs}", "y.lib"]) >= {"sgemm_"}
    (mingw_libs / "bad.lib").write_bytes(b"not an archive")
    assert msvc_exports([str(mingw_libs / "bad.lib")]) == set()  # unreadable: nothing forced, no traceback


def test_exports_of_the_scipy_openblas_windows_import_library() -> None:
    lib = host_wheel_dir(WIN64) / "scipy_openblas64" / "lib" / "libscipy_openblas64_.lib"
    names = exported_names(lib)
    assert {"scipy_dgemm_64_", "__imp_scipy_dgemm_64_", "scipy_cblas_dgemm64_"} <= names
    assert "dgemm_" not in names


def _member(name: str, body: bytes) -> bytes:
    header = f"{name:<16}{0:<12}{0:<6}{0:<6}{644:<8}{len(body):<10}`\n".encode()
    return header + body + (b"\n" if len(body) % 2 else b"")


def test_short_import_objects_without_a_linker_member() -> None:
    """MSVC lib.exe's per-export members: IMPORT_OBJECT_HEADER, then symbol and DLL name."""
    def short(symbol: str) -> bytes:
        names = f"{symbol}\0mkl_rt.2.dll\0".encode()
        return struct.pack("<HHHHIIHH", 0, 0xFFFF, 0, 0x8664, 0, len(names), 0, 0) + names
    data = AR_MAGIC + _member("mkl_rt.2.dll/", short("dgemm_")) + _member("mkl_rt.2.dll/", short("DGEMM"))
    assert archive_symbols(data) == {"dgemm_", "__imp_dgemm_", "DGEMM", "__imp_DGEMM"}


def test_the_dll_an_import_library_stands_for(tmp_path: Path) -> None:
    """mkl_rt.lib names mkl_rt.3.dll (not mkl_rt.dll): the linked library's DLL is found in ../bin."""
    from mesonbuild_blas.probes.pe_exports import import_library_dll
    from mesonbuild_blas.verify import linked_libraries

    names = b"dgemm_\0mkl_rt.3.dll\0"
    body = struct.pack("<HHHHIIHH", 0, 0xFFFF, 0, 0x8664, 0, len(names), 0, 0) + names
    (tmp_path / "lib").mkdir()
    (tmp_path / "bin").mkdir()
    lib = tmp_path / "lib" / "mkl_rt.lib"
    lib.write_bytes(AR_MAGIC + _member("mkl_rt.3.dll/", body))
    assert import_library_dll(lib) == "mkl_rt.3.dll"
    assert linked_libraries([str(lib)], []) == (str(lib),)  # no DLL yet: the import library itself
    (tmp_path / "bin" / "mkl_rt.3.dll").write_bytes(b"MZ")
    assert linked_libraries([str(lib)], []) == (str(tmp_path / "bin" / "mkl_rt.3.dll"),)
    (tmp_path / "x.lib").write_bytes(b"garbage")
    assert import_library_dll(tmp_path / "x.lib") == ""


def test_unreadable_files_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "a.lib").write_bytes(b"garbage")
    (tmp_path / "b.dll").write_bytes(b"MZ" + b"\0" * 10)
    (tmp_path / "c.lib").write_bytes(AR_MAGIC + b"short")
    for name in ("a.lib", "b.dll", "c.lib", "missing.lib"):
        with pytest.raises(ExportsError):
            exported_names(tmp_path / name)


# ---- what run_probe / link_probe hand a (fake) cl ----------------------------------------------------------------

FAKE_CL = """
import json, sys
args = sys.argv[1:]
with open({log!r}, "a") as f:
    f.write(json.dumps(args) + "\\n")
if "/c" in args:
    out = next(a[3:] for a in args if a.startswith("/Fo"))
    open(out, "w").write("obj")
    sys.exit(0)
print("blas_probe.obj : error LNK2019: unresolved external symbol fake")
sys.exit(2)
"""


def _fake_cl(tmp_path: Path) -> tuple[Toolchain, Path]:
    log = tmp_path / "cl.log"
    script = tmp_path / "cl.py"
    script.write_text(FAKE_CL.format(log=str(log)))
    return Toolchain(cc=(sys.executable, str(script)), identity="fake-cl", host_system="windows",
                     gnu_ld=False, argument_syntax="msvc"), log


def test_run_probe_msvc_command_lines(tmp_path: Path, mingw_libs: Path) -> None:
    toolchain, log = _fake_cl(tmp_path)
    vendor = vendors.BY_NAME["openblas"]
    stdin = probe_input(vendor, vendor.schemes("lp64"))
    with pytest.raises(ProbeBuildError, match="LNK2019"):  # cl's diagnostics are on stdout
        run_probe(toolchain, ["/DX=1"], [f"-L{mingw_libs}", "-ly", str(mingw_libs / "libx.dll.a")], stdin,
                  cache_dir=tmp_path / "cache")
    compile_args, link_args = (json.loads(line) for line in log.read_text().splitlines()[:2])
    assert compile_args[:3] == ["/nologo", "/c", compile_args[2]] and compile_args[2].endswith("blas_probe.c")
    assert compile_args[3].startswith("/Fo") and compile_args[3].endswith(".obj") and "/DX=1" not in compile_args
    at = link_args.index("/link")
    assert link_args[0] == "/nologo" and link_args[1].endswith(".obj") and link_args[at - 1].startswith("/Fe")
    assert link_args[at + 1:at + 4] == [f"/LIBPATH:{mingw_libs}", "y.lib", str(mingw_libs / "libx.dll.a")]
    forced = link_args[at + 4:]
    assert "/INCLUDE:dgemm_" in forced and "/INCLUDE:cblas_dgemm" in forced
    assert "/INCLUDE:openblas_get_config" in forced  # from y.lib, found through -L -l
    assert all(a.startswith("/INCLUDE:") for a in forced) and "/INCLUDE:daxpy_" not in forced  # nobody has it
    assert not any(a.startswith(("-Wl", "-x", "-o")) for a in link_args + compile_args)


def test_link_probe_msvc_command_line(tmp_path: Path) -> None:
    toolchain, log = _fake_cl(tmp_path)
    assert not link_probe(toolchain, [], ["-LC:/lib", "-lopenblas"], ["dgemm_"])
    args = json.loads(log.read_text())
    at = args.index("/link")
    assert args[0] == "/nologo" and args[1].endswith("link_probe.c") and args[at + 1:] == ["/LIBPATH:C:/lib",
                                                                                           "openblas.lib"]
    assert args[at - 1].startswith("/Fe") and args[at - 1].endswith(".exe") and args[at - 2].startswith("/Fo")
