"""The Meson dependency object: candidates from Meson's own lookups, verified by probes."""

from __future__ import annotations

import dataclasses
import importlib.metadata
import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mesonbuild import mlog
from mesonbuild.dependencies.base import DependencyException, ExternalDependency
from mesonbuild.mesonlib import version_compare_many

from .. import vendors
from ..errors import BlasError
from ..header import header_digest, render_header
from ..probes import STATIC, ProbeBuildError, Toolchain, link_probe, run_probe
from ..probes.interpret import Rejection, interpret, interpret_linked, probe_input
from ..request import ProjectOptions, Request, build_request
from ..result import BlasInfo
from . import compat

#: generated headers known to be up to date in this process (their directory names
#: are digests of their content, so a path never needs rewriting once current)
_HEADERS_CURRENT: set[str] = set()

#: C compilers detected for probing projects that have none (per machine, per process)
_PROBE_COMPILERS: dict[Any, Any] = {}

#: Set by the dependency() wrapper around each call: the calling project's options.
CURRENT_OPTIONS: list[ProjectOptions] = []

LOG_PREFIX = "mesonbuild-blas:"

#: compiler id → flag making default INTEGERs 8 bytes (gfortran, flang, Intel, NVIDIA)
FORTRAN_INTEGER8_FLAGS = {"gcc": "-fdefault-integer-8", "flang": "-fdefault-integer-8",
                          "llvm-flang": "-fdefault-integer-8", "intel": "-i8", "intel-llvm": "-i8",
                          "intel-cl": "/integer-size:64", "intel-llvm-cl": "/integer-size:64",
                          "pgi": "-i8", "nvidia_hpc": "-i8"}

#: configure-time dgemm timing (modules: ['bench'], -Dblas=fastest): size, best of
BENCH_N = 512
BENCH_REPEAT = 3

#: Meson dependency type for each lookup method (drives Meson's build rpaths)
METHOD_TYPE_NAMES = {"pkg-config": "pkgconfig", "cmake": "cmake", "python": "library", "system": "library",
                     "framework": "extraframeworks"}


@dataclass
class Candidate:
    method: str
    label: str  #: what was looked up, for logs ("pkg-config openblas64")
    compile_args: list[str]
    link_args: list[str]
    version: str = ""
    pkgconfig: Any = None  #: the PkgConfigDependency, for variable pass-through
    threading: str = ""  #: layer implied by the link line (MKL's threading libraries)


def wheel_dir(module: str) -> str | None:
    """Directory of an installed Python package, found without importing it."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return next(iter(spec.submodule_search_locations))


def installed_wheels(vendor: vendors.Vendor, interface: str) -> list[tuple[vendors.Wheel, str]]:
    found = []
    for wheel in vendor.wheels:
        if wheel.interface != interface:
            continue
        where = wheel_dir(wheel.module)
        if where and os.path.exists(os.path.join(where, wheel.library)):
            found.append((wheel, where))
    return found


def _distribution_version(module: str) -> str:
    for name in (module, module.replace("_", "-")):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return ""


def linked_libraries(link_args: list[str], default_dirs: list[str]) -> list[str]:
    """The library files a link line names (real paths), in order."""
    dirs = [a[2:] for a in link_args if a.startswith("-L") and len(a) > 2] + default_dirs
    out: list[str] = []
    for arg in link_args:
        path = ""
        if os.path.isabs(arg) and os.path.isfile(arg):
            path = arg
        elif arg.startswith("-l") and len(arg) > 2:
            path = next((p for d in dirs for ext in (".so", ".dylib", ".a")
                         if os.path.exists(p := os.path.join(d, f"lib{arg[2:]}{ext}"))), "")
        if path and os.path.realpath(path) not in out:
            out.append(os.path.realpath(path))
    return out


def _lookup_kwargs(kwargs: Any) -> dict[str, Any]:
    """Keywords for one of Meson's own lookups inside ours: optional, quiet, no BLAS modules."""
    sub = dict(kwargs)
    sub["required"] = False
    sub["silent"] = True
    sub.pop("modules", None)
    sub.pop("version", None)
    return sub


