/* Self-test of a generated Fortran adapter (mesonbuild-blas).
 *
 * Calls the adapted routines the way the project's Fortran compiler does (its
 * symbol names and function-result conventions) and prints "ok <routine>" or
 * "wrong <routine> <values>" per call.  Built at configure time with:
 *   MB_INT                  the library's integer type (int32_t / int64_t)
 *   MB_COMPLEX_HIDDEN       complex results through a hidden first argument (else registers)
 *   MB_REAL_DOUBLE          REAL function results as double (else float)
 *   SYM_<ROUTINE>="symbol"  one per routine to call; routines without one are skipped
 *   SYM_XERBLA="symbol"     the program's XERBLA, defined here: an illegal dgemm argument must reach it
 */
#include <complex.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MB_STR2(x) #x
#define MB_STR(x) MB_STR2(x)
#ifdef __USER_LABEL_PREFIX__
#define MB_SYM(name) MB_STR(__USER_LABEL_PREFIX__) name
#else
#define MB_SYM(name) name
#endif

typedef MB_INT mb_int;
static int failures;

static void report(const char *routine, int ok, double re, double im)
{
    if (ok) {
        printf("ok %s\n", routine);
    } else {
        printf("wrong %s %.9g %.9g\n", routine, re, im);
        failures++;
    }
}

#ifdef SYM_DGEMM
extern void mb_dgemm(const char *, const char *, const mb_int *, const mb_int *, const mb_int *, const double *,
                     const double *, const mb_int *, const double *, const mb_int *, const double *, double *,
                     const mb_int *, size_t, size_t) __asm__(MB_SYM(SYM_DGEMM));
static void check_dgemm(void)
{
    /* column-major A = [1 3; 2 4], B = [5 7; 6 8]: A*B = [23 31; 34 46] */
    double a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[4] = {0, 0, 0, 0}, one = 1.0, zero = 0.0;
    mb_int two = 2;
    mb_dgemm("N", "N", &two, &two, &two, &one, a, &two, b, &two, &zero, c, &two, 1, 1);
    report("dgemm", c[0] == 23 && c[1] == 34 && c[2] == 31 && c[3] == 46, c[0], c[3]);
}
#endif

#if defined(SYM_XERBLA) && defined(SYM_DGEMM)
static char xerbla_name[7];
static long long xerbla_info = -1;
void program_xerbla(const char *name, const mb_int *info, size_t length) __asm__(MB_SYM(SYM_XERBLA));
void program_xerbla(const char *name, const mb_int *info, size_t length)
{
    size_t i;
    for (i = 0; i < length && i < 6; i++)
        xerbla_name[i] = name[i];
    xerbla_info = (long long)*info;
}
static void check_xerbla(void)
{
    double a[4] = {0}, c[4] = {0}, one = 1.0;
    mb_int two = 2;
    mb_dgemm("X", "N", &two, &two, &two, &one, a, &two, a, &two, &one, c, &two, 1, 1);
    report("xerbla", xerbla_info == 1 && xerbla_name[0] == 'D' && xerbla_name[4] == 'M', (double)xerbla_info, 0);
}
#endif

#ifdef SYM_SDOT
#ifdef MB_REAL_DOUBLE
typedef double mb_real_result;
#else
typedef float mb_real_result;
#endif
extern mb_real_result mb_sdot(const mb_int *, const float *, const mb_int *, const float *, const mb_int *)
    __asm__(MB_SYM(SYM_SDOT));
static void check_sdot(void)
{
    float x[3] = {1, 2, 3}, y[3] = {4, 5, 6};
    mb_int n = 3, inc = 1;
    double r = (double)mb_sdot(&n, x, &inc, y, &inc);
    report("sdot", r == 32.0, r, 0);
}
#endif

#ifdef MB_COMPLEX_HIDDEN
#define MB_COMPLEX_FN(type, fn, sym, params) extern void fn(type *, params) __asm__(MB_SYM(sym))
#define MB_COMPLEX_CALL(type, result, fn, ...) fn(&(result), __VA_ARGS__)
#else
#define MB_COMPLEX_FN(type, fn, sym, params) extern type fn(params) __asm__(MB_SYM(sym))
#define MB_COMPLEX_CALL(type, result, fn, ...) ((result) = fn(__VA_ARGS__))
#endif
#define MB_DOT_PARAMS const mb_int *, const void *, const mb_int *, const void *, const mb_int *

#ifdef SYM_CDOTC
MB_COMPLEX_FN(float _Complex, mb_cdotc, SYM_CDOTC, MB_DOT_PARAMS);
static void check_cdotc(void)
{
    /* conj([1+2i, 3+4i]) . [5+6i, 7+8i] = 70 - 8i */
    float _Complex x[2] = {1.0f + 2.0f * I, 3.0f + 4.0f * I}, y[2] = {5.0f + 6.0f * I, 7.0f + 8.0f * I};
    float _Complex r = 0;
    mb_int n = 2, inc = 1;
    MB_COMPLEX_CALL(float _Complex, r, mb_cdotc, &n, x, &inc, y, &inc);
    report("cdotc", crealf(r) == 70.0f && cimagf(r) == -8.0f, crealf(r), cimagf(r));
}
#endif

#ifdef SYM_ZDOTU
MB_COMPLEX_FN(double _Complex, mb_zdotu, SYM_ZDOTU, MB_DOT_PARAMS);
static void check_zdotu(void)
{
    /* [1+2i, 3+4i] . [5+6i, 7+8i] = -18 + 68i */
    double _Complex x[2] = {1.0 + 2.0 * I, 3.0 + 4.0 * I}, y[2] = {5.0 + 6.0 * I, 7.0 + 8.0 * I};
    double _Complex r = 0;
    mb_int n = 2, inc = 1;
    MB_COMPLEX_CALL(double _Complex, r, mb_zdotu, &n, x, &inc, y, &inc);
    report("zdotu", creal(r) == -18.0 && cimag(r) == 68.0, creal(r), cimag(r));
}
#endif

#define MB_DIV_PARAMS const void *, const void *
#ifdef SYM_ZLADIV
MB_COMPLEX_FN(double _Complex, mb_zladiv, SYM_ZLADIV, MB_DIV_PARAMS);
static void check_zladiv(void)
{
    /* LAPACK: (4+2i) / (1+1i) = 3 - 1i (exact in binary) */
    double _Complex x = 4.0 + 2.0 * I, y = 1.0 + 1.0 * I, r = 0;
    MB_COMPLEX_CALL(double _Complex, r, mb_zladiv, &x, &y);
    report("zladiv", creal(r) == 3.0 && cimag(r) == -1.0, creal(r), cimag(r));
}
#endif

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0); /* what ran before a crash is still reported */
#ifdef SYM_DGEMM
    check_dgemm();
#endif
#if defined(SYM_XERBLA) && defined(SYM_DGEMM)
    check_xerbla();
#endif
#ifdef SYM_SDOT
    check_sdot();
#endif
#ifdef SYM_CDOTC
    check_cdotc();
#endif
#ifdef SYM_ZDOTU
    check_zdotu();
#endif
#ifdef SYM_ZLADIV
    check_zladiv();
#endif
    printf("end %d\n", failures);
    return failures != 0;
}
