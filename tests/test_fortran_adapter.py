"""The Fortran adapter without Meson: plans from real library exports, generated C built with the real C
compiler and proven by its self-test, against small libraries with conventions gfortran does not emit
(``tests/fixtures/fortran/fake_conventions.c``: f2c-style prefixed names, g77-style same names).

The real libraries (MKL's g77 ABI, scipy-openblas prefixes/suffixes) are covered by ``test_projects.py``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from mesonbuild_blas.fortran import AdapterError, build_adapter, open_library, plan_adapter, render_adapter
from mesonbuild_blas.fortran.attach import attach_adapter
from mesonbuild_blas.fortran.conventions import COMPILERS, GFORTRAN, LIBRARY_ABIS, Convention
from mesonbuild_blas.fortran.functions import ABI_FUNCTIONS, BY_NAME
from mesonbuild_blas.naming import Scheme
from mesonbuild_blas.probes import Toolchain
from mesonbuild_blas.request import ProjectOptions, build_request
from mesonbuild_blas.result import BlasInfo

FAKE = ROOT / "tests" / "fixtures" / "fortran" / "fake_conventions.c"
TOOLCHAIN = Toolchain(cc=("cc",), identity="test")


def fake_library(where: Path, *defines: str) -> Path:
    lib = where / "libfake.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", str(lib), str(FAKE), *[f"-D{d}" for d in defines]],
                   check=True)
    return lib


def build(plan_scheme: Scheme, library: Convention, lib: Path, tmp_path: Path) -> tuple[object, object]:
    libraries = [open_library(str(lib))]
    plan = plan_adapter(plan_scheme, library, GFORTRAN, libraries)
    built = build_adapter(plan, plan_scheme, libraries, 4, TOOLCHAIN, [], [str(lib), f"-Wl,-rpath,{lib.parent}"],
                          tmp_path / "out")
    return plan, built


def test_f2c_prefixed_library_gets_names_and_abi(tmp_path: Path) -> None:
    """Prefixed names and f2c results (complex hidden, REAL as double): trampolines plus wrappers, proven."""
    lib = fake_library(tmp_path, "F2C_PREFIXED")
    plan, built = build(Scheme("fk_", ""), LIBRARY_ABIS["f2c"], lib, tmp_path)
    assert plan.kind == "names+abi"  # type: ignore[attr-defined]
    assert {t.symbol: t.target for t in plan.trampolines} == {"dgemm_": "fk_dgemm_"}  # type: ignore[attr-defined]
    assert sorted((w.function.name, w.symbol, w.target) for w in plan.wrappers) == [  # type: ignore[attr-defined]
        ("cdotc", "cdotc_", "fk_cdotc_"), ("sdot", "sdot_", "fk_sdot_"), ("zdotu", "zdotu_", "fk_zdotu_")]
    assert built.verified_by == "run"  # type: ignore[attr-defined]
    assert built.checked == ("dgemm", "sdot", "cdotc", "zdotu")  # type: ignore[attr-defined]


def test_without_the_adapter_the_self_test_fails(tmp_path: Path) -> None:
    """The self-test can fail: claiming the f2c library were gfortran-like leaves sdot/cdotc unadapted."""
    lib = fake_library(tmp_path, "F2C_PREFIXED")
    with pytest.raises(AdapterError, match=r"self-test failed: wrong sdot"):
        build(Scheme("fk_", ""), GFORTRAN, lib, tmp_path)


def test_same_name_g77_library_reaches_functions_through_their_aliases(tmp_path: Path) -> None:
    """The library exports zdotu_ (hidden result) and zdotu at the same address: the adapter defines
    zdotu_ and calls zdotu."""
    lib = fake_library(tmp_path, "G77_SAME_NAME", "WITH_ALIASES")
    plan, built = build(Scheme(), LIBRARY_ABIS["g77"], lib, tmp_path)
    assert plan.kind == "abi"  # type: ignore[attr-defined]
    assert sorted((w.symbol, w.target) for w in plan.wrappers) == [  # type: ignore[attr-defined]
        ("cdotc_", "cdotc"), ("zdotu_", "zdotu")]
    assert plan.unadapted == ()  # type: ignore[attr-defined]
    assert built.checked == ("dgemm", "sdot", "cdotc", "zdotu")  # type: ignore[attr-defined]
    assert 'MB_HIDDEN double _Complex mb_adapt' in render_adapter(plan)  # type: ignore[arg-type]


def _info(**kw: object) -> BlasInfo:
    values: dict[str, object] = dict(
        vendor="netlib", interface="lp64", symbol_prefix="", symbol_suffix="", fortran_symbol_dgemm="dgemm_",
        cblas_symbol_dgemm="", cblas=False, lapack=False, lapacke=False, cblas_header="", fortran_abi="g77",
        int_size=4, threading="sequential", lapack_version="", method="system", library="", verified_by="run",
        version="1")
    values.update(kw)
    return BlasInfo(**values)  # type: ignore[arg-type]


def test_same_name_without_alias_is_a_warning_naming_the_functions(tmp_path: Path) -> None:
    lib = fake_library(tmp_path, "G77_SAME_NAME")
    attached = attach_adapter(_info(library=str(lib)), "gcc", TOOLCHAIN, [], [str(lib), f"-Wl,-rpath,{tmp_path}"],
                              tmp_path / "out")
    assert attached.info.fortran_adapter == "none"
    assert len(attached.warnings) == 1
    assert "exports cdotc, zdotu only under the name Fortran code calls" in attached.warnings[0]


def test_attach_sets_the_variable_and_the_header_view(tmp_path: Path) -> None:
    lib = fake_library(tmp_path, "G77_SAME_NAME", "WITH_ALIASES")
    attached = attach_adapter(_info(library=str(lib)), "gcc", TOOLCHAIN, [], [str(lib), f"-Wl,-rpath,{tmp_path}"],
                              tmp_path / "out")
    assert attached.warnings == ()
    assert attached.info.fortran_adapter == "abi" and attached.info.fortran_abi == "g77"
    assert attached.info.variables()["fortran_adapter"] == "abi"
    assert "fortran adapter abi" in attached.info.log_summary()
    assert BlasInfo.from_json(attached.info.to_json()) == attached.info
    # C code in consumers reaches the adapter's zdotu_ (gfortran convention): the header says so
    assert attached.header_info is not None and attached.header_info.fortran_abi == "gfortran"
    assert attached.link_args and Path(attached.link_args[0]).is_file()
    # a wiped scratch dir: the picklable build description makes it again
    Path(attached.link_args[0]).unlink()
    Path(attached.link_args[0]).parent.joinpath("proven.json").unlink()
    assert attached.build is not None and attached.build.build().object == Path(attached.link_args[0])


def test_unknown_compiler_and_unverified_abi_warn(tmp_path: Path) -> None:
    attached = attach_adapter(_info(), "sun", TOOLCHAIN, [], [], tmp_path)
    assert attached.info.fortran_adapter == "none" and "Fortran compiler 'sun'" in attached.warnings[0]
    attached = attach_adapter(_info(fortran_abi="unverified"), "gcc", TOOLCHAIN, [], [], tmp_path)
    assert attached.info.fortran_adapter == "none"
    assert "may return garbage" in attached.warnings[0] and "zdotc" in attached.warnings[0]


def test_nothing_to_adapt_is_silent(tmp_path: Path) -> None:
    attached = attach_adapter(_info(fortran_abi="gfortran"), "gcc", TOOLCHAIN, [], [], tmp_path)
    assert (attached.info.fortran_adapter, attached.warnings, attached.link_args) == ("none", (), ())


def test_abi_table() -> None:
    assert len(BY_NAME) == len(ABI_FUNCTIONS)
    assert {f.name for f in ABI_FUNCTIONS if f.result_class == "complex"} == {
        "cdotc", "cdotu", "zdotc", "zdotu", "cladiv", "zladiv"}
    assert BY_NAME["slange"].strings == 1 and BY_NAME["slantr"].strings == 3
    assert COMPILERS["gcc"].symbol("dgemm") == "dgemm_"
    assert COMPILERS["intel-cl"].symbol("dgemm") == "DGEMM"


def test_wrapper_forwards_string_lengths() -> None:
    from mesonbuild_blas.fortran.adapter import AdapterPlan, Wrapper
    plan = AdapterPlan(GFORTRAN, LIBRARY_ABIS["f2c"], names=True,
                       wrappers=(Wrapper(BY_NAME["slange"], "slange_", "fk_slange_"),))
    text = render_adapter(plan)
    assert "float mb_adapt0(void *a0, void *a1, void *a2, void *a3, void *a4, void *a5, size_t l0)" in text
    assert "double r = mb_lib0(a0, a1, a2, a3, a4, a5, l0);" in text


def test_fortran_adapter_module_flag() -> None:
    assert build_request("blas", ["fortran-adapter"], ProjectOptions()).fortran_adapter
    request = build_request("blas", ["cblas"], ProjectOptions())
    assert not request.fortran_adapter and request.features == frozenset({"cblas"})


def _files(where: Path, *names: str) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    for name in names:
        (where / name).write_bytes(b"")
    return where


def test_gf_layer_swaps_the_interface_library_next_to_the_found_one(tmp_path: Path) -> None:
    from mesonbuild_blas.fortran.layers import layer_candidate
    from mesonbuild_blas.search import Candidate
    from mesonbuild_blas.vendors import BY_NAME as VENDORS

    lib = _files(tmp_path / "lib", "libmkl_intel_lp64.so.3", "libmkl_gf_lp64.so.3", "libmkl_core.so.3")
    cand = Candidate("pkg-config", "pkg-config mkl-dynamic-lp64-seq", (),
                     (f"-L{lib}", f"{lib}/libmkl_intel_lp64.so.3", f"{lib}/libmkl_core.so.3", "-lpthread"))
    choice = layer_candidate(VENDORS["mkl"], cand, "g77", "gfortran", [])
    assert choice.candidate is not None and choice.layer is not None
    assert choice.candidate.link_args == (f"-L{lib}", f"{lib}/libmkl_gf_lp64.so.3", f"{lib}/libmkl_core.so.3",
                                          "-lpthread")
    assert choice.note == f"mkl_gf_lp64 ({lib}/libmkl_gf_lp64.so.3)"
    # -l spellings: the layer's file must be in a -L or default directory
    by_name = Candidate("system", "mkl", (), (f"-L{lib}", "-lmkl_intel_lp64"))
    assert layer_candidate(VENDORS["mkl"], by_name, "g77", "gfortran", []).candidate is None  # no libmkl_gf_lp64.so
    _files(lib, "libmkl_gf_lp64.so")
    swapped = layer_candidate(VENDORS["mkl"], by_name, "g77", "gfortran", []).candidate
    assert swapped is not None and swapped.link_args == (f"-L{lib}", "-lmkl_gf_lp64")


def test_no_gf_layer_is_a_note_and_matching_conventions_need_none(tmp_path: Path) -> None:
    from mesonbuild_blas.fortran.layers import layer_candidate
    from mesonbuild_blas.search import Candidate
    from mesonbuild_blas.vendors import BY_NAME as VENDORS

    lib = _files(tmp_path / "lib", "libmkl_intel_ilp64.so.3")  # the mkl 2026.2.0 wheel: no gf layers
    cand = Candidate("python", "mkl", (), (f"{lib}/libmkl_intel_ilp64.so.3",))
    choice = layer_candidate(VENDORS["mkl"], cand, "g77", "gfortran", [])
    assert choice.candidate is None and choice.note == "mkl ships no mkl_gf_ilp64 layer next to its mkl_intel_ilp64 " \
                                                       "(for gfortran callers)"
    assert layer_candidate(VENDORS["mkl"], cand, "gfortran", "gfortran", []) == layer_candidate(
        VENDORS["openblas"], cand, "g77", "gfortran", [])
    assert layer_candidate(VENDORS["mkl"], cand, "gfortran", "gfortran", []).note == ""
    # Intel Fortran consumers (hidden results) already match the intel layers: nothing swapped
    assert layer_candidate(VENDORS["mkl"], cand, "g77", "g77", []).candidate is None


def test_renaming_gives_a_prefixed_library_its_plain_names(tmp_path: Path) -> None:
    """The scipy-openblas64 wheel's library: every scipy_ name also plain (suffix kept), the library's
    XERBLA hook found, the layer built and proven by its self-test (dgemm and xerbla through it)."""
    from mesonbuild_blas.fortran.adapter import plan_renaming
    from mesonbuild_blas.vendors import BY_NAME as VENDORS
    from mesonbuild_blas.wheels import installed_wheels

    (wheel,) = installed_wheels(VENDORS["scipy-openblas"], "ilp64", "linux")
    libraries = [open_library(wheel.link)]
    scheme = Scheme("scipy_", "64_")
    plan = plan_renaming(scheme, GFORTRAN, libraries, VENDORS["scipy-openblas"].xerbla_hooks)
    renamed = {t.symbol: t.target for t in plan.trampolines}
    assert renamed["dgemm_64_"] == "scipy_dgemm_64_" and renamed["cblas_ddot64_"] == "scipy_cblas_ddot64_"
    assert renamed["LAPACKE_dgesv64_"] == "scipy_LAPACKE_dgesv64_"
    assert plan.routines()["dgemm"] == "dgemm_64_"  # what the self-test calls
    assert plan.xerbla_hook == "scipy_openblas_set_xerbla64_"
    built = build_adapter(plan, scheme, libraries, 8, TOOLCHAIN, [],
                          [wheel.link, f"-Wl,-rpath,{Path(wheel.link).parent}"], tmp_path / "out")
    assert built.verified_by == "run" and {"dgemm", "xerbla"} <= set(built.checked), built
    # a small prefixed library: every fk_ name gets its plain name; a prefix nothing has is an error
    lib = fake_library(tmp_path, "F2C_PREFIXED")
    fake = plan_renaming(Scheme("fk_", ""), GFORTRAN, [open_library(str(lib))])
    assert {t.target for t in fake.trampolines} == {f"fk_{t.symbol}" for t in fake.trampolines}
    assert "dgemm_" in {t.symbol for t in fake.trampolines} and not fake.xerbla_hook
    with pytest.raises(AdapterError, match="starts with nosuch_"):
        plan_renaming(Scheme("nosuch_", ""), GFORTRAN, [open_library(str(lib))])
