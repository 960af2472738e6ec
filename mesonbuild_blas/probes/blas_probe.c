/*
 * mesonbuild-blas run-time probe.
 *
 * Linked against one candidate BLAS/LAPACK library, this program answers every
 * question the plugin asks about it in a single run.  It knows no vendor and no
 * symbol spelling: the Python side writes the spellings to try on stdin, one
 * "<scheme> <role> <symbol>" line each, and interprets what comes back.
 *
 * Output (stdout), one fact per line, all fields separated by one space:
 *   S <scheme> <role> <symbol> <found:0|1> <library file or ->
 *   R <scheme> <key> <value...>
 *
 * Every call that could crash with the wrong convention runs isolated (a forked
 * child; on Windows the probe run again for that question: probe_platform.h);
 * a crash is reported as "crash:<signal>" (Windows: "crash:0x<exception code>").
 *
 * The integer-width tests rely on little-endian byte order (x86-64, aarch64,
 * ppc64le).  On a big-endian target they report "?" and the plugin says
 * "unverified".
 */
#define _GNU_SOURCE
#include <complex.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_platform.h" /* symbol lookup, crash isolation: POSIX and Win32 */

#define MAX_LINES 512
#define MAX_ROLES 32

typedef struct {
    char scheme[64];
    char role[64];
    char symbol[128];
    void *addr;
    char file[512]; /* the library file defining it, or "-" */
} entry_t;

static entry_t entries[MAX_LINES];
static int n_entries;
static char input_text[MAX_LINES * 260]; /* stdin as read (the Win32 question re-runs read it again) */

static const char *probe_input_text(void)
{
    return input_text;
}

static int probe_entry_index(const void *sym)
{
    for (int i = 0; i < n_entries; i++) {
        if (sym != NULL && entries[i].addr == sym) {
            return i;
        }
    }
    return -1;
}

/* An integer argument passed by reference to a Fortran routine: the same
 * storage is read as 4 or 8 bytes depending on the library's integer width. */
typedef union {
    int32_t i4;
    int64_t i8;
    unsigned char bytes[8];
} fint;

static fint *fi(fint *slot, int width, int64_t value)
{
    memset(slot, 0, sizeof *slot);
    if (width == 8) {
        slot->i8 = value;
    } else {
        slot->i4 = (int32_t)value;
    }
    return slot;
}

static void *lookup(const char *scheme, const char *role)
{
    for (int i = 0; i < n_entries; i++) {
        if (strcmp(entries[i].scheme, scheme) == 0 && strcmp(entries[i].role, role) == 0) {
            return entries[i].addr;
        }
    }
    return NULL;
}

/* Run fn(arg) isolated (probe_platform.h).  It prints its own "R" line(s); when it
 * crashes "R <scheme> <key> crash:<how>" is printed instead. */
static int in_child(const char *scheme, const char *key, child_fn fn, void *sym, int width)
{
    return probe_run_isolated(scheme, key, fn, sym, width);
}

/* Silence stdout/stderr of a library call (xerbla and friends print). */
static int quiet_begin(void)
{
    fflush(stdout);
    fflush(stderr);
    int saved = dup(1);
    FILE *devnull = fopen(PROBE_DEVNULL, "w");
    if (devnull != NULL) {
        dup2(fileno(devnull), 1);
        dup2(fileno(devnull), 2);
        fclose(devnull);
    }
    return saved;
}

static void quiet_end(int saved)
{
    fflush(stdout);
    if (saved >= 0) {
        dup2(saved, 1);
        close(saved);
    }
}

/* ---- integer width of the Fortran BLAS interface --------------------------
 * daxpy_(n, alpha, x, incx, y, incy) with an 8-byte n whose low word is 2 and
 * whose high word is 0xffffffff: an LP64 library reads n = 2 and updates y; an
 * ILP64 library reads a negative n and returns without touching y.  A first call
 * with n = 2 in both words' sense proves the routine works at all. */
typedef void (*daxpy_t)(void *, double *, double *, void *, double *, void *);

static int width_fortran(const char *scheme, void *sym)
{
    daxpy_t f = (daxpy_t)sym;
    double alpha = 1.0;
    double x[2] = {1.0, 2.0};
    double y[2] = {10.0, 20.0};
    fint n, inc;
    n.i8 = 2;
    inc.i8 = 1;
    f(&n, &alpha, x, &inc, y, &inc);
    if (!(y[0] == 11.0 && y[1] == 22.0)) {
        printf("R %s int_width ?\n", scheme);
        fflush(stdout);
        return 0;
    }
    n.i8 = (int64_t)(((uint64_t)0xffffffffu << 32) | 2u);
    f(&n, &alpha, x, &inc, y, &inc);
    int width = 0;
    if (y[0] == 12.0 && y[1] == 24.0) {
        width = 4;
    } else if (y[0] == 11.0 && y[1] == 22.0) {
        width = 8;
    }
    printf("R %s int_width %s\n", scheme, width == 8 ? "8" : width == 4 ? "4" : "?");
    fflush(stdout);
    return width;
}

