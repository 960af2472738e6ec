"""What a ``dependency()`` name means, without loading the vendor table.

Every configure asks which names are BLAS names (the dependency names the
plugin registers, the names the ``dependency()`` wrapper takes over) and what
they imply (``openblas64`` carries ILP64).  Loading a build directory
(``meson setup --reconfigure``) needs nothing else from the vendors: its
dependencies come from Meson's cache.  Building :data:`vendors.VENDORS` costs
about a quarter of what the plugin adds to a reconfigure (docs/performance.md),
so the few facts these questions need are kept here as plain data.

The block between the ``generated`` markers is derived from
:data:`mesonbuild_blas.vendors.VENDORS` by ``python tests/names_index.py
--write``; ``tests/test_names.py`` fails when it is out of date.  Everything
else here is written by hand and the vendor table reads it from here.
"""

from __future__ import annotations

from collections.abc import Mapping

from .records import record

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

# --- generated from vendors.VENDORS by tests/names_index.py: do not edit ---
#: canonical vendor names (``Vendor.name``), in table order
VENDOR_NAMES = (
    'scipy-openblas',
    'accelerate',
    'mkl',
    'openblas',
    'flexiblas',
    'blis',
    'atlas',
    'netlib',
    'armpl',
    'aocl',
    'nvpl',
)
#: ``Vendor.aliases`` → vendor (the first vendor in table order that lists it)
ALIASES = {
    'veclib': 'accelerate',
    'reference': 'netlib',
    'blas': 'netlib',
    'lapack': 'netlib',
}
#: ``Vendor.interface_names`` → (vendor, interface) (the first vendor in table order that lists it)
INTERFACE_NAMES = {
    'scipy-openblas32': ('scipy-openblas', 'lp64'),
    'scipy-openblas64': ('scipy-openblas', 'ilp64'),
    'openblas64': ('openblas', 'ilp64'),
    'openblas_ilp64': ('openblas', 'ilp64'),
    'openblas64_': ('openblas', 'ilp64'),
}
#: ``Vendor.variant_names()`` → (vendor, interface, implied ``modules:``, static)
VARIANT_NAMES = {
    'mkl-dynamic-lp64-iomp': ('mkl', 'lp64', ('threading: iomp',), False),
    'mkl-dynamic-lp64-seq': ('mkl', 'lp64', ('threading: seq',), False),
    'mkl-dynamic-lp64-gomp': ('mkl', 'lp64', ('threading: gomp',), False),
    'mkl-dynamic-lp64-tbb': ('mkl', 'lp64', ('threading: tbb',), False),
    'mkl-static-lp64-iomp': ('mkl', 'lp64', ('threading: iomp',), True),
    'mkl-static-lp64-seq': ('mkl', 'lp64', ('threading: seq',), True),
    'mkl-static-lp64-gomp': ('mkl', 'lp64', ('threading: gomp',), True),
    'mkl-static-lp64-tbb': ('mkl', 'lp64', ('threading: tbb',), True),
    'mkl-dynamic-ilp64-iomp': ('mkl', 'ilp64', ('threading: iomp',), False),
    'mkl-dynamic-ilp64-seq': ('mkl', 'ilp64', ('threading: seq',), False),
    'mkl-dynamic-ilp64-gomp': ('mkl', 'ilp64', ('threading: gomp',), False),
    'mkl-dynamic-ilp64-tbb': ('mkl', 'ilp64', ('threading: tbb',), False),
    'mkl-static-ilp64-iomp': ('mkl', 'ilp64', ('threading: iomp',), True),
    'mkl-static-ilp64-seq': ('mkl', 'ilp64', ('threading: seq',), True),
    'mkl-static-ilp64-gomp': ('mkl', 'ilp64', ('threading: gomp',), True),
    'mkl-static-ilp64-tbb': ('mkl', 'ilp64', ('threading: tbb',), True),
    'mkl-sdl': ('mkl', 'lp64', ('sdl: true',), False),
    'armpl-dynamic-lp64-seq': ('armpl', 'lp64', ('threading: seq',), False),
    'armpl-dynamic-lp64-omp': ('armpl', 'lp64', ('threading: omp',), False),
    'armpl-static-lp64-seq': ('armpl', 'lp64', ('threading: seq',), True),
    'armpl-static-lp64-omp': ('armpl', 'lp64', ('threading: omp',), True),
    'armpl-dynamic-ilp64-seq': ('armpl', 'ilp64', ('threading: seq',), False),
    'armpl-dynamic-ilp64-omp': ('armpl', 'ilp64', ('threading: omp',), False),
    'armpl-static-ilp64-seq': ('armpl', 'ilp64', ('threading: seq',), True),
    'armpl-static-ilp64-omp': ('armpl', 'ilp64', ('threading: omp',), True),
}
#: the vendors' ``Threading.names`` → ``Threading.layer`` (a later vendor's spelling wins)
VENDOR_THREADING = {
    'iomp': 'openmp',
    'openmp': 'openmp',
    'seq': 'sequential',
    'sequential': 'sequential',
    'gomp': 'openmp',
    'tbb': 'tbb',
    'omp': 'openmp',
}
#: project options that choose a vendor's threading variant (``Vendor.threading_option``)
THREADING_OPTIONS = (
    'mkl-threading',
)
#: environment variables naming a vendor's install root (``Vendor.env_roots``)
ENV_ROOTS = (
    'MKLROOT',
    'ARMPL_DIR',
    'AOCL_ROOT',
    'NVPL_ROOT',
)
#: environment variables choosing what a vendor's library runs (``Vendor.runtime_env``)
RUNTIME_ENV = (
    'MKL_THREADING_LAYER',
    'MKL_INTERFACE_LAYER',
    'FLEXIBLAS',
    'FLEXIBLAS64',
)
# --- end of generated part ---

