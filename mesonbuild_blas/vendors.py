"""Everything mesonbuild-blas knows about each BLAS/LAPACK vendor, as data.

One :class:`Vendor` entry per vendor.  No other module names a vendor: the
search, the probes and the renderings are driven by these fields only.  Facts
come from the libraries themselves (Debian 12 packages and PyPI wheels, see
``docs/vendors.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .naming import Scheme

LP64 = "lp64"
ILP64 = "ilp64"
INTERFACES = (LP64, ILP64)
INT_SIZE = {LP64: 4, ILP64: 8}


@dataclass(frozen=True)
class Wheel:
    """A BLAS library shipped inside a Python package (the ``python`` method)."""

    module: str  #: import name, located without importing it
    interface: str
    library: str  #: library file, relative to the package directory
    include: str = "include"
    pkgconfig: str = ""  #: the wheel's own .pc file, relative to the package dir


@dataclass(frozen=True)
class InfoCall:
    """A vendor C function the probe calls for version/threading facts.

    ``kind`` is how to call it: ``str`` (``const char *f(void)``), ``int``
    (``int f(void)``) or ``buf`` (``void f(char *, int)``).  The name is
    decorated with the library's prefix and C suffix.
    """

    key: str
    kind: str
    symbol: str


@dataclass(frozen=True)
class Vendor:
    name: str
    description: str
    #: pkg-config names to try, per interface, in order
    pkgconfig: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: library names for the ``system`` method (``find_library``), per interface
    system: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    #: libraries shipped in Python wheels (the ``python`` method)
    wheels: tuple[Wheel, ...] = ()
    #: symbol prefixes / suffixes (numpy's BLAS_SYMBOL_PREFIX/SUFFIX) to try
    prefixes: tuple[str, ...] = ("",)
    suffixes: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: {LP64: ("",), ILP64: ("", "64_", "_64")}
    )
    #: vendor C functions the probe calls
    info: tuple[InfoCall, ...] = ()
    #: regular expression extracting the version from an info string: key, regex
    version_from: tuple[str, str] | None = None
    #: info key and value → threading layer
    threading_from: tuple[str, Mapping[str, str]] | None = None
    #: the project option value(s) meaning this vendor (besides ``name``)
    aliases: tuple[str, ...] = ()
    #: lookup methods in the order they are tried
    methods: tuple[str, ...] = ("pkg-config", "system")
    #: in the built-in order only when one of its wheels is installed
    auto_needs_wheel: bool = False
    #: header declaring the CBLAS prototypes
    cblas_header: str = "cblas.h"
    #: what to install, per interface, shown when nothing was found
    install_hint: Mapping[str, str] = field(default_factory=dict)

    def schemes(self, interface: str, suffix_override: str | None = None) -> tuple[Scheme, ...]:
        suffixes = (suffix_override,) if suffix_override is not None else self.suffixes.get(interface, ("",))
        return tuple(Scheme(p, s) for p in self.prefixes for s in suffixes)


_OPENBLAS_INFO = (
    InfoCall("config", "str", "openblas_get_config"),
    InfoCall("parallel", "int", "openblas_get_parallel"),
)
_OPENBLAS_THREADING = ("parallel", {"0": "sequential", "1": "pthreads", "2": "openmp"})
_OPENBLAS_VERSION = ("config", r"OpenBLAS\s+(\S+)")

VENDORS: tuple[Vendor, ...] = (
    Vendor(
        name="scipy-openblas",
        description="OpenBLAS from the scipy-openblas32/64 wheels (symbols prefixed scipy_)",
        pkgconfig={LP64: ("scipy-openblas",), ILP64: ("scipy-openblas",)},
        wheels=(
            Wheel("scipy_openblas32", LP64, "lib/libscipy_openblas.so",
                  pkgconfig="lib/pkgconfig/scipy-openblas.pc"),
            Wheel("scipy_openblas64", ILP64, "lib/libscipy_openblas64_.so",
                  pkgconfig="lib/pkgconfig/scipy-openblas.pc"),
        ),
        prefixes=("scipy_",),
        suffixes={LP64: ("",), ILP64: ("64_",)},
        info=_OPENBLAS_INFO,
        version_from=_OPENBLAS_VERSION,
        threading_from=_OPENBLAS_THREADING,
        methods=("python", "pkg-config"),
        auto_needs_wheel=True,
        install_hint={LP64: "pip install scipy-openblas32", ILP64: "pip install scipy-openblas64"},
    ),
    Vendor(
        name="openblas",
        description="OpenBLAS (distribution packages, source builds)",
        pkgconfig={LP64: ("openblas",), ILP64: ("openblas64", "openblas64_")},
        system={LP64: (("openblas",),), ILP64: (("openblas64",), ("openblas64_",))},
        info=_OPENBLAS_INFO,
        version_from=_OPENBLAS_VERSION,
        threading_from=_OPENBLAS_THREADING,
        install_hint={LP64: "apt-get install libopenblas-dev",
                      ILP64: "apt-get install libopenblas64-dev"},
    ),
)

BY_NAME: Mapping[str, Vendor] = {v.name: v for v in VENDORS}

#: The generic names: what each must provide.
GENERIC = {"blas": (), "lapack": ("lapack",), "cblas": ("cblas",), "lapacke": ("lapacke",)}

#: Built-in search order for the generic names (vendors missing from the table
#: are skipped).  ``scipy-openblas`` only takes part when its wheel is
#: installed in the Python running Meson.
DEFAULT_ORDER = ("scipy-openblas", "accelerate", "mkl", "openblas", "flexiblas", "blis", "atlas", "netlib")

#: Vendors of the design that have no entry yet: accepted in options and orders
#: (and reported as unsupported), but not registered as dependency names so
#: Meson's own lookups for them keep working.
PLANNED = ("mkl", "blis", "atlas", "netlib", "flexiblas", "accelerate", "armpl", "aocl", "nvpl")

#: Names the plugin registers with Meson.
ALL_NAMES = tuple(GENERIC) + tuple(BY_NAME)


def lookup(name: str) -> Vendor | None:
    """The vendor called ``name`` (case-insensitive, aliases included)."""
    low = name.lower()
    if low in BY_NAME:
        return BY_NAME[low]
    for vendor in VENDORS:
        if low in vendor.aliases:
            return vendor
    return None
