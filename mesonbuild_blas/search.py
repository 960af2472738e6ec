"""The search: which vendors to try, in which order, and which candidate wins.

This is the central step of every ``dependency()`` lookup, and it knows
nothing of Meson.  It takes a :class:`~mesonbuild_blas.request.Request`, a
:class:`Lookups` object that yields :class:`Candidate` s and :class:`Note` s
per vendor and lookup method (``meson/lookups.py`` implements it on Meson's
own pkg-config/CMake/compiler machinery; tests implement it with plain
lists), and a verify function (``verify.py``: the probes).  It returns
:class:`Found` or :class:`NotFound` with every rejection reason, in order.

Policy decided here and nowhere else: the vendor order and its platform
restrictions, the lookup methods per vendor, pairing a BLAS-only vendor with
a stand-alone LAPACK, the ``version:`` requirement, picking the fastest
library (``-Dblas=fastest``), and the hints of a failed search.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from . import vendors
from .names import ILP64, LP64
from .probes.interpret import Rejection
from .records import field, record, replace
from .request import Request
from .result import BlasInfo
from .testing import framework_fixture_dir


@record
class Candidate:
    """One way to link a vendor's library, found by one lookup."""

    method: str  #: pkg-config, cmake, framework, system, python
    label: str  #: what was looked up, for logs ("pkg-config openblas64")
    compile_args: tuple[str, ...]
    link_args: tuple[str, ...]
    version: str = ""  #: the lookup's own version (pkg-config Version, wheel version)
    threading: str = ""  #: threading layer implied by the link line (a variant's .pc, a library name)
    notes: tuple[str, ...] = ()  #: facts about how it was assembled, carried into the result
    #: its library files live in a Python package (a wheel), possibly in a temporary build
    #: environment: consumers link them through the build directory, so that no installed
    #: artifact keeps a run path into the package
    from_wheel: bool = False
    #: lookup-specific handle for variable pass-through (the pkg-config dependency); never compared
    handle: object = field(default=None, compare=False, repr=False)


@record
class Note:
    """What a lookup looked at (``unusable=False``), or found and could not use (``True``)."""

    text: str
    unusable: bool = False


@record
class Host:
    """The machine the dependency is for (Meson's ``host_machine``)."""

    system: str
    cpu_family: str


class Lookups(Protocol):
    """Where candidates come from: one implementation per build system (Meson), and the tests'."""

    host: Host

    def candidates(self, method: str, vendor: vendors.Vendor, request: Request) -> Iterable[Candidate | Note]:
        """Candidates of ``vendor`` found by one lookup ``method``, and notes on what it looked at."""
        ...

    def lapack_link_args(self, partner: vendors.Vendor, interface: str) -> tuple[str, ...] | None:
        """Link arguments of ``partner``'s stand-alone LAPACK library, or None when it is not installed."""
        ...

    def wheel_installed(self, vendor: vendors.Vendor, interface: str) -> bool:
        """Whether a wheel of ``vendor`` for ``interface`` is installed in the Python running the build."""
        ...


#: verifies one candidate (the probes): its facts, or why it is rejected
Verify = Callable[[vendors.Vendor, Request, Candidate], "BlasInfo | Rejection"]
@record
class Timing:
    """dgemm of an accepted candidate, measured: ``info`` with ``dgemm_gflops`` (the best) set, and the
    GFLOP/s of every timed call (empty when it could not be timed)."""

    info: BlasInfo
    samples: tuple[float, ...] = ()


#: measures dgemm of an accepted candidate
Time = Callable[[Candidate, BlasInfo], Timing]


@record
class Found:
    vendor: vendors.Vendor
    candidate: Candidate
    info: BlasInfo
    samples: tuple[float, ...] = ()  #: GFLOP/s of each timed dgemm call (``fastest``, ``bench``)


@record
class NotFound:
    request: Request
    tried: tuple[str, ...]  #: one line per rejected candidate or vendor without candidates

    def summary(self) -> str:
        return "; ".join(self.tried) or "nothing (no vendor applies)"


@record
class VersionRequirement:
    """``version:`` of the dependency call: a predicate plus its text, for messages."""

    text: str
    satisfied: Callable[[str], bool]


def _noop(_message: str) -> None:
    pass


def in_builtin_order(vendor: vendors.Vendor, request: Request, lookups: Lookups) -> bool:
    """Whether the built-in order includes ``vendor`` on this host (platform, CPU, installed wheel)."""
    host = lookups.host
    if vendor.auto_systems and host.system not in vendor.auto_systems:
        return False
    if vendor.auto_cpu_families and host.cpu_family not in vendor.auto_cpu_families:
        return False
    return not (vendor.auto_needs_wheel and not lookups.wheel_installed(vendor, request.interface))


