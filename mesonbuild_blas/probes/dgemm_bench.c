/*
 * dgemm benchmark program for `mesonbuild-blas bench` (driven by mesonbuild_blas/bench/).
 *
 * Build:  cc -O2 -o dgemm_bench dgemm_bench.c -DBENCH_DGEMM=dgemm_ -DBENCH_INT_SIZE=4 <link args> [-ldl]
 * Run:    dgemm_bench N REPEAT < facts   thread counts come from the environment
 *         dgemm_bench --clock            estimate the core clock with a chain of dependent integer adds
 *
 * Built without -DBENCH_DGEMM, only --clock is available (no BLAS needed).
 *
 * It knows no vendor: the library functions worth asking (version, kernel set, thread
 * count, ...) come on stdin, one "<kind> <key> <symbol> [<arg>]" line each, written by the
 * Python side from the vendor table.  The first line of a key whose symbol exists answers it:
 *   str   const char *f(void)
 *   int   int f(void)
 *   buf   void f(char *buf, size_t len)
 *   ver3  void f(int *major, int *minor, int *patch)
 *   names const char *f(int id) for id = 0, 1, ... up to a NULL or the name <arg> (an enumeration)
 * They are called after the timed runs (some libraries initialise lazily).
 *
 * Output: one `key=value` per line, the value running to the end of the line:
 *   check=ok|wrong          a 4x5 * 5x3 product with beta != 0 and padded leading dimensions,
 *                           compared exactly with a naive loop (all values are exact in binary)
 *   seconds=S1,S2,...       every timed call
 *   n=N  best_seconds=S  gflops=G
 *   checksum=X  abssum=Y    sum and absolute sum of C after the last call (compare across libraries)
 *   library=PATH            the file that served the dgemm symbol (dladdr)
 *   info.<key>=VALUE        one per answered stdin line
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
    printf("clock_adds=%.0f\nclock_seconds=%.6f\nghz=%.4f\n", adds, best, adds / best / 1e9);
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

#define MAX_FACTS 128

typedef struct {
    char kind[16];
    char key[64];
    char symbol[128];
    char arg[64];
} fact_t;

static fact_t facts[MAX_FACTS];
static int n_facts;

static void read_facts(void)
{
    char line[512];
    while (n_facts < MAX_FACTS && fgets(line, sizeof line, stdin) != NULL) {
        fact_t *f = &facts[n_facts];
        f->arg[0] = '\0';
        if (sscanf(line, "%15s %63s %127s %63s", f->kind, f->key, f->symbol, f->arg) >= 3) n_facts++;
    }
}

static void print_value(const char *key, const char *value)
{
    printf("info.%s=", key);
    for (; *value; value++) putchar(*value == '\n' || *value == '\r' ? ' ' : *value);
    putchar('\n');
}

/* Answer one fact; 0 when its symbol is not there (the next line for the key may be). */
static int answer(const fact_t *f)
{
    void *sym = dlsym(RTLD_DEFAULT, f->symbol);
    char buf[512];
    if (!sym) return 0;
    buf[0] = '\0';
    if (strcmp(f->kind, "str") == 0) {
        const char *s = ((const char *(*)(void))sym)();
        snprintf(buf, sizeof buf, "%s", s ? s : "");
    } else if (strcmp(f->kind, "int") == 0) {
        snprintf(buf, sizeof buf, "%d", ((int (*)(void))sym)());
    } else if (strcmp(f->kind, "buf") == 0) {
        memset(buf, 0, sizeof buf);
        ((void (*)(char *, size_t))sym)(buf, sizeof buf - 1);
        buf[sizeof buf - 1] = '\0';
    } else if (strcmp(f->kind, "ver3") == 0) {
        int v[3] = {-1, -1, -1};
        ((void (*)(int *, int *, int *))sym)(&v[0], &v[1], &v[2]);
        snprintf(buf, sizeof buf, "%d.%d.%d", v[0], v[1], v[2]);
    } else if (strcmp(f->kind, "names") == 0) {
        /* an enumeration without a count: stop at NULL or at its known last entry */
        const char *(*name_of)(int) = (const char *(*)(int))sym;
        size_t used = 0;
        for (int i = 0; i < 64 && used < sizeof buf - 80; i++) {
            const char *s = name_of(i);
            if (!s) break;
            used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%d:%.60s", i ? "," : "", i, s);
            if (f->arg[0] && strcmp(s, f->arg) == 0) break;
        }
    } else {
        return 0;
    }
    print_value(f->key, buf);
    return 1;
}

static void print_facts(void)
{
    for (int i = 0; i < n_facts; i++) {
        if (facts[i].kind[0] == '\0' || !answer(&facts[i])) continue;
        /* answered: the key's other lines are alternatives, not asked any more */
        for (int j = i + 1; j < n_facts; j++)
            if (strcmp(facts[j].key, facts[i].key) == 0) facts[j].kind[0] = '\0';
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
        fprintf(stderr, "usage: %s N REPEAT < facts | --clock\n", argv[0]);
        return 2;
    }
    read_facts();

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
    printf("n=%ld\nbest_seconds=%.9f\ngflops=%.4f\n", n_arg, best, flops / best / 1e9);

    double sum = 0.0, asum = 0.0;
    for (size_t i = 0; i < nn; i++) {
        sum += c[i];
        asum += c[i] < 0 ? -c[i] : c[i];
    }
    printf("checksum=%.17g\nabssum=%.17g\n", sum, asum);

    Dl_info info;
    if (dladdr((void *)dgemm, &info) && info.dli_fname)
        printf("library=%s\n", info.dli_fname);
    else
        printf("library=\n");

    print_facts();
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
