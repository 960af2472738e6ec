"""The Meson dependency object: a thin adapter around the search.

``BlasDependency`` turns a ``dependency()`` call into a
:class:`~mesonbuild_blas.request.Request`, runs
:func:`~mesonbuild_blas.search.search` with :class:`MesonLookups` and the
probes, and exposes the accepted :class:`~mesonbuild_blas.result.BlasInfo`
the Meson way: compile/link arguments (plus the generated header's include
dir), ``get_variable()``, the configure-log line.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mesonbuild.dependencies.base import DependencyException, ExternalDependency
from mesonbuild.mesonlib import version_compare_many

from .. import __version__
from ..errors import BlasError
from ..names import ENV_ROOTS, LOADER_ENV
from ..records import record, replace
from ..request import ProjectOptions, Request, build_request
from ..result import BlasInfo, text_digest
from . import compat

if TYPE_CHECKING:
    # the Fortran adapter (and pyelftools) load only for dependencies that use it; the search,
    # the probes and the lookups only when a dependency is searched for (a reconfigure takes
    # unchanged dependencies from Meson's cache: loading the build directory stays cheap)
    from ..fortran.attach import AdapterBuild
    from ..probes import Toolchain
    from ..search import Found

#: ids of the dependencies resolved (not taken from Meson's cache) in this process
RESOLVED_HERE: set[int] = set()

#: generated headers known to be up to date in this process (their directory names
#: are digests of their content, so a path never needs rewriting once current)
_HEADERS_CURRENT: set[str] = set()

#: the calling project's options, set by the dependency() wrapper around each call
#: (Meson's factory interface has no way to pass them)
_OPTIONS: contextvars.ContextVar[ProjectOptions | None] = contextvars.ContextVar("mesonbuild_blas_options",
                                                                                 default=None)

#: compiler id → flag making default INTEGERs 8 bytes (gfortran, flang, Intel, NVIDIA)
FORTRAN_INTEGER8_FLAGS = {"gcc": "-fdefault-integer-8", "flang": "-fdefault-integer-8",
                          "llvm-flang": "-fdefault-integer-8", "intel": "-i8", "intel-llvm": "-i8",
                          "intel-cl": "/integer-size:64", "intel-llvm-cl": "/integer-size:64",
                          "pgi": "-i8", "nvidia_hpc": "-i8"}

#: Meson dependency type for each lookup method (drives Meson's build rpaths)
METHOD_TYPE_NAMES = {"pkg-config": "pkgconfig", "cmake": "cmake", "python": "library", "system": "library",
                     "framework": "extraframeworks"}


@contextlib.contextmanager
def project_options(options: ProjectOptions) -> Iterator[None]:
    """Hand the calling project's options to the dependencies created inside."""
    token = _OPTIONS.set(options)
    try:
        yield
    finally:
        _OPTIONS.reset(token)


def link_through(arg: str, scratch: str) -> str:
    """A symlink to library file ``arg`` inside the build directory (other arguments unchanged).

    Meson gives programs in the build directory a run path to the directory of
    an absolute library path, and meson-python keeps such run paths in wheels
    unless they point into the build directory. Linking a wheel's library
    through a link in the build directory keeps tests in the build directory
    running while installed extensions carry no run path into the (possibly
    temporary) environment that held the wheel at build time.
    """
    if not (os.path.isabs(arg) and os.path.isfile(arg)):
        return arg
    real = os.path.realpath(arg)
    where = os.path.join(scratch, "libs-" + hashlib.sha256(real.encode()).hexdigest()[:12])
    link = os.path.join(where, os.path.basename(arg))
    if os.path.realpath(link) != real:
        os.makedirs(where, exist_ok=True)
        tmp = f"{link}.tmp{os.getpid()}"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(real, tmp)
        os.replace(tmp, link)
    return link


#: environment variables a search reads besides the project options: a change makes a
#: dependency cached in the build directory stale (Meson reuses it on reconfigure); the
#: probe's loader variables and the vendors' run-time choices decide what the probe ran
CACHE_ENVIRONMENT = ("PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR", "CMAKE_PREFIX_PATH", *ENV_ROOTS, *LOADER_ENV)


