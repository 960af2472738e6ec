/* Portable BLAS/LAPACK checks: one source for every vendor and both integer widths.
 *
 * Everything library-specific comes from the generated blas_mangling.h:
 *   BLAS_FUNC(dgemm)              the exact Fortran symbol (dgemm_, scipy_dgemm_64_, ...)
 *   CBLAS_FUNC / LAPACKE_FUNC     the exact C symbols, prototypes included in the header
 *   blas_int, BLAS_INT_FMT        the library's integer type
 *   HAVE_CBLAS, HAVE_LAPACK, HAVE_LAPACKE, HAVE_BLAS_ILP64, BLAS_FORTRAN_ABI_G77
 *
 * One line per check on stdout ("<check> ok ..." or "<check> WRONG: ..."); the exit
 * status is the number of wrong checks (0: all good).  Only tiny arrays. */
#include <blas_mangling.h>

#include <complex.h>
#include <math.h>
#include <stdio.h>

#ifndef BLAS_CHECKS_LABEL
#define BLAS_CHECKS_LABEL "blas"
#endif

#define STR_(x) #x
#define STR(x) STR_(x)

/* Fortran prototypes: every argument by pointer, integers are blas_int.  The trailing
 * size_t arguments are the hidden lengths of CHARACTER arguments (gfortran ABI); C
 * implementations of the Fortran interface simply ignore them. */
void BLAS_FUNC(dgemm)(const char *transa, const char *transb, const blas_int *m, const blas_int *n,
                      const blas_int *k, const double *alpha, const double *a, const blas_int *lda,
                      const double *b, const blas_int *ldb, const double *beta, double *c,
                      const blas_int *ldc, size_t transa_len, size_t transb_len);
void BLAS_FUNC(daxpy)(const blas_int *n, const double *alpha, const double *x, const blas_int *incx,
                      double *y, const blas_int *incy);
blas_int BLAS_FUNC(idamax)(const blas_int *n, const double *x, const blas_int *incx);

#if defined(BLAS_FORTRAN_ABI_G77)
/* g77/f2c ABI (e.g. MKL's intel interface): the complex result through a hidden first argument */
void BLAS_FUNC(zdotc)(double _Complex *result, const blas_int *n, const double _Complex *x,
                      const blas_int *incx, const double _Complex *y, const blas_int *incy);
#define ZDOTC_ABI "g77 ABI"
static double _Complex call_zdotc(blas_int n, const double _Complex *x, const double _Complex *y) {
    blas_int inc = 1;
    double _Complex r = 0;
    BLAS_FUNC(zdotc)(&r, &n, x, &inc, y, &inc);
    return r;
}
#elif !defined(BLAS_FORTRAN_ABI_UNVERIFIED)
/* gfortran ABI: the complex result in registers, like a C function returning double _Complex */
double _Complex BLAS_FUNC(zdotc)(const blas_int *n, const double _Complex *x, const blas_int *incx,
                                 const double _Complex *y, const blas_int *incy);
#define ZDOTC_ABI "gfortran ABI"
static double _Complex call_zdotc(blas_int n, const double _Complex *x, const double _Complex *y) {
    blas_int inc = 1;
    return BLAS_FUNC(zdotc)(&n, x, &inc, y, &inc);
}
#elif defined(HAVE_CBLAS)
/* ABI unknown (link-only verification): the CBLAS subroutine form works either way */
#define ZDOTC_ABI "cblas_zdotc_sub"
static double _Complex call_zdotc(blas_int n, const double _Complex *x, const double _Complex *y) {
    double _Complex r = 0;
    CBLAS_FUNC(cblas_zdotc_sub)(n, x, 1, y, 1, &r);
    return r;
}
#endif

#ifdef HAVE_LAPACK
void BLAS_FUNC(dgesv)(const blas_int *n, const blas_int *nrhs, double *a, const blas_int *lda, blas_int *ipiv,
                      double *b, const blas_int *ldb, blas_int *info);
#endif

static int failures = 0;

static void report(const char *check, int ok, const char *detail) {
    if (ok) {
        printf("%s ok%s%s%s\n", check, *detail ? " (" : "", detail, *detail ? ")" : "");
    } else {
        printf("%s WRONG: %s\n", check, detail);
        failures++;
    }
}

