"""Unit tests of the pure-Python layers (no Meson run)."""

from __future__ import annotations

import pytest

from mesonbuild_blas import names, vendors
from mesonbuild_blas.errors import BlasError
from mesonbuild_blas.naming import Scheme, is_identifier_fragment
from mesonbuild_blas.records import replace
from mesonbuild_blas.request import ProjectOptions, build_request, split_modules


@pytest.mark.parametrize(
    ("prefix", "suffix", "fortran", "cblas"),
    [
        ("", "", "dgemm_", "cblas_dgemm"),
        ("scipy_", "", "scipy_dgemm_", "scipy_cblas_dgemm"),
        ("scipy_", "64_", "scipy_dgemm_64_", "scipy_cblas_dgemm64_"),
        ("", "_64", "dgemm_64_", "cblas_dgemm_64"),
    ],
)
def test_scheme_spellings(prefix: str, suffix: str, fortran: str, cblas: str) -> None:
    scheme = Scheme(prefix, suffix)
    assert scheme.fortran("dgemm") == fortran
    assert scheme.c("cblas_dgemm") == cblas


@pytest.mark.parametrize(("text", "ok"), [("64_", True), ("", True), ("_64", True), ("x;rm -rf", False),
                                          ("a b", False), ("ä", False),
                                          # a trailing newline would split a #define in blas_mangling.h
                                          ("64_\n", False), ("\n", False)])
def test_identifier_fragments(text: str, ok: bool) -> None:
    assert is_identifier_fragment(text) is ok


def test_numpy_fork_modules_spelling() -> None:
    keyed, flags = split_modules(["interface: ilp64", "cblas", "lapack", "threading: seq", "sdl: false"])
    assert keyed == {"interface": "ilp64", "threading": "seq", "sdl": "false"}
    assert flags == {"cblas", "lapack"}


@pytest.mark.parametrize("bad", [["interface: lp64", "interface: ilp64"], ["bogus"], ["colour: red"]])
def test_bad_modules(bad: list[str]) -> None:
    with pytest.raises(BlasError):
        split_modules(bad)


def test_interface_is_asked_for_or_carried_by_the_name_else_lp64() -> None:
    assert build_request("blas", [], ProjectOptions()).interface == "lp64"
    assert build_request("blas", ["interface: ilp64"], ProjectOptions()).interface == "ilp64"
    # names that carry an interface
    for name, interface, vendor in [("scipy-openblas64", "ilp64", "scipy-openblas"),
                                    ("scipy-openblas32", "lp64", "scipy-openblas"),
                                    ("openblas64", "ilp64", "openblas"), ("openblas_ilp64", "ilp64", "openblas"),
                                    ("OpenBLAS64", "ilp64", "openblas")]:
        request = build_request(name, [], ProjectOptions())
        assert (request.interface, request.vendors, request.generic) == (interface, (vendor,), None)
        assert request.dependency_name(vendor) == name.lower()  # dep.name() is the name asked for
    for name, generic in [("blas64", "blas"), ("lapack64", "lapack"), ("cblas64", "cblas"),
                          ("lapacke64", "lapacke")]:
        request = build_request(name, [], ProjectOptions())
        assert (request.interface, request.generic) == ("ilp64", generic)
        assert request.features == (frozenset({generic}) if generic != "blas" else frozenset())
        assert request.dependency_name("openblas") == "openblas"
    assert build_request("OpenBLAS", [], ProjectOptions()).dependency_name("openblas") == "openblas"
    with pytest.raises(BlasError, match="'scipy-openblas64' is ilp64 by its name, but interface 'lp64'"):
        build_request("scipy-openblas64", ["interface: lp64"], ProjectOptions())
    assert build_request("openblas64", ["interface: ilp64"], ProjectOptions()).interface == "ilp64"


def test_symbol_suffix_option_applies_to_ilp64_lookups_only() -> None:
    options = ProjectOptions(symbol_suffix="64_")
    assert build_request("openblas", ["interface: ilp64"], options).symbol_suffix == "64_"
    assert build_request("openblas", [], options).symbol_suffix is None


def test_generic_names_require_features() -> None:
    assert build_request("lapack", [], ProjectOptions()).features == frozenset({"lapack"})
    assert build_request("cblas", ["lapacke"], ProjectOptions()).features == frozenset({"cblas", "lapacke"})


def test_vendor_order_sources() -> None:
    default = build_request("blas", [], ProjectOptions())
    assert set(default.vendors) <= set(vendors.BY_NAME)
    # the order chooses a library, never the names: every plain-named vendor before a prefixed one
    prefixed = [vendors.BY_NAME[n].prefixed for n in default.vendors]
    assert prefixed == sorted(prefixed) and prefixed[-1] and not prefixed[0], default.vendors
    assert default.order_source == "built-in order"
    chosen = build_request("blas", [], ProjectOptions(blas="OpenBLAS"))
    assert chosen.vendors == ("openblas",)
    assert chosen.order_source == "option blas=OpenBLAS"
    ordered = build_request("blas", [], ProjectOptions(blas_order=("openblas", "scipy-openblas")))
    assert ordered.vendors == ("openblas", "scipy-openblas")
    # a packager's order (machine file / environment) applies where the project sets none ...
    packaged = ProjectOptions(packager_order=("OpenBLAS", "netlib"), packager_source="environment variable X")
    assert build_request("lapack", [], packaged).vendors == ("openblas", "netlib")
    assert build_request("blas", [], packaged).order_source == "environment variable X"
    with pytest.raises(BlasError, match="environment variable X: unknown BLAS vendor 'nosuch'"):
        build_request("blas", [], replace(packaged, packager_order=("nosuch",)))
    fastest = build_request("blas", [], replace(packaged, packager_order=("fastest", "blis")))
    assert fastest.fastest and fastest.vendors == ("blis",)
    # ... and the project's options win over it
    assert build_request("blas", [], replace(packaged, blas="blis")).vendors == ("blis",)
    assert build_request("blas", [], replace(packaged, blas_order=("atlas",))).vendors == ("atlas",)
    # the dependency name wins over the options
    assert build_request("openblas", [], ProjectOptions(blas="scipy-openblas")).vendors == ("openblas",)


