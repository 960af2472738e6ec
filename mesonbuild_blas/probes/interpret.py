"""Turn raw probe answers into facts, one function per question."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any, Literal

from .. import names, vendors
from ..naming import Scheme
from ..records import record
from ..result import BlasInfo, FeatureCheck, OpenmpRuntime, Source, as_interface
from . import STATIC, TIMEOUT_ENV, ProbeData

#: role → routine name, decorated with the Fortran rule
FORTRAN_ROLES = {"dgemm": "dgemm", "daxpy": "daxpy", "sdot": "sdot", "cdotc": "cdotc",
                 "ilaver": "ilaver", "dgesv": "dgesv"}
#: role → routine name, decorated with the C rule
C_ROLES = {"cblas_dgemm": "cblas_dgemm", "cblas_daxpy": "cblas_daxpy", "lapacke_dgesv": "LAPACKE_dgesv"}

CDOTC_EXPECTED = "70 -8"
SDOT_EXPECTED = "11"

#: threading runtimes: file-name stem of a shared object loaded into the probe →
#: (the threading layer it means, the OpenMP runtime it is or ""); wheels rename
#: them libgomp-<hash>.so.1, MinGW calls it libgomp-1.dll; Windows' Intel runtimes
#: are libiomp5md.dll and tbb12.dll
THREADING_RUNTIMES: tuple[tuple[str, str, OpenmpRuntime | Literal[""]], ...] = (
    ("libgomp", "openmp", "gomp"), ("libiomp5", "openmp", "iomp5"), ("libiomp5md", "openmp", "iomp5"),
    ("libomp", "openmp", "omp"), ("libtbb", "tbb", ""), ("tbb12", "tbb", ""))


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


@record
class Rejection:
    reason: str


WIDTH_NAMES = {"4": "4-byte integers (LP64)", "8": "8-byte integers (ILP64)"}

#: feature → (probe test, its integer-width results, probe role, routine name, C or Fortran rule)
FEATURE_TESTS: dict[str, tuple[str, tuple[str, ...], str, str, str]] = {
    "cblas": ("cblas_dgemm", ("cblas_int_width",), "cblas_dgemm", "cblas_dgemm", "c"),
    "lapack": ("dgesv", ("lapack_int_width", "dgesv_int_width"), "dgesv", "dgesv", "fortran"),
    "lapacke": ("lapacke_dgesv", ("lapacke_int_width",), "lapacke_dgesv", "LAPACKE_dgesv", "c"),
}
#: what each test computes, for messages
TEST_WHAT = {"dgemm": "a 2x2 product", "cblas_dgemm": "a 2x2 product", "dgesv": "a 2x2 linear system",
             "lapacke_dgesv": "a 2x2 linear system", "sdot": "a single-precision dot product",
             "cdotc": "a complex dot product"}


def _width_name(width: str) -> str:
    return WIDTH_NAMES.get(width, f"an undetermined integer width ({width})")


def describe(outcome: str | None) -> str:
    """A probe answer that is not a value, in words ("" for a value)."""
    if outcome is None:
        return "was not tested"
    kind, _, detail = outcome.partition(":")
    if kind == "timeout":
        seconds = int(detail) / 1000 if detail.isdigit() else 0
        return (f"did not return within {seconds:g} s (killed; raise {TIMEOUT_ENV} if the library is only "
                f"slow)")
    if kind == "crash":  # a signal number (POSIX) or an exception code 0x... (Windows)
        return f"crashed (exception {detail})" if detail.startswith("0x") else f"crashed (signal {detail})"
    if kind == "noanswer":
        return f"ended the probe without an answer (exit status {detail})"
    if kind == "error":
        return f"could not be run ({detail})"
    return ""


def _failed(outcome: str | None) -> bool:
    """A timeout or crash: the routine is not usable (a silent exit is only unverified)."""
    return outcome is not None and outcome.split(":", 1)[0] in ("timeout", "crash")


def choose_scheme(
    interface: str, schemes: tuple[Scheme, ...], data: ProbeData, features: frozenset[str] = frozenset()
) -> tuple[int, Scheme] | Rejection:
    """The first spelling whose dgemm exists with the requested integer width and that
    spells every requested feature (else the first with that width).

    Two suffixes can share the Fortran names (``64_`` and ``_64`` both give
    ``dgemm_64_``) and differ only in the C names (``cblas_dgemm64_`` / ``cblas_dgemm_64``).
    """
    want = str(names.INT_SIZE[interface])
    mismatches = []
    matching = [i for i in range(len(schemes)) if data.found(scheme_id(i), "dgemm")
                and data.result(scheme_id(i), "int_width") == want]
    complete = [i for i in matching if all(data.found(scheme_id(i), FEATURE_TESTS[f][2]) for f in features)]
    if matching:
        best = (complete or matching)[0]
        return best, schemes[best]
    for i, scheme in enumerate(schemes):
        sid = scheme_id(i)
        if not data.found(sid, "dgemm"):
            continue
        width = data.result(sid, "int_width") or "?"
        problem = describe(width) if ":" in width else ""
        if problem:
            mismatches.append(f"{scheme.fortran('daxpy')} (the integer-width test) {problem}")
        else:
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
    real_as_double = sdot_f != SDOT_EXPECTED and sdot_d == SDOT_EXPECTED
    if regs == CDOTC_EXPECTED and hidden != CDOTC_EXPECTED and not real_as_double:
        return "gfortran"
    if hidden == CDOTC_EXPECTED and regs != CDOTC_EXPECTED:
        return "g77"
    return "unverified"


def _number(value: str | None) -> str:
    return value if value is not None and re.fullmatch(r"-?[0-9.e+-]+", value) else ""


def wrong_results(data: ProbeData, sid: str, scheme: Scheme) -> str:
    """Why the library computes wrong results ("" when every answer it gave is right).

    Only answers count: a convention that crashes or gives no answer is not evidence.
    """
    if data.result(sid, "dgemm") == "wrong":
        return f"{scheme.fortran('dgemm')} computed a wrong result for {TEST_WHAT['dgemm']}"
    sdots = [v for k in ("sdot_float", "sdot_double") if (v := _number(data.result(sid, k)))]
    if sdots and SDOT_EXPECTED not in sdots:
        return f"{scheme.fortran('sdot')} computed a wrong result for {TEST_WHAT['sdot']}"
    cdots = [c for k in ("cdotc_registers", "cdotc_hidden") if (c := data.result(sid, k)) and ":" not in c]
    if cdots and CDOTC_EXPECTED not in cdots:
        return f"{scheme.fortran('cdotc')} computed a wrong result for {TEST_WHAT['cdotc']}"
    for _feature_name, (test, _widths, _role, name, rule) in FEATURE_TESTS.items():
        outcome = data.result(sid, test)
        if outcome == "wrong" or (outcome is not None and outcome.startswith("timeout")):
            symbol = scheme.c(name) if rule == "c" else scheme.fortran(name)
            if outcome == "wrong":
                return f"{symbol} computed a wrong result for {TEST_WHAT[test]}"
            return f"{symbol} {describe(outcome)}"
    return ""


def feature_check(data: ProbeData, sid: str, feature: str, want: str, symbol: str) -> tuple[FeatureCheck, str]:
    """("run" | "unverified" | "", note) for a CBLAS/LAPACK/LAPACKE feature.

    "run": it computed the right answer and every integer-width observation is
    the requested width; "unverified": it is there but an answer or its width
    could not be observed; "": absent or unusable (the note says why).
    """
    test, width_keys, role, _name, _rule = FEATURE_TESTS[feature]
    if not data.found(sid, role):
        return "", ""
    outcome = data.result(sid, test)
    if outcome != "ok":
        problem = describe(outcome) or f"gave {outcome}"
        if outcome is None or _failed(outcome) or outcome == "wrong":
            return "", f"{symbol} {problem}"
        return "unverified", f"{feature} unverified: {symbol} {problem}"
    widths = [w for key in width_keys if (w := data.result(sid, key)) is not None]
    wrong = [w for w in widths if w in WIDTH_NAMES and w != want]
    if wrong:
        return "", f"{symbol} uses {_width_name(wrong[0])}"
    unseen = [w for w in widths if w not in WIDTH_NAMES]
    if not widths or unseen:
        why = describe(unseen[0]) if unseen and describe(unseen[0]) else "could not be observed on this machine"
        return "unverified", f"{feature} unverified: the integer width of {symbol} {why}"
    return "run", ""


def threading_layer(vendor: vendors.Vendor, data: ProbeData, sid: str) -> str:
    """The threading layer the library reports through its info calls ('' if none)."""
    for key, value, layer in vendor.threading_rules:
        if _info(data, sid, key) == value:
            return layer
    return ""


def _runtimes(data: ProbeData) -> list[tuple[str, OpenmpRuntime | Literal[""], str]]:
    """(threading layer, OpenMP runtime or "", file) of each threading runtime loaded into the probe."""
    out: list[tuple[str, OpenmpRuntime | Literal[""], str]] = []
    for file in data.loaded:
        base = os.path.basename(file).lower()
        for stem, layer, openmp in THREADING_RUNTIMES:
            if _runtime_file(base, stem.lower()):
                out.append((layer, openmp, file))
    return out


def _runtime_file(base: str, stem: str) -> bool:
    """``base`` (lower case) is ``stem``, maybe a wheel's ``-<hex>`` tag, then an extension: ``libgomp.so.1``,
    ``libgomp-a34b3233.so.1.0.0`` (plain string tests: six patterns compiled per configure cost 3 ms)."""
    if not base.startswith(stem):
        return False
    rest = base[len(stem):]
    if rest.startswith("-"):
        tag, dot, _ext = rest[1:].partition(".")
        return bool(tag and dot) and all(c in "0123456789abcdef" for c in tag)
    return rest.startswith(".")


def loaded_runtime(data: ProbeData) -> tuple[str, str]:
    """(threading layer, file) of a threading runtime loaded into the probe, or ("", "")."""
    found = _runtimes(data)
    return (found[0][0], found[0][2]) if found else ("", "")


def openmp_runtime(data: ProbeData) -> tuple[OpenmpRuntime, str]:
    """(OpenMP runtime, its file) the library brought into the probe process.

    ``none`` when the probe listed what was loaded and no OpenMP runtime was
    among it; ``unknown`` when it could not list (no loaded-object list on this
    platform, or a statically linked runtime it cannot see).
    """
    for _layer, openmp, file in _runtimes(data):
        if openmp:
            return openmp, file
    return ("none", "") if data.loaded else ("unknown", "")


def version_source(method: str) -> Source:
    """Where a lookup's own version comes from."""
    if method == "pkg-config":
        return "pkg-config"
    if method == "cmake":
        return "cmake"
    if method == "python":
        return "package"
    return "name"


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
    chosen = choose_scheme(interface, schemes, data, features)
    if isinstance(chosen, Rejection):
        return chosen
    index, scheme = chosen
    sid = scheme_id(index)
    want = str(names.INT_SIZE[interface])
    dgemm = data.result(sid, "dgemm")
    if dgemm != "ok":
        problem = describe(dgemm) if dgemm != "wrong" else ""
        return Rejection(f"{scheme.fortran('dgemm')} (a 2x2 product) {problem or 'computed a wrong result'}")
    wrong = wrong_results(data, sid, scheme)
    if wrong:
        return Rejection(f"{wrong}: a library that computes wrong results is not used")

    found_notes: list[str] = []
    has: dict[str, bool] = {}
    checks: dict[str, FeatureCheck] = {}
    for feature, (_test, _widths, _role, name, rule) in FEATURE_TESTS.items():
        symbol = scheme.c(name) if rule == "c" else scheme.fortran(name)
        check, note = feature_check(data, sid, feature, want, symbol)
        checks[feature] = check
        has[feature] = check != ""
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
    source: Source = version_source(method) if version else ""
    if vendor.version_from is not None:
        key, pattern = vendor.version_from
        text = data.result(sid, "ilaver") if key == "ilaver" else _info(data, sid, key)
        match = re.search(pattern, text or "")
        if match:
            version = match.group(1)
            source = "probe"

    threading_source: Source = "probe"
    threading = threading_layer(vendor, data, sid)
    if not threading:
        threading, runtime = loaded_runtime(data)
        if threading and link_threading and link_threading != threading:
            found_notes.append(f"linked as {link_threading} but {runtime} is loaded: threading {threading}")
    if not threading:
        threading, threading_source = (link_threading, "name") if link_threading else ("unknown", "")

    ilaver = data.result(sid, "ilaver") or ""
    library = data.file_of(sid, "dgemm")
    if library == STATIC:  # linked into the program: name the archive the linker took dgemm from
        symbol = data.symbols.get((sid, "dgemm"), ("", False, ""))[0]
        library = data.archives.get(symbol, "")
        if library:
            found_notes.append(f"statically linked: {symbol} from {library} (the linker's trace)")
        else:
            library = next((f for f in linked if f.endswith(".a")), "")
            found_notes.append(f"statically linked; which archive defines {symbol or 'dgemm'} could not be "
                               f"traced: library names the first archive of the link line")
    elif library:
        library = os.path.realpath(library)
        if linked and library not in linked:
            found_notes.append(f"linked against {', '.join(linked)} but dgemm runs from {library} "
                               f"(a same-named library wins at run time)")
    runtime, runtime_file = openmp_runtime(data)
    return _blas_info(vendor, interface, scheme, has, cblas_header,
                      fortran_abi=fortran_abi(data, sid),
                      openmp_runtime=runtime,
                      openmp_runtime_file=runtime_file,
                      threading=threading,
                      threading_source=threading_source,
                      version_source=source,
                      cblas_verified_by=checks["cblas"],
                      lapack_verified_by=checks["lapack"],
                      lapacke_verified_by=checks["lapacke"],
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
        int_size=names.INT_SIZE[interface],
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
    linked_check: dict[bool, FeatureCheck] = {True: "link", False: ""}
    missing = sorted(f for f in features if not has[f])
    if missing:
        return Rejection(f"no {', '.join(missing)} (link test failed)")
    return _blas_info(vendor, interface, chosen, has, cblas_header,
                      fortran_abi="unverified",
                      threading=link_threading or "unknown",
                      threading_source="name" if link_threading else "",
                      version_source=version_source(method) if version else "",
                      cblas_verified_by=linked_check[has["cblas"]],
                      lapack_verified_by=linked_check[has["lapack"]],
                      lapacke_verified_by=linked_check[has["lapacke"]],
                      lapack_version="",
                      method=method,
                      library=linked[0] if linked else "",
                      verified_by="link",
                      version=version,
                      int_size_verified_by="assumed",
                      notes=(*notes, f"host binaries cannot run: symbols proved by linking, {interface} integer width "
                             f"assumed from the lookup, Fortran ABI unverified",))
