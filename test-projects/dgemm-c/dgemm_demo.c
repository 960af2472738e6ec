/* Multiply two 3x3 matrices with the Fortran BLAS dgemm and check the result. */
#include <stdint.h>
#include <stdio.h>

#if BLAS_INT_SIZE == 8
typedef int64_t blas_int;
#else
typedef int32_t blas_int;
#endif

void DGEMM_SYMBOL(const char *transa, const char *transb, const blas_int *m, const blas_int *n,
                  const blas_int *k, const double *alpha, const double *a, const blas_int *lda,
                  const double *b, const blas_int *ldb, const double *beta, double *c,
                  const blas_int *ldc, size_t la, size_t lb);

#define STR2(x) #x
#define STR(x) STR2(x)

int main(void)
{
    /* column-major: A = [1 2 3; 4 5 6; 7 8 10], B = identity * 2 */
    double a[9] = {1, 4, 7, 2, 5, 8, 3, 6, 10};
    double b[9] = {2, 0, 0, 0, 2, 0, 0, 0, 2};
    double c[9] = {0};
    double alpha = 1.0, beta = 0.0;
    blas_int n = 3;
    DGEMM_SYMBOL("N", "N", &n, &n, &n, &alpha, a, &n, b, &n, &beta, c, &n, 1, 1);
    int ok = 1;
    for (int i = 0; i < 9; i++) {
        if (c[i] != 2 * a[i]) {
            ok = 0;
        }
    }
    printf("%s %s: %s(3x3) trace(C) = %g, %d-byte integers: %s\n", BLAS_VENDOR_NAME,
           BLAS_INTERFACE_NAME, STR(DGEMM_SYMBOL), c[0] + c[4] + c[8], (int)sizeof(blas_int),
           ok ? "OK" : "WRONG");
    return ok ? 0 : 1;
}