/* column-major A = [1 2 3; 4 5 6; 7 8 10], B = [1 0 1; 0 1 1; 1 1 0]:
 * C = A*B = [4 5 3; 10 11 9; 17 18 15], trace 30 */
static const double A3[9] = {1, 4, 7, 2, 5, 8, 3, 6, 10};
static const double B3[9] = {1, 0, 1, 0, 1, 1, 1, 1, 0};
static const double C3[9] = {4, 10, 17, 5, 11, 18, 3, 9, 15};

static int same9(const double *c) {
    for (int i = 0; i < 9; i++) {
        if (c[i] != C3[i]) {
            return 0;
        }
    }
    return 1;
}

static void check_dgemm_fortran(void) {
    double c[9] = {-1, -1, -1, -1, -1, -1, -1, -1, -1};
    double alpha = 1.0, beta = 0.0;
    blas_int n = 3;
    BLAS_FUNC(dgemm)("N", "N", &n, &n, &n, &alpha, A3, &n, B3, &n, &beta, c, &n, 1, 1);
    char detail[80];
    snprintf(detail, sizeof detail, "trace %g, expected 30", c[0] + c[4] + c[8]);
    report("dgemm_fortran", same9(c), same9(c) ? "" : detail);
}

#ifdef HAVE_CBLAS
static void check_dgemm_cblas(void) {
    double c[9] = {-1, -1, -1, -1, -1, -1, -1, -1, -1};
    CBLAS_FUNC(cblas_dgemm)(CblasColMajor, CblasNoTrans, CblasNoTrans, 3, 3, 3, 1.0, A3, 3, B3, 3, 0.0, c, 3);
    char detail[80];
    snprintf(detail, sizeof detail, "trace %g, expected 30", c[0] + c[4] + c[8]);
    report("dgemm_cblas", same9(c), same9(c) ? "" : detail);
}
#endif

#ifdef ZDOTC_ABI
static void check_zdotc(void) {
    /* conj(1+2i)(2+i) + conj(3-i)(-1+4i) = (4-3i) + (-7+11i) = -3+8i */
    const double _Complex x[2] = {1.0 + 2.0 * I, 3.0 - 1.0 * I};
    const double _Complex y[2] = {2.0 + 1.0 * I, -1.0 + 4.0 * I};
    double _Complex r = call_zdotc(2, x, y);
    int ok = creal(r) == -3.0 && cimag(r) == 8.0;
    char detail[80];
    snprintf(detail, sizeof detail, "%s: got %g%+gi, expected -3+8i", ZDOTC_ABI, creal(r), cimag(r));
    report("zdotc", ok, ok ? ZDOTC_ABI : detail);
}
#endif

#if defined(HAVE_LAPACK) || defined(HAVE_LAPACKE)
/* A x = b with A = [4 1 0; 1 3 1; 0 1 2] (column-major == row-major, symmetric),
 * x = [1 2 3]: b = [6 10 8] */
static const double AS[9] = {4, 1, 0, 1, 3, 1, 0, 1, 2};
static const double BS[3] = {6, 10, 8};

static int solved(const double *x, blas_int info, char *detail, size_t size) {
    int ok = info == 0 && fabs(x[0] - 1) < 1e-12 && fabs(x[1] - 2) < 1e-12 && fabs(x[2] - 3) < 1e-12;
    snprintf(detail, size, "info %" BLAS_INT_FMT ", x = [%g %g %g], expected [1 2 3]", info, x[0], x[1], x[2]);
    return ok;
}
#endif

#if defined(HAVE_LAPACK) || defined(HAVE_LAPACKE)
/* fresh copies of the system (the solvers overwrite a and b) */
static void load_system(double a[9], double b[3]) {
    for (int i = 0; i < 9; i++) a[i] = AS[i];
    for (int i = 0; i < 3; i++) b[i] = BS[i];
}

static void report_solved(const char *name, const double *b, blas_int info) {
    char detail[120];
    int ok = solved(b, info, detail, sizeof detail);
    report(name, ok, ok ? "" : detail);
}
#endif

