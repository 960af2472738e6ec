"""Candidates from Meson's own machinery: pkg-config, CMake, frameworks, find_library, wheels.

:class:`MesonLookups` implements :class:`~mesonbuild_blas.search.Lookups` for
one ``dependency()`` call: each lookup method yields
:class:`~mesonbuild_blas.search.Candidate` s and :class:`~mesonbuild_blas.search.Note` s
and keeps no state about what it tried (the search builds that list).  It
also provides the probes' :class:`~mesonbuild_blas.probes.Toolchain` from the
project's compiler and exe wrapper.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any, Literal

from mesonbuild import mlog
from mesonbuild.dependencies.base import DependencyException

from .. import vendors
from ..probes import Toolchain, executable_identity, remembered_dirs
from ..records import replace
from ..request import Request
from ..search import Candidate, Host, Note
from ..testing import FRAMEWORK_DIR_ENV, framework_fixture_dir
from ..wheels import InstalledWheel, installed_wheels, wheel_dir, wheels_in
from . import compat
from .messages import LOG_PREFIX, debug, log, warn

#: machine-file property: ``pip install --target`` directories holding wheels for the host machine
WHEELDIR_PROPERTY = "blas_wheeldir"

#: C compilers detected for probing projects that have none (per machine, per process)
_PROBE_COMPILERS: dict[Any, Any] = {}

#: what a lookup yields: candidates, and notes on what it looked at or could not use
LookupItems = Iterator[Candidate | Note]


def lookup_kwargs(kwargs: Any) -> dict[str, Any]:
    """Keywords for one of Meson's own lookups inside ours: optional, quiet, no BLAS modules."""
    sub = dict(kwargs)
    sub["required"] = False
    sub["silent"] = True
    sub.pop("modules", None)
    sub.pop("version", None)
    return sub


