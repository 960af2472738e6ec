/* A deliberately minimal (and optionally broken) BLAS for mesonbuild-blas's
 * hostile-input tests.  Compile-time switches:
 *   -DBLAS_INT=int32_t|int64_t   integer width of the Fortran BLAS interface
 *   -DFSUF=_|_64_                what follows a Fortran routine name (dgemm_ / dgemm_64_)
 *   -DCSUF=<text>                what follows a C routine name (cblas_dgemm_64 with -DCSUF=_64)
 *   -DWITH_CBLAS                 export cblas_daxpy/cblas_dgemm, integers -DCBLAS_INT (default BLAS_INT)
 *   -DWITH_LAPACK                export dgesv_/ilaver_, integers -DLAPACK_INT (default BLAS_INT)
 *   -DWITH_LAPACKE               export LAPACKE_dgesv, integers -DLAPACKE_INT (default LAPACK_INT)
 *   -DF2C                        f2c/g77 conventions: sdot_ returns double, cdotc_ returns
 *                                its result through a hidden first argument
 *   -DREAL_AS_DOUBLE             only sdot_ returns double (cdotc_ in registers)
 *   -DWRONG_DGEMM                dgemm_ computes a wrong product
 *   -DWRONG_CDOTC                cdotc_ computes a wrong dot product
 *   -DWRONG_DGESV                dgesv_ computes a wrong solution
 *   -DCRASH_DGEMM                dgemm_ aborts
 *   -DCRASH_DGESV                dgesv_ aborts
 *   -DHANG_DGEMM                 dgemm_ never returns
 *   -DHANG_ON_LOAD               the library never finishes loading (its constructor sleeps forever)
 *   -DABORT_ON_LOAD              the library aborts when it is loaded
 *   -DPRINT_ON_LOAD              the library prints forged probe answers to stdout when it is loaded
 *   -DXERBLA_EXIT                the library's xerbla_ calls exit(0), and its dgesv_ reports
 *                                every call as an argument error through it (as the reference
 *                                xerbla does on a bad argument)
 *   -DEXIT_IN_LAPACKE            LAPACKE_dgesv ends the program with exit(0) and no output
 * It never exports vendor functions. */
#include <complex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef BLAS_INT
#define BLAS_INT int32_t
#endif
#ifndef CBLAS_INT
#define CBLAS_INT BLAS_INT
#endif
#ifndef LAPACK_INT
#define LAPACK_INT BLAS_INT
#endif
#ifndef LAPACKE_INT
#define LAPACKE_INT LAPACK_INT
#endif
#ifndef FSUF
#define FSUF _
#endif
#ifndef CSUF
#define CSUF
#endif
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define F(name) CAT(name, FSUF)
#define C(name) CAT(name, CSUF)

#ifdef ABORT_ON_LOAD
__attribute__((constructor)) static void die_on_load(void) { abort(); }
#endif

#ifdef HANG_ON_LOAD
__attribute__((constructor)) static void hang_on_load(void)
{
    for (;;) {
        pause();
    }
}
#endif

#ifdef PRINT_ON_LOAD
__attribute__((constructor)) static void print_on_load(void)
{
    /* answers in the probe's old (token-less) format, and a line without a newline */
    printf("S s0 dgemm dgemm_ 1 /forged/libforged.so\nR s0 int_width 8\nR s0 dgemm ok\nE done\n");
    printf("R s0 noise");
    fflush(stdout);
}
#endif

#ifdef HANG_DGEMM
static void hang(void)
{
    for (;;) {
        pause();
    }
}
#endif

void F(daxpy)(const BLAS_INT *n, const double *alpha, const double *x, const BLAS_INT *incx, double *y,
              const BLAS_INT *incy)
{
    if (*n <= 0) {
        return;
    }
    for (BLAS_INT i = 0; i < *n; i++) {
        y[i * *incy] += *alpha * x[i * *incx];
    }
}