#ifdef HAVE_LAPACK
static void check_dgesv_lapack(void) {
    double a[9], b[3];
    load_system(a, b);
    blas_int n = 3, nrhs = 1, ipiv[3] = {0}, info = -99;
    BLAS_FUNC(dgesv)(&n, &nrhs, a, &n, ipiv, b, &n, &info);
    report_solved("dgesv_lapack", b, info);
}
#endif

#ifdef HAVE_LAPACKE
static void check_dgesv_lapacke(void) {
    double a[9], b[3];
    load_system(a, b);
    blas_int ipiv[3] = {0};
    blas_int info = LAPACKE_FUNC(LAPACKE_dgesv)(LAPACK_ROW_MAJOR, 3, 1, a, 3, ipiv, b, 1);
    report_solved("dgesv_lapacke", b, info);
}
#endif

#ifdef HAVE_BLAS_ILP64
/* n = 3 - 2**32: its low 32 bits are 3.  A true ILP64 library sees n < 1 (idamax returns 0,
 * daxpy returns without touching y); one that reads only 32 bits sees n = 3. */
static void check_ilp64_high_bits(void) {
    static const double x[3] = {1.0, -7.0, 3.0};
    const blas_int big_negative = -((blas_int)1 << 32) + 3, three = 3, inc = 1;
    const double alpha = 1.0;
    double y[3] = {10.0, 20.0, 30.0};
    blas_int imax_hi = BLAS_FUNC(idamax)(&big_negative, x, &inc);
    BLAS_FUNC(daxpy)(&big_negative, &alpha, x, &inc, y, &inc);
    int untouched = y[0] == 10.0 && y[1] == 20.0 && y[2] == 30.0;
    /* control: the same calls with n = 3 */
    blas_int imax = BLAS_FUNC(idamax)(&three, x, &inc);
    BLAS_FUNC(daxpy)(&three, &alpha, x, &inc, y, &inc);
    int added = y[0] == 11.0 && y[1] == 13.0 && y[2] == 33.0;
    int ok = imax_hi == 0 && untouched && imax == 2 && added;
    char detail[160];
    snprintf(detail, sizeof detail,
             "n = %" BLAS_INT_FMT ": idamax %" BLAS_INT_FMT " (expected 0), daxpy %s; n = 3: idamax %" BLAS_INT_FMT
             " (expected 2), daxpy %s",
             big_negative, imax_hi, untouched ? "left y alone" : "CHANGED y", imax, added ? "ok" : "WRONG");
    report("ilp64_high_bits", ok, ok ? "idamax, daxpy" : detail);
}

#ifdef HAVE_CBLAS
/* the same through CBLAS, where n is passed by value in a 64-bit register */
static void check_ilp64_high_bits_cblas(void) {
    static const double x[3] = {1.0, -7.0, 3.0};
    double y[3] = {10.0, 20.0, 30.0};
    CBLAS_FUNC(cblas_daxpy)(-((blas_int)1 << 32) + 3, 1.0, x, 1, y, 1);
    int ok = y[0] == 10.0 && y[1] == 20.0 && y[2] == 30.0;
    report("ilp64_high_bits_cblas", ok, ok ? "daxpy" : "cblas_daxpy with n = 3 - 2**32 changed y");
}
#endif
#endif

int main(void) {
    printf("%s: %s, %d-byte blas_int\n", BLAS_CHECKS_LABEL, STR(BLAS_FUNC(dgemm)), (int)sizeof(blas_int));
    check_dgemm_fortran();
#ifdef HAVE_CBLAS
    check_dgemm_cblas();
#endif
#ifdef ZDOTC_ABI
    check_zdotc();
#endif
#ifdef HAVE_LAPACK
    check_dgesv_lapack();
#endif
#ifdef HAVE_LAPACKE
    check_dgesv_lapacke();
#endif
#ifdef HAVE_BLAS_ILP64
    check_ilp64_high_bits();
#ifdef HAVE_CBLAS
    check_ilp64_high_bits_cblas();
#endif
#endif
    printf("%s\n", failures ? "SOME CHECKS WRONG" : "all checks ok");
    return failures;
}
