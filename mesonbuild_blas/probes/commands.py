"""The probe's compile and link command lines, for GNU-style (gcc, clang, MinGW) and
MSVC-style (cl, clang-cl) compiler drivers.  No Meson, no processes: pure functions.

The MSVC path is written but untested on a real MSVC (docs/vendors.md, "Platforms"):
its command lines are checked by unit tests only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Literal

from ..records import field, record

ArgumentSyntax = Literal["gcc", "msvc"]

_MSVC_LIBPATH = ("/LIBPATH:", "-LIBPATH:")


@record(frozen=False)
class MsvcLinkInputs:
    """A candidate's link arguments, sorted for ``cl ... /link``."""

    libpaths: list[str] = field(default_factory=list)  #: directories (for /LIBPATH:)
    libraries: list[str] = field(default_factory=list)  #: ``name.lib`` or paths of .lib/.a files
    driver: list[str] = field(default_factory=list)  #: arguments for cl itself (before /link)
    linker: list[str] = field(default_factory=list)  #: other linker options (after /link)


def msvc_link_inputs(link_args: Sequence[str]) -> MsvcLinkInputs:
    """Sort link arguments as Meson or pkg-config hand them for MSVC.

    ``-L<dir>`` / ``/LIBPATH:<dir>`` become library dirs, ``-l<name>`` becomes
    ``name.lib``, ``.lib``/``.a`` names or paths are libraries, other ``/``-options
    of the linker go after ``/link``; GNU-only ``-Wl,...`` and ``-pthread`` are dropped.
    """
    out = MsvcLinkInputs()
    for arg in link_args:
        if arg.upper().startswith(_MSVC_LIBPATH):
            out.libpaths.append(arg.split(":", 1)[1])
        elif arg.startswith("-L") and len(arg) > 2:
            out.libpaths.append(arg[2:])
        elif arg.startswith("-l") and len(arg) > 2:
            out.libraries.append(f"{arg[2:]}.lib")
        elif arg.lower().endswith((".lib", ".a")) and not arg.startswith("-"):
            out.libraries.append(arg)
        elif arg.startswith("-Wl,") or arg in ("-pthread", "--export-dynamic"):
            continue
        elif arg.upper().startswith(("/DEFAULTLIB:", "/NODEFAULTLIB", "/MACHINE:", "/DELAYLOAD:")):
            out.linker.append(arg)
        else:
            out.driver.append(arg)
    return out


def msvc_library_files(inputs: MsvcLinkInputs) -> list[str]:
    """The files of ``inputs.libraries`` that exist (a bare ``name.lib`` searched in the library dirs)."""
    found = []
    for lib in inputs.libraries:
        direct = os.path.isabs(lib) or os.sep in lib or "/" in lib
        candidates = [lib] if direct else [os.path.join(d, lib) for d in inputs.libpaths]
        found += [c for c in candidates if os.path.isfile(c)][:1]
    return found


def msvc_forced_symbols(symbols: Sequence[str], exported: set[str]) -> list[str]:
    """``/INCLUDE:`` options for the spellings the libraries define.

    ``/INCLUDE:`` fails the link for a name no input defines, so a spelling is
    forced only when an import library exports it (x86: as ``_name``).
    """
    out = []
    for sym in sorted(set(symbols)):
        if sym in exported:
            out.append(f"/INCLUDE:{sym}")
        elif f"_{sym}" in exported:
            out.append(f"/INCLUDE:_{sym}")
    return out


def compile_command(syntax: ArgumentSyntax, cc: Sequence[str], source: str, obj: str,
                    flags: Sequence[str] = (), source_flags: Sequence[str] = ()) -> list[str]:
    """Compile ``source`` into the object file ``obj``."""
    if syntax == "msvc":
        return [*cc, "/nologo", "/c", source, f"/Fo{obj}", *flags]
    return [*cc, *source_flags, "-c", "-o", obj, source, *flags]


def link_command(syntax: ArgumentSyntax, cc: Sequence[str], inputs: Sequence[str], exe: str,
                 compile_args: Sequence[str], link_args: Sequence[str], *,
                 gnu_extra: Sequence[str] = (), forced: Sequence[str] = (), obj_dir: str = "") -> list[str]:
    """Link ``inputs`` (objects, or a C source) and the candidate into the program ``exe``.

    gcc: ``cc -o exe inputs compile_args gnu_extra link_args`` (``gnu_extra``: the
    probe's -Wl flags).  msvc: ``cl /nologo inputs compile_args /Fe<exe> /link
    /LIBPATH:... libs /INCLUDE:...`` (``forced``: /INCLUDE options, see
    :func:`msvc_forced_symbols`; ``obj_dir``: where cl puts objects it compiles).
    """
    if syntax == "msvc":
        sorted_args = msvc_link_inputs(link_args)
        objects = [f"/Fo{obj_dir.rstrip(os.sep)}{os.sep}"] if obj_dir else []
        return [*cc, "/nologo", *inputs, *compile_args, *sorted_args.driver, *objects, f"/Fe{exe}", "/link",
                *[f"/LIBPATH:{d}" for d in sorted_args.libpaths], *sorted_args.libraries, *sorted_args.linker,
                *forced]
    return [*cc, "-o", exe, *inputs, *compile_args, *gnu_extra, *link_args]


def object_flags(compile_args: Sequence[str], syntax: ArgumentSyntax = "gcc") -> list[str]:
    """The compile flags that can matter to the probe object.

    The probe includes no BLAS header, so include dirs and macros cannot change
    it; machine flags (``-m64``, ``-pthread``, ``/arch:``, ...) can.
    """
    separate: tuple[str, ...] = ("-I", "-D", "-isystem", "-idirafter")
    joined: tuple[str, ...] = separate
    if syntax == "msvc":
        separate += ("/I", "/D", "/external:I", "-external:I")
        joined += ("/I", "/D", "/external:I", "-external:I")
    out: list[str] = []
    skip = False
    for arg in compile_args:
        if skip:
            skip = False
            continue
        if arg in separate:
            skip = True
            continue
        if not arg.startswith(joined):
            out.append(arg)
    return out

