"""BlasInfo: every fact about a found dependency, and its renderings.

One frozen, typed record per accepted candidate.  ``dep.get_variable()``
(:meth:`BlasInfo.variables`), the configure-log line
(:meth:`BlasInfo.log_summary`), ``blas_mangling.h`` (``header.py``) and the
report's JSON (:meth:`BlasInfo.to_json` / :meth:`BlasInfo.from_json`) are all
rendered from it.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from typing import Literal

from .records import field, fields, record

MANGLING_HEADER = "blas_mangling.h"
JSON_SCHEMA_VERSION = 1


def text_digest(text: str) -> str:
    """The short hash naming a generated header's own directory (``header.header_digest``); here, not in
    ``header``, so that a reconfigure can check a header without loading the header module."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


#: The Literal types are spelled as strings: evaluating eight ``Literal[...]`` at import cost every
#: reconfigure 0.7 M instructions (docs/performance.md). Type checkers read them the same way;
#: :func:`literal_choices` reads the allowed values when a JSON record is checked.
Interface: TypeAlias = 'Literal["lp64", "ilp64"]'
FortranAbi: TypeAlias = 'Literal["gfortran", "g77", "unverified"]'
#: how a result was established: a probe that ran, a program that linked, vendor knowledge
VerifiedBy: TypeAlias = 'Literal["run", "link", "assumed"]'
Method: TypeAlias = 'Literal["pkg-config", "cmake", "framework", "system", "python"]'
#: what the Fortran adapter linked into consumers translates (``fortran/``): nothing, the
#: symbol names (prefix/suffix), function-result conventions, or both
FortranAdapter: TypeAlias = 'Literal["none", "names", "abi", "names+abi"]'
#: the OpenMP runtime a library brings into a process: GNU libgomp, Intel libiomp5, LLVM
#: libomp, none (the probe saw what was loaded and no OpenMP runtime), unknown (it could not see)
OpenmpRuntime: TypeAlias = 'Literal["gomp", "iomp5", "omp", "none", "unknown"]'
#: how a CBLAS/LAPACK/LAPACKE feature was established: "run" (right answers and integer
#: width observed), "link" (symbols linked, nothing ran), "unverified" (present, but the
#: probe could not observe its answer or its integer width); "" when the feature is absent
FeatureCheck: TypeAlias = 'Literal["run", "link", "unverified", ""]'
#: where the threading/version value came from: "probe" (the run observed it), "pkg-config"
#: (a .pc Version), "cmake" (a CMake package version), "package" (Python package metadata),
#: "name" (implied by which library or variant was linked); "" when the value is unknown
Source: TypeAlias = 'Literal["probe", "pkg-config", "cmake", "package", "name", ""]'


def as_interface(value: str) -> Interface:
    """``value`` as an :data:`Interface` (raises :class:`ResultError` for anything else)."""
    if value == "lp64":
        return "lp64"
    if value == "ilp64":
        return "ilp64"
    raise ResultError(f"interface {value!r} is neither lp64 nor ilp64")


class ResultError(ValueError):
    """A JSON record that is not a BlasInfo (wrong type or value of a field)."""


