"""The only part of mesonbuild-blas that touches Meson internals.

:func:`install` registers the BLAS dependency names with Meson's dependency
table and wraps two interpreter entry points:

* ``Interpreter.func_dependency`` accepts the ``interface:`` keyword, validates
  it and encodes it (or the interface the name carries, else lp64) into
  ``modules``, so Meson's dependency cache keeps LP64 and ILP64 lookups apart;
* ``MesonMain._override_dependency_impl`` registers overrides of BLAS names
  under the interface-encoded keys too, so ``meson.override_dependency()`` and
  ``fallback:`` keep working.

It also leaves a :class:`PluginMarker` on ``coredata``: unpickling it (any
Meson loading the build directory, e.g. ``meson setup --reconfigure`` run with
plain ``meson``) calls :func:`install` again.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from typing import Any

from .. import MESON_MAX_EXCLUSIVE, MESON_MIN, __version__
from ..errors import BlasError
from ..names import ALL_NAMES, GENERIC, INTERFACES, LP64, THREADING_OPTIONS, implied_modules, resolve_name
from ..records import replace
from ..request import FEATURES, ProjectOptions, build_request, check_interface, implied_interface, split_modules

_installed = False
#: BLAS names this Meson resolves by itself (Meson's own BLAS/LAPACK dependencies, upstream pull
#: request 14773) that the plugin serves in their place; said once in the configure log
MESON_OWN_NAMES: tuple[str, ...] = ()
_own_names_said = False


class PluginMarker:
    """Stored on coredata; re-activates the plugin wherever coredata is loaded.

    It also remembers which ``dependency()`` arguments passed :func:`build_request`'s
    checks in the last configure (with this version of the plugin): the checks depend
    on nothing else, so a reconfigure repeats them only for calls that changed, and
    loads the vendor table only then.
    """

    def __init__(self, checked_before: frozenset[str] = frozenset()) -> None:
        self.checked_before = checked_before  #: passed in the configure before
        self.checked: set[str] = set()  #: passed in this configure

    def __reduce__(self) -> tuple[Callable[..., PluginMarker], tuple[frozenset[str], str]]:
        return (restore_marker, (frozenset(self.checked), __version__))


def restore_marker(checked: frozenset[str] = frozenset(), version: str = "") -> PluginMarker:
    try:
        install()
    except BlasError as e:  # e.g. this Meson is outside the supported range: a Meson error, not a traceback
        from mesonbuild.mesonlib import MesonException

        raise MesonException(str(e)) from None
    return PluginMarker(checked if version == __version__ else frozenset())


def check_request(marker: PluginMarker, name: str, modules: list[str], options: ProjectOptions,
                  method: str) -> None:
    """:func:`build_request`'s checks of a call's arguments (raises :class:`BlasError`), once per build dir."""
    key = repr((name, modules, options, method))
    if key not in marker.checked_before and key not in marker.checked:
        build_request(name, modules, options, method)
    marker.checked.add(key)


def is_blas_name(name: str) -> bool:
    return resolve_name(name) is not None


def _flatten(args: Any) -> list[Any]:
    out: list[Any] = []
    for a in args if isinstance(args, (list, tuple)) else [args]:
        if isinstance(a, (list, tuple)):
            out += _flatten(a)
        else:
            out.append(a)
    return out


#: where a packager sets the order of the generic names without editing the project
ORDER_PROPERTY = "blas_order"
ORDER_VARIABLE = "MESONBUILD_BLAS_ORDER"


def packager_order(environment: Any, native: bool) -> tuple[tuple[str, ...] | None, str]:
    """The packager's vendor order (machine-file property, else environment variable) and where it came from."""
    from mesonbuild.mesonlib import MachineChoice

    machine = MachineChoice.BUILD if native else MachineChoice.HOST
    value: object = environment.properties[machine].get(ORDER_PROPERTY)
    source = f"machine-file property {ORDER_PROPERTY}"
    if value is None:
        value, source = os.environ.get(ORDER_VARIABLE), f"environment variable {ORDER_VARIABLE}"
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return None, ""
    order = tuple(v.strip() for v in value if isinstance(v, str) and v.strip())
    return (order or None), source


def project_options(coredata: Any, subproject: str) -> ProjectOptions:
    from . import compat

    def opt(name: str) -> Any:
        return compat.project_option(coredata, name, subproject)

    def text(name: str) -> str | None:
        value = opt(name)
        return value if isinstance(value, str) else None

    def order(name: str) -> tuple[str, ...] | None:
        value = opt(name)
        if isinstance(value, str):
            value = [v for v in value.split(",") if v.strip()]
        return tuple(str(v) for v in value) if isinstance(value, list) and value else None

    return ProjectOptions(
        blas=text("blas"),
        lapack=text("lapack"),
        blas_order=order("blas-order"),
        lapack_order=order("lapack-order"),
        symbol_suffix=text("blas-symbol-suffix"),
        vendor_threading=tuple((o, v) for o in THREADING_OPTIONS if (v := text(o)) is not None),
    )


