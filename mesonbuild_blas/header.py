"""``blas_mangling.h``: one C/C++ source, any vendor, either integer width.

The header turns the facts of a found :class:`~mesonbuild_blas.result.BlasInfo`
into preprocessor macros in numpy/SciPy's conventions:

* ``BLAS_SYMBOL_PREFIX`` / ``BLAS_SYMBOL_SUFFIX`` and the name macros
  ``BLAS_FUNC(dgemm)`` (Fortran rule), ``CBLAS_FUNC(cblas_dgemm)`` and
  ``LAPACKE_FUNC(LAPACKE_dgesv)`` (C rule), spelled exactly as
  :class:`~mesonbuild_blas.naming.Scheme` spells them;
* ``blas_int`` and its ``printf`` format and limits;
* flags that are defined (to 1) when true and not defined at all when false,
  for ``#ifdef``: ``HAVE_CBLAS``, ``HAVE_LAPACK``, ``HAVE_LAPACKE``,
  ``HAVE_BLAS_ILP64``, ``BLAS_FORTRAN_ABI_G77``, ``BLAS_VENDOR_<NAME>``...;
* its own CBLAS/LAPACKE prototypes for a useful subset, declared under the
  mangled names with ``blas_int``, so calls compile with the right integer
  type without the vendor's header (whose names or integer type may not match
  the library that was found).

Values a ``-D`` flag (e.g. from scipy-openblas's ``.pc`` file) already gave
are not redefined; a prefix, suffix or ILP64 flag that contradicts the library
stops the compilation with ``#error``.
"""

from __future__ import annotations

from . import names, vendors
from .errors import BlasError
from .naming import Scheme, is_identifier_fragment
from .result import BlasInfo, text_digest

GUARD = "BLAS_MANGLING_H"

_INT_TYPES = {4: ("int32_t", "PRId32", "INT32_MAX", "INT32_MIN"), 8: ("int64_t", "PRId64", "INT64_MAX", "INT64_MIN")}

#: include guards of CBLAS headers that define the CBLAS enums themselves: the common
#: ``cblas.h`` spellings plus each vendor's own (``Vendor.cblas_header_guards``)
_CBLAS_GUARDS = tuple(dict.fromkeys(("CBLAS_H", "__CBLAS_H__", "CBLAS_ENUM_DEFINED_H",
                                     *(g for v in vendors.VENDORS for g in v.cblas_header_guards))))


def vendor_macro(vendor: str) -> str:
    """``BLAS_VENDOR_<NAME>`` for a vendor name (``scipy-openblas`` → ``BLAS_VENDOR_SCIPY_OPENBLAS``)."""
    return "BLAS_VENDOR_" + vendor.upper().replace("-", "_")


def fortran_tail(suffix: str, underscore: bool = True) -> str:
    """What follows the routine name in a Fortran symbol (``64_`` → ``_64_``, ``_64`` → ``_64_``, ``''`` → ``_``).

    Without the Fortran underscore it is the suffix itself (``$NEWLAPACK`` → ``$NEWLAPACK``).
    """
    if not underscore:
        return suffix
    return f"{suffix}_" if suffix.startswith("_") else f"_{suffix}"


def validate_for_header(info: BlasInfo) -> None:
    """Raise :class:`BlasError` unless ``info`` can be rendered as valid C."""
    hint = "this is a bug in the vendor entry or in the probe: please report it"
    for what, value in (("symbol prefix", info.symbol_prefix), ("symbol suffix", info.symbol_suffix)):
        if not is_identifier_fragment(value):
            raise BlasError(f"BLAS {what} {value!r} cannot be part of a C identifier", hint)
    if info.symbol_prefix[:1].isdigit():
        raise BlasError(f"BLAS symbol prefix {info.symbol_prefix!r} starts with a digit", hint)
    name = info.vendor.replace("-", "_")
    if not name or not is_identifier_fragment(name):
        raise BlasError(
            f"BLAS vendor name {info.vendor!r} cannot be part of the C macro name BLAS_VENDOR_<NAME>",
            "vendor names may contain only letters, digits, '_' and '-'",
        )
    if info.int_size not in _INT_TYPES:
        raise BlasError(f"BLAS integer size {info.int_size} is neither 4 nor 8 bytes", hint)
    if names.INT_SIZE.get(info.interface) != info.int_size:
        raise BlasError(f"BLAS interface {info.interface!r} does not match an integer size of {info.int_size}", hint)
    scheme = Scheme.of_symbols(info.symbol_prefix, info.symbol_suffix, info.fortran_symbol_dgemm)
    if info.fortran_symbol_dgemm and info.fortran_symbol_dgemm != scheme.fortran("dgemm"):
        raise BlasError(
            f"the Fortran symbol {info.fortran_symbol_dgemm} is not {scheme.fortran('dgemm')} "
            f"({scheme.describe()}), so BLAS_FUNC() cannot spell it",
            hint,
        )
    if info.cblas_symbol_dgemm and info.cblas_symbol_dgemm != scheme.c("cblas_dgemm"):
        raise BlasError(
            f"the CBLAS symbol {info.cblas_symbol_dgemm} is not {scheme.c('cblas_dgemm')} "
            f"({scheme.describe()}), so CBLAS_FUNC() cannot spell it",
            hint,
        )


