"""The Meson dependency object: candidates from Meson's own lookups, verified by probes."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mesonbuild import mlog
from mesonbuild.dependencies.base import DependencyException, ExternalDependency

from .. import vendors
from ..errors import BlasError
from ..probes import ProbeBuildError, Toolchain, link_probe, run_probe
from ..probes.interpret import Rejection, interpret, interpret_linked, probe_input
from ..request import ProjectOptions, Request, build_request
from ..result import BlasInfo
from . import compat

#: Set by the dependency() wrapper around each call: the calling project's options.
CURRENT_OPTIONS: list[ProjectOptions] = []

LOG_PREFIX = "mesonbuild-blas:"


@dataclass
class Candidate:
    method: str
    label: str  #: what was looked up, for logs ("pkg-config openblas64")
    compile_args: list[str]
    link_args: list[str]
    version: str = ""
    pkgconfig: Any = None  #: the PkgConfigDependency, for variable pass-through


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


def linked_library(link_args: list[str]) -> str:
    """The library file a link line names first (for link-only results)."""
    dirs = [a[2:] for a in link_args if a.startswith("-L") and len(a) > 2]
    for arg in link_args:
        if os.path.isabs(arg) and os.path.isfile(arg):
            return os.path.realpath(arg)
        if arg.startswith("-l") and len(arg) > 2:
            for d in dirs:
                for ext in (".so", ".dylib", ".a"):
                    path = os.path.join(d, f"lib{arg[2:]}{ext}")
                    if os.path.exists(path):
                        return os.path.realpath(path)
    return ""


class BlasDependency(ExternalDependency):  # type: ignore[misc]
    """``dependency('blas' | 'lapack' | 'cblas' | 'lapacke' | <vendor>)``."""

    type_name = "blas"

    def __init__(self, name: str, env: Any, kwargs: Any) -> None:
        compat.init_external(self, name, env, kwargs)
        self.blas_info: BlasInfo | None = None
        self.blas_pkgconfig: Any = None
        self.blas_tried: list[str] = []
        self.blas_looked_up: list[str] = []
        options = CURRENT_OPTIONS[-1] if CURRENT_OPTIONS else ProjectOptions()
        modules = list(kwargs.get("modules") or [])
        try:
            request = build_request(name, modules, options, compat.method_value(kwargs.get("method")))
        except BlasError as e:
            raise DependencyException(str(e)) from None
        self._search(request, kwargs)

    # ---- search -----------------------------------------------------------
    def _search(self, request: Request, kwargs: Any) -> None:
        toolchain = self._toolchain()
        for vendor_name in request.vendors:
            vendor = vendors.BY_NAME.get(vendor_name)
            if vendor is None:
                self.blas_tried.append(f"{vendor_name} (not supported by this version of mesonbuild-blas)")
                continue
            if (request.name in vendors.GENERIC and vendor.auto_needs_wheel
                    and request.order_source == "built-in order"
                    and not installed_wheels(vendor, request.interface)):
                mlog.debug(f"{LOG_PREFIX} skipping {vendor.name}: no wheel for {request.interface} installed")
                continue
            found_any = False
            for cand in self._candidates(vendor, request, kwargs):
                found_any = True
                what = f"{vendor.name} via {cand.label}"
                if toolchain is None:
                    self.blas_tried.append(f"{what}: cannot verify without a C compiler")
                    continue
                outcome = self._verify(vendor, request, cand, toolchain)
                if isinstance(outcome, Rejection):
                    self.blas_tried.append(f"{what}: {outcome.reason}")
                    mlog.log(LOG_PREFIX, f"rejected {what}:", outcome.reason)
                    continue
                self._accept(vendor, cand, outcome)
                return
            if not found_any:
                looked = "; ".join(self.blas_looked_up) or f"no method applies ({request.method})"
                self.blas_tried.append(f"{vendor.name} ({looked}: not found)")
            self.blas_looked_up = []
        self.is_found = False
        if not self.required:
            mlog.log(LOG_PREFIX, f"{request.describe()} not found; tried:", "; ".join(self.blas_tried) or "nothing")
        else:
            tried = "; ".join(self.blas_tried) or "nothing (no vendor applies)"
            raise DependencyException(
                f"{request.describe()} not found. Tried: {tried}. Hint: {self._hint(request)}")

    def _hint(self, request: Request) -> str:
        hints = [v.install_hint.get(request.interface, "") for n in request.vendors
                 if (v := vendors.BY_NAME.get(n)) is not None]
        text = "; ".join(h for h in hints if h)
        other = vendors.LP64 if request.interface == vendors.ILP64 else vendors.ILP64
        if text:
            return f"install one of: {text}; or ask for interface: '{other}'"
        return f"install a BLAS library, or ask for interface: '{other}'"

    def _methods(self, vendor: vendors.Vendor, request: Request) -> list[str]:
        if request.method == "auto":
            return list(vendor.methods)
        return [m for m in vendor.methods if m == request.method]

    def _candidates(self, vendor: vendors.Vendor, request: Request, kwargs: Any) -> Iterator[Candidate]:
        for method in self._methods(vendor, request):
            if method == "python":
                self.blas_looked_up.append("Python packages " + ", ".join(
                    w.module for w in vendor.wheels if w.interface == request.interface))
                yield from self._python_candidates(vendor, request, kwargs)
            elif method == "pkg-config":
                self.blas_looked_up.append("pkg-config " + ", ".join(vendor.pkgconfig.get(request.interface, ())))
                for pc_name in vendor.pkgconfig.get(request.interface, ()):
                    cand = self._pkgconfig(pc_name, kwargs, "pkg-config", f"pkg-config {pc_name}")
                    if cand is not None:
                        yield cand
            elif method == "system":
                self.blas_looked_up.append("system libraries " + ", ".join(
                    " ".join("-l" + lib for lib in libset) for libset in vendor.system.get(request.interface, ())))
                yield from self._system_candidates(vendor, request)

    def _pkgconfig(self, pc_name: str, kwargs: Any, method: str, label: str) -> Candidate | None:
        from mesonbuild.dependencies.pkgconfig import PkgConfigDependency
        sub = dict(kwargs)
        sub["required"] = False
        sub["silent"] = True
        sub.pop("modules", None)
        sub.pop("version", None)
        try:
            dep = PkgConfigDependency(pc_name, self.env, sub)
        except DependencyException as e:
            mlog.debug(f"{LOG_PREFIX} {label}: {e}")
            return None
        if not dep.found():
            return None
        return Candidate(method, label, list(dep.get_compile_args()), list(dep.get_link_args()),
                         dep.version or "", dep)

    def _python_candidates(self, vendor: vendors.Vendor, request: Request, kwargs: Any) -> Iterator[Candidate]:
        for wheel, where in installed_wheels(vendor, request.interface):
            label = f"Python package {wheel.module}"
            pc_file = os.path.join(where, wheel.pkgconfig) if wheel.pkgconfig else ""
            cand = None
            if pc_file and os.path.exists(pc_file):
                cand = self._pkgconfig(pc_file, kwargs, "python", f"{label} ({wheel.pkgconfig})")
            if cand is None:
                lib = os.path.join(where, wheel.library)
                cand = Candidate("python", label, [f"-I{os.path.join(where, wheel.include)}"],
                                 [lib, f"-Wl,-rpath,{os.path.dirname(lib)}"])
            cand.version = cand.version or _distribution_version(wheel.module)
            yield cand

    def _system_candidates(self, vendor: vendors.Vendor, request: Request) -> Iterator[Candidate]:
        compiler = self._c_compiler()
        if compiler is None:
            return
        for libset in vendor.system.get(request.interface, ()):
            args: list[str] = []
            for lib in libset:
                found = compat.find_library(compiler, self.env, lib, [], self.libtype)
                if found is None:
                    break
                args += found
            else:
                yield Candidate("system", f"system library {' '.join('-l' + lib for lib in libset)}", [], args)

    # ---- verification -----------------------------------------------------
    def _c_compiler(self) -> Any:
        compilers = self.env.coredata.compilers[self.for_machine]
        for lang in ("c", "cpp"):
            if lang in compilers:
                return compilers[lang]
        return None

    def _toolchain(self) -> Toolchain | None:
        compiler = self._c_compiler()
        if compiler is None:
            return None
        cc = list(compiler.get_exelist())
        if compiler.language == "cpp":
            cc += ["-x", "c"]
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
            identity=f"{compiler.get_id()} {compiler.version}",
            can_run=can_run,
            run_wrapper=tuple(wrapper),
            gnu_ld=not machine.is_darwin() and not machine.is_windows(),
        )

    def _verify(self, vendor: vendors.Vendor, request: Request, cand: Candidate,
                toolchain: Toolchain) -> BlasInfo | Rejection:
        schemes = vendor.schemes(request.interface, request.symbol_suffix)
        args = list(cand.compile_args)
        link = list(cand.link_args)
        if toolchain.cc[-2:] == ("-x", "c"):
            link = ["-x", "none", *link]
        if not toolchain.can_run:
            mlog.log(LOG_PREFIX, f"cannot run host binaries: link-only check of {vendor.name} via {cand.label}")
            return interpret_linked(
                vendor, request.interface, request.features, schemes,
                lambda symbols: link_probe(toolchain, args, link, symbols),
                method=cand.method, version=cand.version, library=linked_library(cand.link_args),
                cblas_header=vendor.cblas_header)
        stdin = probe_input(vendor, schemes)
        try:
            data = run_probe(toolchain, args, link, stdin)
        except ProbeBuildError as e:
            return Rejection(f"probe failed to build/run: {e}")
        except OSError as e:
            return Rejection(f"probe could not be started: {e}")
        mlog.debug(f"{LOG_PREFIX} probe for {vendor.name} via {cand.label}"
                   f"{' (cached)' if data.cached else ''}: {data.results}")
        return interpret(vendor, request.interface, request.features, schemes, data,
                         method=cand.method, fallback_version=cand.version,
                         cblas_header=vendor.cblas_header)

    def _accept(self, vendor: vendors.Vendor, cand: Candidate, info: BlasInfo) -> None:
        self.is_found = True
        self.name = vendor.name
        self.blas_info = info
        self.blas_pkgconfig = cand.pkgconfig
        self.compile_args = cand.compile_args
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