static void gemm(BLAS_INT m, BLAS_INT n, BLAS_INT k, double alpha, const double *a, BLAS_INT lda, const double *b,
                 BLAS_INT ldb, double beta, double *c, BLAS_INT ldc)
{
    for (BLAS_INT j = 0; j < n; j++) {
        for (BLAS_INT i = 0; i < m; i++) {
            double s = 0.0;
            for (BLAS_INT p = 0; p < k; p++) {
                s += a[i + p * lda] * b[p + j * ldb];
            }
#ifdef WRONG_DGEMM
            s += 1.0;
#endif
            c[i + j * ldc] = alpha * s + beta * c[i + j * ldc];
        }
    }
}

void F(dgemm)(const char *ta, const char *tb, const BLAS_INT *m, const BLAS_INT *n, const BLAS_INT *k,
              const double *alpha, const double *a, const BLAS_INT *lda, const double *b, const BLAS_INT *ldb,
              const double *beta, double *c, const BLAS_INT *ldc)
{
    (void)ta;
    (void)tb;
#ifdef CRASH_DGEMM
    abort();
#endif
#ifdef HANG_DGEMM
    hang();
#endif
    gemm(*m, *n, *k, *alpha, a, *lda, b, *ldb, *beta, c, *ldc);
}

#if defined(F2C) || defined(REAL_AS_DOUBLE)
double F(sdot)(const BLAS_INT *n, const float *x, const BLAS_INT *incx, const float *y, const BLAS_INT *incy)
#else
float F(sdot)(const BLAS_INT *n, const float *x, const BLAS_INT *incx, const float *y, const BLAS_INT *incy)
#endif
{
    float s = 0.0f;
    for (BLAS_INT i = 0; i < *n; i++) {
        s += x[i * *incx] * y[i * *incy];
    }
    return s;
}

static float _Complex cdot(BLAS_INT n, const float _Complex *x, BLAS_INT incx, const float _Complex *y,
                           BLAS_INT incy)
{
    float _Complex s = 0.0f;
    for (BLAS_INT i = 0; i < n; i++) {
        s += conjf(x[i * incx]) * y[i * incy];
    }
#ifdef WRONG_CDOTC
    s += 1.0f;
#endif
    return s;
}

#ifdef F2C
void F(cdotc)(float _Complex *result, const BLAS_INT *n, const float _Complex *x, const BLAS_INT *incx,
              const float _Complex *y, const BLAS_INT *incy)
{
    *result = cdot(*n, x, *incx, y, *incy);
}
#else
float _Complex F(cdotc)(const BLAS_INT *n, const float _Complex *x, const BLAS_INT *incx, const float _Complex *y,
                        const BLAS_INT *incy)
{
    return cdot(*n, x, *incx, y, *incy);
}
#endif

#ifdef WITH_CBLAS
void C(cblas_daxpy)(CBLAS_INT n, double alpha, const double *x, CBLAS_INT incx, double *y, CBLAS_INT incy)
{
    for (CBLAS_INT i = 0; i < n; i++) {
        y[i * incy] += alpha * x[i * incx];
    }
}

void C(cblas_dgemm)(int layout, int ta, int tb, CBLAS_INT m, CBLAS_INT n, CBLAS_INT k, double alpha, const double *a,
                    CBLAS_INT lda, const double *b, CBLAS_INT ldb, double beta, double *c, CBLAS_INT ldc)
{
    (void)layout;
    (void)ta;
    (void)tb;
    gemm((BLAS_INT)m, (BLAS_INT)n, (BLAS_INT)k, alpha, a, (BLAS_INT)lda, b, (BLAS_INT)ldb, beta, c, (BLAS_INT)ldc);
}
#endif

#if defined(WITH_LAPACK) || defined(WITH_LAPACKE)
void F(xerbla)(const char *name, const LAPACK_INT *info, size_t len)
{
    (void)len;
#ifdef XERBLA_EXIT
    (void)name;
    (void)info;
    exit(0);
#else
    fprintf(stderr, "fakeblas: parameter %d of %.6s had an illegal value\n", (int)*info, name);
#endif
}

