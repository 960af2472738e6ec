"""Shims over the Meson internals that differ between supported versions.

| item                          | 1.3 - 1.9                         | 1.10  | 1.11 - 1.12            |
|-------------------------------|-----------------------------------|-------|------------------------|
| factory call                  | entry(env, for_machine, kwargs)   | same  | entry(env, kwargs)     |
| candidates                    | functools.partial                 | same  | DependencyCandidate    |
| ExternalDependency.__init__   | (type_name, env, kwargs, lang)    | same  | (name, env, kwargs)    |
| Compiler.find_library         | takes env                         | no env| no env                 |
| option values                 | coredata.options (1.3 - 1.6); optstore: get_value (1.7), get_value_for (1.8 -) |
| pkg-config singleton key      | machine                           | machine, extra paths (1.10 -)  |

An undeclared option is a ``KeyError`` on every version; any other exception
reading one is Meson drift and stops the configure naming the Meson version
(:class:`MesonDrift`), never a silently dropped option.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from mesonbuild import coredata as _coredata
from mesonbuild.dependencies import base as _base
from mesonbuild.mesonlib import MesonException


def version_tuple(text: str) -> tuple[int, ...]:
    """``1.12.1`` → (1, 12, 1); a pre-release (``1.13.0rc1``, ``1.13.0.dev1``) → its release numbers.
    (packaging.version costs a few ms of every configure's import time; no regular expression is
    compiled for it either.)"""
    out: list[int] = []
    for part in text.split("."):
        digits = len(part) - len(part.lstrip("0123456789"))
        if digits == 0:
            break
        out.append(int(part[:digits]))
        if digits != len(part):
            break
    return tuple(out)


MESON_VERSION = version_tuple(_coredata.version)
CANDIDATE_OBJECTS = MESON_VERSION >= (1, 11)
COMPILER_TAKES_ENV = MESON_VERSION < (1, 10)
PKGCONFIG_EXTRA_PATHS = MESON_VERSION >= (1, 10)
OPTION_STORE = MESON_VERSION >= (1, 7)
OPTION_GET_VALUE_FOR = MESON_VERSION >= (1, 8)


class MesonDrift(MesonException):  # type: ignore[misc]
    """This Meson answered an internal question in a way the plugin does not know (a version it was not
    tested with): a clear error naming the version, never a silent wrong answer."""

    def __init__(self, what: str, error: BaseException) -> None:
        super().__init__(f"mesonbuild-blas cannot {what} on Meson {_coredata.version} "
                         f"({type(error).__name__}: {error}); the plugin was tested with Meson 1.3 to 1.12 "
                         f"(hint: use one of those, or report this)")


def pkgconfig_interface(env: Any, for_machine: Any) -> Any:
    """Meson's pkg-config program (None when there is none), as the one PkgConfigDependency uses: newer
    Meson keeps one per list of extra paths, and asking for another key detects pkg-config again."""
    from mesonbuild.dependencies.pkgconfig import PkgConfigInterface

    if PKGCONFIG_EXTRA_PATHS:
        return PkgConfigInterface.instance(env, for_machine, True, [])
    return PkgConfigInterface.instance(env, for_machine, True)


def make_candidate(cls: type, name: str, env: Any, kwargs: Any, method: str) -> Any:
    """One lazily-evaluated lookup for Meson's candidate loop."""
    if CANDIDATE_OBJECTS:
        return _base.DependencyCandidate(cls, name, method, None, arguments=(env, kwargs))
    return functools.partial(cls, name, env, kwargs)


def factory_arguments(args: tuple[Any, ...]) -> tuple[Any, Any]:
    """(env, kwargs) from either factory calling convention."""
    if len(args) == 3:
        return args[0], args[2]
    return args[0], args[1]


def init_external(dep: Any, name: str, env: Any, kwargs: Any) -> None:
    if CANDIDATE_OBJECTS:
        _base.ExternalDependency.__init__(dep, name, env, kwargs)
    else:
        _base.ExternalDependency.__init__(dep, _base.DependencyTypeName(name), env, kwargs,
                                          language=kwargs.get("language"))


def find_library(compiler: Any, env: Any, libname: str, extra_dirs: list[str], libtype: Any) -> list[str] | None:
    if COMPILER_TAKES_ENV:
        result = compiler.find_library(libname, env, extra_dirs, libtype)
    else:
        result = compiler.find_library(libname, extra_dirs, libtype)
    return list(result) if result is not None else None


def _option_key_class() -> Any:
    try:
        from mesonbuild.options import OptionKey
    except ImportError:  # Meson < 1.7
        from mesonbuild.mesonlib import OptionKey
    return OptionKey


def _option_value(coredata: Any, key: Any) -> object:
    """The value of option ``key``; ``KeyError`` when it is not declared."""
    if OPTION_GET_VALUE_FOR:
        return coredata.optstore.get_value_for(key)
    if OPTION_STORE:
        return coredata.optstore.get_value(key)
    return coredata.options[key].value


def _read_option(coredata: Any, key: Any, what: str) -> object | None:
    """Value of option ``key``, or None when it is not declared; Meson drift is a :class:`MesonDrift`."""
    try:
        return _option_value(coredata, key)
    except KeyError:
        return None
    except Exception as e:
        raise MesonDrift(f"read the {what}", e) from None


def project_option(coredata: Any, name: str, subproject: str) -> object | None:
    """Value of a project option, or None when the project does not declare it."""
    return _read_option(coredata, _option_key_class()(name, subproject=subproject), f"project option {name!r}")


def machine_option(env: Any, name: str, for_machine: Any) -> object | None:
    """Value of a built-in per-machine option (``pkg_config_path``, ``c_args``), or None when it has none."""
    key = _option_key_class().from_string(name).evolve(machine=for_machine)
    return _read_option(env.coredata, key, f"option {name!r}")


def base_option(coredata: Any, name: str) -> object | None:
    """Value of a base option (``b_asneeded``), or None when this configure has none."""
    return _read_option(coredata, _option_key_class()(name), f"option {name!r}")


def host_machine() -> Any:
    """Meson's ``MachineChoice.HOST``."""
    from mesonbuild.mesonlib import MachineChoice

    return MachineChoice.HOST


def pkg_config_path(env: Any, for_machine: Any) -> list[str]:
    """Meson's ``pkg_config_path`` option for a machine (a list of directories)."""
    value = machine_option(env, "pkg_config_path", for_machine)
    return [str(v) for v in value] if isinstance(value, list) else []


def method_value(method: object) -> str:
    """The 'method' keyword as a string (an enum since Meson 1.11)."""
    value = getattr(method, "value", method)
    return str(value) if value else "auto"


def wrap(owner: object, attr: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Replace ``owner.attr`` by ``make(original)`` once."""
    original = getattr(owner, attr)
    if getattr(original, "__mesonbuild_blas__", False):
        return
    wrapped = make(original)
    wrapped.__mesonbuild_blas__ = True  # type: ignore[attr-defined]
    wrapped.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(owner, attr, wrapped)
