/* A deliberately minimal (and optionally broken) BLAS for mesonbuild-blas's
 * hostile-input tests.  Compile-time switches:
 *   -DBLAS_INT=int32_t|int64_t   integer width of the Fortran interface
 *   -DFSUF=_|_64_                what follows the routine name (dgemm_ / dgemm_64_)
 *   -DWRONG_DGEMM                dgemm_ computes a wrong product
 *   -DCRASH_DGEMM                dgemm_ aborts
 *   -DABORT_ON_LOAD              the library aborts when it is loaded
 * It never exports CBLAS, LAPACK or vendor functions. */
#include <stdint.h>
#include <stdlib.h>

#ifndef BLAS_INT
#define BLAS_INT int32_t
#endif
#ifndef FSUF
#define FSUF _
#endif
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define F(name) CAT(name, FSUF)

#ifdef ABORT_ON_LOAD
__attribute__((constructor)) static void die_on_load(void) { abort(); }
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

void F(dgemm)(const char *ta, const char *tb, const BLAS_INT *m, const BLAS_INT *n, const BLAS_INT *k,
              const double *alpha, const double *a, const BLAS_INT *lda, const double *b, const BLAS_INT *ldb,
              const double *beta, double *c, const BLAS_INT *ldc)
{
    (void)ta;
    (void)tb;
#ifdef CRASH_DGEMM
    abort();
#endif
    for (BLAS_INT j = 0; j < *n; j++) {
        for (BLAS_INT i = 0; i < *m; i++) {
            double s = 0.0;
            for (BLAS_INT p = 0; p < *k; p++) {
                s += a[i + p * *lda] * b[p + j * *ldb];
            }
#ifdef WRONG_DGEMM
            s += 1.0;
#endif
            c[i + j * *ldc] = *alpha * s + *beta * c[i + j * *ldc];
        }
    }
}