def _with_implied_modules(blas_names: list[str], modules: list[str]) -> tuple[list[str], bool]:
    """``modules`` plus what a vendor's variant name implies (``mkl-dynamic-lp64-seq``: ``threading: seq``),
    and whether it implies static linkage. Raises :class:`BlasError` on a contradiction."""
    implied = {implied_modules(n) for n in blas_names}
    if len(implied) > 1:
        raise BlasError(f"dependency() names {', '.join(repr(n) for n in blas_names)} select different variants",
                        "one call per variant name")
    entries, static = implied.pop() if implied else ((), False)
    keyed, _flags = split_modules(modules)
    out = list(modules)
    for entry in entries:
        key, _, value = (part.strip() for part in entry.partition(":"))
        if key in keyed and keyed[key] != value:
            raise BlasError(f"dependency {blas_names[0]!r} means '{entry}', but modules: has '{key}: {keyed[key]}'",
                            f"drop '{key}:' from modules, or ask for the name of that variant")
        if key not in keyed:
            out.append(entry)
    return out, static


#: (dependency object, interface) pairs already said to be unverified in this configure
_UNVERIFIED_SAID: set[tuple[int, str]] = set()


def _found(dep: Any) -> bool:
    found = getattr(dep, "found", None)
    return bool(found()) if callable(found) else False


def _say_unverified(dep: Any, names: list[str], modules: list[str]) -> None:
    """A BLAS name answered by something the plugin did not prove (``meson.override_dependency()``, a
    subproject fallback): warn once, and say ``verified_by: unverified`` where the object has variables."""
    keyed, _flags = split_modules(modules)
    interface = keyed.get("interface", LP64)
    variables = getattr(dep, "variables", None)
    if isinstance(variables, dict):
        variables.setdefault("verified_by", "unverified")
    if (id(dep), interface) in _UNVERIFIED_SAID:
        return
    _UNVERIFIED_SAID.add((id(dep), interface))
    from .messages import warn

    risk = " (an LP64 library makes ILP64 calls compute garbage)" if interface != LP64 else ""
    warn(f"dependency({', '.join(repr(n) for n in names)}, {interface}) was answered by an override or subproject "
         f"fallback that mesonbuild-blas did not prove: its integer width and names are unverified{risk}.\n"
         f"Fix: override with a dependency the plugin found, or check get_variable('verified_by') "
         f"(here 'unverified')")


def _say_meson_own_names() -> None:
    """Once per configure: this Meson has BLAS dependencies of its own, and the plugin answers for them."""
    global _own_names_said
    if not MESON_OWN_NAMES or _own_names_said:
        return
    _own_names_said = True
    from mesonbuild import coredata

    from .messages import log
    log(f"Meson {coredata.version} has its own BLAS/LAPACK dependencies ({', '.join(MESON_OWN_NAMES)}); "
        f"mesonbuild-blas {__version__} serves these names in their place (run plain meson to use Meson's)")