#: environment variables that change which library a program loads, or what it runs (the vendors'
#: run-time choices: FlexiBLAS's backend, MKL's threading and interface layers): part of the probe
#: cache key and of a dependency's reconfigure fingerprint
LOADER_ENV = ("LD_LIBRARY_PATH", "LD_PRELOAD", "DYLD_LIBRARY_PATH", "DYLD_FALLBACK_LIBRARY_PATH",
              "DYLD_INSERT_LIBRARIES", *RUNTIME_ENV)

#: every ``threading:`` spelling → layer
THREADING_SPELLINGS: Mapping[str, str] = {**GENERIC_THREADING, **VENDOR_THREADING}

#: Names the plugin registers with Meson: generic names, vendors, their aliases, interface-carrying names
#: and the vendors' own pkg-config names of one variant (``mkl-dynamic-lp64-seq``).
ALL_NAMES = tuple(dict.fromkeys((*GENERIC, *GENERIC_INTERFACE_NAMES, *VENDOR_NAMES, *ALIASES, *INTERFACE_NAMES,
                                 *VARIANT_NAMES)))


@record
class DependencyName:
    """What a ``dependency()`` name means: a generic name or a vendor, maybe with an interface."""

    name: str  #: generic name (``blas``) or canonical vendor name (``openblas``)
    generic: bool
    interface: str | None  #: the interface the name itself carries (``openblas64`` → ilp64)


def vendor_name(name: str) -> str | None:
    """The canonical name of the vendor called ``name`` (case-insensitive, aliases included)."""
    low = name.lower()
    return low if low in VENDOR_NAMES else ALIASES.get(low)


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
    if low in INTERFACE_NAMES:
        vendor, interface = INTERFACE_NAMES[low]
        return DependencyName(vendor, False, interface)
    if low in VARIANT_NAMES:
        vendor, interface, _modules, _static = VARIANT_NAMES[low]
        return DependencyName(vendor, False, interface)
    return None


def implied_modules(name: str) -> tuple[tuple[str, ...], bool]:
    """The ``modules:`` entries and static linkage a vendor's variant name implies (``mkl-static-ilp64-seq``
    → ``('threading: seq',)``, static); ``((), False)`` for every other name."""
    entry = VARIANT_NAMES.get(name.lower())
    return (entry[2], entry[3]) if entry is not None else ((), False)