def methods_for(vendor: vendors.Vendor, request: Request) -> tuple[str, ...]:
    """The vendor's lookup methods the request allows, in the vendor's order."""
    if request.method == "auto":
        return vendor.methods
    return tuple(m for m in vendor.methods if m == request.method)


def vendor_candidates(vendor: vendors.Vendor, request: Request, lookups: Lookups) -> Iterable[Candidate | Note]:
    """Every candidate (and note) of one vendor, method by method."""
    if vendor.systems and lookups.host.system not in vendor.systems and not (
            vendor.frameworks and framework_fixture_dir()):  # test-only switch: framework fixtures
        yield Note(f"not available on {lookups.host.system}: {vendor.systems_reason}")
        return
    for method in methods_for(vendor, request):
        yield from lookups.candidates(method, vendor, request)


def _with_lapack_partner(vendor: vendors.Vendor, request: Request, cand: Candidate, lookups: Lookups,
                         verify: Verify, log: Callable[[str], None]) -> tuple[Candidate, BlasInfo] | None:
    """A BLAS-only candidate plus a stand-alone LAPACK from the search order, verified together."""
    order = list(request.vendors) + [n for n in vendors.DEFAULT_ORDER if n not in request.vendors]
    for name in order:
        partner = vendors.BY_NAME.get(name)
        if partner is None or not partner.lapack_libraries.get(request.interface):
            continue
        lapack = lookups.lapack_link_args(partner, request.interface)
        if lapack is None:
            continue
        note = f"LAPACK from {partner.name} ({', '.join(lapack)})"
        paired = replace(cand, label=f"{cand.label} + {partner.name} LAPACK",
                                     link_args=(*cand.link_args, *lapack), notes=(*cand.notes, note))
        outcome = verify(vendor, request, paired)
        if isinstance(outcome, Rejection):
            log(f"rejected {vendor.name} via {paired.label}: {outcome.reason}")
            continue
        log(f"{vendor.name} has no LAPACK: paired with {note}")
        return paired, outcome
    return None


def search(request: Request, lookups: Lookups, verify: Verify, *,
           version: VersionRequirement | None = None, time: Time | None = None,
           log: Callable[[str], None] = _noop, debug: Callable[[str], None] = _noop) -> Found | NotFound:
    """Try the request's vendors in order; the first verified candidate wins (or the fastest)."""
    builtin = request.generic is not None and request.order_source.startswith("built-in order")
    tried: list[str] = []
    accepted: list[Found] = []
    for vendor_name in request.vendors:
        vendor = vendors.BY_NAME[vendor_name]  # build_request only returns known vendors
        if builtin and not in_builtin_order(vendor, request, lookups):
            debug(f"{vendor.name} is not in the built-in order on this machine")
            continue
        looked_at: list[str] = []
        found_any = False
        for item in vendor_candidates(vendor, request, lookups):
            if isinstance(item, Note):
                if item.unusable:
                    log(item.text)
                    tried.append(item.text)
                else:
                    looked_at.append(item.text)
                continue
            found_any = True
            found = _try(vendor, request, item, lookups, verify, version, log, tried)
            if found is None:
                continue
            if request.fastest:
                accepted.append(found)
                break  # the first accepted candidate of each vendor competes
            return _timed(request, found, time)
        if not found_any:
            looked = "; ".join(dict.fromkeys(looked_at)) or (
                f"no {request.interface} build of {vendor.name} is known" if request.method == "auto"
                else f"{vendor.name} has no {request.method} lookup; its methods: {', '.join(vendor.methods)}")
            tried.append(f"{vendor.name} ({looked}: not found)")
    if accepted:
        timed = [_timed(request, f, time) for f in accepted]
        # a generic request is written for the plain names: a prefixed library only when nothing else is
        pool = [f for f in timed if not (builtin and f.vendor.prefixed)] or timed
        return fastest(pool, log)
    return NotFound(request, tuple(tried))


def _speed(found: Found) -> str:
    if not found.samples:
        return f"{found.vendor.name} ? GFLOP/s"
    low, high = min(found.samples), max(found.samples)
    spread = f" ({low:.1f}-{high:.1f} in {len(found.samples)} calls)" if len(found.samples) > 1 else ""
    return f"{found.vendor.name} {high:.1f} GFLOP/s{spread}"


