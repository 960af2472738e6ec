"""Typed value records without code generation at import time.

The package's facts (vendor entries, requests, results) are small immutable
records.  :mod:`dataclasses` builds each class's ``__init__``/``__eq__``/
``__hash__``/``__repr__``/``__setattr__`` by compiling generated source when the
module is imported: about 0.5 ms per class on Python 3.10-3.12, which made
loading a build directory (``meson setup --reconfigure``) measurably slower
than stock Meson (docs/performance.md).  :func:`record` gives the same
behaviour, for the features the package uses, with methods shared by all
records; type checkers see a dataclass (:pep:`681`).

Measured (``benchmarks/configure_work.py``, instructions of the configuring
Python process, 2026-12-08): with :mod:`dataclasses` in its place (and the vendor
names read from the vendor table instead of ``names.py``'s generated index), a
reconfigure cost 1.0972 of stock Meson's instructions and a warm configure
1.1327; with this module, 1.0145 and 1.0082. The reconfigure budget is 1.05
(docs/performance.md), so this module stays.

Supported: fields declared by annotation, defaults, :func:`field` with
``default``/``default_factory``/``compare``/``repr``, ``frozen`` (default True),
``eq`` and ``repr`` switches, positional or keyword construction, value
equality and hashing of frozen records, :func:`replace` and :func:`fields`.
Not supported (not used): inheritance between records, ``__post_init__``,
``InitVar``, ordering, slots.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, overload

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_kwargs: object) -> Callable[[Any], Any]:
        return lambda decorated: decorated

T = TypeVar("T")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: a field without a default
MISSING: Any = _Missing()


class FrozenRecordError(AttributeError):
    """Assignment to a field of a frozen record."""


class Field:
    """One field of a record (what :func:`fields` returns)."""

    __slots__ = ("compare", "default", "default_factory", "name", "repr")

    def __init__(self, default: Any = MISSING, default_factory: Any = MISSING, compare: bool = True,
                 repr: bool = True) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr

    @property
    def required(self) -> bool:
        return self.default is MISSING and self.default_factory is MISSING

    def __repr__(self) -> str:
        return f"Field({self.name!r})"


def field(*, default: Any = MISSING, default_factory: Callable[[], Any] | Any = MISSING, compare: bool = True,
          repr: bool = True) -> Any:
    """A field's options, as :func:`dataclasses.field` takes them."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, compare, repr)


@overload
def record(cls: type[T], /) -> type[T]: ...
@overload
def record(*, frozen: bool = True, eq: bool = True, repr: bool = True) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(cls: type[T] | None = None, /, *, frozen: bool = True, eq: bool = True,
           repr: bool = True) -> type[T] | Callable[[type[T]], type[T]]:
    """Make ``cls`` a record (see the module docstring)."""

    def build(cls: type[T]) -> type[T]:
        _build(cls, frozen, eq, repr)
        return cls

    return build if cls is None else build(cls)


def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):  # ``from __future__ import annotations``
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or getattr(annotation, "__origin__", None) is ClassVar


def _build(cls: type[Any], frozen: bool, eq: bool, with_repr: bool) -> None:
    # one pass over the fields, collecting what the shared methods need: every configure creates
    # a dozen record classes (a reconfigure included), some with forty fields
    specs: list[Field] = []
    defaults: dict[str, object] = {}
    factories: list[tuple[str, Any]] = []
    compare: list[str] = []
    namespace = cls.__dict__
    after_default = False
    for name, annotation in namespace.get("__annotations__", {}).items():
        if _is_classvar(annotation):
            continue
        value = namespace.get(name, MISSING)
        if isinstance(value, Field):
            spec = value
            if spec.default is not MISSING:
                setattr(cls, name, spec.default)  # the class attribute is the default, as for plain defaults
            else:
                delattr(cls, name)
        else:
            spec = Field(value)
        spec.name = name
        if spec.default is not MISSING:
            if isinstance(spec.default, (list, dict, set)):
                raise ValueError(f"mutable default {type(spec.default).__name__} for field {name} of "
                                 f"{cls.__qualname__}: use default_factory")
            defaults[name] = spec.default
            after_default = True
        elif spec.default_factory is not MISSING:
            factories.append((name, spec.default_factory))
            after_default = True
        elif after_default:
            raise TypeError(f"non-default argument {name!r} follows default argument in {cls.__qualname__}")
        if spec.compare:
            compare.append(name)
        specs.append(spec)
    methods: dict[str, object] = {
        "__record_fields__": tuple(specs),
        "__record_names__": frozenset([s.name for s in specs]),
        "__record_compare__": tuple(compare),
        # what __init__ needs, precomputed: a table of Vendor records (48 fields each) is built
        # on every configure
        "__record_defaults__": defaults,
        "__record_factories__": tuple(factories),
        "__init__": _init,
    }
    if with_repr and "__repr__" not in namespace:
        methods["__repr__"] = _repr
    if eq and "__eq__" not in namespace:
        methods["__eq__"] = _eq
        # like dataclasses: frozen records hash their compared values, mutable ones are unhashable
        methods["__hash__"] = _hash if frozen else None
    if frozen:
        methods["__setattr__"] = _frozen_setattr
        methods["__delattr__"] = _frozen_delattr
    for name, method in methods.items():
        setattr(cls, name, method)


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    cls = type(self)
    if args:
        kwargs = _positional(cls, args, kwargs)
    names: frozenset[str] = cls.__record_names__
    if not names.issuperset(kwargs):
        unknown = sorted(kwargs.keys() - names)[0]
        raise TypeError(f"{cls.__qualname__}() got an unexpected keyword argument {unknown!r}")
    values = self.__dict__
    values.update(cls.__record_defaults__)
    values.update(kwargs)
    for name, factory in cls.__record_factories__:
        if name not in kwargs:
            values[name] = factory()
    if len(values) < len(names):
        missing = next(s.name for s in cls.__record_fields__ if s.name not in values)
        raise TypeError(f"{cls.__qualname__}() missing required argument: {missing!r}")


def _positional(cls: type[Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Positional arguments as keywords, in field order."""
    specs: tuple[Field, ...] = cls.__record_fields__
    if len(args) > len(specs):
        raise TypeError(f"{cls.__qualname__}() takes {len(specs)} positional arguments but {len(args)} were given")
    for spec in specs[:len(args)]:
        if spec.name in kwargs:
            raise TypeError(f"{cls.__qualname__}() got multiple values for argument {spec.name!r}")
    return {**{spec.name: value for spec, value in zip(specs[:len(args)], args, strict=True)}, **kwargs}


def _values(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, name) for name in type(self).__record_compare__)


def _eq(self: Any, other: object) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{s.name}={getattr(self, s.name)!r}" for s in type(self).__record_fields__ if s.repr)
    return f"{type(self).__qualname__}({shown})"


def _frozen_setattr(self: Any, name: str, value: object) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r} of a frozen {type(self).__qualname__}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r} of a frozen {type(self).__qualname__}")


def fields(obj: object) -> tuple[Field, ...]:
    """The fields of a record or record class, in declaration order."""
    specs = getattr(obj, "__record_fields__", None)
    if specs is None:
        raise TypeError(f"{obj!r} is not a record")
    return specs  # type: ignore[no-any-return]


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of record ``obj`` with ``changes`` (``dataclasses.replace``)."""
    specs = fields(obj)
    values = {s.name: getattr(obj, s.name) for s in specs if s.name not in changes}
    return type(obj)(**values, **changes)
