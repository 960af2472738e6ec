/* Multiply two 3x3 matrices with the Fortran BLAS dgemm and check the result.
 *
 * The symbol name (BLAS_FUNC) and the integer type (blas_int) come from the
 * blas_mangling.h that mesonbuild-blas generates for the library it found. */
#include <blas_mangling.h>

#include <stdio.h>
#include <string.h>

void BLAS_FUNC(dgemm)(const char *transa, const char *transb, const blas_int *m, const blas_int *n,
                      const blas_int *k, const double *alpha, const double *a, const blas_int *lda,
                      const double *b, const blas_int *ldb, const double *beta, double *c,
                      const blas_int *ldc, size_t la, size_t lb);

#define STR2(x) #x
#define STR(x) STR2(x)

#ifdef HAVE_BLAS_ILP64
#define INTERFACE_NAME "ilp64"
#else
#define INTERFACE_NAME "lp64"
#endif

int main(void)
{
    /* column-major: A = [1 2 3; 4 5 6; 7 8 10], B = identity * 2 */
    double a[9] = {1, 4, 7, 2, 5, 8, 3, 6, 10};
    double b[9] = {2, 0, 0, 0, 2, 0, 0, 0, 2};
    double c[9] = {0};
    double alpha = 1.0, beta = 0.0;
    blas_int n = 3;
    BLAS_FUNC(dgemm)("N", "N", &n, &n, &n, &alpha, a, &n, b, &n, &beta, c, &n, 1, 1);
    int ok = 1;
    for (int i = 0; i < 9; i++) {
        if (c[i] != 2 * a[i]) {
            ok = 0;
        }
    }
    /* the header's spelling must be the symbol the probe linked (get_variable('fortran_symbol_dgemm')) */
    const char *symbol = STR(BLAS_FUNC(dgemm));
    if (strcmp(symbol, DEMO_PROBED_SYMBOL) != 0) {
        fprintf(stderr, "BLAS_FUNC(dgemm) is %s but the probe linked %s\n", symbol, DEMO_PROBED_SYMBOL);
        ok = 0;
    }
    printf("%s %s: %s(3x3) trace(C) = %g, %d-byte integers: %s\n", DEMO_VENDOR_NAME, INTERFACE_NAME, symbol,
           c[0] + c[4] + c[8], (int)sizeof(blas_int), ok ? "OK" : "WRONG");
    return ok ? 0 : 1;
}