def _comment_text(text: str) -> str:
    """``text`` made safe inside a ``/* */`` comment on one line."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in text)
    return clean.replace("*/", "* /").replace("/*", "/ *")


def _paste(*parts: str) -> str:
    """Replacement list pasting the non-empty ``parts`` (``name`` is the macro parameter)."""
    return " ## ".join(p for p in parts if p)


def _flag(name: str, comment: str = "") -> list[str]:
    tail = f"  /* {comment} */" if comment else ""
    return [f"#ifndef {name}", f"#define {name} 1{tail}", "#endif"]


def _absent(name: str, why: str) -> list[str]:
    return [f"/* {name}: not defined, {why} */"]


def _symbol_value(macro: str, value: str, what: str) -> list[str]:
    """``#define macro value`` unless a -D already gave it; #error if it gave another value."""
    check = f"BLAS_MANGLING_{what.upper()}_IS_"
    shown = value or "(empty)"
    return [
        f"#define {check}{value} 1",
        f"#ifndef {macro}",
        f"#define {macro} {value}".rstrip(),
        f"#elif !BLAS_MANGLING_XPASTE({check}, {macro})",
        f'#error "{macro} is defined (by a -D flag?) to another value than this library\'s {what}, {shown}"',
        "#endif",
    ]


_HEADER_INTRO = """\
/*
 * blas_mangling.h: generated by mesonbuild-blas for {vendor} {interface}. Do not edit.
 *
 *   library:        {library}
 *   version:        {version}
 *   verified by:    {verified_by} (integer width: {int_verified_by})
 *   symbols:        {fortran} (Fortran), {cblas} (CBLAS)
 *   integers:       {int_size} bytes
 *   Fortran ABI:    {fortran_abi}
 *
 * Write every BLAS/LAPACK name through a macro and one source builds against
 * any vendor and either integer width:
 *
 *   BLAS_FUNC(dgemm)              Fortran symbol, here {fortran}
 *   CBLAS_FUNC(cblas_dgemm)       C symbol, here {cblas_example}
 *   LAPACKE_FUNC(LAPACKE_dgesv)   C symbol, here {lapacke_example}
 *   blas_int                      the library's integer; printf("%" BLAS_INT_FMT, n)
 *
 * Flags are defined to 1 when true and left undefined when false (#ifdef).
 */"""

_FORTRAN_NOTE = """\
/*
 * Fortran BLAS/LAPACK prototypes are yours to write, with BLAS_FUNC and
 * blas_int (every argument by pointer), for example:
 *
 *   void BLAS_FUNC(dgemm)(const char *transa, const char *transb,
 *                         const blas_int *m, const blas_int *n, const blas_int *k,
 *                         const double *alpha, const double *a, const blas_int *lda,
 *                         const double *b, const blas_int *ldb,
 *                         const double *beta, double *c, const blas_int *ldc);
 *
 * Complex-valued functions (cdotc, zdotc, ...) return their value in registers
 * with the gfortran ABI but through a hidden first argument with the g77/f2c
 * ABI (BLAS_FORTRAN_ABI_G77).  Portable C:
 *
 *   #ifdef BLAS_FORTRAN_ABI_G77
 *   void BLAS_FUNC(zdotc)(double _Complex *result, const blas_int *n,
 *                         const double _Complex *x, const blas_int *incx,
 *                         const double _Complex *y, const blas_int *incy);
 *   #define my_zdotc(r, n, x, incx, y, incy) BLAS_FUNC(zdotc)(r, n, x, incx, y, incy)
 *   #else
 *   double _Complex BLAS_FUNC(zdotc)(const blas_int *n,
 *                                    const double _Complex *x, const blas_int *incx,
 *                                    const double _Complex *y, const blas_int *incy);
 *   #define my_zdotc(r, n, x, incx, y, incy) (*(r) = BLAS_FUNC(zdotc)(n, x, incx, y, incy))
 *   #endif
 *
 * or, simplest and valid C++ too, call CBLAS_FUNC(cblas_zdotc_sub) when HAVE_CBLAS.
 */"""

