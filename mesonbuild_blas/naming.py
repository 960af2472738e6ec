"""Symbol spelling rules shared by every vendor.

A *scheme* is a (prefix, suffix) pair in numpy/SciPy's sense of
``BLAS_SYMBOL_PREFIX`` / ``BLAS_SYMBOL_SUFFIX``.  The suffix decorates C names
(CBLAS, LAPACKE, vendor C functions) directly; Fortran names get the Fortran
underscore in the place real libraries put it:

============  ==================  =====================  ===========================
suffix        Fortran ``dgemm``   CBLAS ``cblas_dgemm``  used by
============  ==================  =====================  ===========================
``''``        ``dgemm_``          ``cblas_dgemm``        almost everybody
``64_``       ``dgemm_64_``       ``cblas_dgemm64_``     OpenBLAS ``INTERFACE64``
``_64``       ``dgemm_64_``       ``cblas_dgemm_64``     Netlib ``INDEX64_EXT_API``, MKL
============  ==================  =====================  ===========================

A scheme without the Fortran underscore (numpy's ``NO_APPEND_FORTRAN``) spells
Fortran names like C names: Accelerate's NEWLAPACK entry points are
``dgemm$NEWLAPACK`` and ``dgemm$NEWLAPACK$ILP64``.  ``$`` is not ISO C, but GCC,
Clang and MSVC accept it in identifiers (GCC/Clang: ``-fdollars-in-identifiers``,
on by default), which is how numpy and SciPy call them too; any other character
cannot be pasted into a C name.
"""

from __future__ import annotations

from .records import record

#: what a C identifier may contain (``$`` included, see above); a set, not a regular expression:
#: compiling one cost 0.3 M instructions of every configure, reconfigures included
_IDENT_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$")


def is_identifier_fragment(text: str) -> bool:
    """True when ``text`` can be pasted into a C identifier (``$`` included, see above)."""
    return _IDENT_CHARS.issuperset(text)


@record
class Scheme:
    prefix: str = ""
    suffix: str = ""
    #: Fortran names get the Fortran underscore (False: numpy's NO_APPEND_FORTRAN)
    fortran_underscore: bool = True

    @classmethod
    def of_symbols(cls, prefix: str, suffix: str, fortran_dgemm: str) -> Scheme:
        """The scheme with ``prefix``/``suffix`` whose Fortran ``dgemm`` is ``fortran_dgemm``."""
        bare = cls(prefix, suffix, fortran_underscore=False)
        return bare if fortran_dgemm and fortran_dgemm == bare.fortran("dgemm") else cls(prefix, suffix)

    def fortran(self, name: str) -> str:
        """Fortran symbol for ``name`` (``dgemm`` → ``scipy_dgemm_64_``)."""
        if not self.fortran_underscore:
            return f"{self.prefix}{name}{self.suffix}"
        if self.suffix.startswith("_"):
            return f"{self.prefix}{name}{self.suffix}_"
        if self.suffix:
            return f"{self.prefix}{name}_{self.suffix}"
        return f"{self.prefix}{name}_"

    def c(self, name: str) -> str:
        """C symbol for ``name`` (``cblas_dgemm`` → ``scipy_cblas_dgemm64_``)."""
        return f"{self.prefix}{name}{self.suffix}"

    def describe(self) -> str:
        prefix = self.prefix or "''"
        suffix = self.suffix or "''"
        tail = "" if self.fortran_underscore else ", no Fortran underscore"
        return f"prefix {prefix}, suffix {suffix}{tail}"
