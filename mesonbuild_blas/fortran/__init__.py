"""Fortran adapters: make Fortran code call any BLAS/LAPACK library correctly (Meson-free).

``conventions`` (what compilers emit, what libraries use), ``functions`` (the
ABI-sensitive functions), ``symbols`` (a library's exports), ``adapter``
(plan, generate, build, prove).
"""

from __future__ import annotations

from .adapter import (
           ADAPTER_KINDS,
           AdapterError,
           AdapterKind,
           AdapterPlan,
           BuiltAdapter,
           build_adapter,
           plan_adapter,
           render_adapter,
)
from .conventions import Convention, compiler_convention, library_convention
from .symbols import Library, SymbolReadError, open_library

__all__ = ["ADAPTER_KINDS", "AdapterError", "AdapterKind", "AdapterPlan", "BuiltAdapter", "Convention", "Library",
           "SymbolReadError", "build_adapter", "compiler_convention", "library_convention", "open_library",
           "plan_adapter", "render_adapter"]
