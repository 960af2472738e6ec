/*
 * dgemm benchmark probe for `mesonbuild-blas bench` (driven by mesonbuild_blas/bench.py).
 *
 * Build:  cc -O2 -o dgemm_bench dgemm_bench.c -DBENCH_DGEMM=dgemm_ -DBENCH_INT_SIZE=4 <link args> [-ldl]
 * Run:    dgemm_bench N REPEAT      thread counts come from the environment (OPENBLAS_NUM_THREADS, ...)
 *         dgemm_bench --clock       estimate the core clock with a chain of dependent integer adds
 *
 * Built without -DBENCH_DGEMM, only --clock is available (no BLAS needed).
 *
 * Output: one `key=value` fact per line, except the timing line which holds several:
 *   check=ok|wrong          a 4x5 * 5x3 product with beta != 0 and padded leading dimensions,
 *                           compared exactly with a naive loop (all values are exact in binary)
 *   n=N best_seconds=S gflops=G
 *   seconds=S1,S2,...       every timed call
 *   checksum=X abssum=Y     sum and absolute sum of C after the last call (compare across libraries)
 *   library=PATH            the file that served the dgemm symbol (dladdr)
 *   version= config= corename= parallel= lib_threads= blis_arch= blis_archs=
 *                           vendor facts, when the library exports the functions
 *   done=1                  last line: the run completed
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_STR2(x) #x
#define BENCH_STR(x) BENCH_STR2(x)

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- clock estimate ------------------------------------------------------------------------- */

#if defined(__GNUC__) || defined(__clang__)
/* One add per statement: the empty asm claims to modify x, so the compiler can neither fold the
 * adds together nor vectorise them.  Each add depends on the previous one, so the chain runs at
 * one add per cycle on every core with single-cycle integer adds (all current x86-64, Arm, POWER);
 * the loop counter runs beside it on other ALUs. */
#define ADD1 x += y; __asm__ __volatile__("" : "+r"(x));
#define ADD8 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1 ADD1
#define ADDS_PER_ITER 32

static double add_chain(uint64_t iters, uint64_t *sink)
{
    uint64_t x = *sink, y = (uint64_t)(*sink | 1u);
    __asm__ __volatile__("" : "+r"(y));
    double t0 = now_seconds();
    for (uint64_t i = 0; i < iters; i++) {
        ADD8 ADD8 ADD8 ADD8
    }
    double t1 = now_seconds();
    *sink = x;
    return t1 - t0;
}

static int clock_mode(void)
{
    uint64_t sink = 1;
    /* warm up (lets the core leave any low-power state), then size the run to ~40 ms */
    double t = add_chain(1u << 16, &sink);
    uint64_t iters = 1u << 16;
    while (t < 0.01 && iters < ((uint64_t)1 << 40)) {
        iters *= 2;
        t = add_chain(iters, &sink);
    }
    iters = (uint64_t)((double)iters * 0.04 / (t > 0 ? t : 1e-3)) + 1;
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        double s = add_chain(iters, &sink);
        if (s < best) best = s;
    }
    double adds = (double)iters * ADDS_PER_ITER;
    printf("clock_adds=%.0f clock_seconds=%.6f ghz=%.4f\n", adds, best, adds / best / 1e9);
    printf("sink=%llu\n", (unsigned long long)(sink & 1u));
    printf("done=1\n");
    return 0;
}
#else
static int clock_mode(void)
{
    printf("ghz=0\ndone=1\n");
    return 0;
}
#endif

/* ---- dgemm benchmark ------------------------------------------------------------------------ */

#ifdef BENCH_DGEMM

#ifndef BENCH_INT_SIZE
#define BENCH_INT_SIZE 4
#endif
#if BENCH_INT_SIZE == 8
typedef int64_t bint;
#elif BENCH_INT_SIZE == 4
typedef int32_t bint;
#else
#error "BENCH_INT_SIZE must be 4 or 8"
#endif

/* Fortran dgemm, with the hidden lengths of the two character arguments that gfortran-built
 * libraries expect last (C implementations simply ignore the extra arguments). */
extern void BENCH_DGEMM(const char *transa, const char *transb, const bint *m, const bint *n, const bint *k,
                        const double *alpha, const double *a, const bint *lda, const double *b,
                        const bint *ldb, const double *beta, double *c, const bint *ldc, size_t la,
                        size_t lb);

