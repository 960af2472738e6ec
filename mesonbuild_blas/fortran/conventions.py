"""Calling conventions of Fortran compilers and of BLAS libraries.

Two things decide whether a Fortran program calls a BLAS/LAPACK library
correctly besides the integer width: the *symbol* its compiler emits for a
routine name, and how *function results* travel:

* complex-valued functions (``cdotc``, ``zdotu``, ``zladiv`` ...) return their
  value in registers (``registers``: gfortran, flang) or through a hidden first
  argument (``hidden``: g77, f2c, Intel's compilers and MKL's ``intel_*``
  interface layers);
* real-valued (single precision) functions (``sdot``, ``slange`` ...) return a
  ``float`` or, in f2c-compiled libraries (Apple's legacy Accelerate
  interface), a ``double``.

A library's conventions are proven by the probe (``BlasInfo.fortran_abi``); a
compiler's come from :data:`COMPILERS`, keyed by Meson's compiler id.
"""

from __future__ import annotations

from typing import Literal

from ..records import record

ComplexReturn = Literal["registers", "hidden"]
RealReturn = Literal["float", "double"]


@record
class Convention:
    """How Fortran code calls (or a library defines) an external routine."""

    complex_return: ComplexReturn
    real_return: RealReturn = "float"
    upper_case: bool = False  #: routine names in upper case (``DGEMM``)
    underscore: bool = True  #: a trailing underscore (``dgemm_``)

    def symbol(self, name: str) -> str:
        """The symbol this convention gives routine ``name`` (``dgemm`` → ``dgemm_``)."""
        name = name.upper() if self.upper_case else name.lower()
        return f"{name}_" if self.underscore else name

    def differs(self, other: Convention) -> tuple[str, ...]:
        """The function-result classes whose convention differs (``complex``, ``real``)."""
        out: list[str] = []
        if self.complex_return != other.complex_return:
            out.append("complex")
        if self.real_return != other.real_return:
            out.append("real")
        return tuple(out)


GFORTRAN = Convention("registers")
#: Meson Fortran compiler id → what code it compiles emits (default flags; -ff2c changes it)
COMPILERS: dict[str, Convention] = {
    "gcc": GFORTRAN,
    "flang": GFORTRAN,
    "llvm-flang": GFORTRAN,
    # ifort/ifx return COMPLEX function results through a hidden first argument
    "intel": Convention("hidden"),
    "intel-llvm": Convention("hidden"),
    "intel-cl": Convention("hidden", upper_case=True, underscore=False),
    "intel-llvm-cl": Convention("hidden", upper_case=True, underscore=False),
}

#: ``BlasInfo.fortran_abi`` → the library's result conventions (names come from its symbol prefix/suffix)
LIBRARY_ABIS: dict[str, Convention] = {
    "gfortran": Convention("registers"),
    "g77": Convention("hidden"),
    "f2c": Convention("hidden", "double"),
}


def compiler_convention(compiler_id: str) -> Convention | None:
    """What a Fortran compiler emits, or None when mesonbuild-blas does not know it."""
    return COMPILERS.get(compiler_id)


def library_convention(fortran_abi: str) -> Convention | None:
    """The result conventions a probed library uses, or None when they were not proven."""
    return LIBRARY_ABIS.get(fortran_abi)
