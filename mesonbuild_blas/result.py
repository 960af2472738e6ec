"""BlasInfo: every fact about a found dependency, and its renderings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

MANGLING_HEADER = "blas_mangling.h"
JSON_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class BlasInfo:
    vendor: str
    interface: str
    symbol_prefix: str
    symbol_suffix: str
    fortran_symbol_dgemm: str
    cblas_symbol_dgemm: str
    cblas: bool
    lapack: bool
    lapacke: bool
    cblas_header: str
    fortran_abi: str  #: gfortran | g77 | unverified
    int_size: int
    threading: str
    lapack_version: str
    method: str
    library: str
    verified_by: str  #: run | link | assumed
    version: str
    mangling_header: str = MANGLING_HEADER
    int_size_verified_by: str = "run"  #: run | assumed
    dgemm_gflops: str = ""  #: measured at configure time when asked for (modules: ['bench'])
    notes: tuple[str, ...] = field(default=())

    def variables(self) -> dict[str, str]:
        """The ``dep.get_variable()`` view: every value as a Meson string."""
        out: dict[str, str] = {}
        for key, value in asdict(self).items():
            if key in ("notes", "version"):
                continue
            if isinstance(value, bool):
                out[key] = "true" if value else "false"
            else:
                out[key] = str(value)
        return out

    def log_summary(self) -> str:
        """The parenthesised part of Meson's ``found: YES`` line."""
        parts = [self.vendor, self.interface]
        if self.symbol_prefix:
            parts.append(f"prefix {self.symbol_prefix}")
        if self.symbol_suffix:
            parts.append(f"suffix {self.symbol_suffix}")
        if self.cblas:
            parts.append("cblas")
        if self.lapack:
            parts.append(f"lapack {self.lapack_version}".rstrip())
        if self.lapacke:
            parts.append("lapacke")
        parts.append(f"{self.fortran_abi} ABI")
        parts.append(self.threading)
        if self.verified_by != "run":
            parts.append(f"verified by {self.verified_by}, integer width {self.int_size_verified_by}")
        return ", ".join(parts)

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = asdict(self)
        data["notes"] = list(self.notes)
        return data
