"""What the user asked for: ``dependency()`` arguments plus project options."""

from __future__ import annotations

from .errors import BlasError
from .names import GENERIC, ILP64, INTERFACES, LP64, THREADING_OPTIONS, THREADING_SPELLINGS, resolve_name
from .records import record

FEATURES = ("cblas", "lapack", "lapacke")
#: flags of ``modules:`` that are not features
OPT_INS = ("bench", "fortran-adapter")
#: option value / order entry selecting the fastest installed library (times at configure)
FASTEST = "fastest"
METHODS = ("auto", "pkg-config", "cmake", "framework", "system", "python")
#: Meson's spelling of a method → ours (Meson rejects 'framework' and 'python' as values)
METHOD_ALIASES = {"extraframework": "framework"}
#: the method values a meson.build can pass
MESON_METHODS = ("auto", "pkg-config", "cmake", "system", "extraframework")


@record
class ProjectOptions:
    """The conventional numpy/SciPy build options, when the project declares them."""

    blas: str | None = None
    lapack: str | None = None
    blas_order: tuple[str, ...] | None = None
    lapack_order: tuple[str, ...] | None = None
    symbol_suffix: str | None = None
    #: (option name, value) of the vendors' threading options (``Vendor.threading_option``)
    vendor_threading: tuple[tuple[str, str], ...] = ()
    #: the packager's order for the generic names, set outside the project (machine-file property
    #: ``blas_order``, else the environment variable ``MESONBUILD_BLAS_ORDER``); the project's own
    #: ``blas``/``blas-order`` options win over it
    packager_order: tuple[str, ...] | None = None
    packager_source: str = ""  #: where ``packager_order`` came from, for messages


@record
class Request:
    name: str  #: what was asked for, lower case (``blas``, ``openblas64`` ...)
    interface: str
    vendors: tuple[str, ...]  #: vendor names to try, in order
    features: frozenset[str]  #: subset of FEATURES that must be present
    #: the generic name (``blas``, ``lapack``, ``cblas``, ``lapacke``) of a generic request, else None
    generic: str | None = None
    threading: str | None = None  #: ``threading:`` of ``modules:`` (every vendor)
    #: (vendor, threading) from the vendors' own threading options
    vendor_threading: tuple[tuple[str, str], ...] = ()
    sdl: str | None = None
    symbol_suffix: str | None = None  #: explicit suffix, or None to detect
    method: str = "auto"
    order_source: str = "built-in order"
    bench: bool = False  #: time dgemm (modules: ['bench']) and expose dgemm_gflops
    fastest: bool = False  #: pick the fastest of all accepted candidates
    #: link a Fortran adapter even without language: 'fortran' (modules: ['fortran-adapter'])
    fortran_adapter: bool = False

    def describe(self) -> str:
        extra = "".join(f", {f}" for f in sorted(self.features))
        if self.threading:
            extra += f", threading {self.threading}"
        return f"{self.name} ({self.interface}{extra})"

    def dependency_name(self, vendor: str) -> str:
        """``dep.name()`` once ``vendor`` was found: the name asked for when it carries an
        interface (``scipy-openblas64``), else the vendor (``openblas`` for ``blas``, ``OpenBLAS``)."""
        meaning = resolve_name(self.name)
        if meaning is not None and not meaning.generic and meaning.interface is not None:
            return self.name
        return vendor

    def threading_for(self, vendor: str) -> str | None:
        """The threading variant asked for in lookups of ``vendor`` (keyword, else its option)."""
        if self.threading:
            return self.threading
        return dict(self.vendor_threading).get(vendor)

    def threading_layer(self, vendor: str) -> str | None:
        """The threading layer asked for (``openmp`` for ``threading: iomp``), if any."""
        threading = self.threading_for(vendor)
        return THREADING_SPELLINGS[threading] if threading else None


