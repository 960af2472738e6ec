/* Plain reference names with the dependency's symbol_suffix, prototypes written here
 * (the way a project that knows only Meson's BLAS contract writes them). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define F(name) CAT(name, F_SUFFIX)
#define C(name) CAT(name, C_SUFFIX)

typedef BLAS_INT blas_int;

void F(dgemm)(const char *ta, const char *tb, const blas_int *m, const blas_int *n, const blas_int *k,
              const double *alpha, const double *a, const blas_int *lda, const double *b, const blas_int *ldb,
              const double *beta, double *c, const blas_int *ldc, size_t lta, size_t ltb);
void F(sscal)(const blas_int *n, const float *alpha, float *x, const blas_int *incx);
void F(dgesv)(const blas_int *n, const blas_int *nrhs, double *a, const blas_int *lda, blas_int *ipiv,
              double *b, const blas_int *ldb, blas_int *info);
double C(cblas_ddot)(blas_int n, const double *x, blas_int incx, const double *y, blas_int incy);

static int failures = 0;

static void check(const char *what, int ok) {
    printf("%s %s\n", what, ok ? "ok" : "WRONG");
    failures += !ok;
}

int main(void) {
    /* C = A * B with A = [1 2; 3 4], B = I (column-major) */
    double a[4] = {1, 3, 2, 4}, b[4] = {1, 0, 0, 1}, c[4] = {0};
    double one = 1.0, zero = 0.0;
    blas_int two = 2;
    F(dgemm)("N", "N", &two, &two, &two, &one, a, &two, b, &two, &zero, c, &two, 1, 1);
    check("dgemm", c[0] == 1 && c[1] == 3 && c[2] == 2 && c[3] == 4);

    float x[3] = {1, 2, 3}, alpha = 2;
    blas_int three = 3, inc = 1;
    F(sscal)(&three, &alpha, x, &inc);
    check("sscal", x[0] == 2 && x[1] == 4 && x[2] == 6);

    double u[3] = {1, 2, 3}, v[3] = {4, 5, 6};
    check("cblas_ddot", C(cblas_ddot)(3, u, 1, v, 1) == 32.0);

    /* [2 1; 1 3] x = [3 5] -> x = [0.8 1.4] */
    double m[4] = {2, 1, 1, 3}, rhs[2] = {3, 5};
    blas_int ipiv[2], info = -1, nrhs = 1;
    F(dgesv)(&two, &nrhs, m, &two, ipiv, rhs, &two, &info);
    check("dgesv", info == 0 && rhs[0] > 0.799999 && rhs[0] < 0.800001 && rhs[1] > 1.399999 && rhs[1] < 1.400001);

    printf("%s\n", failures ? "FAILED" : "all ok");
    return failures != 0;
}