typedef void (*dgemm_fn)(const char *, const char *, const bint *, const bint *, const bint *,
                         const double *, const double *, const bint *, const double *, const bint *,
                         const double *, double *, const bint *, size_t, size_t);

/* An integer argument in an 8-byte slot.  For 4-byte builds the other half holds junk, so a
 * library that really takes 8-byte integers sees a huge value and fails the check (it either
 * rejects the call or computes garbage) instead of silently agreeing on little-endian machines. */
typedef union {
    int64_t wide;
    bint v;
} slot;

static slot arg(bint v)
{
    slot s;
    s.wide = (int64_t)0x2a2a2a2a2a2a2a2aLL;
    s.v = v;
    return s;
}

static int small_check(dgemm_fn dgemm)
{
    enum { M = 4, K = 5, N = 3, LDA = 6, LDB = 7, LDC = 5 };
    double a[LDA * K], b[LDB * N], c[LDC * N], want[LDC * N];
    for (int i = 0; i < LDA * K; i++) a[i] = -99.0; /* padding must not be read into the result */
    for (int i = 0; i < LDB * N; i++) b[i] = -99.0;
    for (int j = 0; j < K; j++)
        for (int i = 0; i < M; i++) a[i + j * LDA] = (double)(i + 1) - 0.5 * (double)j;
    for (int j = 0; j < N; j++)
        for (int i = 0; i < K; i++) b[i + j * LDB] = (double)((i * 3 + j) % 7) - 2.0;
    for (int i = 0; i < LDC * N; i++) c[i] = want[i] = (double)(i % 5) * 0.25;
    const double alpha = 2.0, beta = 0.5;
    for (int j = 0; j < N; j++)
        for (int i = 0; i < M; i++) {
            double s = 0.0;
            for (int p = 0; p < K; p++) s += a[i + p * LDA] * b[p + j * LDB];
            want[i + j * LDC] = alpha * s + beta * want[i + j * LDC];
        }
    slot m = arg(M), n = arg(N), k = arg(K), lda = arg(LDA), ldb = arg(LDB), ldc = arg(LDC);
    dgemm("N", "N", &m.v, &n.v, &k.v, &alpha, a, &lda.v, b, &ldb.v, &beta, c, &ldc.v, 1, 1);
    for (int i = 0; i < LDC * N; i++)
        if (c[i] != want[i]) return 0; /* rows M..LDC-1 must be untouched too */
    return 1;
}

static double *alloc_matrix(size_t count)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, count * sizeof(double)) != 0) return NULL;
    return (double *)p;
}

static void print_str_fact(const char *key, const char *const *symbols)
{
    for (; *symbols; symbols++) {
        void *f = dlsym(RTLD_DEFAULT, *symbols);
        if (f) {
            const char *s = ((const char *(*)(void))f)();
            if (s) {
                printf("%s=", key);
                for (; *s && *s != '\n'; s++) putchar(*s);
                putchar('\n');
            }
            return;
        }
    }
}

static void print_int_fact(const char *key, const char *const *symbols)
{
    for (; *symbols; symbols++) {
        void *f = dlsym(RTLD_DEFAULT, *symbols);
        if (f) {
            printf("%s=%d\n", key, ((int (*)(void))f)());
            return;
        }
    }
}

/* Facts the vendors export: looked up at run time so the probe links against any BLAS. */
static void print_vendor_facts(void)
{
    static const char *const config[] = {"openblas_get_config", "scipy_openblas_get_config",
                                         "scipy_openblas_get_config64_", "openblas_get_config64_", NULL};
    static const char *const core[] = {"openblas_get_corename", "scipy_openblas_get_corename",
                                       "scipy_openblas_get_corename64_", "openblas_get_corename64_", NULL};
    static const char *const parallel[] = {"openblas_get_parallel", "scipy_openblas_get_parallel",
                                           "scipy_openblas_get_parallel64_", "openblas_get_parallel64_", NULL};
    static const char *const threads[] = {"openblas_get_num_threads", "scipy_openblas_get_num_threads",
                                          "scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                                          "bli_thread_get_num_threads", "MKL_Get_Max_Threads", NULL};
    static const char *const blis_version[] = {"bli_info_get_version_str", NULL};
    print_str_fact("config", config);
    print_str_fact("corename", core);
    print_int_fact("parallel", parallel);
    print_int_fact("lib_threads", threads);
    print_str_fact("version", blis_version);

    /* BLIS: the sub-configuration (kernel set) it selected, and the numeric ids BLIS_ARCH_TYPE
     * takes in this very build (the arch_t enumeration changes between BLIS releases).
     * Only meaningful after BLIS initialised itself, i.e. after the first dgemm call. */
    void *query = dlsym(RTLD_DEFAULT, "bli_arch_query_id");
    void *name = dlsym(RTLD_DEFAULT, "bli_arch_string");
    if (query && name) {
        const char *(*arch_string)(int) = (const char *(*)(int))name;
        int id = ((int (*)(void))query)();
        const char *s = arch_string(id);
        printf("blis_arch=%d:%s\n", id, s ? s : "?");
        printf("blis_archs=");
        /* "generic" is the last entry of arch_t in every BLIS release; stop there */
        for (int i = 0; i < 64; i++) {
            s = arch_string(i);
            if (!s) break;
            printf("%s%d:%s", i ? "," : "", i, s);
            if (strcmp(s, "generic") == 0) break;
        }
        putchar('\n');
    }
}

static int parse_positive(const char *text, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || !end || *end || v < 1 || v > max) return 0;
    *out = v;
    return 1;
}

