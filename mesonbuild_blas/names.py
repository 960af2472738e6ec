"""What a ``dependency()`` name means: generic names written here, vendor names from the vendor table.

Which names are BLAS names (the dependency names the plugin registers, the
names the ``dependency()`` wrapper takes over) and what they imply
(``openblas64`` carries ILP64, ``mkl-dynamic-lp64-seq`` a threading layer):
the generic ones are below, the vendors' come from :mod:`mesonbuild_blas.vendors`,
the one place a vendor is described, read once by :func:`index`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

LP64 = "lp64"
ILP64 = "ilp64"
INTERFACES = (LP64, ILP64)
#: bytes of a BLAS integer, per interface
INT_SIZE = {LP64: 4, ILP64: 8}

#: The generic names: what each must provide.
GENERIC = {"blas": (), "lapack": ("lapack",), "cblas": ("cblas",), "lapacke": ("lapacke",)}

#: Generic names that carry an interface (Debian's ILP64 alternatives)
GENERIC_INTERFACE_NAMES = {"blas64": ("blas", ILP64), "lapack64": ("lapack", ILP64), "cblas64": ("cblas", ILP64),
                           "lapacke64": ("lapacke", ILP64)}

#: generic ``threading:`` spellings → the layer they mean (vendors' own spellings: ``Threading.names``)
GENERIC_THREADING = {"seq": "sequential", "sequential": "sequential", "omp": "openmp", "openmp": "openmp",
                     "tbb": "tbb", "pthreads": "pthreads"}

#: the loader's variables: which library a program loads (the vendors add what it then runs)
_LOADER_ENV = ("LD_LIBRARY_PATH", "LD_PRELOAD", "DYLD_LIBRARY_PATH", "DYLD_FALLBACK_LIBRARY_PATH",
               "DYLD_INSERT_LIBRARIES")


@dataclass(frozen=True)
class Index:
    """What the vendor table says about names, spellings and environment variables."""

    vendor_names: tuple[str, ...]  #: canonical vendor names (``Vendor.name``), in table order
    aliases: Mapping[str, str]  #: ``Vendor.aliases`` → vendor (the first vendor in table order)
    interface_names: Mapping[str, tuple[str, str]]  #: ``Vendor.interface_names`` → (vendor, interface)
    #: ``Vendor.variant_names()`` → (vendor, interface, implied ``modules:``, static)
    variant_names: Mapping[str, tuple[str, str, tuple[str, ...], bool]]
    #: every ``threading:`` spelling → layer (generic ones and the vendors' ``Threading.names``)
    threading_spellings: Mapping[str, str]
    threading_options: tuple[str, ...]  #: project options choosing a vendor's threading variant
    env_roots: tuple[str, ...]  #: environment variables naming a vendor's install root
    #: environment variables that change which library a program loads, or what it runs (the vendors'
    #: run-time choices: FlexiBLAS's backend, MKL's threading and interface layers): part of the probe
    #: cache key and of a dependency's reconfigure fingerprint
    loader_env: tuple[str, ...]
    #: names the plugin registers with Meson: generic names, vendors, their aliases, interface-carrying
    #: names and the vendors' own pkg-config names of one variant (``mkl-dynamic-lp64-seq``)
    all_names: tuple[str, ...]


@functools.cache
def index() -> Index:
    """The vendor table's names, read once from :mod:`mesonbuild_blas.vendors` (the one source)."""
    from .vendors import VENDORS

    aliases: dict[str, str] = {}
    interface_names: dict[str, tuple[str, str]] = {}
    variant_names: dict[str, tuple[str, str, tuple[str, ...], bool]] = {}
    for v in VENDORS:
        for alias in v.aliases:
            aliases.setdefault(alias, v.name)
        for name, interface in v.interface_names.items():
            interface_names.setdefault(name, (v.name, interface))
        for name, (interface, modules, static) in v.variant_names().items():
            variant_names.setdefault(name, (v.name, interface, modules, static))
    vendor_names = tuple(v.name for v in VENDORS)
    return Index(
        vendor_names=vendor_names,
        aliases=aliases,
        interface_names=interface_names,
        variant_names=variant_names,
        threading_spellings={**GENERIC_THREADING,
                             **{name: t.layer for v in VENDORS for t in v.threadings for name in t.names}},
        threading_options=tuple(dict.fromkeys(v.threading_option for v in VENDORS if v.threading_option)),
        env_roots=tuple(dict.fromkeys(root for v in VENDORS for root in v.env_roots)),
        loader_env=(*_LOADER_ENV, *dict.fromkeys(var for v in VENDORS for var in v.runtime_env)),
        all_names=tuple(dict.fromkeys((*GENERIC, *GENERIC_INTERFACE_NAMES, *vendor_names, *aliases,
                                       *interface_names, *variant_names))),
    )


@dataclass(frozen=True)
class DependencyName:
    """What a ``dependency()`` name means: a generic name or a vendor, maybe with an interface."""

    name: str  #: generic name (``blas``) or canonical vendor name (``openblas``)
    generic: bool
    interface: str | None  #: the interface the name itself carries (``openblas64`` → ilp64)


def vendor_name(name: str) -> str | None:
    """The canonical name of the vendor called ``name`` (case-insensitive, aliases included)."""
    low = name.lower()
    names = index()
    return low if low in names.vendor_names else names.aliases.get(low)


def resolve_name(name: str) -> DependencyName | None:
    """The meaning of a dependency name (case-insensitive), or None when it is not a BLAS name."""
    low = name.lower()
    if low in GENERIC:
        return DependencyName(low, True, None)
    if low in GENERIC_INTERFACE_NAMES:
        generic, interface = GENERIC_INTERFACE_NAMES[low]
        return DependencyName(generic, True, interface)
    vendor = vendor_name(low)
    if vendor is not None:
        return DependencyName(vendor, False, None)
    names = index()
    if low in names.interface_names:
        vendor, interface = names.interface_names[low]
        return DependencyName(vendor, False, interface)
    if low in names.variant_names:
        vendor, interface, _modules, _static = names.variant_names[low]
        return DependencyName(vendor, False, interface)
    return None


def implied_modules(name: str) -> tuple[tuple[str, ...], bool]:
    """The ``modules:`` entries and static linkage a vendor's variant name implies (``mkl-static-ilp64-seq``
    → ``('threading: seq',)``, static); ``((), False)`` for every other name."""
    entry = index().variant_names.get(name.lower())
    return (entry[2], entry[3]) if entry is not None else ((), False)