def _wrap_func_dependency(original: Callable[..., Any]) -> Callable[..., Any]:
    from mesonbuild.interpreterbase import InvalidArguments

    from . import compat

    def func_dependency(self: Any, node: Any, args: Any, kwargs: Any) -> Any:
        from .dependency import RESOLVED_HERE
        from .dependency import project_options as options_for_call

        marker = getattr(self.coredata, "mesonbuild_blas", None)
        if not isinstance(marker, PluginMarker):
            marker = self.coredata.mesonbuild_blas = PluginMarker()
        names = [n for n in _flatten(args) if isinstance(n, str) and n]
        blas_names = [n for n in names if is_blas_name(n)]
        if "interface" not in kwargs and not blas_names:
            dep = original(self, node, args, kwargs)
            if any(n.lower() == "openmp" for n in names) and getattr(dep, "found", lambda: False)():
                from mesonbuild.mesonlib import MachineChoice

                from .process import openmp_resolved
                openmp_resolved(self.environment, MachineChoice.BUILD if kwargs.get("native") is True
                                else MachineChoice.HOST)
            return dep
        _say_meson_own_names()
        kwargs = dict(kwargs)
        interface = kwargs.pop("interface", None)
        try:
            if interface is not None:
                if not names or len(blas_names) != len(names):
                    other = ", ".join(repr(n) for n in names if not is_blas_name(n))
                    raise BlasError(
                        f"dependency(): 'interface' applies only to BLAS/LAPACK dependencies, not {other}",
                        "remove 'interface:' or use a BLAS name: "
                        + ", ".join(sorted(GENERIC)) + " or a vendor",
                    )
                interface = check_interface(interface)
            order, order_source = packager_order(self.environment, kwargs.get("native") is True)
            options = replace(project_options(self.coredata, self.subproject), packager_order=order,
                              packager_source=order_source)
            modules = [str(m) if not isinstance(m, str) else m for m in _flatten(kwargs.get("modules", []))]
            modules, static = _with_implied_modules(blas_names, modules)
            if static and "static" not in kwargs:
                kwargs["static"] = True
            keyed, _flags = split_modules(modules)
            if interface is not None and keyed.get("interface", interface) != interface:
                raise BlasError(
                    f"interface: '{interface}' conflicts with modules: ['interface: {keyed['interface']}']",
                    "give the interface once",
                )
            asked = interface or keyed.get("interface")
            # no interface asked for: the one the names carry (openblas64), else lp64 -- never an option's
            implied = {implied_interface(n, asked) for n in blas_names}
            if len(implied) > 1:
                raise BlasError(f"dependency() names {', '.join(repr(n) for n in blas_names)} carry different "
                                f"interfaces", "give names of one interface, or one call per interface")
            if "interface" not in keyed:
                modules.append(f"interface: {implied.pop() if implied else LP64}")
            kwargs["modules"] = modules
            if kwargs.get("required", True) is True:
                # a required lookup's bad modules/options are this call's error, located here
                # (before Meson prints "found: NO"); optional lookups log them and are not found
                method = compat.method_value(kwargs.get("method"))
                for n in blas_names:
                    check_request(marker, n, modules, options, method)
        except BlasError as e:
            raise InvalidArguments(str(e)) from None
        with options_for_call(options):
            dep = original(self, node, args, kwargs)
        info = getattr(dep, "blas_info", None)
        if info is None and _found(dep):
            _say_unverified(dep, blas_names, kwargs["modules"])
        if info is not None and id(dep) not in RESOLVED_HERE:  # from Meson's cache: the one-process checks
            RESOLVED_HERE.add(id(dep))
            from .process import blas_resolved
            blas_resolved(self.environment, dep.for_machine, info)
        return dep

    return func_dependency


#: the conventional options the plugin reads when a project declares them (``mesonbuild-blas options``)
BLAS_OPTIONS = ("blas", "lapack", "blas-order", "lapack-order", "use-ilp64", "blas-symbol-suffix", *THREADING_OPTIONS)


def unknown_option_hint(message: str) -> str:
    """A hint for Meson's "Unknown option(s)" error when it names a BLAS option the project does not declare
    ("" for every other error, Meson's own message unchanged)."""
    if "Unknown option" not in message:
        return ""
    quoted = [part for i, part in enumerate(message.split('"')) if i % 2]
    names = {n.strip().split(":")[-1] for q in quoted for n in q.split(",")}
    ours = [n for n in BLAS_OPTIONS if n in names]
    if not ours:
        return ""
    listed = ", ".join(f'"{n}"' for n in ours)
    return (f"hint: {listed} {'is a BLAS option' if len(ours) == 1 else 'are BLAS options'} that mesonbuild-blas "
            f"reads when the project declares it: add the block `mesonbuild-blas options` prints to meson.options "
            f"(meson_options.txt before Meson 1.1)")


def _wrap_errorhandler(original: Callable[..., Any]) -> Callable[..., Any]:
    """Meson's error report, with the fix for an undeclared BLAS option (``-Dblas=openblas``)."""
    def errorhandler(e: BaseException, command: str) -> Any:
        hint = unknown_option_hint(str(e)) if e.args and isinstance(e.args[0], str) else ""
        if hint:
            e.args = (f"{e.args[0]}\n{hint}", *e.args[1:])
        return original(e, command)

    return errorhandler


def _wrap_add_target(original: Callable[..., Any]) -> Callable[..., Any]:
    """After a target is defined: the one-process BLAS check of what it (and its linked targets) load."""
    def add_target(self: Any, name: str, tobj: Any) -> None:
        original(self, name, tobj)
        from mesonbuild import build

        if isinstance(tobj, build.BuildTarget):
            from .process import target_added
            target_added(self.environment, tobj, name, isinstance(tobj, build.SharedModule))

    return add_target