static int bench_mode(int argc, char **argv)
{
    long n_arg = 0, repeat = 0;
    if (argc != 3 || !parse_positive(argv[1], 100000, &n_arg) || !parse_positive(argv[2], 100000, &repeat)) {
        fprintf(stderr, "usage: %s N REPEAT | --clock\n", argv[0]);
        return 2;
    }

    /* The definition the loader bound: RTLD_NEXT skips this executable, which may hold a PLT
     * stub standing in for the function (non-PIE builds). */
    dgemm_fn dgemm = (dgemm_fn)dlsym(RTLD_NEXT, BENCH_STR(BENCH_DGEMM));
    if (!dgemm) dgemm = BENCH_DGEMM;

    printf("check=%s\n", small_check(dgemm) ? "ok" : "wrong");
    fflush(stdout);

    const size_t nn = (size_t)n_arg * (size_t)n_arg;
    double *a = alloc_matrix(nn), *b = alloc_matrix(nn), *c = alloc_matrix(nn);
    if (!a || !b || !c) {
        fprintf(stderr, "error: cannot allocate three %ldx%ld matrices\n", n_arg, n_arg);
        return 3;
    }
    for (size_t i = 0; i < nn; i++) {
        a[i] = (double)((i * 7919u) % 1000u) / 1000.0 - 0.5;
        b[i] = (double)((i * 104729u + 13u) % 1000u) / 1000.0 - 0.5;
        c[i] = 0.0;
    }
    const bint n = (bint)n_arg;
    const double alpha = 1.0, beta = 0.0;

    dgemm("N", "N", &n, &n, &n, &alpha, a, &n, b, &n, &beta, c, &n, 1, 1); /* warm-up: threads, caches */

    double best = 1e30;
    printf("seconds=");
    for (long r = 0; r < repeat; r++) {
        double t0 = now_seconds();
        dgemm("N", "N", &n, &n, &n, &alpha, a, &n, b, &n, &beta, c, &n, 1, 1);
        double t = now_seconds() - t0;
        printf("%s%.9f", r ? "," : "", t);
        if (t < best) best = t;
    }
    putchar('\n');
    if (best <= 0) best = 1e-9; /* clock granularity on tiny n */
    const double flops = 2.0 * (double)n_arg * (double)n_arg * (double)n_arg;
    printf("n=%ld best_seconds=%.9f gflops=%.4f\n", n_arg, best, flops / best / 1e9);

    double sum = 0.0, asum = 0.0;
    for (size_t i = 0; i < nn; i++) {
        sum += c[i];
        asum += c[i] < 0 ? -c[i] : c[i];
    }
    printf("checksum=%.17g abssum=%.17g\n", sum, asum);

    Dl_info info;
    if (dladdr((void *)dgemm, &info) && info.dli_fname)
        printf("library=%s\n", info.dli_fname);
    else
        printf("library=\n");

    print_vendor_facts();
    free(a);
    free(b);
    free(c);
    printf("done=1\n");
    return 0;
}
#endif /* BENCH_DGEMM */

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--clock") == 0) return clock_mode();
#ifdef BENCH_DGEMM
    return bench_mode(argc, argv);
#else
    fprintf(stderr, "%s: built without -DBENCH_DGEMM; only --clock is available\n", argv[0]);
    return 2;
#endif
}
