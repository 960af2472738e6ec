"""The search policy, without Meson: order, restrictions, pairing, version, fastest, messages.

The lookups are a table of candidates per (method, vendor, interface) and the
verify function a table of outcomes per candidate label, so each policy rule
is checked on its own.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable

from mesonbuild_blas import names, records, vendors
from mesonbuild_blas.probes.interpret import Rejection
from mesonbuild_blas.request import ProjectOptions, Request, build_request
from mesonbuild_blas.result import BlasInfo, as_interface
from mesonbuild_blas.search import (
    Candidate,
    Found,
    Host,
    Note,
    NotFound,
    Timing,
    VersionRequirement,
    fastest,
    hint,
    needs_plain_names,
    search,
)

LINUX_X86 = Host("linux", "x86_64")


def info(vendor: str, interface: str = "lp64", version: str = "1.0", verified_by: str = "run") -> BlasInfo:
    return BlasInfo(vendor=vendor, interface=as_interface(interface), symbol_prefix="", symbol_suffix="",
                    fortran_symbol_dgemm="dgemm_", cblas_symbol_dgemm="", cblas=False, lapack=False,
                    lapacke=False, cblas_header="", fortran_abi="gfortran",
                    int_size=names.INT_SIZE[interface], threading="sequential", lapack_version="",
                    method="system", library=f"/lib/lib{vendor}.so",
                    verified_by="run" if verified_by == "run" else "link", version=version)


def cand(label: str, method: str = "system", version: str = "") -> Candidate:
    return Candidate(method, label, (), (f"-l{label}",), version)


class FakeLookups:
    def __init__(self, table: dict[tuple[str, str, str], list[Candidate | Note]], host: Host = LINUX_X86,
                 wheels: Iterable[tuple[str, str]] = (), lapack: dict[str, tuple[str, ...]] | None = None) -> None:
        self.table = table
        self.host = host
        self.wheels = set(wheels)
        self.lapack = lapack or {}
        self.asked: list[tuple[str, str, str]] = []

    def candidates(self, method: str, vendor: vendors.Vendor, request: Request) -> Iterable[Candidate | Note]:
        self.asked.append((method, vendor.name, request.interface))
        return list(self.table.get((method, vendor.name, request.interface), []))

    def lapack_link_args(self, partner: vendors.Vendor, interface: str) -> tuple[str, ...] | None:
        return self.lapack.get(partner.name)

    def wheel_installed(self, vendor: vendors.Vendor, interface: str) -> bool:
        return (vendor.name, interface) in self.wheels


class FakeVerify:
    """Outcomes by candidate label; everything else is rejected."""

    def __init__(self, outcomes: dict[str, BlasInfo | Rejection]) -> None:
        self.outcomes = outcomes
        self.verified: list[str] = []

    def __call__(self, vendor: vendors.Vendor, request: Request, cand: Candidate) -> BlasInfo | Rejection:
        self.verified.append(cand.label)
        outcome = self.outcomes.get(cand.label, Rejection(f"{cand.label} does not work"))
        if isinstance(outcome, BlasInfo) and cand.notes:
            outcome = records.replace(outcome, notes=cand.notes)
        return outcome


def req(name: str = "blas", modules: list[str] | None = None, **options: object) -> Request:
    return build_request(name, modules or [], ProjectOptions(**options))  # type: ignore[arg-type]


def test_search_imports_no_meson() -> None:
    code = "import mesonbuild_blas.search, mesonbuild_blas.verify, sys; assert 'mesonbuild' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_first_verified_candidate_in_vendor_order_wins() -> None:
    lookups = FakeLookups({
        ("pkg-config", "openblas", "lp64"): [cand("ob-pc", "pkg-config")],
        ("system", "openblas", "lp64"): [cand("ob-sys")],
        ("system", "netlib", "lp64"): [cand("ref")],
    })
    verify = FakeVerify({"ob-sys": info("openblas"), "ref": info("netlib")})
    found = search(req(blas_order=("openblas", "netlib")), lookups, verify)
    assert isinstance(found, Found)
    assert (found.vendor.name, found.candidate.label) == ("openblas", "ob-sys")
    assert verify.verified == ["ob-pc", "ob-sys"]  # netlib never needed


def test_builtin_order_restrictions_follow_the_host() -> None:
    table: dict[tuple[str, str, str], list[Candidate | Note]] = {
        ("python", "scipy-openblas", "lp64"): [cand("wheel", "python")],
        ("python", "mkl", "lp64"): [cand("mkl", "python")],
        ("pkg-config", "openblas", "lp64"): [cand("ob", "pkg-config")],
    }
    verify = FakeVerify({"wheel": info("scipy-openblas"), "mkl": info("mkl"), "ob": info("openblas")})
    # no wheel installed: scipy-openblas is skipped; x86-64: MKL comes next
    found = search(req(), FakeLookups(table), verify)
    assert isinstance(found, Found) and found.vendor.name == "mkl"
    # aarch64: MKL is not in the built-in order, OpenBLAS is
    found = search(req(), FakeLookups(table, Host("linux", "aarch64")), verify)
    assert isinstance(found, Found) and found.vendor.name == "openblas"
    # the wheel installed in the Python running Meson: its names are prefixed, so plain-named
    # libraries come first (generic requests are written for dgemm_) ...
    wheel = FakeLookups(table, Host("linux", "aarch64"), wheels=[("scipy-openblas", "lp64")])
    found = search(req(), wheel, verify)
    assert isinstance(found, Found) and found.vendor.name == "openblas"
    assert not needs_plain_names(req(), found)
    # ... and it is the last resort: its plain names are then generated (C and Fortran callers)
    alone = {k: v for k, v in table.items() if k[1] == "scipy-openblas"}
    found = search(req(), FakeLookups(alone, wheels=[("scipy-openblas", "lp64")]), verify)
    assert isinstance(found, Found) and found.vendor.name == "scipy-openblas"
    assert needs_plain_names(req(), found)
    # whichever order chose it: the call names no prefix
    ordered = req(blas_order=("scipy-openblas",))
    found = search(ordered, FakeLookups(alone, wheels=[("scipy-openblas", "lp64")]), verify)
    assert isinstance(found, Found) and needs_plain_names(ordered, found)
    # a call naming the vendor asks for its prefix
    named = req("scipy-openblas")
    found = search(named, FakeLookups(alone, wheels=[("scipy-openblas", "lp64")]), verify)
    assert isinstance(found, Found) and not needs_plain_names(named, found)
    # an explicit order is not restricted: MKL on aarch64 is tried when named
    lookups = FakeLookups(table, Host("linux", "aarch64"))
    found = search(req(blas_order=("mkl",)), lookups, verify)
    assert isinstance(found, Found) and found.vendor.name == "mkl"


def test_vendor_unavailable_on_this_system_is_explained() -> None:
    lookups = FakeLookups({("framework", "accelerate", "lp64"): [cand("acc", "framework")]})
    outcome = search(req("accelerate"), lookups, FakeVerify({"acc": info("accelerate")}))
    assert isinstance(outcome, NotFound)
    assert outcome.tried == ("accelerate (not available on linux: Accelerate is part of macOS (its NEWLAPACK "
                             "interfaces need macOS >= 13.3): not found)",)
    assert lookups.asked == []
    found = search(req("accelerate"), FakeLookups(lookups.table, Host("darwin", "aarch64")),
                   FakeVerify({"acc": info("accelerate")}))
    assert isinstance(found, Found)


def test_method_keyword_limits_the_lookups() -> None:
    lookups = FakeLookups({("system", "openblas", "lp64"): [cand("ob-sys")]})
    outcome = search(build_request("openblas", [], ProjectOptions(), "pkg-config"), lookups,
                     FakeVerify({"ob-sys": info("openblas")}))
    assert isinstance(outcome, NotFound)
    assert [a[0] for a in lookups.asked] == ["pkg-config"]
    outcome = search(build_request("openblas", [], ProjectOptions(), "framework"), lookups, FakeVerify({}))
    assert isinstance(outcome, NotFound)
    assert outcome.tried == ("openblas (openblas has no framework lookup; its methods: pkg-config, cmake, "
                             "system: not found)",)


def test_tried_lists_rejections_notes_and_what_was_looked_at() -> None:
    lookups = FakeLookups({
        ("pkg-config", "openblas", "ilp64"): [Note("pkg-config openblas64, openblas64_"),
                                             Note("pkg-config openblas64: broken .pc", unusable=True)],
        ("system", "openblas", "ilp64"): [Note("system libraries -lopenblas64"), cand("openblas64")],
    })
    logged: list[str] = []
    outcome = search(req("openblas", ["interface: ilp64"]), lookups,
                     FakeVerify({"openblas64": Rejection("dgemm_ uses 4-byte integers")}), log=logged.append)
    assert isinstance(outcome, NotFound)
    assert outcome.tried == ("pkg-config openblas64: broken .pc",
                             "openblas via openblas64: dgemm_ uses 4-byte integers")
    assert "rejected openblas via openblas64: dgemm_ uses 4-byte integers" in logged
    # a vendor without candidates says what was looked at
    outcome = search(req("blis", ["interface: ilp64"]), FakeLookups({
        ("pkg-config", "blis", "ilp64"): [Note("pkg-config blis64")],
        ("system", "blis", "ilp64"): [Note("system libraries -lblis64")]}), FakeVerify({}))
    assert isinstance(outcome, NotFound)
    assert outcome.tried == ("blis (pkg-config blis64; system libraries -lblis64: not found)",)
    assert outcome.summary() == "blis (pkg-config blis64; system libraries -lblis64: not found)"
    assert NotFound(outcome.request, ()).summary() == "nothing (no vendor applies)"


def test_blas_only_vendor_is_paired_with_a_lapack_from_the_order() -> None:
    lookups = FakeLookups({("system", "blis", "lp64"): [cand("blis")]},
                          lapack={"netlib": ("/usr/lib/lapack/liblapack.so",)})
    verify = FakeVerify({"blis + netlib LAPACK": info("blis"), "blis": Rejection("no lapack (dgesv_ missing)")})
    logged: list[str] = []
    found = search(req("blis", ["lapack"]), lookups, verify, log=logged.append)
    assert isinstance(found, Found)
    assert found.candidate.link_args == ("-lblis", "/usr/lib/lapack/liblapack.so")
    assert found.info.notes == ("LAPACK from netlib (/usr/lib/lapack/liblapack.so)",)
    assert any("paired with LAPACK from netlib" in line for line in logged)
    # BLAS alone needs no partner
    verify = FakeVerify({"blis": info("blis")})
    found = search(req("blis"), lookups, verify)
    assert isinstance(found, Found) and found.candidate.label == "blis"
    # no partner installed: the original rejection stands
    outcome = search(req("blis", ["lapack"]), FakeLookups(lookups.table), FakeVerify({}))
    assert isinstance(outcome, NotFound) and outcome.tried == ("blis via blis: blis does not work",)


def test_version_requirement_rejects_and_moves_on() -> None:
    lookups = FakeLookups({("system", "openblas", "lp64"): [cand("old"), cand("new")],
                           ("system", "netlib", "lp64"): [cand("unknown")]})
    verify = FakeVerify({"old": info("openblas", version="0.3.9"), "new": info("openblas", version="0.3.21"),
                         "unknown": info("netlib", version="")})
    at_least = VersionRequirement(">=0.3.20", lambda v: tuple(map(int, v.split("."))) >= (0, 3, 20))
    found = search(req(blas_order=("netlib", "openblas")), lookups, verify, version=at_least)
    assert isinstance(found, Found) and found.candidate.label == "new"
    outcome = search(req("netlib"), lookups, verify, version=at_least)
    assert isinstance(outcome, NotFound)
    assert outcome.tried == ("netlib via unknown: version unknown does not satisfy >=0.3.20",)


def test_suffix_option_is_named_in_rejections() -> None:
    lookups = FakeLookups({("system", "openblas", "ilp64"): [cand("ob")]})
    outcome = search(req("openblas", ["interface: ilp64"], symbol_suffix="_64"), lookups, FakeVerify({}))
    assert isinstance(outcome, NotFound)
    assert "symbol suffix '_64' given by the blas-symbol-suffix option" in outcome.tried[0]


def test_fastest_times_the_first_accepted_candidate_of_each_vendor() -> None:
    lookups = FakeLookups({("system", "netlib", "lp64"): [cand("ref")],
                           ("system", "blis", "lp64"): [cand("blis"), cand("blis2")],
                           ("system", "openblas", "lp64"): [cand("ob")]})
    verify = FakeVerify({"ref": info("netlib"), "blis": info("blis"), "blis2": info("blis"),
                         "ob": info("openblas", verified_by="link")})
    speeds = {"ref": (2.4, 2.5), "blis": (29.0, 30.0), "blis2": (99.0,), "ob": (500.0,)}
    timed: list[str] = []

    def time(c: Candidate, i: BlasInfo) -> Timing:
        timed.append(c.label)
        return Timing(records.replace(i, dgemm_gflops=max(speeds[c.label])), speeds[c.label])

    logged: list[str] = []
    found = search(req(blas_order=("fastest", "netlib", "blis", "openblas")), lookups, verify, time=time,
                   log=logged.append)
    assert isinstance(found, Found)
    # a link-only result is never timed (it would time another library): it cannot win
    assert (found.vendor.name, found.info.dgemm_gflops) == ("blis", 30.0)
    assert timed == ["ref", "blis"]
    assert ("fastest: netlib 2.5 GFLOP/s (2.4-2.5 in 2 calls), blis 30.0 GFLOP/s (29.0-30.0 in 2 calls), "
            "openblas ? GFLOP/s -> blis") in logged


def _found(vendor: str, *samples: float) -> Found:
    return Found(vendors.BY_NAME[vendor], cand(vendor), info(vendor), samples)


def test_fastest_decides_only_on_a_difference_beyond_the_noise() -> None:
    """A library later in the order wins only when all its calls beat all of an earlier one's (a quick look
    once picked BLIS 23.1 over scipy-openblas 20.8 GFLOP/s from one noisy timing each)."""
    logged: list[str] = []
    # overlapping timings: the order decides, and the log says why
    chosen = fastest([_found("openblas", 19.0, 20.8, 21.5), _found("blis", 20.1, 23.1, 22.0)], logged.append)
    assert chosen.vendor.name == "openblas"
    assert "blis is not faster than openblas beyond the noise (their timings overlap); keeping the order: " \
           "openblas" in logged[-1]
    # a real difference: every call faster
    chosen = fastest([_found("openblas", 19.0, 20.8), _found("blis", 25.0, 26.1)], logged.append)
    assert chosen.vendor.name == "blis" and logged[-1].endswith("-> blis")
    # an earlier library within the noise of the best is kept even when a middle one is slower
    chosen = fastest([_found("netlib", 2.0), _found("atlas", 29.0, 31.0), _found("blis", 30.0, 32.0)])
    assert chosen.vendor.name == "atlas"
    # nothing could be timed (no peak model, Accelerate's $ names ...): the order's first, said so
    chosen = fastest([_found("accelerate"), _found("openblas")], logged.append)
    assert chosen.vendor.name == "accelerate"
    assert logged[-1] == ("fastest: accelerate ? GFLOP/s, openblas ? GFLOP/s: nothing could be timed; keeping "
                          "the order's first, accelerate")


def test_bench_module_times_only_when_asked() -> None:
    lookups = FakeLookups({("system", "netlib", "lp64"): [cand("ref")]})
    verify = FakeVerify({"ref": info("netlib")})

    def time(c: Candidate, i: BlasInfo) -> Timing:
        return Timing(records.replace(i, dgemm_gflops=1.5), (1.5,))

    found = search(req("netlib"), lookups, verify, time=time)
    assert isinstance(found, Found) and found.info.dgemm_gflops is None
    found = search(req("netlib", ["bench"]), lookups, verify, time=time)
    assert isinstance(found, Found) and found.info.dgemm_gflops == 1.5


def test_hints_fit_the_case() -> None:
    empty = FakeLookups({})
    # nothing installed at all: install hints, and no "other interface" advice
    text = hint(req("mkl"), empty)
    assert text == "install one of: pip install mkl-devel"
    # the other interface is suggested only when a build of it is installed
    with_lp64 = FakeLookups({("pkg-config", "openblas", "lp64"): [cand("ob", "pkg-config")]})
    text = hint(build_request("openblas", ["interface: ilp64"], ProjectOptions(), "pkg-config"), with_lp64)
    assert text == ("install one of: apt-get install libopenblas64-dev; or drop the method: keyword to try every "
                    "lookup; or ask for interface: 'lp64' (an lp64 build is installed)")
    # a vendor without an ILP64 build: no install advice that cannot work
    text = hint(req("atlas", ["interface: ilp64"]), empty)
    assert text == "no ilp64 build of atlas exists: ask for another vendor"
