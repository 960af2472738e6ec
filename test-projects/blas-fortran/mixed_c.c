/* The C half of a C + Fortran program: calls the library through blas_mangling.h
 * (BLAS_FUNC names, the result convention BLAS_FORTRAN_ABI_G77 announces, CBLAS),
 * then the Fortran half.  Prints "<check> ok" lines, then "all checks ok". */
#include <complex.h>
#include <stdio.h>

#include "blas_mangling.h"

void BLAS_FUNC(dgemm)(const char *, const char *, const blas_int *, const blas_int *, const blas_int *,
                      const double *, const double *, const blas_int *, const double *, const blas_int *,
                      const double *, double *, const blas_int *, size_t, size_t);
#ifdef BLAS_FORTRAN_ABI_G77
void BLAS_FUNC(zdotc)(double _Complex *, const blas_int *, const double _Complex *, const blas_int *,
                      const double _Complex *, const blas_int *);
#else
double _Complex BLAS_FUNC(zdotc)(const blas_int *, const double _Complex *, const blas_int *,
                                 const double _Complex *, const blas_int *);
#endif
int mixed_fortran(void);

int main(void)
{
    int failures = 0;
    double a[2] = {1, 2}, b[2] = {3, 4}, c = 0, one = 1, zero = 0;
    blas_int n1 = 1, n2 = 2, inc = 1;
    BLAS_FUNC(dgemm)("N", "N", &n1, &n1, &n2, &one, a, &n1, b, &n2, &zero, &c, &n1, 1, 1);
    printf("c dgemm %s\n", c == 11 ? "ok" : "WRONG");
    failures += c != 11;

    double _Complex x[2] = {1 + 2 * I, 3 + 4 * I}, y[2] = {5 + 6 * I, 7 + 8 * I}, r = 0;
#ifdef BLAS_FORTRAN_ABI_G77
    BLAS_FUNC(zdotc)(&r, &n2, x, &inc, y, &inc);
#else
    r = BLAS_FUNC(zdotc)(&n2, x, &inc, y, &inc);
#endif
    printf("c zdotc %s\n", creal(r) == 70 && cimag(r) == -8 ? "ok" : "WRONG");
    failures += !(creal(r) == 70 && cimag(r) == -8);
#ifdef HAVE_CBLAS
    r = 0;
    CBLAS_FUNC(cblas_zdotc_sub)(2, x, 1, y, 1, &r);
    printf("c cblas_zdotc_sub %s\n", creal(r) == 70 && cimag(r) == -8 ? "ok" : "WRONG");
    failures += !(creal(r) == 70 && cimag(r) == -8);
#endif
    fflush(stdout);
    failures += mixed_fortran();
    if (failures) {
        printf("%d check(s) WRONG\n", failures);
        return 1;
    }
    printf("all checks ok\n");
    return 0;
}