/* Same idea through CBLAS, where integers are passed by value: an LP64
 * cblas_daxpy reads the low 32 bits of the register. */
typedef void (*cblas_daxpy64_t)(int64_t, double, const double *, int64_t, double *, int64_t);

static void width_cblas(const char *scheme, void *sym, int unused)
{
    (void)unused;
    cblas_daxpy64_t f = (cblas_daxpy64_t)sym;
    double x[2] = {1.0, 2.0};
    double y[2] = {10.0, 20.0};
    f(2, 1.0, x, 1, y, 1);
    if (!(y[0] == 11.0 && y[1] == 22.0)) {
        printf("R %s cblas_int_width ?\n", scheme);
        return;
    }
    f((int64_t)(((uint64_t)0xffffffffu << 32) | 2u), 1.0, x,
      (int64_t)(((uint64_t)0xffffffffu << 32) | 1u), y,
      (int64_t)(((uint64_t)0xffffffffu << 32) | 1u));
    if (y[0] == 12.0 && y[1] == 24.0) {
        printf("R %s cblas_int_width 4\n", scheme);
    } else if (y[0] == 11.0 && y[1] == 22.0) {
        printf("R %s cblas_int_width 8\n", scheme);
    } else {
        printf("R %s cblas_int_width ?\n", scheme);
    }
}

/* ilaver_(major, minor, patch): the library writes 4 or 8 bytes into each
 * output; a pre-filled pattern in the high word tells which. */
typedef void (*ilaver_t)(void *, void *, void *);

static void ilaver_test(const char *scheme, void *sym, int unused)
{
    (void)unused;
    fint v[3];
    for (int i = 0; i < 3; i++) {
        v[i].i8 = (int64_t)0xAAAAAAAAAAAAAAAAull;
    }
    ((ilaver_t)sym)(&v[0], &v[1], &v[2]);
    int wide = 1;
    for (int i = 0; i < 3; i++) {
        if ((uint32_t)((uint64_t)v[i].i8 >> 32) == 0xAAAAAAAAu) {
            wide = 0;
        }
    }
    if (wide) {
        printf("R %s lapack_int_width 8\n", scheme);
        printf("R %s ilaver %lld.%lld.%lld\n", scheme, (long long)v[0].i8, (long long)v[1].i8,
               (long long)v[2].i8);
    } else {
        printf("R %s lapack_int_width 4\n", scheme);
        printf("R %s ilaver %d.%d.%d\n", scheme, v[0].i4, v[1].i4, v[2].i4);
    }
}

/* ---- real-return convention: sdot_ read as float and as double ----------- */
typedef float (*sdot_f_t)(void *, float *, void *, float *, void *);
typedef double (*sdot_d_t)(void *, float *, void *, float *, void *);

static void sdot_float(const char *scheme, void *sym, int width)
{
    float x[2] = {1.0f, 2.0f}, y[2] = {3.0f, 4.0f};
    fint n, inc;
    float r = ((sdot_f_t)sym)(fi(&n, width, 2), x, fi(&inc, width, 1), y, &inc);
    printf("R %s sdot_float %.17g\n", scheme, (double)r);
}

static void sdot_double(const char *scheme, void *sym, int width)
{
    float x[2] = {1.0f, 2.0f}, y[2] = {3.0f, 4.0f};
    fint n, inc;
    double r = ((sdot_d_t)sym)(fi(&n, width, 2), x, fi(&inc, width, 1), y, &inc);
    printf("R %s sdot_double %.17g\n", scheme, r);
}

/* ---- complex-return convention: cdotc_ in registers or via hidden arg ---- */
typedef float _Complex (*cdotc_reg_t)(void *, float _Complex *, void *, float _Complex *, void *);
typedef void (*cdotc_hid_t)(float _Complex *, void *, float _Complex *, void *, float _Complex *,
                            void *);