@pytest.mark.parametrize(
    "options",
    [ProjectOptions(blas="nosuchblas"), ProjectOptions(blas_order=("openblas", "nosuchblas")),
     ProjectOptions(symbol_suffix="x;rm -rf")],
)
def test_bad_options(options: ProjectOptions) -> None:
    with pytest.raises(BlasError):
        build_request("blas", [], options)


def test_every_vendor_entry_is_consistent() -> None:
    for vendor in vendors.VENDORS:
        assert vendor.methods, vendor.name
        for interface in vendor.pkgconfig:
            assert interface in names.INTERFACES
        for wheel in vendor.wheels:
            assert wheel.interface in names.INTERFACES
        for prefix in vendor.prefixes:
            assert is_identifier_fragment(prefix)
        for suffixes in vendor.suffixes.values():
            # '$' included (Accelerate's $NEWLAPACK): GCC, Clang and MSVC accept it in identifiers
            assert all(is_identifier_fragment(s) for s in suffixes)
        for pc_names in vendor.pkgconfig.values():
            for entry in pc_names:
                uses_threading = "{threading}" in entry
                assert uses_threading == bool(vendor.threadings), (vendor.name, entry)


def test_every_design_vendor_has_an_entry() -> None:
    design = {"openblas", "scipy-openblas", "mkl", "blis", "atlas", "netlib", "flexiblas", "accelerate",
              "armpl", "aocl", "nvpl"}
    assert set(vendors.BY_NAME) == design
    assert set(names.ALL_NAMES) == design | {"blas", "lapack", "cblas", "lapacke", "veclib", "reference"} | {
        "blas64", "lapack64", "cblas64", "lapacke64", "openblas64", "openblas64_", "openblas_ilp64",
        "scipy-openblas32", "scipy-openblas64"} | set(names.VARIANT_NAMES)
    req = build_request("blas", [], ProjectOptions(blas_order=("MKL", "openblas")))
    assert req.vendors == ("mkl", "openblas")
    # numpy/SciPy: -Dblas=blas means the generic system libblas, i.e. the reference implementation
    assert build_request("blas", [], ProjectOptions(blas="blas")).vendors == ("netlib",)
    # and -Dlapack=lapack the generic system liblapack (SciPy's docs: -Dblas=blas -Dlapack=lapack)
    assert build_request("lapack", [], ProjectOptions(lapack="lapack")).vendors == ("netlib",)
    assert build_request("lapack", [], ProjectOptions()).generic == "lapack"  # the name stays generic


def test_sdl_with_ilp64_is_an_error() -> None:
    with pytest.raises(BlasError, match="sdl"):
        build_request("mkl", ["sdl: true", "interface: ilp64"], ProjectOptions())


def test_threading_spellings() -> None:
    assert build_request("mkl", ["threading: iomp"], ProjectOptions()).threading_layer("mkl") == "openmp"
    request = build_request("blas", [], ProjectOptions(vendor_threading=(("mkl-threading", "seq"),)))
    assert request.threading_layer("mkl") == "sequential"
    assert request.threading_layer("openblas") is None  # mkl-threading applies to MKL lookups only
    with pytest.raises(BlasError):
        build_request("mkl", ["threading: fast"], ProjectOptions())


def test_vendor_variant_names_are_dependency_names() -> None:
    """MKL's own pkg-config names mean MKL with that interface, threading layer, linkage or sdl."""
    assert names.resolve_name("mkl-dynamic-ilp64-seq") == names.DependencyName("mkl", False, "ilp64")
    assert names.implied_modules("MKL-Static-LP64-IOMP") == (("threading: iomp",), True)
    assert names.implied_modules("mkl-sdl") == (("sdl: true",), False)
    assert names.implied_modules("openblas64") == ((), False)
    request = build_request("mkl-dynamic-lp64-gomp", ["threading: gomp", "interface: lp64"], ProjectOptions())
    assert (request.vendors, request.interface, request.threading) == (("mkl",), "lp64", "gomp")
    assert request.dependency_name("mkl") == "mkl-dynamic-lp64-gomp"  # dep.name(): what the project asked for
    assert set(vendors.BY_NAME["mkl"].variant_names()) == {
        f"mkl-{linkage}-{i}-{t}" for linkage in ("dynamic", "static") for i in ("lp64", "ilp64")
        for t in ("iomp", "seq", "gomp", "tbb")} | {"mkl-sdl"}
