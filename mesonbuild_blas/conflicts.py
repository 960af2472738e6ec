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
from collections.abc import Iterable, Sequence

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


def suffixed_ilp64_builds() -> str:
    """The ILP64 builds with names of their own, from the vendor table (for fix hints)."""
    from . import vendors  # only for a message: these checks run on every reconfigure, the table need not

    builds = [f"{v.name} ({s} names)" for v in vendors.VENDORS for s in v.suffixes.get(ILP64, ()) if s]
    return ", ".join(builds)


def symbol_clash(first: BlasInfo, second: BlasInfo) -> str | None:
    """Why ``first`` and ``second`` cannot share a process, or None when they can."""
    shared = sorted(exported_names(first) & exported_names(second))
    if not shared:
        return None
    if _same_library(first, second) and first.interface == second.interface:
        return None  # the same library asked for twice
    how = "with the wrong integer width" if first.interface != second.interface else "silently"
    return (f"BLAS symbol clash: {first.vendor} ({first.interface}, {first.library or 'unknown file'}) and "
            f"{second.vendor} ({second.interface}, {second.library or 'unknown file'}) both export "
            f"{', '.join(shared)}; in one process the library loaded first serves both, so one of them calls "
            f"the wrong library ({how}). "
            f"Fix: for ILP64 use a build with names of its own — {suffixed_ilp64_builds()} "
            f"(the blas-symbol-suffix option selects such names) — or one library for both dependencies")


def clashes(earlier: Iterable[BlasInfo], new: BlasInfo) -> list[str]:
    """Clash messages between a newly resolved dependency and those resolved before it."""
    out = []
    for info in earlier:
        message = symbol_clash(info, new)
        if message and message not in out:
            out.append(message)
    return out


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