@record
class BlasInfo:
    vendor: str
    interface: Interface
    symbol_prefix: str
    symbol_suffix: str
    fortran_symbol_dgemm: str
    cblas_symbol_dgemm: str
    cblas: bool
    lapack: bool
    lapacke: bool
    cblas_header: str
    fortran_abi: FortranAbi
    int_size: int
    threading: str
    lapack_version: str
    method: Method
    library: str
    verified_by: VerifiedBy
    version: str
    mangling_header: str = MANGLING_HEADER
    int_size_verified_by: VerifiedBy = "run"
    cblas_verified_by: FeatureCheck = ""
    lapack_verified_by: FeatureCheck = ""
    lapacke_verified_by: FeatureCheck = ""
    threading_source: Source = ""
    version_source: Source = ""
    #: GFLOP/s of a 1-thread dgemm measured at configure time (modules: ['bench']); None: not measured
    dgemm_gflops: float | None = None
    #: the OpenMP runtime loaded with the library at run time, and its file
    openmp_runtime: OpenmpRuntime = "unknown"
    openmp_runtime_file: str = ""
    #: the Fortran adapter (language: 'fortran' or modules: ['fortran-adapter'])
    fortran_adapter: FortranAdapter = "none"
    notes: tuple[str, ...] = field(default=())

    @property
    def plain_symbols(self) -> bool:
        """The library's names carry no prefix or suffix (``dgemm_``): another library with
        plain names (an LP64 and a suffix-less ILP64 build) interposes in the same process."""
        return not self.symbol_prefix and not self.symbol_suffix

    def variables(self) -> dict[str, str]:
        """The ``dep.get_variable()`` view: every value as a Meson string."""
        out: dict[str, str] = {"plain_symbols": "true" if self.plain_symbols else "false"}
        for f in fields(self):
            if f.name in ("notes", "version"):
                continue
            value = getattr(self, f.name)
            if isinstance(value, bool):
                out[f.name] = "true" if value else "false"
            elif value is None:
                out[f.name] = ""
            elif isinstance(value, float):
                out[f.name] = f"{value:.1f}"
            else:
                out[f.name] = str(value)
        return out

    def log_summary(self) -> str:
        """The parenthesised part of Meson's ``found: YES`` line."""
        parts = [self.vendor, self.interface]
        if self.symbol_prefix:
            parts.append(f"prefix {self.symbol_prefix}")
        if self.symbol_suffix:
            parts.append(f"suffix {self.symbol_suffix}")
        if self.cblas:
            parts.append(f"cblas{self._unverified(self.cblas_verified_by)}")
        if self.lapack:
            parts.append(f"lapack {self.lapack_version}".rstrip() + self._unverified(self.lapack_verified_by))
        if self.lapacke:
            parts.append(f"lapacke{self._unverified(self.lapacke_verified_by)}")
        parts.append(f"{self.fortran_abi} ABI")
        if self.fortran_adapter != "none":
            parts.append(f"fortran adapter {self.fortran_adapter}")
        parts.append(self.threading if self.threading_source in ("probe", "") else
                     f"{self.threading} (by {self.threading_source})")
        if self.openmp_runtime not in ("none", "unknown"):
            parts.append(f"OpenMP runtime {self.openmp_runtime}")
        if self.verified_by != "run":
            parts.append(f"verified by {self.verified_by}, integer width {self.int_size_verified_by}")
        return ", ".join(parts)

    @staticmethod
    def _unverified(check: str) -> str:
        return " (unverified)" if check == "unverified" else ""

    def to_json(self) -> dict[str, object]:
        """Every field, JSON-ready (numbers as numbers, ``None`` as null)."""
        data: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["notes"] = list(self.notes)
        data["plain_symbols"] = self.plain_symbols
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> BlasInfo:
        """The inverse of :meth:`to_json`; keys that are not fields are ignored."""
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name not in data:
                if f.required:
                    raise ResultError(f"BLAS result without {f.name!r}")
                continue
            values[f.name] = _check_field(f.name, data[f.name])
        return cls(**values)  # type: ignore[arg-type]


@functools.cache
def _literal_fields() -> dict[str, str]:
    """Field name → the name of its Literal type, for the Literal-typed fields (read from the
    annotations of :class:`BlasInfo`: a field added with a Literal type is checked too)."""
    return {name: annotation for name, annotation in BlasInfo.__annotations__.items()
            if isinstance(annotation, str) and isinstance(spelled := globals().get(annotation), str)
            and spelled.startswith("Literal[")}


@functools.cache
def literal_choices(type_name: str) -> tuple[str, ...]:
    """The values one of this module's Literal types (spelled as strings) allows: ``"Interface"`` →
    ``("lp64", "ilp64")``."""
    import ast

    spelled = globals()[type_name]
    node = ast.parse(spelled, mode="eval").body if isinstance(spelled, str) else None
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Literal"):
        raise ValueError(f"{type_name} is not a Literal type: {spelled!r}")
    values = ast.literal_eval(node.slice)
    return tuple(values) if isinstance(values, tuple) else (values,)


_BOOLS = ("cblas", "lapack", "lapacke")


def _check_field(name: str, value: object) -> object:
    if name == "notes":
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ResultError(f"BLAS result field notes must be a list of strings, not {value!r}")
        return tuple(value)
    if name == "int_size":
        if not isinstance(value, int) or isinstance(value, bool):
            raise ResultError(f"BLAS result field int_size must be an integer, not {value!r}")
        return value
    if name == "dgemm_gflops":
        if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            return None if value is None else float(value)
        raise ResultError(f"BLAS result field dgemm_gflops must be a number or null, not {value!r}")
    if name in _BOOLS:
        if not isinstance(value, bool):
            raise ResultError(f"BLAS result field {name} must be true or false, not {value!r}")
        return value
    if not isinstance(value, str):
        raise ResultError(f"BLAS result field {name} must be a string, not {value!r}")
    literal = _literal_fields().get(name)
    if literal is not None and value not in (choices := literal_choices(literal)):
        raise ResultError(f"BLAS result field {name} is {value!r}, not one of {', '.join(choices)}")
    return value