static void cdotc_registers(const char *scheme, void *sym, int width)
{
    float _Complex x[2] = {1.0f + 2.0f * I, 3.0f + 4.0f * I};
    float _Complex y[2] = {5.0f + 6.0f * I, 7.0f + 8.0f * I};
    fint n, inc;
    float _Complex r = ((cdotc_reg_t)sym)(fi(&n, width, 2), x, fi(&inc, width, 1), y, &inc);
    printf("R %s cdotc_registers %.9g %.9g\n", scheme, (double)crealf(r), (double)cimagf(r));
}

static void cdotc_hidden(const char *scheme, void *sym, int width)
{
    float _Complex x[2] = {1.0f + 2.0f * I, 3.0f + 4.0f * I};
    float _Complex y[2] = {5.0f + 6.0f * I, 7.0f + 8.0f * I};
    float _Complex r = 0.0f;
    fint n, inc;
    ((cdotc_hid_t)sym)(&r, fi(&n, width, 2), x, fi(&inc, width, 1), y, &inc);
    printf("R %s cdotc_hidden %.9g %.9g\n", scheme, (double)crealf(r), (double)cimagf(r));
}

/* ---- correctness of tiny calls -------------------------------------------- */
typedef void (*dgemm_t)(const char *, const char *, void *, void *, void *, double *, double *,
                        void *, double *, void *, double *, double *, void *, size_t, size_t);

static void dgemm_test(const char *scheme, void *sym, int width)
{
    /* column-major A = [1 3; 2 4], B = [5 7; 6 8]: A*B = [23 31; 34 46] */
    double a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[4] = {0, 0, 0, 0};
    double alpha = 1.0, beta = 0.0;
    fint m, n, k, lda, ldb, ldc;
    ((dgemm_t)sym)("N", "N", fi(&m, width, 2), fi(&n, width, 2), fi(&k, width, 2), &alpha, a,
                   fi(&lda, width, 2), b, fi(&ldb, width, 2), &beta, c, fi(&ldc, width, 2), 1, 1);
    int ok = c[0] == 23 && c[1] == 34 && c[2] == 31 && c[3] == 46;
    printf("R %s dgemm %s\n", scheme, ok ? "ok" : "wrong");
}

typedef void (*cblas_dgemm4_t)(int, int, int, int32_t, int32_t, int32_t, double, const double *,
                               int32_t, const double *, int32_t, double, double *, int32_t);
typedef void (*cblas_dgemm8_t)(int, int, int, int64_t, int64_t, int64_t, double, const double *,
                               int64_t, const double *, int64_t, double, double *, int64_t);

static void cblas_dgemm_test(const char *scheme, void *sym, int width)
{
    double a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[4] = {0, 0, 0, 0};
    /* CblasColMajor = 102, CblasNoTrans = 111 in every CBLAS */
    if (width == 8) {
        ((cblas_dgemm8_t)sym)(102, 111, 111, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2);
    } else {
        ((cblas_dgemm4_t)sym)(102, 111, 111, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2);
    }
    int ok = c[0] == 23 && c[1] == 34 && c[2] == 31 && c[3] == 46;
    printf("R %s cblas_dgemm %s\n", scheme, ok ? "ok" : "wrong");
}

typedef void (*dgesv_t)(void *, void *, double *, void *, void *, double *, void *, void *);

static void dgesv_test(const char *scheme, void *sym, int width)
{
    /* [2 1; 1 3] x = [3; 5]  ->  x = [0.8; 1.4] */
    double a[4] = {2, 1, 1, 3}, b[2] = {3, 5};
    fint n, nrhs, lda, ldb, info, ipiv[2];
    memset(&info, 0x55, sizeof info);
    ((dgesv_t)sym)(fi(&n, width, 2), fi(&nrhs, width, 1), a, fi(&lda, width, 2), ipiv, b,
                   fi(&ldb, width, 2), &info);
    long long inf = width == 8 ? (long long)info.i8 : (long long)info.i4;
    int ok = inf == 0 && b[0] > 0.7999999 && b[0] < 0.8000001 && b[1] > 1.3999999 &&
             b[1] < 1.4000001;
    printf("R %s dgesv %s\n", scheme, ok ? "ok" : "wrong");
}

typedef int32_t (*lapacke_dgesv4_t)(int, int32_t, int32_t, double *, int32_t, int32_t *, double *,
                                    int32_t);
typedef int64_t (*lapacke_dgesv8_t)(int, int64_t, int64_t, double *, int64_t, int64_t *, double *,
                                    int64_t);