_CBLAS_ENUMS = """\
/*
 * CBLAS enums, unless a vendor CBLAS header included earlier defined them or
 * BLAS_MANGLING_NO_CBLAS_ENUMS is defined (then the typedef names CBLAS_ORDER,
 * CBLAS_TRANSPOSE, CBLAS_UPLO, CBLAS_DIAG and CBLAS_SIDE must exist, or
 * define BLAS_MANGLING_NO_PROTOTYPES).  A vendor CBLAS header included
 * *after* this one clashes with these: include it first.
 */
#if !defined(BLAS_MANGLING_NO_CBLAS_ENUMS) && {no_vendor_header}
typedef enum CBLAS_ORDER {{CblasRowMajor = 101, CblasColMajor = 102}} CBLAS_ORDER;
typedef enum CBLAS_TRANSPOSE {{CblasNoTrans = 111, CblasTrans = 112, CblasConjTrans = 113}} CBLAS_TRANSPOSE;
typedef enum CBLAS_UPLO {{CblasUpper = 121, CblasLower = 122}} CBLAS_UPLO;
typedef enum CBLAS_DIAG {{CblasNonUnit = 131, CblasUnit = 132}} CBLAS_DIAG;
typedef enum CBLAS_SIDE {{CblasLeft = 141, CblasRight = 142}} CBLAS_SIDE;
typedef CBLAS_ORDER CBLAS_LAYOUT;
#endif
/* enum parameter types: typedef names, or enum tags after an ATLAS-style header that has only those */
#if defined(CBLAS_ENUM_DEFINED_H) && !defined(BLAS_MANGLING_NO_CBLAS_ENUMS)
#define BLAS_MANGLING_CBLAS_ENUM(name) enum name
#else
#define BLAS_MANGLING_CBLAS_ENUM(name) name
#endif
#define BLAS_MANGLING_ORDER BLAS_MANGLING_CBLAS_ENUM(CBLAS_ORDER)
#define BLAS_MANGLING_TRANS BLAS_MANGLING_CBLAS_ENUM(CBLAS_TRANSPOSE)
#define BLAS_MANGLING_UPLO BLAS_MANGLING_CBLAS_ENUM(CBLAS_UPLO)
#define BLAS_MANGLING_DIAG BLAS_MANGLING_CBLAS_ENUM(CBLAS_DIAG)
#define BLAS_MANGLING_SIDE BLAS_MANGLING_CBLAS_ENUM(CBLAS_SIDE)"""

_CBLAS_PROTOTYPES = """\
float CBLAS_FUNC(cblas_sdot)(const blas_int n, const float *x, const blas_int incx,
                             const float *y, const blas_int incy);
double CBLAS_FUNC(cblas_ddot)(const blas_int n, const double *x, const blas_int incx,
                              const double *y, const blas_int incy);
void CBLAS_FUNC(cblas_cdotc_sub)(const blas_int n, const void *x, const blas_int incx,
                                 const void *y, const blas_int incy, void *dotc);
void CBLAS_FUNC(cblas_zdotc_sub)(const blas_int n, const void *x, const blas_int incx,
                                 const void *y, const blas_int incy, void *dotc);
void CBLAS_FUNC(cblas_daxpy)(const blas_int n, const double alpha, const double *x, const blas_int incx,
                             double *y, const blas_int incy);
void CBLAS_FUNC(cblas_dscal)(const blas_int n, const double alpha, double *x, const blas_int incx);
double CBLAS_FUNC(cblas_dnrm2)(const blas_int n, const double *x, const blas_int incx);
{index} CBLAS_FUNC(cblas_idamax)(const blas_int n, const double *x, const blas_int incx);
void CBLAS_FUNC(cblas_dgemv)(const BLAS_MANGLING_ORDER order, const BLAS_MANGLING_TRANS trans,
                             const blas_int m, const blas_int n, const double alpha,
                             const double *a, const blas_int lda, const double *x, const blas_int incx,
                             const double beta, double *y, const blas_int incy);
void CBLAS_FUNC(cblas_sgemm)(const BLAS_MANGLING_ORDER order, const BLAS_MANGLING_TRANS transa,
                             const BLAS_MANGLING_TRANS transb, const blas_int m, const blas_int n,
                             const blas_int k, const float alpha, const float *a, const blas_int lda,
                             const float *b, const blas_int ldb, const float beta, float *c,
                             const blas_int ldc);
void CBLAS_FUNC(cblas_dgemm)(const BLAS_MANGLING_ORDER order, const BLAS_MANGLING_TRANS transa,
                             const BLAS_MANGLING_TRANS transb, const blas_int m, const blas_int n,
                             const blas_int k, const double alpha, const double *a, const blas_int lda,
                             const double *b, const blas_int ldb, const double beta, double *c,
                             const blas_int ldc);
void CBLAS_FUNC(cblas_zgemm)(const BLAS_MANGLING_ORDER order, const BLAS_MANGLING_TRANS transa,
                             const BLAS_MANGLING_TRANS transb, const blas_int m, const blas_int n,
                             const blas_int k, const void *alpha, const void *a, const blas_int lda,
                             const void *b, const blas_int ldb, const void *beta, void *c,
                             const blas_int ldc);
void CBLAS_FUNC(cblas_dsyrk)(const BLAS_MANGLING_ORDER order, const BLAS_MANGLING_UPLO uplo,
                             const BLAS_MANGLING_TRANS trans, const blas_int n, const blas_int k,
                             const double alpha, const double *a, const blas_int lda,
                             const double beta, double *c, const blas_int ldc);
void CBLAS_FUNC(cblas_dtrsm)(const BLAS_MANGLING_ORDER order, const BLAS_MANGLING_SIDE side,
                             const BLAS_MANGLING_UPLO uplo, const BLAS_MANGLING_TRANS transa,
                             const BLAS_MANGLING_DIAG diag, const blas_int m, const blas_int n,
                             const double alpha, const double *a, const blas_int lda,
                             double *b, const blas_int ldb);"""