def _wrap_override(original: Callable[..., Any]) -> Callable[..., Any]:
    def _override_dependency_impl(self: Any, name: str, dep: Any, kwargs: Any, static: Any,
                                  permissive: bool = False) -> None:
        original(self, name, dep, kwargs, static, permissive)
        if not is_blas_name(name):
            return
        info = getattr(dep, "blas_info", None)
        interfaces = (info.interface,) if info is not None else INTERFACES
        # Register under the keys dependency() builds for BLAS names: the
        # interface plus any combination of feature modules.
        for interface in interfaces:
            for n in range(len(FEATURES) + 1):
                for combo in itertools.combinations(FEATURES, n):
                    nkwargs = dict(kwargs)
                    nkwargs["modules"] = [*combo, f"interface: {interface}"]
                    original(self, name, dep, nkwargs, static, True)

    return _override_dependency_impl


def _wrap_identifier(original: Callable[..., Any]) -> Callable[..., Any]:
    def get_dep_identifier(name: str, kwargs: Any) -> Any:
        identifier = original(name, kwargs)
        if not is_blas_name(name):
            return identifier
        # Meson keeps list values as tuple(frozenset(...)), in an order that changes with each
        # process's string hashing: a reconfigure would miss BLAS dependencies with two or more
        # modules (the interface is always one of them) in its dependency cache
        return tuple((key, tuple(sorted(value)) if key == "modules" and isinstance(value, tuple) else value)
                     for key, value in identifier)

    return get_dep_identifier


def _wrap_cache_get(original: Callable[..., Any]) -> Callable[..., Any]:
    def get(self: Any, key: Any) -> Any:
        dep = original(self, key)
        still_valid = getattr(dep, "blas_still_valid", None)
        if still_valid is not None and not still_valid():
            return None  # other options (-Dblas=...), environment or library files: search again
        return dep

    return get


def _wrap_add_languages(original: Callable[..., Any]) -> Callable[..., Any]:
    def add_languages_for(self: Any, args: Any, required: bool, for_machine: Any) -> Any:
        # a build directory configured before (it holds the marker) has its dependencies in Meson's
        # cache and its probe object cached: no background compile
        fresh = getattr(self.coredata, "mesonbuild_blas", None) is None
        success = original(self, args, required, for_machine)
        if fresh:
            from mesonbuild.mesonlib import MachineChoice

            if for_machine == MachineChoice.HOST:
                from .dependency import start_probe_object

                start_probe_object(self.environment, for_machine)
        return success

    return add_languages_for


def check_meson_version() -> None:
    from mesonbuild import coredata

    from .compat import version_tuple

    found = version_tuple(coredata.version)
    if not (version_tuple(MESON_MIN) <= found < version_tuple(MESON_MAX_EXCLUSIVE)):
        raise BlasError(
            f"mesonbuild-blas supports Meson >= {MESON_MIN}, < {MESON_MAX_EXCLUSIVE}; this is Meson "
            f"{coredata.version}",
            f"pip install 'meson>={MESON_MIN},<{MESON_MAX_EXCLUSIVE}'",
        )


def install() -> None:
    """Activate the plugin in this Python process (idempotent)."""
    global _installed
    if _installed:
        return
    check_meson_version()
    from mesonbuild import coredata, dependencies
    from mesonbuild.dependencies import detect
    from mesonbuild.interpreter import interpreter, mesonmain

    from . import compat

    def factory(name: str) -> Callable[..., Any]:
        def make(*args: Any) -> Any:  # the lookup module loads when a BLAS dependency is looked up
            from .dependency import factory

            return factory(name)(*args)

        return make

    global MESON_OWN_NAMES
    MESON_OWN_NAMES = tuple(name for name in ALL_NAMES if name in detect.packages)
    for name in ALL_NAMES:
        detect.packages[name] = factory(name)
        # like MPI/HDF5: language: 'fortran' gives ILP64 deps the 8-byte integer flag
        detect._packages_accept_language.add(name)
    compat.wrap(interpreter.Interpreter, "func_dependency", _wrap_func_dependency)
    compat.wrap(dependencies, "get_dep_identifier", _wrap_identifier)
    compat.wrap(coredata.DependencyCache, "get", _wrap_cache_get)
    compat.wrap(mesonmain.MesonMain, "_override_dependency_impl", _wrap_override)
    compat.wrap(interpreter.Interpreter, "add_languages_for", _wrap_add_languages)
    compat.wrap(interpreter.Interpreter, "add_target", _wrap_add_target)
    from mesonbuild import mesonmain as meson_main
    compat.wrap(meson_main, "errorhandler", _wrap_errorhandler)
    _installed = True
