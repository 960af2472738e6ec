"""One process, one BLAS, one OpenMP: checks across the dependencies of one configure.

BLAS symbol clashes are checked where one process can load both libraries: the
BLAS dependencies of one target (with those of the libraries it links), and those
of the project's shared modules (Python extension modules load into one
interpreter) -- never between separate executables. Each pair is said once.
OpenMP: remembers, per build directory, the BLAS dependencies found and the
runtime of the project's own ``dependency('openmp')`` (or ``-fopenmp`` in its
compiler arguments), and warns when they would mix runtimes (``conflicts.py``
says why and how to fix it).
"""

from __future__ import annotations

import os
import subprocess
from typing import Any

from ..conflicts import COMPILER_OPENMP, RUNTIME_LIBRARIES, ProjectOpenmp, openmp_mix, uses_openmp
from ..result import BlasInfo
from . import compat

#: BLAS dependencies resolved in this process, per build directory (one configure)
_RESOLVED: dict[str, list[BlasInfo]] = {}
#: the OpenMP runtime of the project's own dependency('openmp'), per build directory
_PROJECT_OPENMP: dict[str, ProjectOpenmp] = {}
#: the BLAS of the project's shared modules, per build directory: (module name, its BLAS)
_MODULES: dict[str, list[tuple[str, BlasInfo]]] = {}
#: library pairs already said to clash, per build directory
_CLASHES_SAID: dict[str, set[frozenset[tuple[str, str]]]] = {}


def blas_resolved(env: Any, for_machine: Any, info: BlasInfo) -> None:
    """A BLAS dependency was found: warn about OpenMP mixing with the project's own OpenMP."""
    _RESOLVED.setdefault(env.get_build_dir(), []).append(info)
    project = _PROJECT_OPENMP.get(env.get_build_dir()) or openmp_from_flags(env, for_machine)
    mix = openmp_mix(info, project) if project is not None else None
    if mix:  # (every reconfigure runs these checks: the log module loads when there is something to say)
        from .messages import warn

        warn(mix)


def _target_blas(target: Any) -> list[BlasInfo]:
    """The BLAS a target's process loads: its own BLAS dependencies and those of the targets it links."""
    infos: list[BlasInfo] = []
    stack, seen = [target], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for dep in getattr(current, "external_deps", ()):
            info = getattr(dep, "blas_info", None)
            if isinstance(info, BlasInfo) and info not in infos:
                infos.append(info)
        stack.extend(getattr(current, "link_targets", ()))
    return infos


def target_added(env: Any, target: Any, name: str, module: bool) -> None:
    """A target was defined: warn when one process would load two BLAS libraries exporting the same names."""
    infos = _target_blas(target)
    if not infos:
        return
    pairs = [(a, b, f"target {name}") for i, a in enumerate(infos) for b in infos[i + 1:]]
    if module:  # the project's modules load into one interpreter (Python extension modules)
        modules = _MODULES.setdefault(env.get_build_dir(), [])
        pairs += [(other, info, f"modules {other_name} and {name} (one Python process)")
                  for other_name, other in modules for info in infos]
        modules += [(name, info) for info in infos]
    said = _CLASHES_SAID.setdefault(env.get_build_dir(), set())
    for first, second, where in pairs:
        key = frozenset({(first.library, first.interface), (second.library, second.interface)})
        if key in said:
            continue
        message = _clash(env, target, first, second, where)
        if message:
            said.add(key)
            from .messages import warn

            warn(message)


def _clash(env: Any, target: Any, first: BlasInfo, second: BlasInfo, where: str) -> str | None:
    from ..conflicts import own_name_ilp64_builds, symbol_clash

    if symbol_clash(first, second, where) is None:
        return None
    for_machine = getattr(target, "for_machine", None)
    machine = env.machines[compat.host_machine() if for_machine is None else for_machine]
    alternatives = own_name_ilp64_builds(machine.system, machine.cpu_family, _installed(machine.system))
    return symbol_clash(first, second, where, alternatives)


def _installed(system: str) -> Any:
    """Whether a vendor's ILP64 build is installed in the Python running Meson (its wheels, its .pc files)."""
    import sys

    from .. import vendors, wheels

    def installed(name: str) -> bool:
        vendor = vendors.BY_NAME[name]
        if wheels.installed_wheels(vendor, "ilp64", system):
            return True
        where = vendor.prefix_pkgconfig.get(system)
        if not where:
            return False
        return any(os.path.exists(os.path.join(sys.prefix, where, f"{names[0]}.pc"))
                   for names, _variant in vendor.pkgconfig_entries("ilp64"))

    return installed


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