class BlasDependency(ExternalDependency):  # type: ignore[misc]
    """``dependency('blas' | 'lapack' | 'cblas' | 'lapacke' | <vendor>)``."""

    type_name = "blas"

    def __init__(self, name: str, env: Any, kwargs: Any) -> None:
        compat.init_external(self, name, env, kwargs)
        self.blas_info: BlasInfo | None = None
        self.blas_pkgconfig: Any = None
        self.blas_tried: list[str] = []
        self.blas_header_dir = ""
        self.blas_looked_up: list[str] = []
        self.blas_roots: dict[str, list[tuple[str, str]]] = {}
        options = CURRENT_OPTIONS[-1] if CURRENT_OPTIONS else ProjectOptions()
        modules = list(kwargs.get("modules") or [])
        try:
            try:
                request = build_request(name, modules, options, compat.method_value(kwargs.get("method")))
            except BlasError as e:
                raise DependencyException(str(e)) from None
            self._search(request, kwargs)
        except DependencyException as e:
            if not self.required:  # Meson only debug-logs exceptions of optional lookups
                mlog.log(LOG_PREFIX, f"{name} not found:", str(e))
            raise

    # ---- search -----------------------------------------------------------
    def _in_builtin_order(self, vendor: vendors.Vendor, request: Request) -> bool:
        """Whether the built-in order includes this vendor here (platform, CPU, wheel)."""
        machine = self.env.machines[self.for_machine]
        if vendor.auto_systems and machine.system not in vendor.auto_systems:
            return False
        if vendor.auto_cpu_families and machine.cpu_family not in vendor.auto_cpu_families:
            return False
        return not (vendor.auto_needs_wheel and not installed_wheels(vendor, request.interface))

    def _search(self, request: Request, kwargs: Any) -> None:
        toolchain = self._toolchain()
        builtin = request.name in vendors.GENERIC and request.order_source.startswith("built-in order")
        accepted: list[tuple[vendors.Vendor, Candidate, BlasInfo]] = []
        for vendor_name in request.vendors:
            vendor = vendors.BY_NAME[vendor_name]  # build_request only returns known vendors
            if builtin and not self._in_builtin_order(vendor, request):
                mlog.debug(f"{LOG_PREFIX} {vendor.name} is not in the built-in order on this machine")
                continue
            found_any = False
            for cand in self._candidates(vendor, request, kwargs):
                found_any = True
                what = f"{vendor.name} via {cand.label}"
                if toolchain is None:
                    self.blas_tried.append(f"{what}: cannot verify without a C compiler (the probes are C "
                                           f"programs: install one, e.g. gcc)")
                    continue
                outcome = self._verify(vendor, request, cand, toolchain)
                if isinstance(outcome, Rejection) and vendor.blas_only and "lapack" in request.features:
                    mlog.log(LOG_PREFIX, f"{what}: no LAPACK of its own ({outcome.reason}); looking for a partner")
                    paired = self._paired(vendor, request, cand, toolchain)
                    if paired is not None:
                        cand, outcome = paired
                        what = f"{vendor.name} via {cand.label}"
                if not isinstance(outcome, Rejection) and self.version_reqs:
                    version = outcome.version or cand.version
                    if not version or not version_compare_many(version, self.version_reqs)[0]:
                        outcome = Rejection(f"version {version or 'unknown'} does not satisfy "
                                            f"{' '.join(self.version_reqs)}")
                if isinstance(outcome, Rejection) and request.symbol_suffix is not None:
                    outcome = Rejection(f"{outcome.reason} (symbol suffix {request.symbol_suffix!r} given by "
                                        f"the blas-symbol-suffix option; 'auto' detects it)")
                if isinstance(outcome, Rejection):
                    self.blas_tried.append(f"{what}: {outcome.reason}")
                    mlog.log(LOG_PREFIX, f"rejected {what}:", outcome.reason)
                    continue
                if request.fastest:
                    accepted.append((vendor, cand, outcome))
                    break  # the first accepted candidate of each vendor competes
                self._accept(vendor, cand, self._benched(request, cand, outcome))
                return
            if not found_any:
                looked = "; ".join(self.blas_looked_up) or (
                    f"no {request.interface} build of {vendor.name} is known" if request.method == "auto"
                    else f"{vendor.name} has no {request.method} lookup; its methods: {', '.join(vendor.methods)}")
                self.blas_tried.append(f"{vendor.name} ({looked}: not found)")
            self.blas_looked_up = []
        if accepted:
            timed = [(vendor, cand, self._benched(request, cand, info)) for vendor, cand, info in accepted]
            vendor, cand, info = max(timed, key=lambda t: float(t[2].dgemm_gflops or 0))
            mlog.log(LOG_PREFIX, "fastest:", ", ".join(f"{i.vendor} {i.dgemm_gflops or '?'} GFLOP/s"
                                                       for _, _, i in timed), "->", vendor.name)
            self._accept(vendor, cand, info)
            return
        self.is_found = False
        if not self.required:
            mlog.log(LOG_PREFIX, f"{request.describe()} not found; tried:", "; ".join(self.blas_tried) or "nothing")
        else:
            tried = "; ".join(self.blas_tried) or "nothing (no vendor applies)"
            raise DependencyException(
                f"{request.describe()} not found. Tried: {tried}. (hint: {self._hint(request)})")

    def _paired(self, vendor: vendors.Vendor, request: Request, cand: Candidate,
                toolchain: Toolchain) -> tuple[Candidate, BlasInfo | Rejection] | None:
        """A BLAS-only candidate plus a stand-alone LAPACK from the search order, verified together."""
        compiler = self._c_compiler()
        order = list(request.vendors) + [n for n in vendors.DEFAULT_ORDER if n not in request.vendors]
        for name in order:
            partner = vendors.BY_NAME.get(name)
            libs = partner.lapack_libraries.get(request.interface, ()) if partner else ()
            if partner is None or not libs or compiler is None:
                continue
            dirs = [d for base in self._default_lib_dirs() for sub in partner.system_subdirs.get(request.interface, ())
                    if os.path.isdir(d := os.path.join(base, sub))]
            found = [compat.find_library(compiler, self.env, lib, dirs, self.libtype) for lib in libs]
            if any(f is None for f in found):
                continue
            lapack_args = [a for f in found if f for a in f]
            paired = Candidate(cand.method, f"{cand.label} + {partner.name} LAPACK", list(cand.compile_args),
                               [*cand.link_args, *lapack_args], cand.version, cand.pkgconfig, cand.threading)
            outcome = self._verify(vendor, request, paired, toolchain)
            if isinstance(outcome, Rejection):
                mlog.log(LOG_PREFIX, f"rejected {vendor.name} via {paired.label}:", outcome.reason)
                continue
            note = f"LAPACK from {partner.name} ({', '.join(lapack_args)})"
            mlog.log(LOG_PREFIX, f"{vendor.name} has no LAPACK: paired with", note)
            return paired, dataclasses.replace(outcome, notes=(*outcome.notes, note))
        return None

    def _benched(self, request: Request, cand: Candidate, info: BlasInfo) -> BlasInfo:
        """``info`` with ``dgemm_gflops`` measured, when the request asks for timing."""
        if not request.bench or info.verified_by != "run":
            return info
        from ..bench import BenchError, estimate_peak, run_bench, target_from_info
        target = target_from_info(info, cand.compile_args, cand.link_args, self._default_lib_dirs())
        compiler = self._c_compiler()
        cc = " ".join(compiler.get_exelist()) if compiler is not None else "cc"
        try:
            rows = run_bench(target, [BENCH_N], [1], BENCH_REPEAT, cc, peak={1: estimate_peak(1, cc, measure=False)})
        except (BenchError, OSError) as e:
            mlog.warning(f"{LOG_PREFIX} timing dgemm of {info.vendor} failed: {e}")
            return info
        best = max((r for r in rows if r.check == "ok"), key=lambda r: r.gflops, default=None)
        if best is None:
            return info
        if os.path.realpath(best.library) != info.library:
            mlog.warning(f"{LOG_PREFIX} the dgemm timing of {info.vendor} ran {best.library}, not "
                         f"{info.library}; not using it")
            return info
        mlog.log(LOG_PREFIX, f"{info.vendor} ({info.interface}) dgemm n={BENCH_N}, 1 thread:",
                 f"{best.gflops:.1f} GFLOP/s")
        return dataclasses.replace(info, dgemm_gflops=f"{best.gflops:.1f}")

    def _hint(self, request: Request) -> str:
        hints = [v.install_hint.get(request.interface, "") for n in request.vendors
                 if (v := vendors.BY_NAME.get(n)) is not None]
        text = "; ".join(dict.fromkeys(h for h in hints if h))
        parts = [f"install one of: {text}" if text else "install a BLAS library"]
        if request.method != "auto":
            parts.append("drop the method: keyword to try every lookup")
        other = vendors.LP64 if request.interface == vendors.ILP64 else vendors.ILP64
        parts.append(f"ask for interface: '{other}'")
        return "; or ".join(parts)

    def _methods(self, vendor: vendors.Vendor, request: Request) -> list[str]:
        if request.method == "auto":
            return list(vendor.methods)
        return [m for m in vendor.methods if m == request.method]

    def _candidates(self, vendor: vendors.Vendor, request: Request, kwargs: Any) -> Iterator[Candidate]:
        system = self.env.machines[self.for_machine].system
        if vendor.systems and system not in vendor.systems:
            self.blas_looked_up.append(f"not available on {system}: {vendor.systems_reason}")
            return
        lookups = {
            "python": self._python_candidates,
            "pkg-config": self._pkgconfig_candidates,
            "cmake": self._cmake_candidates,
            "framework": self._framework_candidates,
            "system": self._system_candidates,
        }
        for method in self._methods(vendor, request):
            yield from lookups[method](vendor, request, kwargs)

    def _pkgconfig(self, pc_names: tuple[str, ...], kwargs: Any, method: str, label: str) -> Candidate | None:
        """One candidate from one or more pkg-config names (or absolute .pc paths) used together."""
        from mesonbuild.dependencies.pkgconfig import PkgConfigDependency
        sub = _lookup_kwargs(kwargs)
        cand = Candidate(method, label, [], [])
        for pc_name in pc_names:
            try:
                dep = PkgConfigDependency(pc_name, self.env, sub)
            except Exception as e:  # a broken .pc (or pkgconf output Meson cannot decode): skip it
                mlog.log(LOG_PREFIX, f"{label}: pkg-config lookup failed: {e}")
                self.blas_tried.append(f"{label}: pkg-config lookup failed: {e}")
                return None
            if not dep.found():
                reason = self._pkgconfig_reason(pc_name)
                if reason:  # found but unusable: say why instead of "not found"
                    mlog.log(LOG_PREFIX, f"{label}: {reason}")
                    self.blas_tried.append(f"{label}: {reason}")
                return None
            cand.compile_args += [a for a in dep.get_compile_args() if a not in cand.compile_args]
            cand.link_args += list(dep.get_link_args())
            cand.version = cand.version or dep.version or ""
            cand.pkgconfig = cand.pkgconfig or dep
        return cand

    def _pkgconfig_entries(self, vendor: vendors.Vendor, request: Request) -> list[tuple[tuple[str, ...], Any]]:
        return vendor.pkgconfig_entries(request.interface, request.threading, request.sdl, bool(self.static))

    def _configured_tool(self, name: str) -> str:
        """How the machine file / environment names a tool, for messages ('' when by default)."""
        try:
            entry = self.env.binaries[self.for_machine].lookup_entry(name)
        except Exception:  # older/newer binary tables: fall back to the plain name
            entry = None
        return repr(" ".join(entry)) if entry else repr(name)

    def _pkgconfig_reason(self, pc_name: str) -> str:
        """pkg-config's own reason when a .pc exists but cannot be used (a missing Requires:)."""
        from mesonbuild.dependencies.pkgconfig import PkgConfigInterface
        try:
            pkgconfig = PkgConfigInterface.instance(self.env, self.for_machine, silent=True)
            _rc, out, err = pkgconfig._call_pkgbin(["--print-errors", "--exists", pc_name])
        except Exception:  # no pkg-config, or another implementation: no detail to add
            return ""
        return next((line.strip() for line in (err + out).splitlines()
                     if "required by '" in line and "virtual:world" not in line), "")

    def _pkgconfig_program_missing(self) -> bool:
        from mesonbuild.dependencies.pkgconfig import PkgConfigInterface
        try:
            return PkgConfigInterface.instance(self.env, self.for_machine, silent=True) is None
        except Exception:  # treat an unusable pkg-config like a missing one
            return True

    def _pkgconfig_candidates(self, vendor: vendors.Vendor, request: Request, kwargs: Any) -> Iterator[Candidate]:
        entries = self._pkgconfig_entries(vendor, request)
        if not entries:
            return
        if self._pkgconfig_program_missing():
            self.blas_looked_up.append(
                f"pkg-config (the pkg-config program {self._configured_tool('pkg-config')} was not found: install "
                f"pkgconf, or fix PKG_CONFIG / the pkg-config entry of the machine file)")
            return
        self.blas_looked_up.append("pkg-config " + ", ".join(" + ".join(names) for names, _ in entries))
        for var, root in self._env_roots(vendor):
            dirs = [os.path.join(root, sub) for sub in vendor.root_pkgconfig_dirs]
            found = [c for d in dirs for c in self._pc_files_in(d, entries, kwargs, "pkg-config", vendor)]
            if not found:
                self.blas_looked_up.append(f"{var}={root} (no matching .pc file in {', '.join(dirs)})")
            yield from found
        for names, variant in entries:
            cand = self._pkgconfig(names, kwargs, "pkg-config", "pkg-config " + " + ".join(names))
            if cand is not None:
                cand.threading = variant.layer if variant else ""
                yield cand

    def _pc_files_in(self, directory: str, entries: list[tuple[tuple[str, ...], Any]], kwargs: Any,
                     method: str, vendor: vendors.Vendor) -> Iterator[Candidate]:
        for names, variant in entries:
            paths = tuple(os.path.join(directory, f"{n}.pc") for n in names)
            if not all(os.path.isfile(p) for p in paths):
                continue
            cand = self._pkgconfig(paths, kwargs, method, " + ".join(paths))
            if cand is not None:
                cand.threading = variant.layer if variant else ""
                yield cand

    def _python_candidates(self, vendor: vendors.Vendor, request: Request, kwargs: Any) -> Iterator[Candidate]:
        wheels = [w.module for w in vendor.wheels if w.interface == request.interface]
        if wheels:
            self.blas_looked_up.append("Python packages " + ", ".join(wheels))
        for wheel, where in installed_wheels(vendor, request.interface):
            label = f"Python package {wheel.module}"
            lib = os.path.join(where, wheel.library)
            pc_file = os.path.join(where, wheel.pkgconfig) if wheel.pkgconfig else ""
            from_pc = None
            if pc_file and os.path.exists(pc_file):
                from_pc = self._pkgconfig((pc_file,), kwargs, "python", f"{label} ({wheel.pkgconfig})")
            # Link the library file itself: Meson gives build-dir programs an rpath to it and
            # strips that on install, whereas the wheel's .pc hard-codes -Wl,-rpath to wherever
            # the wheel sits now (a temporary directory under build isolation).
            cand = Candidate("python", label, [f"-I{os.path.join(where, wheel.include)}"], [lib])
            if from_pc is not None:
                cand.compile_args = from_pc.compile_args
                cand.version = from_pc.version
                cand.pkgconfig = from_pc.pkgconfig
            cand.version = cand.version or _distribution_version(wheel.module)
            yield cand
        if vendor.prefix_pkgconfig:
            directory = os.path.join(sys.prefix, "lib", "pkgconfig")
            self.blas_looked_up.append(f"pkg-config files in {directory}")
            yield from self._pc_files_in(directory, self._pkgconfig_entries(vendor, request), kwargs, "python",
                                         vendor)

    def _cmake_candidates(self, vendor: vendors.Vendor, request: Request, kwargs: Any) -> Iterator[Candidate]:
        packages = vendor.cmake.get(request.interface, ())
        if not packages:
            return
        from mesonbuild.cmake import CMakeExecutor
        from mesonbuild.dependencies.cmake import CMakeDependency
        try:
            cmake_found = CMakeExecutor(self.env, ">=3.4", self.for_machine, silent=True).found()
        except Exception:  # an unusable cmake counts as missing
            cmake_found = False
        if not cmake_found:
            self.blas_looked_up.append(f"CMake (the cmake program {self._configured_tool('cmake')} was not found: "
                                       f"install cmake, or fix the cmake entry of the machine file)")
            return
        self.blas_looked_up.append("CMake " + ", ".join(packages))
        sub = _lookup_kwargs(kwargs)
        for package in packages:
            try:
                dep = CMakeDependency(package, self.env, sub)
            except Exception as e:  # as for pkg-config: a broken package is skipped, not fatal
                mlog.log(LOG_PREFIX, f"CMake {package}: lookup failed: {e}")
                continue
            if dep.found():
                cand = Candidate("cmake", f"CMake {package}", list(dep.get_compile_args()),
                                 list(dep.get_link_args()), dep.version or "")
                yield cand

    def _framework_candidates(self, vendor: vendors.Vendor, request: Request, kwargs: Any) -> Iterator[Candidate]:
        for framework in vendor.frameworks:
            self.blas_looked_up.append(f"framework {framework}")
            yield Candidate("framework", f"framework {framework}",
                            list(vendor.framework_args.get(request.interface, ())), ["-framework", framework])

    def _system_candidates(self, vendor: vendors.Vendor, request: Request, kwargs: Any) -> Iterator[Candidate]:
        libsets = vendor.system.get(request.interface, ())
        compiler = self._c_compiler()
        if not libsets or compiler is None:
            return
        self.blas_looked_up.append("system libraries " + ", ".join(
            " ".join("-l" + lib for lib in libset) for libset in libsets))
        user_dirs, include_dirs = self._machine_file_dirs(vendor)
        extra = list(user_dirs)
        for _var, root in self._env_roots(vendor):
            extra += [d for sub in vendor.root_lib_dirs
                      if os.path.isdir(d := os.path.join(root, sub.format(IFACE=request.interface.upper())))]
        for base in self._default_lib_dirs():
            extra += [d for sub in vendor.system_subdirs.get(request.interface, ())
                      if os.path.isdir(d := os.path.join(base, sub))]
        if vendor.system_explicit_dirs_only and not extra:
            self.blas_looked_up[-1] += " (only in directories named by a machine file or " + \
                " / ".join(vendor.env_roots or ("an environment variable",)) + ")"
            return
        allowed = {os.path.realpath(d) for d in extra}
        for libset in libsets:
            args: list[str] = []
            for lib in libset:
                found = compat.find_library(compiler, self.env, lib, extra, self.libtype)
                if found is None or (vendor.system_explicit_dirs_only and not all(
                        os.path.isabs(a) and os.path.realpath(os.path.dirname(a)) in allowed for a in found)):
                    found = None
                    break
                args += found
            else:
                cand = Candidate("system", f"system library {' '.join('-l' + lib for lib in libset)}",
                                 [f"-I{d}" for d in include_dirs], args)
                cand.threading = next((layer for fragment, layer in vendor.library_threading
                                       if any(fragment in lib for lib in libset)), "")
                yield cand

    # ---- lookup helpers -----------------------------------------------------
    def _env_roots(self, vendor: vendors.Vendor) -> list[tuple[str, str]]:
        """(variable, directory) of the vendor's install-root variables that are set (checked once)."""
        if vendor.name in self.blas_roots:
            return self.blas_roots[vendor.name]
        roots: list[tuple[str, str]] = []
        self.blas_roots[vendor.name] = roots
        for var in vendor.env_roots:
            root = os.environ.get(var)
            if not root:
                continue
            if not os.path.isdir(root):
                mlog.warning(f"{LOG_PREFIX} {var}={root} is not a directory; ignoring it")
                self.blas_looked_up.append(f"{var}={root} (not a directory)")
                continue
            roots.append((var, root))
        return roots

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

    def _default_lib_dirs(self) -> list[str]:
        compiler = self._c_compiler()
        if compiler is None:
            return []
        try:
            if compat.COMPILER_TAKES_ENV:
                dirs = compiler.get_library_dirs(self.env)
            else:
                dirs = compiler.get_library_dirs()
        except Exception:  # compilers without a search-dirs query
            return []
        return [os.path.realpath(d) for d in dirs]

    # ---- verification -----------------------------------------------------
    def _c_compiler(self) -> Any:
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
                mlog.debug(f"{LOG_PREFIX} no C compiler for the probes: {e}")
                _PROBE_COMPILERS[key] = None
        return _PROBE_COMPILERS[key]

    def _toolchain(self) -> Toolchain | None:
        compiler = self._c_compiler()
        if compiler is None:
            return None
        cc = list(compiler.get_exelist())
        can_run = True
        wrapper: list[str] = []
        if self.env.need_exe_wrapper(self.for_machine):
            exe_wrapper = self.env.get_exe_wrapper()
            if exe_wrapper is not None and exe_wrapper.found():
                wrapper = list(exe_wrapper.get_command())
            else:
                can_run = False
        machine = self.env.machines[self.for_machine]
        return Toolchain(
            cc=tuple(cc),
            system_lib_dirs=tuple(self._default_lib_dirs()),
            identity=f"{compiler.get_id()} {compiler.version}",
            can_run=can_run,
            run_wrapper=tuple(wrapper),
            gnu_ld=not machine.is_darwin() and not machine.is_windows(),
            source_flags=("-x", "c") if compiler.language == "cpp" else (),
        )

    def _verify(self, vendor: vendors.Vendor, request: Request, cand: Candidate,
                toolchain: Toolchain) -> BlasInfo | Rejection:
        schemes = vendor.schemes(request.interface, request.symbol_suffix)
        args = list(cand.compile_args)
        link = list(cand.link_args)
        link_threading = cand.threading or vendor.threading_default
        linked = linked_libraries(cand.link_args, self._default_lib_dirs())
        if not toolchain.can_run:
            mlog.log(LOG_PREFIX, f"cannot run host binaries: link-only check of {vendor.name} via {cand.label}")
            outcome = interpret_linked(
                vendor, request.interface, request.features, schemes,
                lambda symbols: link_probe(toolchain, args, link, symbols),
                method=cand.method, version=cand.version, library=linked[0] if linked else "",
                cblas_header=vendor.cblas_header, link_threading=link_threading)
        else:
            try:
                data = run_probe(toolchain, args, link, probe_input(vendor, schemes))
            except ProbeBuildError as e:
                return Rejection(f"probe failed to build/run: {e}")
            except OSError as e:
                return Rejection(f"probe could not be started: {e}")
            mlog.debug(f"{LOG_PREFIX} probe for {vendor.name} via {cand.label}"
                       f"{' (cached)' if data.cached else ''}: {data.results}")
            outcome = interpret(vendor, request.interface, request.features, schemes, data,
                                method=cand.method, fallback_version=cand.version,
                                cblas_header=vendor.cblas_header, link_threading=link_threading)
        if isinstance(outcome, Rejection):
            return outcome
        if outcome.library == STATIC:  # linked into the program: name the archive that provided it
            archives = [f for f in linked if f.endswith(".a")]
            outcome = dataclasses.replace(outcome, library=archives[0] if archives else "",
                                          notes=(*outcome.notes, "statically linked"))
        wanted = request.threading_layer
        if wanted and outcome.threading != wanted:
            return Rejection(f"its threading layer is {outcome.threading}, threading: {request.threading} "
                             f"was requested")
        if linked and outcome.library and outcome.verified_by == "run" and outcome.library not in linked \
                and "statically linked" not in outcome.notes:
            note = (f"linked against {', '.join(linked)} but dgemm runs from {outcome.library} "
                    f"(a same-named library wins at run time)")
            mlog.log(LOG_PREFIX, f"{vendor.name} via {cand.label}:", note)
            outcome = dataclasses.replace(outcome, notes=(*outcome.notes, note))
        return outcome

    def _fortran_args(self, info: BlasInfo) -> list[str]:
        """8-byte default integers for ``language: 'fortran'`` ILP64 dependencies."""
        if self.language != "fortran" or info.int_size != 8:
            return []
        compiler = self.env.coredata.compilers[self.for_machine].get("fortran")
        if compiler is None:
            raise DependencyException("language: 'fortran' needs a Fortran compiler in the project "
                                      "(hint: add 'fortran' to project() languages)")
        flag = FORTRAN_INTEGER8_FLAGS.get(compiler.get_id())
        if flag is None:
            raise DependencyException(
                f"do not know the 8-byte default integer flag of Fortran compiler {compiler.get_id()!r} "
                f"(hint: pass it yourself with fortran_args and drop language: 'fortran')")
        return [flag]

    def _write_header(self) -> None:
        """(Re)create blas_mangling.h in this dependency's own include directory."""
        if self.blas_info is None or not self.blas_header_dir:
            return
        path = os.path.join(self.blas_header_dir, self.blas_info.mangling_header)
        if path in _HEADERS_CURRENT and os.path.exists(path):
            return  # already written or checked in this process (asked once per target)
        text = render_header(self.blas_info)
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() == text:
                    _HEADERS_CURRENT.add(path)
                    return
        except OSError:
            pass
        os.makedirs(self.blas_header_dir, exist_ok=True)
        tmp = f"{path}.tmp{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
        _HEADERS_CURRENT.add(path)

    def get_compile_args(self) -> list[str]:
        self._write_header()  # a wiped scratch dir must not break a cached dependency
        return list(self.compile_args)

    def _accept(self, vendor: vendors.Vendor, cand: Candidate, info: BlasInfo) -> None:
        # Meson gives programs in the build dir an rpath to absolute library paths of
        # 'library'/'pkgconfig'/'cmake' dependencies (and strips it on install).
        self.type_name = METHOD_TYPE_NAMES.get(cand.method, "library")
        try:
            digest = header_digest(info)
        except BlasError as e:
            raise DependencyException(str(e)) from None
        self.is_found = True
        self.name = vendor.name
        self.blas_info = info
        self.blas_pkgconfig = cand.pkgconfig
        self.blas_header_dir = os.path.join(self.env.get_scratch_dir(), "mesonbuild-blas", digest)
        self._write_header()
        self.compile_args = [*cand.compile_args, f"-I{self.blas_header_dir}", *self._fortran_args(info)]
        self.link_args = cand.link_args
        self.version = info.version or cand.version or "unknown"

    # ---- Meson interface ----------------------------------------------------
    def log_info(self) -> str:
        return self.blas_info.log_summary() if self.blas_info else ""

    @staticmethod
    def log_tried() -> str:  # called on the class by Meson < 1.11
        return "mesonbuild-blas"

    def get_variable(self, **kwargs: Any) -> str:
        if self.blas_info is not None:
            internal = kwargs.get("internal")
            variables = self.blas_info.variables()
            if internal in variables:
                return variables[internal]
            if internal == "json":  # everything at once, for tools (mesonbuild-blas report)
                return json.dumps({**self.blas_info.to_json(), "name": self.name,
                                   "compile_args": self.get_compile_args(), "link_args": list(self.link_args)})
        if self.blas_pkgconfig is not None and kwargs.get("pkgconfig"):
            try:
                return str(self.blas_pkgconfig.get_variable(**kwargs))
            except DependencyException:
                pass
        default = kwargs.get("default_value")
        if default is not None:
            return str(default)
        name = kwargs.get("internal") or kwargs.get("pkgconfig") or "?"
        raise DependencyException(f"BLAS dependency {self.name} has no variable {name!r}")


def factory(name: str) -> Any:
    """What Meson calls for ``dependency(name)``: one candidate, our class."""

    def make(*args: Any) -> list[Any]:
        env, kwargs = compat.factory_arguments(args)
        return [compat.make_candidate(BlasDependency, name, env, kwargs, "mesonbuild-blas")]

    return make


__all__ = ["BlasDependency", "factory"]