def split_modules(modules: list[str]) -> tuple[dict[str, str], set[str]]:
    """numpy-fork ``modules:`` entries → ``{'interface': 'ilp64', ...}`` and flags."""
    keyed: dict[str, str] = {}
    flags: set[str] = set()
    for raw in modules:
        if not isinstance(raw, str):
            raise BlasError(f"modules: entries must be strings, got {raw!r}")
        item = raw.strip()
        if ":" in item:
            key, _, value = item.partition(":")
            key, value = key.strip(), value.strip()
            if key not in ("interface", "threading", "sdl"):
                raise BlasError(
                    f"unknown BLAS module {raw!r}",
                    "known modules: 'cblas', 'lapack', 'lapacke', 'interface: lp64|ilp64', "
                    "'threading: seq|iomp|gomp|tbb', 'sdl: true|false|auto'",
                )
            if key in keyed and keyed[key] != value:
                raise BlasError(f"conflicting modules: '{key}: {keyed[key]}' and '{key}: {value}'",
                                f"give '{key}:' once")
            keyed[key] = value
        elif item in FEATURES or item in OPT_INS:
            flags.add(item)
        else:
            raise BlasError(
                f"unknown BLAS module {raw!r}",
                "known modules: 'cblas', 'lapack', 'lapacke', 'interface: lp64|ilp64', "
                "'threading: ...', 'sdl: ...'",
            )
    return keyed, flags


def implied_interface(name: str, interface: object | None) -> str:
    """The interface of a lookup of ``name``: the one asked for, else the name's, else lp64.

    Raises :class:`BlasError` when an explicit interface contradicts the name.
    """
    meaning = resolve_name(name)
    carried = meaning.interface if meaning is not None else None
    if interface is None:
        return carried or LP64
    checked = check_interface(interface)
    if carried is not None and checked != carried:
        raise BlasError(f"dependency {name!r} is {carried} by its name, but interface {checked!r} was asked for",
                        "drop the interface, or ask for the name without the interface in it")
    return checked


def check_interface(value: object) -> str:
    if value not in INTERFACES:
        raise BlasError(
            f"interface: must be 'lp64' or 'ilp64', not {value!r}",
            "lp64 = 32-bit BLAS integers (the default), ilp64 = 64-bit",
        )
    assert isinstance(value, str)
    return value


def _check_vendor_names(names: tuple[str, ...], what: str) -> tuple[str, ...]:
    from . import vendors

    out = []
    for n in names:
        low = n.strip().lower()
        vendor = vendors.lookup(low)
        if vendor is None:
            known = ", ".join(v.name for v in vendors.VENDORS)
            raise BlasError(f"{what}: unknown BLAS vendor {n!r}", f"supported vendors: {known}")
        out.append(vendor.name)
    return tuple(out)


