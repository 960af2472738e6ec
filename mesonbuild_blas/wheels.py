"""BLAS libraries shipped in Python wheels installed in the Python that runs Meson."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os

from . import vendors


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
    """(wheel, package directory) of each installed wheel of ``vendor`` for ``interface``."""
    found = []
    for wheel in vendor.wheels:
        if wheel.interface != interface:
            continue
        where = wheel_dir(wheel.module)
        if where and os.path.exists(os.path.join(where, wheel.library)):
            found.append((wheel, where))
    return found


def distribution_version(module: str) -> str:
    """The installed distribution's version of an import name ('' if unknown)."""
    for name in (module, module.replace("_", "-")):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return ""