/* Gaussian elimination with partial pivoting; ipiv is 1-based */
static LAPACK_INT solve(LAPACK_INT n, LAPACK_INT nrhs, double *a, LAPACK_INT lda, LAPACK_INT *ipiv, double *b,
                        LAPACK_INT ldb)
{
    for (LAPACK_INT j = 0; j < n; j++) {
        LAPACK_INT p = j;
        for (LAPACK_INT i = j + 1; i < n; i++) {
            if ((a[i + j * lda] < 0 ? -a[i + j * lda] : a[i + j * lda]) >
                (a[p + j * lda] < 0 ? -a[p + j * lda] : a[p + j * lda])) {
                p = i;
            }
        }
        ipiv[j] = p + 1;
        if (a[p + j * lda] == 0.0) {
            return j + 1;
        }
        if (p != j) {
            for (LAPACK_INT c = 0; c < n; c++) {
                double t = a[j + c * lda];
                a[j + c * lda] = a[p + c * lda];
                a[p + c * lda] = t;
            }
            for (LAPACK_INT c = 0; c < nrhs; c++) {
                double t = b[j + c * ldb];
                b[j + c * ldb] = b[p + c * ldb];
                b[p + c * ldb] = t;
            }
        }
        for (LAPACK_INT i = j + 1; i < n; i++) {
            double f = a[i + j * lda] / a[j + j * lda];
            a[i + j * lda] = f;
            for (LAPACK_INT c = j + 1; c < n; c++) {
                a[i + c * lda] -= f * a[j + c * lda];
            }
            for (LAPACK_INT c = 0; c < nrhs; c++) {
                b[i + c * ldb] -= f * b[j + c * ldb];
            }
        }
    }
    for (LAPACK_INT c = 0; c < nrhs; c++) {
        for (LAPACK_INT i = n - 1; i >= 0; i--) {
            double s = b[i + c * ldb];
            for (LAPACK_INT q = i + 1; q < n; q++) {
                s -= a[i + q * lda] * b[q + c * ldb];
            }
            b[i + c * ldb] = s / a[i + i * lda];
#ifdef WRONG_DGESV
            b[i + c * ldb] += 0.5;
#endif
        }
    }
    return 0;
}

void F(dgesv)(const LAPACK_INT *n, const LAPACK_INT *nrhs, double *a, const LAPACK_INT *lda, LAPACK_INT *ipiv,
              double *b, const LAPACK_INT *ldb, LAPACK_INT *info)
{
#ifdef CRASH_DGESV
    abort();
#endif
#ifdef XERBLA_EXIT
    *info = -1;
    F(xerbla)("DGESV ", info, 6);
    return;
#endif
    if (*n < 0) {
        *info = -1;
        F(xerbla)("DGESV ", info, 6);
        return;
    }
    *info = solve(*n, *nrhs, a, *lda, ipiv, b, *ldb);
}

void F(ilaver)(LAPACK_INT *major, LAPACK_INT *minor, LAPACK_INT *patch)
{
    *major = 3;
    *minor = 99;
    *patch = 0;
}
#endif

#ifdef WITH_LAPACKE
LAPACKE_INT C(LAPACKE_dgesv)(int layout, LAPACKE_INT n, LAPACKE_INT nrhs, double *a, LAPACKE_INT lda,
                             LAPACKE_INT *ipiv, double *b, LAPACKE_INT ldb)
{
    (void)layout;
#ifdef EXIT_IN_LAPACKE
    exit(0);
#endif
    LAPACK_INT piv[64];
    if (n < 0 || n > 64) {
        return -2;
    }
    LAPACK_INT info = solve((LAPACK_INT)n, (LAPACK_INT)nrhs, a, (LAPACK_INT)lda, piv, b, (LAPACK_INT)ldb);
    for (LAPACKE_INT i = 0; i < n; i++) {
        ipiv[i] = (LAPACKE_INT)piv[i];
    }
    return (LAPACKE_INT)info;
}
#endif