def fastest(candidates: list[Found], log: Callable[[str], None] = _noop) -> Found:
    """The fastest of ``candidates`` (in the order's order) -- only on a real difference.

    A library wins over one earlier in the order only when every timed call of it was faster than every
    call of the earlier one; when their timings overlap, the difference is within this machine's noise
    and the order decides. When nothing could be timed, the order's first is kept, and the log says so.
    """
    summary = ", ".join(_speed(f) for f in candidates)
    measured = [f for f in candidates if f.samples]
    if not measured:
        log(f"fastest: {summary}: nothing could be timed; keeping the order's first, {candidates[0].vendor.name}")
        return candidates[0]
    best = max(measured, key=lambda f: max(f.samples))
    for earlier in measured:
        if earlier is best:
            break
        if max(earlier.samples) >= min(best.samples):
            log(f"fastest: {summary}: {best.vendor.name} is not faster than {earlier.vendor.name} beyond the noise "
                f"(their timings overlap); keeping the order: {earlier.vendor.name}")
            return earlier
    log(f"fastest: {summary} -> {best.vendor.name}")
    return best


def needs_plain_names(request: Request, found: Found) -> bool:
    """Whether code written for the plain names needs them generated for what was found: a generic request
    (``blas``, ``lapack``, ...) answered by a vendor whose every name carries a prefix — whichever order
    chose it, the call names no prefix (a call naming the vendor asks for its prefix)."""
    return request.generic is not None and found.vendor.prefixed


def _try(vendor: vendors.Vendor, request: Request, cand: Candidate, lookups: Lookups, verify: Verify,
         version: VersionRequirement | None, log: Callable[[str], None], tried: list[str]) -> Found | None:
    """Verify one candidate (paired with a LAPACK when it lacks one); None when rejected."""
    outcome = verify(vendor, request, cand)
    if isinstance(outcome, Rejection) and vendor.blas_only and "lapack" in request.features:
        log(f"{vendor.name} via {cand.label}: no LAPACK of its own ({outcome.reason}); looking for a partner")
        paired = _with_lapack_partner(vendor, request, cand, lookups, verify, log)
        if paired is not None:
            cand, outcome = paired
    if not isinstance(outcome, Rejection) and version is not None:
        found_version = outcome.version or cand.version
        if not found_version or not version.satisfied(found_version):
            outcome = Rejection(f"version {found_version or 'unknown'} does not satisfy {version.text}")
    if isinstance(outcome, Rejection) and request.symbol_suffix is not None:
        outcome = Rejection(f"{outcome.reason} (symbol suffix {request.symbol_suffix!r} given by "
                            f"the blas-symbol-suffix option; 'auto' detects it)")
    if isinstance(outcome, Rejection):
        what = f"{vendor.name} via {cand.label}"
        tried.append(f"{what}: {outcome.reason}")
        log(f"rejected {what}: {outcome.reason}")
        return None
    return Found(vendor, cand, outcome)


def _timed(request: Request, found: Found, time: Time | None) -> Found:
    if time is None or not request.bench or found.info.verified_by != "run":
        return found
    timing = time(found.candidate, found.info)
    return replace(found, info=timing.info, samples=timing.samples)


def hint(request: Request, lookups: Lookups) -> str:
    """What to do when nothing was found, fitted to the case.

    Suggests installing only what exists for the requested interface, and the
    other interface only when a candidate for it is actually installed.
    """
    wanted = [vendors.BY_NAME[n] for n in request.vendors if n in vendors.BY_NAME]
    installs = list(dict.fromkeys(h for v in wanted if (h := v.install_hint.get(request.interface, ""))))
    parts: list[str] = []
    if installs:
        parts.append(f"install one of: {'; '.join(installs)}")
    else:
        names = ", ".join(v.name for v in wanted) or request.name
        parts.append(f"no {request.interface} build of {names} exists: ask for another vendor")
    if request.method != "auto":
        parts.append("drop the method: keyword to try every lookup")
    other = LP64 if request.interface == ILP64 else ILP64
    other_request = replace(request, interface=other, symbol_suffix=None)
    if any(isinstance(item, Candidate) for v in wanted for item in vendor_candidates(v, other_request, lookups)):
        parts.append(f"ask for interface: '{other}' (an {other} build is installed)")
    return "; or ".join(parts)


__all__ = ["Candidate", "Found", "Host", "Lookups", "NotFound", "Note", "Timing", "VersionRequirement", "fastest",
           "hint", "needs_plain_names", "search"]