class MesonLookups:
    """The lookups of one ``dependency()`` call, on Meson's environment."""

    def __init__(self, env: Any, for_machine: Any, kwargs: Any, static: bool, libtype: Any) -> None:
        self.env = env
        self.for_machine = for_machine
        self.kwargs = kwargs
        self.static = static
        self.libtype = libtype
        machine = env.machines[for_machine]
        self.host = Host(machine.system, machine.cpu_family)
        self._bad_roots: set[tuple[str, str]] = set()

    # ---- what the search asks ----------------------------------------------------
    def candidates(self, method: str, vendor: vendors.Vendor, request: Request) -> LookupItems:
        lookups = {
            "python": self._python,
            "pkg-config": self._pkgconfig_lookup,
            "cmake": self._cmake,
            "framework": self._framework,
            "system": self._system,
        }
        return lookups[method](vendor, request)

    def lapack_link_args(self, partner: vendors.Vendor, interface: str) -> tuple[str, ...] | None:
        compiler = self.c_compiler()
        libs = partner.lapack_libraries.get(interface, ())
        if compiler is None or not libs:
            return None
        dirs = self._subdirs(partner, interface)
        found = [compat.find_library(compiler, self.env, lib, dirs, self.libtype) for lib in libs]
        if any(f is None for f in found):
            return None
        return tuple(a for f in found if f for a in f)

    # ---- pkg-config ----------------------------------------------------------------
    def _pkgconfig(self, pc_names: tuple[str, ...], method: str, label: str) -> Candidate | Note | None:
        """One candidate from one or more pkg-config names (or absolute .pc paths) used together."""
        from mesonbuild.dependencies.pkgconfig import PkgConfigDependency
        sub = lookup_kwargs(self.kwargs)
        compile_args: list[str] = []
        link_args: list[str] = []
        version = ""
        handle = None
        for pc_name in pc_names:
            try:
                dep = PkgConfigDependency(pc_name, self.env, sub)
            except Exception as e:  # a broken .pc (or pkgconf output Meson cannot decode): skip it
                return Note(f"{label}: pkg-config lookup failed: {e}", unusable=True)
            if not dep.found():
                reason = self._pkgconfig_reason(pc_name)
                # found but unusable: say why instead of "not found"
                return Note(f"{label}: {reason}", unusable=True) if reason else None
            compile_args += [a for a in self._gcc_style(dep.get_compile_args()) if a not in compile_args]
            link_args += list(dep.get_link_args())
            version = version or dep.version or ""
            handle = handle or dep
        return Candidate(method, label, tuple(compile_args), tuple(link_args), version, handle=handle)

    def _gcc_style(self, args: list[str]) -> list[str]:
        """Windows .pc files written for MSVC (mkl-devel's ``/DMKL_ILP64``) given to a GCC-style compiler:
        ``/D`` and ``/I`` spelled ``-D`` and ``-I``."""
        compiler = self.c_compiler()
        if self.host.system != "windows" or compiler is None or compiler.get_argument_syntax() == "msvc":
            return args
        return [f"-{a[1:]}" if a[:2] in ("/D", "/I") and len(a) > 2 else a for a in args]

    def _pkgconfig_missing_reason(self) -> str:
        return (f"the pkg-config program {self._configured_tool('pkg-config')} was not found: install pkgconf, or "
                f"fix PKG_CONFIG / the pkg-config entry of the machine file")

    def _pkgconfig_entries(self, vendor: vendors.Vendor, request: Request) -> list[tuple[tuple[str, ...], Any]]:
        sdl = request.sdl if request.sdl is not None else vendor.sdl_default.get(self.host.system)
        return vendor.pkgconfig_entries(request.interface, request.threading_for(vendor.name), sdl, self.static)

    def _configured_tool(self, name: str) -> str:
        """How the machine file / environment names a tool, for messages."""
        try:
            entry = self.env.binaries[self.for_machine].lookup_entry(name)
        except (AttributeError, KeyError, TypeError):  # older/newer binary tables: only a message's detail
            entry = None
        return repr(" ".join(entry)) if entry else repr(name)

    def _pkgconfig_reason(self, pc_name: str) -> str:
        """pkg-config's own reason when a .pc exists but cannot be used (a missing Requires:)."""
        try:
            pkgconfig = compat.pkgconfig_interface(self.env, self.for_machine)
            _rc, out, err = pkgconfig._call_pkgbin(["--print-errors", "--exists", pc_name])
        except Exception:  # no pkg-config, or another implementation: no detail to add
            return ""
        return next((line.strip() for line in (err + out).splitlines()
                     if "required by '" in line and "virtual:world" not in line), "")

    def _pkgconfig_program_missing(self) -> bool:
        from mesonbuild.mesonlib import MesonException

        try:
            return compat.pkgconfig_interface(self.env, self.for_machine) is None
        except MesonException:  # Meson's own word that the configured pkg-config is unusable
            return True
        except Exception as e:  # anything else is this Meson answering differently: say so, never "missing"
            raise compat.MesonDrift("detect the pkg-config program", e) from None

    def _with_variant(self, found: Candidate | Note | None, variant: vendors.Threading | None) -> LookupItems:
        if isinstance(found, Candidate) and variant is not None:
            yield replace(found, threading=variant.layer)
        elif found is not None:
            yield found

    def _pkgconfig_lookup(self, vendor: vendors.Vendor, request: Request) -> LookupItems:
        entries = self._pkgconfig_entries(vendor, request)
        if not entries:
            return
        if self._pkgconfig_program_missing():
            yield Note(f"pkg-config ({self._pkgconfig_missing_reason()})")
            return
        yield Note("pkg-config " + ", ".join(" + ".join(names) for names, _ in entries))
        for root_or_note in self._env_roots(vendor):
            if isinstance(root_or_note, Note):
                yield root_or_note
                continue
            var, root = root_or_note
            dirs = [os.path.join(root, sub) for sub in vendor.root_pkgconfig_dirs]
            found = [c for d in dirs for c in self._pc_files_in(d, entries, "pkg-config")]
            if not found:
                yield Note(f"{var}={root} (no matching .pc file in {', '.join(dirs)})")
            yield from found
        for names, variant in entries:
            yield from self._with_variant(self._pkgconfig(names, "pkg-config", "pkg-config " + " + ".join(names)),
                                          variant)
            yield from self._shadowed(names, variant)
        if request.method == "pkg-config":
            # an explicit pkg-config lookup also finds the .pc files that installed wheels ship
            # (SciPy's first call: dependency('scipy-openblas', method: 'pkg-config'))
            yield from self._wheels(vendor, request, "pkg-config")

    def _pkgconfig_dirs(self) -> list[str]:
        """The directories pkg-config searches first (PKG_CONFIG_PATH and Meson's pkg_config_path)."""
        dirs = compat.pkg_config_path(self.env, self.for_machine)
        dirs += [d for d in os.environ.get("PKG_CONFIG_PATH", "").split(os.pathsep) if d]
        return list(dict.fromkeys(os.path.realpath(d) for d in dirs if os.path.isdir(d)))

    def _shadowed(self, names: tuple[str, ...], variant: vendors.Threading | None) -> LookupItems:
        """Same-named .pc files that pkg-config's first match hides (both scipy-openblas wheels'
        files are called scipy-openblas.pc): each one later on the path, by its full path."""
        if len(names) != 1:
            return
        files = [f for d in self._pkgconfig_dirs() if os.path.isfile(f := os.path.join(d, f"{names[0]}.pc"))]
        for path in files[1:]:
            yield from self._with_variant(self._pkgconfig((path,), "pkg-config", f"pkg-config {path}"), variant)

    def _pc_files_in(self, directory: str, entries: list[tuple[tuple[str, ...], Any]], method: str) -> LookupItems:
        for names, variant in entries:
            paths = tuple(os.path.join(directory, f"{n}.pc") for n in names)
            if all(os.path.isfile(p) for p in paths):
                yield from self._with_variant(self._pkgconfig(paths, method, " + ".join(paths)), variant)

    # ---- wheels: the Python running Meson, and directories for the host machine ---------
    def _builds_for_build_machine(self) -> bool:
        """Whether the host machine is the machine running Meson (its wheels and sys.prefix fit)."""
        build = self.env.machines.build
        return bool(build is not None and (build.system, build.cpu_family) == (self.host.system, self.host.cpu_family))

    def _wheel_dirs(self) -> list[str]:
        """The machine-file property ``blas_wheeldir``: ``pip install --target`` dirs for the host machine."""
        value = self.env.properties[self.for_machine].get(WHEELDIR_PROPERTY)
        dirs = [value] if isinstance(value, str) else value if isinstance(value, list) else None
        if value is not None and dirs is None:
            raise DependencyException(
                f"machine file property {WHEELDIR_PROPERTY} must be an absolute path (a string) or a list of them, "
                f"not {value!r} (hint: {WHEELDIR_PROPERTY} = '/path/made/by/pip-install-target')")
        for d in dirs or []:
            if not isinstance(d, str) or not os.path.isabs(d) or not os.path.isdir(d):
                raise DependencyException(
                    f"machine file property {WHEELDIR_PROPERTY}: {d!r} is not an existing absolute directory "
                    f"(hint: create it with pip install --target DIR --platform <tag> --only-binary=:all: <wheel>)")
        return list(dirs or [])

    def _host_wheels(self, vendor: vendors.Vendor, interface: str) -> list[InstalledWheel]:
        found = wheels_in(self._wheel_dirs(), vendor, interface, self.host.system)
        if self._builds_for_build_machine():
            found += installed_wheels(vendor, interface, self.host.system)
        return found

    def wheel_installed(self, vendor: vendors.Vendor, interface: str) -> bool:
        return bool(self._host_wheels(vendor, interface))

    def _wheels(self, vendor: vendors.Vendor, request: Request, method: str) -> LookupItems:
        """One candidate per wheel of the vendor for the interface and the host machine: in
        ``blas_wheeldir`` directories, and in the Python running Meson when it builds for itself."""
        wheels = [w.module for w in vendor.wheels if w.interface == request.interface]
        native = self._builds_for_build_machine()
        wheel_dirs = self._wheel_dirs()
        if wheels:
            where = ([f"{WHEELDIR_PROPERTY} {', '.join(wheel_dirs)}"] if wheel_dirs else []) + (
                ["the Python running Meson"] if native else [])
            yield Note(f"Python packages {', '.join(wheels)} in {' and '.join(where)}" if where else
                       f"Python packages {', '.join(wheels)} (the Python running Meson has them for the build "
                       f"machine, not this {self.host.cpu_family} {self.host.system} host: name a directory made "
                       f"with pip install --target DIR --platform <tag> in the machine-file property "
                       f"{WHEELDIR_PROPERTY})")
        for hit in self._host_wheels(vendor, request.interface):
            wheel = hit.wheel
            label = f"Python package {wheel.module}" + ("" if hit.where == wheel_dir(wheel.module)
                                                        else f" in {os.path.dirname(hit.where)}")
            pc_file = os.path.join(hit.where, wheel.pkgconfig) if wheel.pkgconfig else ""
            from_pc = None
            if pc_file and os.path.exists(pc_file):
                label = f"{label} ({wheel.pkgconfig})"
                from_pc = self._pkgconfig((pc_file,), method, label)
            # Link the library file itself, not the .pc's Libs: Meson gives build-dir programs an
            # rpath to it and strips that on install, whereas the wheel's .pc hard-codes -Wl,-rpath
            # to wherever the wheel sits now (a temporary directory under build isolation).  On
            # Windows it is the import library, next to the DLL (Meson's tests find the DLL there).
            if isinstance(from_pc, Candidate):
                yield Candidate(method, label, from_pc.compile_args, (hit.link,),
                                from_pc.version or hit.version, handle=from_pc.handle, from_wheel=True)
            else:
                yield Candidate(method, label, (f"-I{os.path.join(hit.where, wheel.include)}",), (hit.link,),
                                hit.version, from_wheel=True)

    def _python(self, vendor: vendors.Vendor, request: Request) -> LookupItems:
        yield from self._wheels(vendor, request, "python")
        relative = vendor.prefix_pkgconfig.get(self.host.system)
        if not relative:
            return
        prefixes = self._wheel_dirs() + ([sys.prefix] if self._builds_for_build_machine() else [])
        for prefix in prefixes:
            directory = os.path.join(prefix, *relative.split("/"))
            yield Note(f"pkg-config files in {directory}")
            if os.path.isdir(directory) and self._pkgconfig_program_missing():
                yield Note(f"{directory}: reading its .pc files needs pkg-config ({self._pkgconfig_missing_reason()})",
                           unusable=True)
                continue
            yield from self._pc_files_in(directory, self._pkgconfig_entries(vendor, request), "python")

    # ---- CMake, frameworks -----------------------------------------------------------
    def _cmake(self, vendor: vendors.Vendor, request: Request) -> LookupItems:
        packages = vendor.cmake.get(request.interface, ())
        if not packages:
            return
        from mesonbuild.cmake import CMakeExecutor
        from mesonbuild.dependencies.cmake import CMakeDependency
        from mesonbuild.mesonlib import MesonException

        try:
            cmake_found = CMakeExecutor(self.env, ">=3.4", self.for_machine, silent=True).found()
        except MesonException:  # Meson's own word that the configured cmake is unusable
            cmake_found = False
        except Exception as e:
            raise compat.MesonDrift("detect the cmake program", e) from None
        if not cmake_found:
            yield Note(f"CMake (the cmake program {self._configured_tool('cmake')} was not found: "
                       f"install cmake, or fix the cmake entry of the machine file)")
            return
        yield Note("CMake " + ", ".join(packages))
        sub = lookup_kwargs(self.kwargs)
        for package in packages:
            try:
                dep = CMakeDependency(package, self.env, sub)
            except Exception as e:  # as for pkg-config: a broken package is skipped, not fatal
                log(f"CMake {package}: lookup failed: {e}")
                continue
            if dep.found():
                yield Candidate("cmake", f"CMake {package}", tuple(dep.get_compile_args()),
                                tuple(dep.get_link_args()), dep.version or "")

    def _framework(self, vendor: vendors.Vendor, request: Request) -> LookupItems:
        fixtures = framework_fixture_dir()
        for framework in vendor.frameworks if fixtures else ():  # test-only switch (testing.py)
            lib = os.path.join(fixtures, request.interface, f"lib{framework}.so")
            yield Note(f"framework {framework} (test fixture {lib}, {FRAMEWORK_DIR_ENV})")
            if os.path.isfile(lib):
                yield Candidate("framework", f"framework {framework} (test fixture)",
                                tuple(vendor.framework_args.get(request.interface, ())), (lib,))
        for framework in vendor.frameworks if not fixtures else ():
            yield Note(f"framework {framework}")
            yield Candidate("framework", f"framework {framework}",
                            tuple(vendor.framework_args.get(request.interface, ())), ("-framework", framework))

    # ---- find_library ----------------------------------------------------------------
    def _subdirs(self, vendor: vendors.Vendor, interface: str) -> list[str]:
        """The vendor's own subdirectories of the default library dirs (Debian's alternatives layout)."""
        return [d for base in self.default_lib_dirs() for sub in vendor.system_subdirs.get(interface, ())
                if os.path.isdir(d := os.path.join(base, sub))]

    def _system(self, vendor: vendors.Vendor, request: Request) -> LookupItems:
        libsets = vendor.system.get(request.interface, ())
        compiler = self.c_compiler()
        if not libsets or compiler is None:
            return
        looked = "system libraries " + ", ".join(" ".join("-l" + lib for lib in libset) for libset in libsets)
        user_dirs, include_dirs = self._machine_file_dirs(vendor)
        extra = list(user_dirs)
        for root_or_note in self._env_roots(vendor):
            if isinstance(root_or_note, Note):
                yield root_or_note
                continue
            extra += [d for sub in vendor.root_lib_dirs
                      if os.path.isdir(d := os.path.join(root_or_note[1], sub.format(IFACE=request.interface.upper())))]
        extra += self._subdirs(vendor, request.interface)
        if vendor.system_explicit_dirs_only and not extra:
            yield Note(looked + " (only in directories named by a machine file or "
                       + " / ".join(vendor.env_roots or ("an environment variable",)) + ")")
            return
        yield Note(looked)
        allowed = {os.path.realpath(d) for d in extra}
        for libset in libsets:
            args: list[str] = []
            for lib in libset:
                found = compat.find_library(compiler, self.env, lib, extra, self.libtype)
                if found is None or (vendor.system_explicit_dirs_only and not all(
                        os.path.isabs(a) and os.path.realpath(os.path.dirname(a)) in allowed for a in found)):
                    break
                args += found
            else:
                threading = next((layer for fragment, layer in vendor.library_threading
                                  if any(fragment in lib for lib in libset)), "")
                yield Candidate("system", f"system library {' '.join('-l' + lib for lib in libset)}",
                                tuple(f"-I{d}" for d in include_dirs), tuple(args), threading=threading)

    def _env_roots(self, vendor: vendors.Vendor) -> Iterator[tuple[str, str] | Note]:
        """(variable, directory) of the vendor's install-root variables that are set, and notes on unusable ones."""
        for var in vendor.env_roots:
            root = os.environ.get(var)
            if not root:
                continue
            if os.path.isdir(root):
                yield var, root
                continue
            if (var, root) not in self._bad_roots:  # warn once per dependency() call
                self._bad_roots.add((var, root))
                warn(f"{var}={root} is not a directory; ignoring it")
            yield Note(f"{var}={root} (not a directory)")

    def _machine_file_dirs(self, vendor: vendors.Vendor) -> tuple[list[str], list[str]]:
        """``<vendor>_librarydir`` / ``<vendor>_includedir`` machine-file properties."""
        key = vendor.name.replace("-", "_")
        props = self.env.properties[self.for_machine]
        out: list[list[str]] = []
        for kind in ("librarydir", "includedir"):
            value = props.get(f"{key}_{kind}")
            if value is None:
                dirs: list[Any] = []
            elif isinstance(value, str):
                dirs = [value]
            elif isinstance(value, list):
                dirs = value
            else:
                raise DependencyException(
                    f"machine file property {key}_{kind} must be an absolute path (a string) or a list of them, "
                    f"not {value!r} (hint: quote it, e.g. {key}_{kind} = '/opt/{key}/lib')")
            for d in dirs:
                if not isinstance(d, str) or not os.path.isabs(d):
                    raise DependencyException(
                        f"machine file property {key}_{kind} must be an absolute path, not {d!r} "
                        f"(hint: write the full path, e.g. '/opt/{key}/lib')")
                if not os.path.isdir(d):
                    raise DependencyException(
                        f"machine file property {key}_{kind}: {d} does not exist (hint: fix the path or remove it)")
            out.append(dirs)
        return out[0], out[1]

    # ---- the toolchain the probes use ------------------------------------------------
    def default_lib_dirs(self) -> list[str]:
        """The compiler's library search dirs (remembered across configures: asking costs a process)."""
        compiler = self.c_compiler()
        if compiler is None:
            return []

        def ask() -> list[str]:
            try:
                if compat.COMPILER_TAKES_ENV:
                    dirs = compiler.get_library_dirs(self.env)
                else:
                    dirs = compiler.get_library_dirs()
            except Exception:  # compilers without a search-dirs query
                return []
            return [os.path.realpath(d) for d in dirs]

        exelist = list(compiler.get_exelist())
        key: list[object] = [exelist, compiler.get_id(), compiler.version, *executable_identity(exelist[0])]
        return remembered_dirs(key, ask)

    def c_compiler(self) -> Any:
        """The project's C (or C++) compiler; else one detected just for the probes."""
        compilers = self.env.coredata.compilers[self.for_machine]
        for lang in ("c", "cpp"):
            if lang in compilers:
                return compilers[lang]
        key = self.for_machine
        if key not in _PROBE_COMPILERS:
            from mesonbuild.compilers.detect import detect_c_compiler
            try:
                _PROBE_COMPILERS[key] = detect_c_compiler(self.env, self.for_machine)
                mlog.log(LOG_PREFIX, "the project has no C compiler; probing with",
                         " ".join(_PROBE_COMPILERS[key].get_exelist()))
            except Exception as e:  # Meson raises EnvironmentException (and others) when none works
                debug(f"no C compiler for the probes: {e}")
                _PROBE_COMPILERS[key] = None
        return _PROBE_COMPILERS[key]

    def toolchain(self, library_dirs: bool = True) -> Toolchain | None:
        """What the probes build with; without the compiler's library dirs (asking may cost a process) when
        ``library_dirs`` is false."""
        compiler = self.c_compiler()
        if compiler is None:
            return None
        can_run = True
        wrapper: list[str] = []
        if self.env.need_exe_wrapper(self.for_machine):
            exe_wrapper = self.env.get_exe_wrapper()
            if exe_wrapper is not None and exe_wrapper.found():
                wrapper = list(exe_wrapper.get_command())
            else:
                can_run = False
        machine = self.env.machines[self.for_machine]
        # "msvc" for cl and clang-cl (written, untested: docs/vendors.md), "gcc" for the rest
        syntax: Literal["gcc", "msvc"] = "msvc" if compiler.get_argument_syntax() == "msvc" else "gcc"
        return Toolchain(
            cc=tuple(compiler.get_exelist()),
            system_lib_dirs=tuple(self.default_lib_dirs()) if library_dirs else (),
            identity=f"{compiler.get_id()} {compiler.version}",
            can_run=can_run,
            run_wrapper=tuple(wrapper),
            gnu_ld=not machine.is_darwin() and not machine.is_windows(),
            # cl compiles a .c file as C even in a C++ project's driver
            source_flags=("-x", "c") if compiler.language == "cpp" and syntax == "gcc" else (),
            host_system=machine.system,
            argument_syntax=syntax,
            link_flags=self._link_flags(compiler),
        )

    def _link_flags(self, compiler: Any) -> tuple[str, ...]:
        """How the project's programs link: the linker Meson chose (``c_ld``: ``-fuse-ld=lld``) and the
        project's ``<lang>_link_args`` (Meson folds ``LDFLAGS`` into them)."""
        value = compat.machine_option(self.env, f"{compiler.language}_link_args", self.for_machine)
        linker = [str(a) for a in compiler.get_linker_always_args()]
        return (*linker, *(str(a) for a in value)) if isinstance(value, list) else tuple(linker)
