"""One process, one BLAS, one OpenMP: what two dependencies of one build would break.

Shared libraries that export the same names interpose in one process: the
first one loaded serves every caller. Two BLAS dependencies of one build whose
names coincide (Debian's LP64 ``libopenblas`` and its suffix-less ILP64
``libopenblas64`` both export ``dgemm_``) make an LP64 module call the ILP64
library, or the other way round. Likewise, two OpenMP runtimes (GNU libgomp,
Intel libiomp5, LLVM libomp) in one process crash or oversubscribe. These
checks compare what the probes established; nothing here imports Meson.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from .names import ILP64
from .records import record
from .result import BlasInfo


def exported_names(info: BlasInfo) -> frozenset[str]:
    """The linked names the probes established (Fortran dgemm, CBLAS dgemm)."""
    return frozenset(n for n in (info.fortran_symbol_dgemm, info.cblas_symbol_dgemm) if n)


def _same_library(a: BlasInfo, b: BlasInfo) -> bool:
    if not a.library or not b.library:
        return False
    return os.path.realpath(a.library) == os.path.realpath(b.library)


def own_name_ilp64_builds(system: str, cpu_family: str, installed: Callable[[str], bool]) -> list[str]:
    """The ILP64 builds with names of their own that exist for this platform, installed ones first (for the
    clash warning's fix): from the vendor table, only where the vendor is available."""
    from . import vendors  # only for a message: the table loads when there is something to say

    found = []
    for v in vendors.VENDORS:
        if not v.own_name_ilp64 or (v.systems and system not in v.systems):
            continue
        if v.auto_cpu_families and cpu_family not in v.auto_cpu_families:
            continue
        have = installed(v.name)
        how = "installed" if have else v.install_hint.get(ILP64, "")
        text = v.own_name_ilp64
        if how:
            text = f"{text[:-1]}; {how})" if text.endswith(")") else f"{text} ({how})"
        found.append((not have, text))
    return [text for _later, text in sorted(found, key=lambda pair: pair[0])]


def symbol_clash(first: BlasInfo, second: BlasInfo, where: str = "one process",
                 alternatives: Sequence[str] = ()) -> str | None:
    """Why ``first`` and ``second`` cannot share the process ``where`` describes (two lines), or None."""
    shared = sorted(exported_names(first) & exported_names(second))
    if not shared:
        return None
    if _same_library(first, second) and first.interface == second.interface:
        return None  # the same library asked for twice
    width = first.interface != second.interface
    fix = "Fix: one library for both"
    if width and alternatives:
        fix += f", or for ILP64 a build with names of its own: {', '.join(alternatives)}"
    return (f"BLAS symbol clash in {where}: {first.vendor} {first.interface} ({first.library or 'unknown file'}) "
            f"and {second.vendor} {second.interface} ({second.library or 'unknown file'}) both export "
            f"{', '.join(shared)}; the one loaded first serves both"
            f"{', with the wrong integer width for the other' if width else ''}.\n{fix}")


#: the OpenMP runtime a compiler's own OpenMP support (``-fopenmp``, ``dependency('openmp')``) links
COMPILER_OPENMP = {"gcc": "gomp", "clang": "omp", "clang-cl": "omp", "intel": "iomp5", "intel-llvm": "iomp5",
                   "intel-cl": "iomp5", "intel-llvm-cl": "iomp5"}
#: compiler flags that turn OpenMP on
OPENMP_FLAGS = ("-fopenmp", "-qopenmp", "-fiopenmp", "-openmp", "/openmp", "/Qopenmp", "/Qiopenmp")
#: runtime → its shared library's file-name stem
RUNTIME_LIBRARIES = {"gomp": "libgomp", "iomp5": "libiomp5", "omp": "libomp"}


@record
class ProjectOpenmp:
    """The OpenMP runtime the project itself uses."""

    runtime: str  #: gomp, iomp5, omp
    file: str  #: its library file when known, else the file-name stem
    how: str  #: e.g. "dependency('openmp') with gcc"


def uses_openmp(flags: Sequence[str]) -> bool:
    return any(f in OPENMP_FLAGS or f.startswith(("-fopenmp=", "-fopenmp-")) for f in flags)


def openmp_mix(info: BlasInfo, project: ProjectOpenmp) -> str | None:
    """Why the BLAS library's OpenMP runtime and the project's cannot share a process, or None."""
    if info.openmp_runtime in ("none", "unknown") or info.openmp_runtime == project.runtime:
        return None
    from . import vendors

    vendor = vendors.BY_NAME.get(info.vendor)
    fix = (vendor.openmp_fix if vendor is not None else "") or \
        "a build of the library with the project's OpenMP runtime, or a sequential/pthreads build"
    return (f"OpenMP runtime mix: the project's OpenMP ({project.how}) is {project.runtime} ({project.file}), "
            f"but {info.vendor} ({info.interface}, {info.library}) loads {info.openmp_runtime} "
            f"({info.openmp_runtime_file}); two OpenMP runtimes in one process crash ('OMP: Error #15') "
            f"or oversubscribe the cores. Fix: {fix}")