static void lapacke_dgesv_test(const char *scheme, void *sym, int width)
{
    double a[4] = {2, 1, 1, 3}, b[2] = {3, 5};
    long long inf;
    if (width == 8) {
        int64_t ipiv[2];
        inf = (long long)((lapacke_dgesv8_t)sym)(102, 2, 1, a, 2, ipiv, b, 2);
    } else {
        int32_t ipiv[2];
        inf = (long long)((lapacke_dgesv4_t)sym)(102, 2, 1, a, 2, ipiv, b, 2);
    }
    int ok = inf == 0 && b[0] > 0.7999999 && b[0] < 0.8000001 && b[1] > 1.3999999 &&
             b[1] < 1.4000001;
    printf("R %s lapacke_dgesv %s\n", scheme, ok ? "ok" : "wrong");
}

/* LAPACKE's integer width: an LP64 LAPACKE_dgesv reads the low word of n (1)
 * and solves a 1x1 system; an ILP64 one sees a negative n and returns -2. */
static void lapacke_width(const char *scheme, void *sym, int unused)
{
    (void)unused;
    double a[1] = {2}, b[1] = {4};
    int64_t ipiv[2] = {0, 0};
    int64_t hi = (int64_t)((uint64_t)0xffffffffu << 32);
    int saved = quiet_begin();
    int64_t r = ((lapacke_dgesv8_t)sym)(102, hi | 1, hi | 1, a, hi | 1, ipiv, b, hi | 1);
    quiet_end(saved);
    if ((int32_t)r == 0 && b[0] == 2.0) {
        printf("R %s lapacke_int_width 4\n", scheme);
    } else if (r == -2) {
        printf("R %s lapacke_int_width 8\n", scheme);
    } else {
        printf("R %s lapacke_int_width ?\n", scheme);
    }
}

/* ---- vendor information: role "info.<type>.<key>" ------------------------
 *   str : const char *f(void)
 *   int : int f(void)
 *   buf : void f(char *buf, size_t len)         (MKL_Get_Version_String takes an int:
 *         the low half of the same register)
 *   ver3: void f(int *major, int *minor, int *patch)  (armplversion, flexiblas_get_version) */
static void info_call(const char *scheme, const char *role, void *sym)
{
    char type[16] = {0};
    const char *key = role + 5;
    const char *dot = strchr(key, '.');
    if (dot == NULL || (size_t)(dot - key) >= sizeof type) {
        return;
    }
    memcpy(type, key, (size_t)(dot - key));
    key = dot + 1;
    char buf[512];
    buf[0] = '\0';
    if (strcmp(type, "str") == 0) {
        const char *s = ((const char *(*)(void))sym)();
        snprintf(buf, sizeof buf, "%s", s ? s : "");
    } else if (strcmp(type, "int") == 0) {
        snprintf(buf, sizeof buf, "%d", ((int (*)(void))sym)());
    } else if (strcmp(type, "buf") == 0) {
        memset(buf, 0, sizeof buf);
        ((void (*)(char *, size_t))sym)(buf, sizeof buf - 1);
        buf[sizeof buf - 1] = '\0';
    } else if (strcmp(type, "ver3") == 0) {
        int v[3] = {-1, -1, -1};
        ((void (*)(int *, int *, int *))sym)(&v[0], &v[1], &v[2]);
        snprintf(buf, sizeof buf, "%d.%d.%d", v[0], v[1], v[2]);
    } else {
        return;
    }
    for (char *p = buf; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *p = ' ';
        }
    }
    printf("R %s info.%s %s\n", scheme, key, buf);
}

static void info_child(const char *scheme, void *unused, int width)
{
    (void)unused;
    (void)width;
    for (int i = 0; i < n_entries; i++) {
        if (strcmp(entries[i].scheme, scheme) == 0 && entries[i].addr != NULL &&
            strncmp(entries[i].role, "info.", 5) == 0) {
            info_call(scheme, entries[i].role, entries[i].addr);
            fflush(stdout);
        }
    }
}

static void width_fortran_child(const char *scheme, void *sym, int unused)
{
    (void)unused;
    int width = width_fortran(scheme, sym);
    fflush(stdout);
    exit(width);
}

/* Every isolated question by key: how a Win32 re-run ("--question <key> ...") finds it. */
static const struct {
    const char *key;
    child_fn fn;
} questions[] = {
    {"int_width", width_fortran_child}, {"cblas_int_width", width_cblas}, {"ilaver", ilaver_test},
    {"dgemm", dgemm_test}, {"sdot_float", sdot_float}, {"sdot_double", sdot_double},
    {"cdotc_registers", cdotc_registers}, {"cdotc_hidden", cdotc_hidden}, {"dgesv", dgesv_test},
    {"cblas_dgemm", cblas_dgemm_test}, {"lapacke_int_width", lapacke_width},
    {"lapacke_dgesv", lapacke_dgesv_test}, {"info", info_child},
};

