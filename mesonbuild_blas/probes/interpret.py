"""Turn raw probe answers into facts, one function per question."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import vendors
from ..naming import Scheme
from ..result import BlasInfo, as_interface
from . import STATIC, ProbeData

#: role → routine name, decorated with the Fortran rule
FORTRAN_ROLES = {"dgemm": "dgemm", "daxpy": "daxpy", "sdot": "sdot", "cdotc": "cdotc",
                 "ilaver": "ilaver", "dgesv": "dgesv"}
#: role → routine name, decorated with the C rule
C_ROLES = {"cblas_dgemm": "cblas_dgemm", "cblas_daxpy": "cblas_daxpy", "lapacke_dgesv": "LAPACKE_dgesv"}

CDOTC_EXPECTED = "70 -8"


def scheme_id(index: int) -> str:
    return f"s{index}"


def probe_input(vendor: vendors.Vendor, schemes: tuple[Scheme, ...]) -> str:
    """The stdin of the probe: one "<scheme> <role> <symbol>" line per spelling."""
    lines = []
    for i, scheme in enumerate(schemes):
        sid = scheme_id(i)
        lines += [f"{sid} {role} {scheme.fortran(name)}" for role, name in FORTRAN_ROLES.items()]
        lines += [f"{sid} {role} {scheme.c(name)}" for role, name in C_ROLES.items()]
        lines += [f"{sid} info.{call.kind}.{call.key} {scheme.c(call.symbol)}" for call in vendor.info]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Rejection:
    reason: str


WIDTH_NAMES = {"4": "4-byte integers (LP64)", "8": "8-byte integers (ILP64)"}

#: feature → (probe test, its integer-width result, probe role, routine name, C or Fortran rule)
FEATURE_TESTS = {
    "cblas": ("cblas_dgemm", "cblas_int_width", "cblas_dgemm", "cblas_dgemm", "c"),
    "lapack": ("dgesv", "lapack_int_width", "dgesv", "dgesv", "fortran"),
    "lapacke": ("lapacke_dgesv", "lapacke_int_width", "lapacke_dgesv", "LAPACKE_dgesv", "c"),
}


def _width_name(width: str) -> str:
    return WIDTH_NAMES.get(width, f"an undetermined integer width ({width})")


def choose_scheme(
    interface: str, schemes: tuple[Scheme, ...], data: ProbeData
) -> tuple[int, Scheme] | Rejection:
    """The first spelling whose dgemm exists and whose integer width is the requested one."""
    want = str(vendors.INT_SIZE[interface])
    mismatches = []
    for i, scheme in enumerate(schemes):
        sid = scheme_id(i)
        if not data.found(sid, "dgemm"):
            continue
        width = data.result(sid, "int_width") or "?"
        if width == want:
            return i, scheme
        mismatches.append(f"{scheme.fortran('dgemm')} uses {_width_name(width)}")
    if mismatches:
        ran = sorted({f if f == STATIC else os.path.realpath(f) for i in range(len(schemes))
                      if (f := data.file_of(scheme_id(i), "dgemm"))})
        return Rejection(f"{'; '.join(mismatches)} but {interface} was requested (ran {', '.join(ran)})")
    tried = ", ".join(s.fortran("dgemm") for s in schemes)
    return Rejection(f"none of the symbols {tried} is defined")


def fortran_abi(data: ProbeData, sid: str) -> str:
    """gfortran (complex results in registers) or g77 (through a hidden argument)."""
    sdot_f = data.result(sid, "sdot_float")
    sdot_d = data.result(sid, "sdot_double")
    regs = data.result(sid, "cdotc_registers")
    hidden = data.result(sid, "cdotc_hidden")
    real_as_double = sdot_f != "11" and sdot_d == "11"
    if regs == CDOTC_EXPECTED and hidden != CDOTC_EXPECTED and not real_as_double:
        return "gfortran"
    if hidden == CDOTC_EXPECTED and regs != CDOTC_EXPECTED:
        return "g77"
    return "unverified"


def _feature(data: ProbeData, sid: str, test: str, width_key: str, want: str) -> tuple[bool, str]:
    """(present, note) for a CBLAS/LAPACK/LAPACKE test."""
    outcome = data.result(sid, test)
    if outcome is None:
        return False, ""
    if outcome != "ok":
        return False, f"{test} gave {outcome}"
    width = data.result(sid, width_key)
    if width is not None and width != want:
        return False, f"{test} uses {_width_name(width)}"
    return True, ""


def threading_layer(vendor: vendors.Vendor, data: ProbeData, sid: str) -> str:
    """The threading layer the library reports through its info calls ('' if none)."""
    for key, value, layer in vendor.threading_rules:
        if _info(data, sid, key) == value:
            return layer
    return ""


def _info(data: ProbeData, sid: str, key: str) -> str | None:
    return data.result(sid, f"info.{key}")


def interpret(
    vendor: vendors.Vendor,
    interface: str,
    features: frozenset[str],
    schemes: tuple[Scheme, ...],
    data: ProbeData,
    *,
    method: str,
    fallback_version: str = "",
    cblas_header: str = "",
    link_threading: str = "",
    linked: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> BlasInfo | Rejection:
    """Facts about a candidate from its probe run, or why it is rejected.

    ``link_threading`` is the layer implied by how it was linked (a threading
    variant's library); the library's own answer wins when it has one.
    ``linked`` are the library files the link line names (real paths): the
    archive that served a statically linked ``dgemm`` is reported from them,
    and a run that took ``dgemm`` from another file is noted.  ``notes`` are
    facts about the candidate carried into the result.
    """
    chosen = choose_scheme(interface, schemes, data)
    if isinstance(chosen, Rejection):
        return chosen
    index, scheme = chosen
    sid = scheme_id(index)
    want = str(vendors.INT_SIZE[interface])
    if data.result(sid, "dgemm") != "ok":
        return Rejection(f"{scheme.fortran('dgemm')} gave {data.result(sid, 'dgemm') or 'no answer'} for a 2x2 product")

    found_notes: list[str] = []
    has = {}
    for feature, (test, width_key, _role, _name, _rule) in FEATURE_TESTS.items():
        present, note = _feature(data, sid, test, width_key, want)
        has[feature] = present
        if note:
            found_notes.append(note)
    missing = sorted(f for f in features if not has[f])
    if missing:
        details = []
        for feature in missing:
            _test, _width, role, name, rule = FEATURE_TESTS[feature]
            symbol = scheme.c(name) if rule == "c" else scheme.fortran(name)
            state = "not usable" if data.found(sid, role) else "missing"
            details.append(f"{feature} ({symbol} {state})")
        return Rejection(f"no {', '.join(details)}" + (f"; {'; '.join(found_notes)}" if found_notes else ""))

    version = fallback_version
    if vendor.version_from is not None:
        key, pattern = vendor.version_from
        text = data.result(sid, "ilaver") if key == "ilaver" else _info(data, sid, key)
        match = re.search(pattern, text or "")
        if match:
            version = match.group(1)

    threading = threading_layer(vendor, data, sid) or link_threading or "unknown"

    ilaver = data.result(sid, "ilaver") or ""
    library = data.file_of(sid, "dgemm")
    if library == STATIC:  # linked into the program: name the archive that provided it
        library = next((f for f in linked if f.endswith(".a")), "")
        found_notes.append("statically linked")
    elif library:
        library = os.path.realpath(library)
        if linked and library not in linked:
            found_notes.append(f"linked against {', '.join(linked)} but dgemm runs from {library} "
                               f"(a same-named library wins at run time)")
    return _blas_info(vendor, interface, scheme, has, cblas_header,
                      fortran_abi=fortran_abi(data, sid),
                      threading=threading,
                      lapack_version=ilaver if has["lapack"] else "",
                      method=method,
                      library=library,
                      verified_by="run",
                      version=version,
                      int_size_verified_by="run",
                      notes=(*notes, *found_notes))


def _blas_info(vendor: vendors.Vendor, interface: str, scheme: Scheme, has: dict[str, bool], cblas_header: str,
               **facts: Any) -> BlasInfo:
    """A BlasInfo with the naming and feature fields every verification derives the same way."""
    return BlasInfo(
        vendor=vendor.name,
        interface=as_interface(interface),
        symbol_prefix=scheme.prefix,
        symbol_suffix=scheme.suffix,
        fortran_symbol_dgemm=scheme.fortran("dgemm"),
        cblas_symbol_dgemm=scheme.c("cblas_dgemm") if has["cblas"] else "",
        cblas=has["cblas"],
        lapack=has["lapack"],
        lapacke=has["lapacke"],
        cblas_header=cblas_header if has["cblas"] else "",
        int_size=vendors.INT_SIZE[interface],
        **facts,
    )


def interpret_linked(
    vendor: vendors.Vendor,
    interface: str,
    features: frozenset[str],
    schemes: tuple[Scheme, ...],
    links: Callable[[list[str]], bool],
    *,
    method: str,
    version: str = "",
    cblas_header: str = "",
    link_threading: str = "",
    linked: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> BlasInfo | Rejection:
    """Link-only verification (host binaries cannot run).

    Spellings are proved by linking; the integer width is *assumed* from the
    lookup (the vendor entry's names for the requested interface), the Fortran
    ABI and threading are reported as unverified/unknown.
    """
    chosen = next((s for s in schemes if links([s.fortran("dgemm")])), None)
    if chosen is None:
        tried = ", ".join(s.fortran("dgemm") for s in schemes)
        return Rejection(f"none of the symbols {tried} links")
    has = {}
    for feature, (_test, _width, _role, name, rule) in FEATURE_TESTS.items():
        symbol = chosen.c(name) if rule == "c" else chosen.fortran(name)
        has[feature] = links([symbol])
    missing = sorted(f for f in features if not has[f])
    if missing:
        return Rejection(f"no {', '.join(missing)} (link test failed)")
    return _blas_info(vendor, interface, chosen, has, cblas_header,
                      fortran_abi="unverified",
                      threading=link_threading or "unknown",
                      lapack_version="",
                      method=method,
                      library=linked[0] if linked else "",
                      verified_by="link",
                      version=version,
                      int_size_verified_by="assumed",
                      notes=(*notes, f"host binaries cannot run: symbols proved by linking, {interface} integer width "
                             f"assumed from the lookup, Fortran ABI unverified",))