def _file_state(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@record
class Fingerprint:
    """What a resolved dependency depended on: the project's options, the environment, its library files
    and the plugin that resolved it (another version may probe, decide or render the header differently)."""

    options: ProjectOptions
    environment: tuple[tuple[str, str | None], ...]
    files: tuple[tuple[str, tuple[int, int, int] | None], ...]
    plugin: str = ""  #: mesonbuild-blas version ("" in build dirs of versions that did not record it)

    @classmethod
    def now(cls, files: tuple[str, ...]) -> Fingerprint:
        return cls(_OPTIONS.get() or ProjectOptions(), tuple((v, os.environ.get(v)) for v in CACHE_ENVIRONMENT),
                   tuple((f, _file_state(f)) for f in files), __version__)


class BlasDependency(ExternalDependency):  # type: ignore[misc]
    """``dependency('blas' | 'lapack' | 'cblas' | 'lapacke' | <vendor>)``."""

    type_name = "blas"

    def __init__(self, name: str, env: Any, kwargs: Any) -> None:
        compat.init_external(self, name, env, kwargs)
        self.blas_info: BlasInfo | None = None
        self.blas_pkgconfig: Any = None
        self.blas_header_dir = ""
        self.blas_header_info: BlasInfo | None = None  # the adapter may change the conventions C sees
        self._adapter_build: AdapterBuild | None = None
        self.blas_scratch = ""
        self.blas_wheel_args: list[str] = []  #: wheel library files linked through the build dir
        self.blas_fingerprint: Fingerprint | None = None  #: see :meth:`blas_still_valid`
        from ..probes import prebuild_object
        from ..search import Found, VersionRequirement, hint, search
        from ..verify import time_dgemm, verify
        from .lookups import MesonLookups
        from .messages import debug, log, warn

        try:
            try:
                request = build_request(name, list(kwargs.get("modules") or []), _OPTIONS.get() or ProjectOptions(),
                                        compat.method_value(kwargs.get("method")))
            except BlasError as e:
                raise DependencyException(str(e)) from None
            lookups = MesonLookups(env, self.for_machine, kwargs, bool(self.static), self.libtype)
            toolchain = lookups.toolchain(library_dirs=False)
            if toolchain is not None:
                # the first configure on a machine compiles the probe while the lookups run (if
                # the project's languages did not start it already: start_probe_object)
                prebuild_object(toolchain)
                toolchain = replace(toolchain, system_lib_dirs=tuple(lookups.default_lib_dirs()))
            version = (VersionRequirement(" ".join(self.version_reqs),
                                          lambda v: bool(version_compare_many(v, self.version_reqs)[0]))
                       if self.version_reqs else None)
            outcome = search(
                request, lookups,
                lambda vendor, req, cand: verify(vendor, req, cand, toolchain, log, debug),
                version=version,
                time=lambda cand, info: time_dgemm(cand, info, toolchain, warn, log),
                log=log, debug=debug)
            if isinstance(outcome, Found):
                self._accept(outcome, request, toolchain)
                return
            self.is_found = False
            if self.required:
                raise DependencyException(f"{request.describe()} not found. Tried: {outcome.summary()}. "
                                          f"(hint: {hint(request, lookups)})")
            log(f"{request.describe()} not found; tried: {outcome.summary() if outcome.tried else 'nothing'}")
        except DependencyException as e:
            if not self.required:  # Meson only debug-logs exceptions of optional lookups
                log(f"{name} not found: {e}")
            raise

    def _accept(self, found: Found, request: Request, toolchain: Toolchain | None) -> None:
        from ..header import header_digest
        from ..probes import default_cache_dir
        from ..search import needs_plain_names
        from .messages import log, warn
        from .process import blas_resolved

        info = found.info
        adapter_args: list[str] = []
        header_info = info
        attached = None
        if self.language == "fortran" or request.fortran_adapter:
            from ..fortran.attach import attach_adapter

            found = self._compiler_layer(found, request, toolchain)
            info = header_info = found.info
            attached = attach_adapter(info, self._fortran_compiler().get_id(), toolchain,
                                      found.candidate.compile_args, found.candidate.link_args,
                                      Path(self.env.get_scratch_dir()) / "mesonbuild-blas", default_cache_dir())
        elif needs_plain_names(request, found):
            from ..fortran.attach import attach_renaming

            attached = attach_renaming(info, toolchain, found.candidate.compile_args, found.candidate.link_args,
                                       Path(self.env.get_scratch_dir()) / "mesonbuild-blas", default_cache_dir())
        if attached is not None:
            for message in attached.warnings:
                warn(message)
            for message in attached.logs:
                log(message)
            info, adapter_args = attached.info, list(attached.link_args)
            header_info = attached.header_info or info
            self._adapter_build = attached.build
        # Meson gives programs in the build dir an rpath to absolute library paths of
        # 'library'/'pkgconfig'/'cmake' dependencies (and strips it on install).
        self.type_name = METHOD_TYPE_NAMES.get(found.candidate.method, "library")
        try:
            digest = header_digest(header_info)
        except BlasError as e:
            raise DependencyException(str(e)) from None
        self.is_found = True
        self.name = request.dependency_name(found.vendor.name)
        self.blas_info = info
        self.blas_header_info = header_info
        self.blas_pkgconfig = found.candidate.handle
        scratch = os.path.join(self.env.get_scratch_dir(), "mesonbuild-blas")
        self.blas_header_dir = os.path.join(scratch, digest)
        self._write_header()
        self.compile_args = [*found.candidate.compile_args, f"-I{self.blas_header_dir}", *self._fortran_args(info)]
        library_args = list(found.candidate.link_args)
        if found.candidate.from_wheel and not self.env.machines[self.for_machine].is_windows():
            self.blas_scratch = scratch
            self.blas_wheel_args = library_args
            library_args = [link_through(a, scratch) for a in library_args]
        library_args = self._as_probed(library_args, toolchain)
        # the adapter first: its (hidden) definitions win over same-named library symbols
        self.link_args = [*adapter_args, *library_args]
        self.version = info.version or found.candidate.version or "unknown"
        files = [info.library, *adapter_args, *(a for a in found.candidate.link_args if os.path.isabs(a))]
        self.blas_fingerprint = Fingerprint.now(tuple(dict.fromkeys(f for f in files if f)))
        blas_resolved(self.env, self.for_machine, info)
        RESOLVED_HERE.add(id(self))

    def _as_probed(self, library_args: list[str], toolchain: Toolchain | None) -> list[str]:
        """The libraries linked as the probe linked them: every one a direct dependency of the program.

        With ``b_asneeded`` (Meson's default) the linker drops a library the program calls nothing of
        (MKL's ``libtbb``, needed by ``libmkl_tbb_thread``), and the library that needs it then finds it
        only on its own run path -- which the wheels' and most vendor libraries do not have: the probe
        ran, the program would not start. Linked as needed, it is found on the program's run path.
        """
        libraries = [a for a in library_args if a.startswith("-l") or ".so" in os.path.basename(a)]
        if toolchain is None or not toolchain.gnu_ld or len(libraries) < 2:
            return library_args
        if compat.base_option(self.env.coredata, "b_asneeded") is not True:
            return library_args
        return ["-Wl,--no-as-needed", *library_args, "-Wl,--as-needed"]

    def blas_still_valid(self) -> bool:
        """Whether this dependency, kept in the build directory by Meson's dependency cache, still is what a
        search would find: same project options and environment, library files unchanged."""
        old = self.blas_fingerprint
        return old is not None and Fingerprint.now(tuple(f for f, _state in old.files)) == old

    def _compiler_layer(self, found: Found, request: Request, toolchain: Toolchain | None) -> Found:
        """``found`` with the vendor's interface layer for the project's Fortran compiler, when it ships one
        next to the found library and the probes prove it (else ``found``: the adapter bridges)."""
        from ..fortran.attach import describe_convention
        from ..fortran.conventions import compiler_convention
        from ..fortran.layers import layer_candidate
        from ..search import Found
        from ..verify import verify
        from .messages import debug, log

        consumer = compiler_convention(self._fortran_compiler().get_id())
        if consumer is None or toolchain is None:
            return found
        abi = describe_convention(consumer)
        choice = layer_candidate(found.vendor, found.candidate, found.info.fortran_abi, abi,
                                 toolchain.system_lib_dirs)
        if choice.candidate is None:
            if choice.note:
                log(f"{choice.note}: Fortran callers get an adapter")
            return found
        # the layer serves the names the consumer's compiler emits (dgemm_): prove those, not the found
        # library's other spellings (MKL's gf_ilp64 lacks the _64 names of its complex functions)
        plain = request if request.symbol_suffix is not None else replace(request, symbol_suffix="")
        outcome = verify(found.vendor, plain, choice.candidate, toolchain, log, debug)
        if isinstance(outcome, BlasInfo) and outcome.fortran_abi == abi and outcome.int_size == found.info.int_size:
            log(f"{found.vendor.name} ({request.interface}) for {abi} Fortran callers: {choice.note}, proven "
                f"(fortran_abi {abi})")
            return Found(found.vendor, choice.candidate,
                         replace(outcome, dgemm_gflops=found.info.dgemm_gflops))
        why = outcome.reason if not isinstance(outcome, BlasInfo) else (
            f"it proved fortran_abi {outcome.fortran_abi}, {outcome.int_size}-byte integers")
        log(f"{choice.note} not used ({why}): Fortran callers get an adapter")
        return found

    def _fortran_args(self, info: BlasInfo) -> list[str]:
        """8-byte default integers for ``language: 'fortran'`` ILP64 dependencies."""
        if self.language != "fortran" or info.int_size != 8:
            return []
        compiler = self._fortran_compiler()
        flag = FORTRAN_INTEGER8_FLAGS.get(compiler.get_id())
        if flag is None:
            raise DependencyException(
                f"do not know the 8-byte default integer flag of Fortran compiler {compiler.get_id()!r} "
                f"(hint: pass it yourself with fortran_args and drop language: 'fortran')")
        return [flag]

    def _fortran_compiler(self) -> Any:
        compiler = self.env.coredata.compilers[self.for_machine].get("fortran")
        if compiler is None:
            what = "language: 'fortran'" if self.language == "fortran" else "modules: ['fortran-adapter']"
            raise DependencyException(f"{what} needs a Fortran compiler in the project "
                                      "(hint: add 'fortran' to project() languages)")
        return compiler

    def _write_header(self) -> None:
        """(Re)create blas_mangling.h in this dependency's own include directory."""
        info = self.blas_header_info or self.blas_info
        if info is None or not self.blas_header_dir:
            return
        path = os.path.join(self.blas_header_dir, info.mangling_header)
        if path in _HEADERS_CURRENT and os.path.exists(path):
            return  # already written or checked in this process (asked once per target)
        # the directory is named after the digest of the header's text (header_digest): a file with that
        # digest is current, and a reconfigure need not render it (nor load the header module)
        try:
            with open(path, encoding="utf-8") as f:
                if text_digest(f.read()) == os.path.basename(self.blas_header_dir):
                    _HEADERS_CURRENT.add(path)
                    return
        except (OSError, UnicodeDecodeError):
            pass
        from ..header import render_header

        text = render_header(info)
        os.makedirs(self.blas_header_dir, exist_ok=True)
        tmp = f"{path}.tmp{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
        _HEADERS_CURRENT.add(path)

    # ---- Meson interface ----------------------------------------------------
    def get_compile_args(self) -> list[str]:
        self._write_header()  # a wiped scratch dir must not break a cached dependency
        return list(self.compile_args)

    def get_link_args(self, *args: Any, **kwargs: Any) -> list[str]:
        for arg in self.blas_wheel_args:  # a wiped scratch dir must not break a cached dependency:
            link_through(arg, self.blas_scratch)  # neither the links to a wheel's library
        if self._adapter_build is not None and self.link_args and not os.path.exists(self.link_args[0]):
            from ..fortran.adapter import AdapterError

            try:  # nor the adapter
                self._adapter_build.build()
            except AdapterError as e:
                raise DependencyException(f"rebuilding the Fortran adapter failed: {e}") from None
        return list(super().get_link_args(*args, **kwargs))

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
                # for tools outside this build directory: the libraries' own paths, not the
                # build-directory links to wheel libraries
                return json.dumps({**self.blas_info.to_json(), "name": self.name,
                                   "compile_args": self.get_compile_args(),
                                   "link_args": self.blas_wheel_args or list(self.link_args)})
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


def start_probe_object(env: Any, for_machine: Any) -> None:
    """Start compiling the probe object in the background as soon as the project's C (or C++) compiler
    is known: on a machine with an empty cache, it is ready when the first BLAS ``dependency()`` needs it."""
    from ..probes import prebuild_object
    from .lookups import MesonLookups

    compilers = env.coredata.compilers[for_machine]
    if "c" not in compilers and "cpp" not in compilers:
        return  # a C compiler detected just for the probes waits for a BLAS dependency
    try:
        toolchain = MesonLookups(env, for_machine, {}, False, None).toolchain(library_dirs=False)
        if toolchain is not None:
            prebuild_object(toolchain)
    except Exception as e:  # only a head start: never a reason for project() to fail
        from .messages import debug

        debug(f"probe object not compiled ahead: {e}")


def factory(name: str) -> Any:
    """What Meson calls for ``dependency(name)``: one candidate, our class."""

    def make(*args: Any) -> list[Any]:
        env, kwargs = compat.factory_arguments(args)
        return [compat.make_candidate(BlasDependency, name, env, kwargs, "mesonbuild-blas")]

    return make


__all__ = ["BlasDependency", "factory", "project_options"]
