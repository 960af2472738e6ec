"""records.record: what the package relies on from dataclasses, without their import-time code generation."""

from __future__ import annotations

import copy
import pickle
from typing import ClassVar

import pytest

from mesonbuild_blas import records, vendors
from mesonbuild_blas.records import FrozenRecordError, field, fields, record, replace
from mesonbuild_blas.result import BlasInfo


@record
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default=())
    handle: object = field(default=None, compare=False, repr=False)
    scale: ClassVar[int] = 10


@record(frozen=False)
class Bag:
    items: list[int] = field(default_factory=list)


@record(eq=False, repr=False)
class Identity:
    name: str


def test_construction_defaults_and_errors() -> None:
    assert (Point(1).x, Point(1).y, Point(1).tags) == (1, 0, ())
    assert Point(1, 2) == Point(x=1, y=2)
    assert [f.name for f in fields(Point)] == ["x", "y", "tags", "handle"]  # the ClassVar is no field
    with pytest.raises(TypeError, match="missing required argument: 'x'"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        Point(1, z=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values for argument 'x'"):
        Point(1, x=2)  # type: ignore[misc]
    with pytest.raises(TypeError, match="takes 4 positional arguments but 5"):
        Point(1, 2, (), None, 5)  # type: ignore[call-arg]


def test_value_equality_hash_and_repr() -> None:
    assert Point(1, handle=object()) == Point(1, handle="other")  # compare=False
    assert Point(1) != Point(2) and Point(1) != (1, 0, (), None)
    assert hash(Point(1, handle=1)) == hash(Point(1, handle=2))
    assert len({Point(1), Point(1), Point(2)}) == 2
    assert repr(Point(1, 2, ("a",))) == "Point(x=1, y=2, tags=('a',))"  # repr=False hides handle
    a, b = Identity("x"), Identity("x")
    assert a != b and a == a and hash(a) != hash(b)  # eq=False: identity


def test_frozen_and_mutable() -> None:
    p = Point(1)
    with pytest.raises(FrozenRecordError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(FrozenRecordError):
        del p.x  # type: ignore[misc]
    bag, other = Bag(), Bag()
    bag.items.append(1)
    assert other.items == []  # a fresh default per instance
    bag.items = [2]
    assert bag == Bag([2])
    with pytest.raises(TypeError):
        hash(bag)  # mutable records are unhashable, like dataclasses


def test_bad_declarations_fail_at_class_creation() -> None:
    with pytest.raises(ValueError, match="mutable default list"):
        @record
        class Bad:
            items: list[int] = []  # noqa: RUF012

    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        @record
        class Order:
            a: int = 0
            b: int  # type: ignore[misc]


def test_replace_pickle_and_copy_keep_values() -> None:
    p = Point(1, 2, ("t",))
    assert replace(p, y=5) == Point(1, 5, ("t",))
    assert p.y == 2
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        replace(p, nope=1)
    assert pickle.loads(pickle.dumps(p)) == p
    assert copy.deepcopy(p) == p
    with pytest.raises(TypeError, match="not a record"):
        fields(object())


def test_package_records_behave_as_before() -> None:
    info = BlasInfo.from_json({**_minimal_info(), "notes": ["n"]})
    assert pickle.loads(pickle.dumps(info)) == info  # the build directory pickles results
    assert BlasInfo.from_json(info.to_json()) == info
    openblas = vendors.BY_NAME["openblas"]
    changed = replace(openblas, description="x")
    assert changed != openblas and changed.description == "x" and changed.name == openblas.name  # identity
    assert records.fields(openblas)[0].name == "name"


def test_json_fields_with_literal_types_accept_exactly_their_values() -> None:
    """The Literal types are spelled as strings (no typing machinery at import); a JSON record is still
    checked against each one's values."""
    from mesonbuild_blas.result import ResultError, literal_choices

    assert literal_choices("Interface") == ("lp64", "ilp64")
    assert literal_choices("FeatureCheck") == ("run", "link", "unverified", "")
    assert BlasInfo.from_json({**_minimal_info(), "interface": "ilp64"}).interface == "ilp64"
    with pytest.raises(ResultError, match="interface is 'lp32', not one of lp64, ilp64"):
        BlasInfo.from_json({**_minimal_info(), "interface": "lp32"})
    with pytest.raises(ResultError, match="threading_source is 'guess', not one of probe, pkg-config"):
        BlasInfo.from_json({**_minimal_info(), "threading_source": "guess"})
    with pytest.raises(ValueError, match="not a Literal type"):
        literal_choices("MANGLING_HEADER")
    for name in ("interface", "fortran_abi", "verified_by", "int_size_verified_by", "method", "fortran_adapter",
                 "openmp_runtime", "cblas_verified_by", "lapack_verified_by", "lapacke_verified_by",
                 "threading_source", "version_source"):  # every Literal-typed field is checked
        with pytest.raises(ResultError, match=f"{name} is 'bogus', not one of"):
            BlasInfo.from_json({**_minimal_info(), name: "bogus"})


def _minimal_info() -> dict[str, object]:
    return {"vendor": "openblas", "interface": "lp64", "symbol_prefix": "", "symbol_suffix": "",
            "fortran_symbol_dgemm": "dgemm_", "cblas_symbol_dgemm": "cblas_dgemm", "cblas": True,
            "lapack": True, "lapacke": False, "cblas_header": "cblas.h", "fortran_abi": "gfortran",
            "int_size": 4, "threading": "pthreads", "lapack_version": "3.11.0", "method": "pkg-config",
            "library": "/usr/lib/libopenblas.so", "verified_by": "run", "version": "0.3.21"}


def test_classvars_are_not_fields_without_postponed_annotations() -> None:
    namespace: dict[str, object] = {"ClassVar": ClassVar, "record": record}
    exec("@record\nclass Live:\n    x: int\n    scale: ClassVar[int] = 2\n", namespace)  # real annotations
    live = namespace["Live"]
    assert [f.name for f in fields(live)] == ["x"]

