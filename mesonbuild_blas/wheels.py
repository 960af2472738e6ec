"""BLAS libraries shipped in Python wheels.

Two places hold them: the Python that runs Meson (its wheels are for the build
machine), and directories made with ``pip install --target DIR --platform ...``
for another host machine, named by the machine-file property ``blas_wheeldir``.
Which files a wheel has on which system is vendor data (``vendors.Wheel``).
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Sequence

from . import vendors
from .records import record


@record
class InstalledWheel:
    """A wheel found on disk, with its files for the host system."""

    wheel: vendors.Wheel
    where: str  #: the package directory
    link: str  #: absolute path of the file to link
    runtime: str  #: absolute path of the file loaded at run time (== link unless a DLL)
    version: str  #: the distribution's version ("" if unknown)


def wheel_dir(module: str) -> str | None:
    """Directory of an installed Python package, found without importing it."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return next(iter(spec.submodule_search_locations))


def _found(wheel: vendors.Wheel, where: str, system: str, version: str) -> InstalledWheel | None:
    files = wheel.files_for(system)
    if files is None:
        return None
    link = os.path.join(where, files.link)
    runtime = os.path.join(where, files.runtime) if files.runtime else link
    if not (os.path.exists(link) and os.path.exists(runtime)):
        return None
    return InstalledWheel(wheel, where, link, runtime, version)


def installed_wheels(vendor: vendors.Vendor, interface: str, system: str) -> list[InstalledWheel]:
    """Wheels of ``vendor`` for ``interface`` installed in this Python, with their ``system`` files."""
    found = []
    for wheel in vendor.wheels:
        if wheel.interface != interface:
            continue
        where = wheel_dir(wheel.module)
        if where and (hit := _found(wheel, where, system, distribution_version(wheel.module))):
            found.append(hit)
    return found


def wheels_in(directories: Sequence[str], vendor: vendors.Vendor, interface: str,
              system: str) -> list[InstalledWheel]:
    """Wheels of ``vendor`` for ``interface`` in ``pip install --target`` directories."""
    found = []
    for directory in directories:
        for wheel in vendor.wheels:
            if wheel.interface != interface:
                continue
            where = os.path.join(directory, wheel.module)
            if os.path.isdir(where) and (hit := _found(wheel, where, system, target_version(directory, wheel.module))):
                found.append(hit)
    return found


def target_version(directory: str, module: str) -> str:
    """The version of ``module``'s distribution in a ``pip install --target`` directory ('' if unknown)."""
    wanted = {module.lower(), module.replace("_", "-").lower()}
    try:
        names = os.listdir(directory)
    except OSError:
        return ""
    for name in sorted(names):
        match = re.fullmatch(r"(.+)-([^-]+)\.dist-info", name)
        if match and match.group(1).lower().replace("-", "_") in {w.replace("-", "_") for w in wanted}:
            return match.group(2)
    return ""


def distribution_version(module: str) -> str:
    """The installed distribution's version of an import name ('' if unknown)."""
    from importlib import metadata  # not at import time: it costs every meson-blas run ~10 ms

    for name in (module, module.replace("_", "-")):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return ""