static void probe_scheme(const char *scheme)
{
    void *daxpy = lookup(scheme, "daxpy");
    void *sym;
    int width = 0;
    if (daxpy != NULL) {
        /* the child prints the answer and also returns it as its exit code */
        int status = in_child(scheme, "int_width", width_fortran_child, daxpy, 0);
        width = status == 4 || status == 8 ? status : 0;
    }
    int w = width ? width : 4;
    printf("R %s tested_width %d\n", scheme, w);
    if ((sym = lookup(scheme, "cblas_daxpy")) != NULL) {
        in_child(scheme, "cblas_int_width", width_cblas, sym, w);
    }
    if ((sym = lookup(scheme, "ilaver")) != NULL) {
        in_child(scheme, "ilaver", ilaver_test, sym, w);
    }
    if (width != 0) {
        if ((sym = lookup(scheme, "dgemm")) != NULL) {
            in_child(scheme, "dgemm", dgemm_test, sym, w);
        }
        if ((sym = lookup(scheme, "sdot")) != NULL) {
            in_child(scheme, "sdot_float", sdot_float, sym, w);
            in_child(scheme, "sdot_double", sdot_double, sym, w);
        }
        if ((sym = lookup(scheme, "cdotc")) != NULL) {
            in_child(scheme, "cdotc_registers", cdotc_registers, sym, w);
            in_child(scheme, "cdotc_hidden", cdotc_hidden, sym, w);
        }
        if ((sym = lookup(scheme, "dgesv")) != NULL) {
            in_child(scheme, "dgesv", dgesv_test, sym, w);
        }
    }
    if ((sym = lookup(scheme, "cblas_dgemm")) != NULL) {
        in_child(scheme, "cblas_dgemm", cblas_dgemm_test, sym, w);
    }
    if ((sym = lookup(scheme, "lapacke_dgesv")) != NULL) {
        in_child(scheme, "lapacke_int_width", lapacke_width, sym, w);
        in_child(scheme, "lapacke_dgesv", lapacke_dgesv_test, sym, w);
    }
    in_child(scheme, "info", info_child, NULL, w);
}

static void read_entries(FILE *in)
{
    char line[512];
    size_t used = 0;
    while (n_entries < MAX_LINES && fgets(line, sizeof line, in) != NULL) {
        size_t len = strlen(line);
        if (used + len < sizeof input_text) {
            memcpy(input_text + used, line, len + 1);
            used += len;
        }
        entry_t *e = &entries[n_entries];
        if (sscanf(line, "%63s %63s %127s", e->scheme, e->role, e->symbol) == 3) {
            const char *file = NULL;
            e->addr = probe_find_symbol(e->symbol, &file);
            snprintf(e->file, sizeof e->file, "%s", file != NULL ? file : "-");
            n_entries++;
        }
    }
}

/* A re-run for one isolated question (Win32): --question <key> <scheme> <width> <entry> <input file> */
static int question_main(int argc, char **argv)
{
    if (argc != 7) {
        return 2;
    }
    probe_isolated_child_setup();
    FILE *in = fopen(argv[6], "r");
    if (in == NULL) {
        return 2;
    }
    read_entries(in);
    fclose(in);
    int entry = atoi(argv[5]);
    void *sym = entry >= 0 && entry < n_entries ? entries[entry].addr : NULL;
    for (size_t i = 0; i < sizeof questions / sizeof questions[0]; i++) {
        if (strcmp(questions[i].key, argv[2]) == 0) {
            questions[i].fn(argv[3], sym, atoi(argv[4]));
            fflush(stdout);
            return 0;
        }
    }
    return 2;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--question") == 0) {
        return question_main(argc, argv);
    }
    read_entries(stdin);
    for (int i = 0; i < n_entries; i++) {
        printf("S %s %s %s %d %s\n", entries[i].scheme, entries[i].role, entries[i].symbol,
               entries[i].addr != NULL, entries[i].file);
    }
    /* schemes in first-seen order */
    for (int i = 0; i < n_entries; i++) {
        int seen = 0;
        for (int j = 0; j < i; j++) {
            if (strcmp(entries[j].scheme, entries[i].scheme) == 0) {
                seen = 1;
                break;
            }
        }
        if (!seen && lookup(entries[i].scheme, "dgemm") != NULL) {
            probe_scheme(entries[i].scheme);
        }
    }
    printf("E done\n");
    return 0;
}