def build_request(
    name: str,
    modules: list[str],
    options: ProjectOptions,
    method: str = "auto",
) -> Request:
    """Combine keywords, ``modules:`` and project options (keywords win).

    The interface is ``interface:`` (or ``modules: ['interface: ...']``), else
    the one the name carries (``openblas64``), else lp64 — always: no option
    changes a call that does not ask for ILP64.
    """
    # the vendor table loads here, not with this module: loading a build directory needs
    # ProjectOptions and the checks above, not the table (mesonbuild_blas.names)
    from . import vendors
    from .naming import is_identifier_fragment

    low = name.lower()
    meaning = resolve_name(low)
    if meaning is None:
        _check_vendor_names((name,), "dependency")  # raises with the list of vendors
        raise AssertionError("unreachable")
    keyed, flags = split_modules(modules)
    interface = implied_interface(low, keyed.get("interface"))
    base = meaning.name

    features = (set(flags) - set(OPT_INS)) | set(GENERIC.get(base, ()))
    sdl = keyed.get("sdl")
    sdl_vendors = [v for v in vendors.VENDORS if v.sdl_description]
    if sdl is not None and sdl not in ("true", "false", "auto"):
        raise BlasError(f"'sdl: {sdl}' is not one of true, false, auto",
                        "'sdl: true' selects " + "; ".join(v.sdl_description for v in sdl_vendors))
    threading = keyed.get("threading")
    if threading is not None and threading not in THREADING_SPELLINGS:
        raise BlasError(f"threading {threading!r} is not one of {', '.join(THREADING_SPELLINGS)}",
                        "e.g. modules: ['threading: seq']"
                        + "".join(f" (or the {o} option)" for o in THREADING_OPTIONS))
    vendor_threading = []
    for option, value in options.vendor_threading:
        if value in ("", "auto"):
            continue
        for vendor in vendors.VENDORS:
            if vendor.threading_option != option:
                continue
            spellings = [n for t in vendor.threadings for n in t.names]
            if value not in spellings:
                raise BlasError(f"option {option}={value!r} is not one of auto, {', '.join(spellings)}",
                                f"e.g. -D{option}={spellings[0]}")
            vendor_threading.append((vendor.name, value))
    if sdl == "true" and not any(v.sdl_pkgconfig.get(interface) for v in sdl_vendors):
        raise BlasError(f"'sdl: true' ({'; '.join(v.sdl_description for v in sdl_vendors)}) "
                        f"cannot be combined with {interface}",
                        "drop 'sdl: true' or ask for interface: 'lp64'")

    suffix = options.symbol_suffix
    if suffix is not None and suffix == "auto":
        suffix = None
    if suffix is not None and not is_identifier_fragment(suffix):
        raise BlasError(
            f"blas-symbol-suffix {suffix!r} is not a valid C identifier fragment",
            "use letters, digits and '_' only (e.g. 64_), or 'auto'",
        )
    if interface != ILP64:
        suffix = None  # blas-symbol-suffix describes the ILP64 library (SciPy's meaning)
    method = METHOD_ALIASES.get(method, method)
    if method not in METHODS:
        raise BlasError(f"method: {method!r} does not apply to BLAS/LAPACK",
                        f"use one of {', '.join(MESON_METHODS)} (Python packages are searched under auto)")

    order_source = "dependency name"
    fastest = False
    if meaning.generic:
        wants_lapack = base in ("lapack", "lapacke")
        chosen = options.lapack if wants_lapack else options.blas
        order = options.lapack_order if wants_lapack else options.blas_order
        option_name = "lapack" if wants_lapack else "blas"
        order_name = f"option {option_name}-order"
        if not order and options.packager_order:
            order, order_name = options.packager_order, options.packager_source or "packager order"
        if (chosen is not None and chosen.lower() == FASTEST) or (order and FASTEST in order):
            fastest = True
            rest = tuple(n for n in order or () if n != FASTEST)
            if rest:
                names = _check_vendor_names(rest, order_name)
                order_source = f"{order_name} ({FASTEST})"
            else:
                names = tuple(n for n in vendors.DEFAULT_ORDER if n in vendors.BY_NAME)
                order_source = f"built-in order ({FASTEST})"
        elif chosen not in (None, "", "auto"):
            assert chosen is not None
            names = _check_vendor_names((chosen,), f"option {option_name}")
            order_source = f"option {option_name}={chosen}"
        elif order:
            names = _check_vendor_names(order, order_name)
            order_source = order_name
        else:
            names = tuple(n for n in vendors.DEFAULT_ORDER if n in vendors.BY_NAME)
            order_source = "built-in order"
    else:
        names = (base,)
    return Request(
        name=low,
        generic=base if meaning.generic else None,
        interface=interface,
        vendors=names,
        features=frozenset(features),
        threading=threading,
        vendor_threading=tuple(vendor_threading),
        sdl=sdl,
        symbol_suffix=suffix,
        method=method,
        order_source=order_source,
        bench="bench" in flags or fastest,
        fastest=fastest,
        fortran_adapter="fortran-adapter" in flags,
    )