_LAPACKE_PROTOTYPES = """\
blas_int LAPACKE_FUNC(LAPACKE_dgesv)(int matrix_layout, blas_int n, blas_int nrhs, double *a, blas_int lda,
                                     blas_int *ipiv, double *b, blas_int ldb);
blas_int LAPACKE_FUNC(LAPACKE_dgetrf)(int matrix_layout, blas_int m, blas_int n, double *a, blas_int lda,
                                      blas_int *ipiv);
blas_int LAPACKE_FUNC(LAPACKE_dgeqrf)(int matrix_layout, blas_int m, blas_int n, double *a, blas_int lda,
                                      double *tau);
blas_int LAPACKE_FUNC(LAPACKE_dsyev)(int matrix_layout, char jobz, char uplo, blas_int n, double *a,
                                     blas_int lda, double *w);
blas_int LAPACKE_FUNC(LAPACKE_dpotrf)(int matrix_layout, char uplo, blas_int n, double *a, blas_int lda);"""


def render_header(info: BlasInfo) -> str:
    """The text of ``blas_mangling.h`` for ``info`` (raises :class:`BlasError` if it cannot be C)."""
    validate_for_header(info)
    prefix, suffix = info.symbol_prefix, info.symbol_suffix
    scheme = Scheme.of_symbols(prefix, suffix, info.fortran_symbol_dgemm)
    int_type, int_fmt, int_max, int_min = _INT_TYPES[info.int_size]
    ilp64 = info.int_size == 8

    out: list[str] = [
        _HEADER_INTRO.format(
            vendor=_comment_text(info.vendor),
            interface=_comment_text(info.interface),
            library=_comment_text(info.library or "(unknown)"),
            version=_comment_text(info.version or "(unknown)"),
            verified_by=_comment_text(info.verified_by),
            int_verified_by=_comment_text(info.int_size_verified_by),
            fortran=scheme.fortran("dgemm"),
            cblas=scheme.c("cblas_dgemm") if info.cblas else "none",
            cblas_example=scheme.c("cblas_dgemm"),
            lapacke_example=scheme.c("LAPACKE_dgesv"),
            int_size=info.int_size,
            fortran_abi=_comment_text(info.fortran_abi),
        ),
        f"#ifndef {GUARD}",
        f"#define {GUARD}",
        "",
        "#if defined(__cplusplus) && !defined(__STDC_FORMAT_MACROS)",
        "#define __STDC_FORMAT_MACROS  /* PRId64 in pre-C++11 <inttypes.h> */",
        "#endif",
        "#if defined(__cplusplus) && !defined(__STDC_LIMIT_MACROS)",
        "#define __STDC_LIMIT_MACROS  /* INT64_MAX in pre-C++11 <stdint.h> */",
        "#endif",
        "#include <stddef.h>",
        "#include <stdint.h>",
        "#include <inttypes.h>",
        "",
        "/* Symbol decoration, numpy/SciPy's BLAS_SYMBOL_PREFIX / BLAS_SYMBOL_SUFFIX. */",
        "#define BLAS_MANGLING_PASTE(a, b) a ## b",
        "#define BLAS_MANGLING_XPASTE(a, b) BLAS_MANGLING_PASTE(a, b)",
        *_symbol_value("BLAS_SYMBOL_PREFIX", prefix, "prefix"),
        *_symbol_value("BLAS_SYMBOL_SUFFIX", suffix, "suffix"),
        "",
        *(["/* These names contain '$': not ISO C, but GCC, Clang and MSVC accept it in identifiers",
            " * (numpy and SciPy call Accelerate's NEWLAPACK routines this way). */"]
          if "$" in prefix + suffix else []),
        "/* Exact symbol names; the argument is pasted as written, never macro-expanded. */",
        f"#define BLAS_FUNC(name) {_paste(prefix, 'name', fortran_tail(suffix, scheme.fortran_underscore))}",
        f"#define CBLAS_FUNC(name) {_paste(prefix, 'name', suffix)}",
        f"#define LAPACKE_FUNC(name) {_paste(prefix, 'name', suffix)}",
        "",
        "/* The library's integer type. */",
        f"typedef {int_type} blas_int;",
        f"#define BLAS_INT_FMT {int_fmt}",
        f"#define BLAS_INT_MAX {int_max}",
        f"#define BLAS_INT_MIN {int_min}",
        "",
        "/* Facts: defined to 1 when true, not defined when false. */",
    ]
    if ilp64:
        out += _flag("HAVE_BLAS_ILP64", "8-byte integers")
    else:
        out += [
            "#ifdef HAVE_BLAS_ILP64",
            '#error "HAVE_BLAS_ILP64 is defined (by a -D flag?) but this library uses 4-byte integers (LP64)"',
            "#endif",
        ]
    out += _flag("HAVE_CBLAS") if info.cblas else _absent("HAVE_CBLAS", "no CBLAS in this library")
    out += _flag("HAVE_LAPACK") if info.lapack else _absent("HAVE_LAPACK", "no Fortran LAPACK in this library")
    out += _flag("HAVE_LAPACKE") if info.lapacke else _absent("HAVE_LAPACKE", "no LAPACKE in this library")
    if info.fortran_abi == "g77":
        out += _flag("BLAS_FORTRAN_ABI_G77", "complex results through a hidden first argument")
    elif info.fortran_abi == "unverified":
        out += [
            "/* The Fortran ABI was not verified: how complex-valued Fortran functions",
            " * (cdotc, zdotc, ...) return their result is unknown, so avoid calling them",
            " * through BLAS_FUNC; use the CBLAS *_sub routines instead. */",
            *_flag("BLAS_FORTRAN_ABI_UNVERIFIED"),
        ]
    out += _flag(vendor_macro(info.vendor))
    out += ["", _FORTRAN_NOTE, "", "#ifdef __cplusplus", 'extern "C" {', "#endif"]

    if info.cblas:
        guards = " && ".join(f"!defined({g})" for g in _CBLAS_GUARDS)
        vendor = vendors.BY_NAME.get(info.vendor)
        index = vendor.cblas_index_type if vendor is not None else "size_t"
        out += ["", _CBLAS_ENUMS.format(no_vendor_header=guards), ""]
        out += [
            "/* CBLAS prototypes (a subset) under this library's names; define",
            " * BLAS_MANGLING_NO_PROTOTYPES to use only your own. */",
            "#ifndef BLAS_MANGLING_NO_PROTOTYPES",
            _CBLAS_PROTOTYPES.format(index=index),
            "#endif",
        ]
    if info.lapacke:
        out += [
            "",
            "/* LAPACKE prototypes (a subset) under this library's names, lapack_int = blas_int. */",
            "#ifndef LAPACK_ROW_MAJOR",
            "#define LAPACK_ROW_MAJOR 101",
            "#endif",
            "#ifndef LAPACK_COL_MAJOR",
            "#define LAPACK_COL_MAJOR 102",
            "#endif",
            "#ifndef BLAS_MANGLING_NO_PROTOTYPES",
            _LAPACKE_PROTOTYPES,
            "#endif",
        ]
    out += ["", "#ifdef __cplusplus", "}", "#endif", "", f"#endif /* {GUARD} */", ""]
    return "\n".join(out)


def header_digest(info: BlasInfo) -> str:
    """A short hash of the rendered header, e.g. for a per-dependency include directory."""
    return text_digest(render_header(info))
