"""One process, one BLAS, one OpenMP: checks across the dependencies of one configure.

Remembers, per build directory, the BLAS dependencies found and the OpenMP
runtime of the project's own ``dependency('openmp')`` (or ``-fopenmp`` in its
compiler arguments), and warns when a new one would interpose or mix runtimes
with what is already there (``conflicts.py`` says why and how to fix it).
"""

from __future__ import annotations

import os
import subprocess
from typing import Any

from ..conflicts import COMPILER_OPENMP, RUNTIME_LIBRARIES, ProjectOpenmp, clashes, openmp_mix, uses_openmp
from ..result import BlasInfo
from . import compat

#: BLAS dependencies resolved in this process, per build directory (one configure)
_RESOLVED: dict[str, list[BlasInfo]] = {}
#: the OpenMP runtime of the project's own dependency('openmp'), per build directory
_PROJECT_OPENMP: dict[str, ProjectOpenmp] = {}


def blas_resolved(env: Any, for_machine: Any, info: BlasInfo) -> None:
    """A BLAS dependency was found: warn about clashes with earlier ones and about OpenMP mixing."""
    resolved = _RESOLVED.setdefault(env.get_build_dir(), [])
    messages = clashes(resolved, info)
    resolved.append(info)
    project = _PROJECT_OPENMP.get(env.get_build_dir()) or openmp_from_flags(env, for_machine)
    mix = openmp_mix(info, project) if project is not None else None
    if mix:
        messages.append(mix)
    if messages:  # (every reconfigure runs these checks: the log module loads when there is something to say)
        from .messages import warn

        for message in messages:
            warn(message)


def _runtime_file(compiler: Any, runtime: str) -> str:
    """The runtime's library file as the compiler finds it (gcc/clang ``-print-file-name``), else its name."""
    name = f"{RUNTIME_LIBRARIES[runtime]}.so"
    try:
        out = subprocess.run([*compiler.get_exelist(), f"-print-file-name={name}"], capture_output=True,
                             text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return name
    return os.path.realpath(out) if os.path.isabs(out) and os.path.exists(out) else name


def _project_compilers(env: Any, for_machine: Any) -> list[tuple[str, Any]]:
    compilers = env.coredata.compilers[for_machine]
    return [(lang, compilers[lang]) for lang in ("c", "cpp", "fortran") if lang in compilers]


def openmp_from_flags(env: Any, for_machine: Any) -> ProjectOpenmp | None:
    """The project's OpenMP runtime when its compiler flags turn OpenMP on (``c_args: -fopenmp``)."""
    for lang, compiler in _project_compilers(env, for_machine):
        flags = compat.machine_option(env, f"{lang}_args", for_machine)
        runtime = COMPILER_OPENMP.get(compiler.get_id())
        if isinstance(flags, list) and runtime and uses_openmp([str(f) for f in flags]):
            return ProjectOpenmp(runtime, _runtime_file(compiler, runtime),
                                 f"{lang}_args with {compiler.get_id()}")
    return None


def openmp_resolved(env: Any, for_machine: Any) -> None:
    """The project found ``dependency('openmp')``: remember its runtime, check the BLAS found so far."""
    compilers = _project_compilers(env, for_machine)
    runtime = COMPILER_OPENMP.get(compilers[0][1].get_id()) if compilers else None
    if runtime is None:
        return
    project = ProjectOpenmp(runtime, _runtime_file(compilers[0][1], runtime),
                            f"dependency('openmp') with {compilers[0][1].get_id()}")
    _PROJECT_OPENMP[env.get_build_dir()] = project
    for info in _RESOLVED.get(env.get_build_dir(), []):
        mix = openmp_mix(info, project)
        if mix:
            from .messages import warn

            warn(mix)
