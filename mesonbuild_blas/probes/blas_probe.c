/*
 * mesonbuild-blas run-time probe.
 *
 * Linked against one candidate BLAS/LAPACK library, this program answers every
 * question the plugin asks about it in a single run.  It knows no vendor and no
 * symbol spelling: the Python side writes on stdin a first line
 * "T <token> <per-question time limit in ms>" and then the spellings to try, one
 * "<scheme> <role> <symbol>" line each, and interprets what comes back.
 *
 * Output (stdout), one fact per line, every line starting with the token (so
 * whatever a library prints cannot pass for an answer), fields separated by one
 * space:
 *   <token> S <scheme> <role> <symbol> <found:0|1> <library file or ->
 *   <token> R <scheme> <key> <value...>
 *   <token> L <file of a shared object loaded into the process>
 *   <token> E done
 *
 * Every call into the library runs isolated (run_isolated: a forked child, on
 * Windows the probe started again for that one question, with its own time
 * limit and its stdout on the null device; it answers through a pipe).  A
 * question that dies from a signal is answered "crash:<signal>" (Windows: an
 * exception, "crash:0x<code>"), one that overruns the limit "timeout:<ms>" (it
 * is killed), one that ends without answering "noanswer:<exit status>".
 *
 * Byte order: integers passed by reference are written and read through the
 * fint union in memory order, so every test works on big- and little-endian
 * machines.  Integers passed by value are always small non-negative values in
 * 64-bit slots: valid for an `int` and an `int64_t` parameter alike on every
 * 64-bit ABI (RISC-V, POWER and s390x require sign-extended `int` arguments).
 * The only by-value width test (CBLAS) needs a deliberately out-of-range upper
 * half; it runs only where the ABI says a callee ignores it (x86-64, AArch64)
 * and answers "?" (unverified) elsewhere.
 *
 * Platform-specific code is confined to probe_platform.h (POSIX and Win32):
 * probe_find_symbol(), probe_list_loaded(), probe_isolate() and the answer pipe.
 */
#define _GNU_SOURCE
#ifndef _MSC_VER
#include <complex.h>
#endif
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_platform.h" /* symbol lookup, loaded objects, isolation: POSIX and Win32 */

#define MAX_LINES 512

#if (defined(__x86_64__) || defined(__aarch64__) || defined(_M_X64) || defined(_M_ARM64)) && !defined(__ILP32__)
/* the callee ignores the upper half of a register holding a 32-bit int argument */
#define BYVALUE_UPPER_HALF_IGNORED 1
#else
#define BYVALUE_UPPER_HALF_IGNORED 0
#endif

typedef struct {
    char scheme[64];
    char role[64];
    char symbol[128];
    void *addr;
} entry_t;

static entry_t entries[MAX_LINES];
static int n_entries;
static char token[64] = "-";
static long limit_ms = 10000;
static char input_text[MAX_LINES * 260]; /* stdin as read (a Win32 question re-run reads it again) */

static const char *probe_input_text(void)
{
    return input_text;
}

/* which entry an address came from (-1: none); a Win32 re-run resolves the same entries */
static int probe_entry_index(const void *sym)
{
    for (int i = 0; i < n_entries; i++) {
        if (sym != NULL && entries[i].addr == sym) {
            return i;
        }
    }
    return -1;
}

/* ---- output ------------------------------------------------------------------ */

/* A fact line from the main process: token first. */
static void emit(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s ", token);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    fflush(stdout);
}

/* An answer from inside an isolated question: one line to the parent. */
static void answer(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if (n > (int)sizeof buf - 2) {
        n = (int)sizeof buf - 2;
    }
    for (int i = 0; i < n; i++) {
        if (buf[i] == '\n' || buf[i] == '\r') {
            buf[i] = ' ';
        }
    }
    buf[n++] = '\n';
    if (probe_answering()) {
        probe_answer_write(buf, (size_t)n);
    } else {
        buf[n - 1] = '\0';
        emit("%s", buf);
    }
}

/* ---- the program's own error handlers ----------------------------------------
 * The reference xerbla_ ends the program (STOP) and LAPACKE_xerbla prints.  On
 * ELF the program's definitions win over a shared library's (it is linked with
 * --export-dynamic); they are weak so that a static archive that defines them
 * strongly still links.  An argument error then returns to the probe, which
 * sees a wrong or missing answer instead of a silent exit.
 * A PE program cannot interpose on a DLL's own calls: on Windows they only
 * replace a static archive's, and a DLL's xerbla_ that exits ends that one
 * question without an answer ("noanswer:", read as unverified, never as run). */
#ifdef _MSC_VER
/* MSVC has no weak symbols.  A normal definition does there what the weak one
 * does on MinGW: PE does not interpose on a DLL's calls anyway (untested). */
#define PROBE_WEAK
#else
#define PROBE_WEAK __attribute__((weak))
#endif
PROBE_WEAK void xerbla_(const char *name, const void *info, size_t len)
{
    (void)name;
    (void)info;
    (void)len;
}

PROBE_WEAK void LAPACKE_xerbla(const char *name, int info)
{
    (void)name;
    (void)info;
}

/* Run fn(scheme, sym, width) isolated (probe_isolate, probe_platform.h): stdout
 * on the null device and at most limit_ms milliseconds.  Its answer lines
 * (answer()) are emitted with the token; when it produced none, or crashed, or
 * overran, "R <scheme> <key> crash:<how>|timeout:<ms>|noanswer:<status>" is
 * emitted.  `got` (may be NULL) receives the answer text. */
static int run_isolated(const char *scheme, const char *key, question_fn fn, void *sym, int width,
                        char *got, size_t got_len)
{
    char buf[8192];
    size_t len = 0;
    probe_outcome how;
    if (got != NULL && got_len > 0) {
        got[0] = '\0';
    }
    if (probe_isolate(scheme, key, fn, sym, width, limit_ms, buf, sizeof buf, &len, &how) != 0) {
        emit("R %s %s error:%s", scheme, key, how.error ? how.error : "isolate");
        return -1;
    }
    buf[len] = '\0';
    /* only complete lines count */
    char *end = strrchr(buf, '\n');
    if (end == NULL) {
        buf[0] = '\0';
    } else {
        end[1] = '\0';
    }
    for (char *line = buf, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        *nl = '\0';
        emit("%s", line);
        *nl = '\n';
    }
    if (got != NULL && got_len > 0) {
        snprintf(got, got_len, "%s", buf);
    }
    if (how.timed_out) {
        emit("R %s %s timeout:%ld", scheme, key, limit_ms);
        return -1;
    }
    if (how.crashed) {
        emit("R %s %s crash:%s", scheme, key, how.how);
        return -1;
    }
    if (buf[0] == '\0') {
        emit("R %s %s noanswer:%d", scheme, key, how.exited ? how.status : -1);
        return -1;
    }
    return 0;
}

/* ---- integers passed by reference --------------------------------------------- */

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

static int little_endian(void)
{
    fint one;
    one.i8 = 1;
    return one.bytes[0] == 1;
}

/* The width a routine wrote an integer array with: it was pre-filled with 0xAA
 * bytes; a 4-byte library writes elements [0] and [1] into bytes 0..7 only. */
static int written_width(const unsigned char *two_slots)
{
    int tail_touched = 0;
    for (int i = 8; i < 16; i++) {
        if (two_slots[i] != 0xAA) {
            tail_touched = 1;
        }
    }
    return tail_touched ? 8 : 4;
}

static int64_t element(const unsigned char *slots, int width, int i)
{
    if (width == 8) {
        int64_t v;
        memcpy(&v, slots + 8 * i, 8);
        return v;
    }
    int32_t v;
    memcpy(&v, slots + 4 * i, 4);
    return v;
}

static int close_to(double got, double want)
{
    return got > want - 1e-7 && got < want + 1e-7;
}

/* ---- integer width of the Fortran BLAS interface --------------------------------
 * daxpy_(n, alpha, x, incx, y, incy) updates y only when it reads n = 2.
 * Little-endian: a slot holding 2 reads 2 either way (the routine must work);
 * then a slot whose first 4 bytes hold 2 and whose 8-byte value is negative:
 * an LP64 library updates y, an ILP64 one returns.  Big-endian: a slot holding
 * the 8-byte value 2 reads 0 as 4 bytes: an ILP64 library updates y; otherwise
 * a slot whose first 4 bytes hold 2 (8-byte value 2^33) must update y. */
typedef void (*daxpy_t)(void *, double *, double *, void *, double *, void *);

static int daxpy_updates(void *sym, const fint *n, const fint *inc)
{
    double alpha = 1.0;
    double x[2] = {1.0, 2.0};
    double y[2] = {10.0, 20.0};
    fint nn = *n, ix = *inc, iy = *inc;
    ((daxpy_t)sym)(&nn, &alpha, x, &ix, y, &iy);
    if (y[0] == 11.0 && y[1] == 22.0) {
        return 1;
    }
    return y[0] == 10.0 && y[1] == 20.0 ? 0 : -1;
}

static void width_fortran(const char *scheme, void *sym, int unused)
{
    (void)unused;
    fint n, inc;
    int width = 0;
    if (little_endian()) {
        n.i8 = 2;
        inc.i8 = 1;
        if (daxpy_updates(sym, &n, &inc) == 1) {
            n.i8 = (int64_t)(((uint64_t)0xffffffffu << 32) | 2u);
            int r = daxpy_updates(sym, &n, &inc);
            width = r == 1 ? 4 : r == 0 ? 8 : 0;
        }
    } else {
        n.i8 = 2;
        inc.i8 = 1;
        int r = daxpy_updates(sym, &n, &inc);
        if (r == 1) {
            width = 8;
        } else if (r == 0) {
            fi(&n, 4, 2);
            fi(&inc, 4, 1);
            width = daxpy_updates(sym, &n, &inc) == 1 ? 4 : 0;
        }
    }
    answer("R %s int_width %s", scheme, width == 8 ? "8" : width == 4 ? "4" : "?");
}

/* ilaver_(major, minor, patch): the library writes 4 or 8 bytes into each
 * output; pre-filled bytes 4..7 tell which. */
typedef void (*ilaver_t)(void *, void *, void *);

static void ilaver_test(const char *scheme, void *sym, int unused)
{
    (void)unused;
    fint v[3];
    memset(v, 0xAA, sizeof v);
    ((ilaver_t)sym)(&v[0], &v[1], &v[2]);
    int wide = 0;
    for (int i = 0; i < 3; i++) {
        for (int b = 4; b < 8; b++) {
            if (v[i].bytes[b] != 0xAA) {
                wide = 1;
            }
        }
    }
    if (wide) {
        answer("R %s lapack_int_width 8", scheme);
        answer("R %s ilaver %lld.%lld.%lld", scheme, (long long)v[0].i8, (long long)v[1].i8, (long long)v[2].i8);
    } else {
        answer("R %s lapack_int_width 4", scheme);
        answer("R %s ilaver %d.%d.%d", scheme, v[0].i4, v[1].i4, v[2].i4);
    }
}

/* ---- integers passed by value (CBLAS, LAPACKE) ---------------------------------
 * Small non-negative values in 64-bit slots are valid for int and int64_t
 * parameters on every 64-bit ABI; on 32-bit machines the slot is an int. */
#if INTPTR_MAX > INT32_MAX
typedef int64_t cint;
#else
typedef int32_t cint;
#endif

/* CBLAS's integer width: an LP64 cblas_daxpy reads the low 32 bits of the
 * register (2 and 1); an ILP64 one reads a negative n and returns.  Only where
 * the ABI lets a callee ignore the upper half. */
typedef void (*cblas_daxpy_t)(cint, double, const double *, cint, double *, cint);

static void width_cblas(const char *scheme, void *sym, int unused)
{
    (void)unused;
#if BYVALUE_UPPER_HALF_IGNORED
    cblas_daxpy_t f = (cblas_daxpy_t)sym;
    double x[2] = {1.0, 2.0};
    double y[2] = {10.0, 20.0};
    f(2, 1.0, x, 1, y, 1);
    if (!(y[0] == 11.0 && y[1] == 22.0)) {
        answer("R %s cblas_int_width ?", scheme);
        return;
    }
    cint hi = (cint)((uint64_t)0xffffffffu << 32);
    f(hi | 2, 1.0, x, hi | 1, y, hi | 1);
    if (y[0] == 12.0 && y[1] == 24.0) {
        answer("R %s cblas_int_width 4", scheme);
    } else if (y[0] == 11.0 && y[1] == 22.0) {
        answer("R %s cblas_int_width 8", scheme);
    } else {
        answer("R %s cblas_int_width ?", scheme);
    }
#else
    (void)sym;
    answer("R %s cblas_int_width ?", scheme); /* not observable within this ABI */
#endif
}

/* ---- real-return convention: sdot_ read as float and as double ----------- */
typedef float (*sdot_f_t)(void *, float *, void *, float *, void *);
typedef double (*sdot_d_t)(void *, float *, void *, float *, void *);

static void sdot_float(const char *scheme, void *sym, int width)
{
    float x[2] = {1.0f, 2.0f}, y[2] = {3.0f, 4.0f};
    fint n, inc;
    float r = ((sdot_f_t)sym)(fi(&n, width, 2), x, fi(&inc, width, 1), y, &inc);
    answer("R %s sdot_float %.17g", scheme, (double)r);
}

static void sdot_double(const char *scheme, void *sym, int width)
{
    float x[2] = {1.0f, 2.0f}, y[2] = {3.0f, 4.0f};
    fint n, inc;
    double r = ((sdot_d_t)sym)(fi(&n, width, 2), x, fi(&inc, width, 1), y, &inc);
    answer("R %s sdot_double %.17g", scheme, r);
}

/* ---- complex-return convention: cdotc_ in registers or via hidden arg ---- */
#ifdef _MSC_VER
/* MSVC's C has no float _Complex.  A struct of two floats has the same layout,
 * and Windows x64 returns it (8 bytes) in RAX, where MinGW gcc returns a
 * float _Complex and gfortran a complex(4): the same two conventions are asked
 * (untested with MSVC: see docs/vendors.md, "Platforms"). */
typedef struct { float re, im; } cfloat;
#define CF(re, im) {re, im}
#define CF_ZERO {0.0f, 0.0f}
#define CF_RE(z) ((z).re)
#define CF_IM(z) ((z).im)
#else
typedef float _Complex cfloat;
#define CF(re, im) ((re) + (im) * I)
#define CF_ZERO 0.0f
#define CF_RE(z) crealf(z)
#define CF_IM(z) cimagf(z)
#endif
typedef cfloat (*cdotc_reg_t)(void *, cfloat *, void *, cfloat *, void *);
typedef void (*cdotc_hid_t)(cfloat *, void *, cfloat *, void *, cfloat *, void *);

static void cdotc_registers(const char *scheme, void *sym, int width)
{
    cfloat x[2] = {CF(1.0f, 2.0f), CF(3.0f, 4.0f)};
    cfloat y[2] = {CF(5.0f, 6.0f), CF(7.0f, 8.0f)};
    fint n, inc;
    cfloat r = ((cdotc_reg_t)sym)(fi(&n, width, 2), x, fi(&inc, width, 1), y, &inc);
    answer("R %s cdotc_registers %.9g %.9g", scheme, (double)CF_RE(r), (double)CF_IM(r));
}

static void cdotc_hidden(const char *scheme, void *sym, int width)
{
    cfloat x[2] = {CF(1.0f, 2.0f), CF(3.0f, 4.0f)};
    cfloat y[2] = {CF(5.0f, 6.0f), CF(7.0f, 8.0f)};
    cfloat r = CF_ZERO;
    fint n, inc;
    ((cdotc_hid_t)sym)(&r, fi(&n, width, 2), x, fi(&inc, width, 1), y, &inc);
    answer("R %s cdotc_hidden %.9g %.9g", scheme, (double)CF_RE(r), (double)CF_IM(r));
}

/* ---- results of tiny calls ------------------------------------------------------- */
typedef void (*dgemm_t)(const char *, const char *, void *, void *, void *, double *, double *, void *,
                        double *, void *, double *, double *, void *, size_t, size_t);

static void report_loaded(const char *file)
{
    answer("L %s", file);
}

static void dgemm_test(const char *scheme, void *sym, int width)
{
    /* column-major A = [1 3; 2 4], B = [5 7; 6 8]: A*B = [23 31; 34 46] */
    double a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[4] = {0, 0, 0, 0};
    double alpha = 1.0, beta = 0.0;
    fint m, n, k, lda, ldb, ldc;
    ((dgemm_t)sym)("N", "N", fi(&m, width, 2), fi(&n, width, 2), fi(&k, width, 2), &alpha, a, fi(&lda, width, 2),
                   b, fi(&ldb, width, 2), &beta, c, fi(&ldc, width, 2), 1, 1);
    int ok = c[0] == 23 && c[1] == 34 && c[2] == 31 && c[3] == 46;
    answer("R %s dgemm %s", scheme, ok ? "ok" : "wrong");
    probe_list_loaded(report_loaded); /* threading runtimes some libraries load on first use */
}

typedef void (*cblas_dgemm_t)(int, int, int, cint, cint, cint, double, const double *, cint, const double *, cint,
                              double, double *, cint);

static void cblas_dgemm_test(const char *scheme, void *sym, int width)
{
    (void)width;
    double a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[4] = {0, 0, 0, 0};
    /* CblasColMajor = 102, CblasNoTrans = 111 in every CBLAS */
    ((cblas_dgemm_t)sym)(102, 111, 111, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2);
    int ok = c[0] == 23 && c[1] == 34 && c[2] == 31 && c[3] == 46;
    answer("R %s cblas_dgemm %s", scheme, ok ? "ok" : "wrong");
}

/* [2 1; 1 3] x = [3; 5]  ->  x = [0.8; 1.4], pivots [1, 2] */
static int dgesv_ok(const double *b, const unsigned char *ipiv, int width, long long info)
{
    return info == 0 && close_to(b[0], 0.8) && close_to(b[1], 1.4) && element(ipiv, width, 0) == 1 &&
           element(ipiv, width, 1) == 2;
}

typedef void (*dgesv_t)(void *, void *, double *, void *, void *, double *, void *, void *);

/* dgesv_ with the BLAS's width; the pivots it writes show its own width. */
static void dgesv_test(const char *scheme, void *sym, int width)
{
    double a[4] = {2, 1, 1, 3}, b[2] = {3, 5};
    fint n, nrhs, lda, ldb, info;
    unsigned char ipiv[16];
    memset(ipiv, 0xAA, sizeof ipiv);
    memset(&info, 0xAA, sizeof info);
    ((dgesv_t)sym)(fi(&n, width, 2), fi(&nrhs, width, 1), a, fi(&lda, width, 2), ipiv, b, fi(&ldb, width, 2),
                   &info);
    int wrote = written_width(ipiv);
    long long inf = wrote == 8 ? (long long)info.i8 : (long long)info.i4;
    answer("R %s dgesv_int_width %d", scheme, wrote);
    answer("R %s dgesv %s", scheme, dgesv_ok(b, ipiv, wrote, inf) ? "ok" : "wrong");
}

typedef cint (*lapacke_dgesv_t)(int, cint, cint, double *, cint, void *, double *, cint);

/* LAPACKE_dgesv: the pivots it writes show its integer width. */
static void lapacke_dgesv_test(const char *scheme, void *sym, int width)
{
    (void)width;
    double a[4] = {2, 1, 1, 3}, b[2] = {3, 5};
    unsigned char ipiv[16];
    memset(ipiv, 0xAA, sizeof ipiv);
    long long inf = (int32_t)((lapacke_dgesv_t)sym)(102, 2, 1, a, 2, ipiv, b, 2);
    int wrote = written_width(ipiv);
    answer("R %s lapacke_int_width %d", scheme, wrote);
    answer("R %s lapacke_dgesv %s", scheme, dgesv_ok(b, ipiv, wrote, inf) ? "ok" : "wrong");
}

/* ---- vendor information: role "info.<type>.<key>" ------------------------
 *   str   : const char *f(void)
 *   int   : int f(void)
 *   verint: int f(void) returning major*10000 + minor*100 + patch
 *   buf   : void f(char *buf, size_t len)   (MKL_Get_Version_String takes an int:
 *           the low half of the same register)
 *   ver3  : void f(int *major, int *minor, int *patch)
 *   ver4  : void f(blas_int *major, blas_int *minor, blas_int *patch, const char **tag)
 *           (integers of the library's BLAS width) */
static void info_call(const char *scheme, const char *role, void *sym, int width)
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
    } else if (strcmp(type, "verint") == 0) {
        int v = ((int (*)(void))sym)();
        snprintf(buf, sizeof buf, "%d.%d.%d", v / 10000, v / 100 % 100, v % 100);
    } else if (strcmp(type, "buf") == 0) {
        memset(buf, 0, sizeof buf);
        ((void (*)(char *, size_t))sym)(buf, sizeof buf - 1);
        buf[sizeof buf - 1] = '\0';
    } else if (strcmp(type, "ver3") == 0) {
        int v[3] = {-1, -1, -1};
        ((void (*)(int *, int *, int *))sym)(&v[0], &v[1], &v[2]);
        snprintf(buf, sizeof buf, "%d.%d.%d", v[0], v[1], v[2]);
    } else if (strcmp(type, "ver4") == 0) {
        fint v[3];
        const char *tag = NULL;
        memset(v, 0, sizeof v);
        ((void (*)(void *, void *, void *, const char **))sym)(&v[0], &v[1], &v[2], &tag);
        snprintf(buf, sizeof buf, "%lld.%lld.%lld", (long long)element(v[0].bytes, width, 0),
                 (long long)element(v[1].bytes, width, 0), (long long)element(v[2].bytes, width, 0));
    } else {
        return;
    }
    answer("R %s info.%s %s", scheme, key, buf);
}

static void info_child(const char *scheme, void *unused, int width)
{
    (void)unused;
    for (int i = 0; i < n_entries; i++) {
        if (strcmp(entries[i].scheme, scheme) == 0 && entries[i].addr != NULL &&
            strncmp(entries[i].role, "info.", 5) == 0) {
            info_call(scheme, entries[i].role, entries[i].addr, width);
        }
    }
    answer("R %s info done", scheme);
}

/* ---- driver ---------------------------------------------------------------------- */

static void *lookup(const char *scheme, const char *role)
{
    for (int i = 0; i < n_entries; i++) {
        if (strcmp(entries[i].scheme, scheme) == 0 && strcmp(entries[i].role, role) == 0) {
            return entries[i].addr;
        }
    }
    return NULL;
}

static void probe_scheme(const char *scheme)
{
    void *sym;
    int width = 0;
    char got[256];
    if ((sym = lookup(scheme, "daxpy")) != NULL &&
        run_isolated(scheme, "int_width", width_fortran, sym, 0, got, sizeof got) == 0) {
        width = strstr(got, "int_width 8") ? 8 : strstr(got, "int_width 4") ? 4 : 0;
    }
    int w = width ? width : 4;
    emit("R %s tested_width %d", scheme, w);
    if ((sym = lookup(scheme, "cblas_daxpy")) != NULL) {
        run_isolated(scheme, "cblas_int_width", width_cblas, sym, w, NULL, 0);
    }
    if ((sym = lookup(scheme, "ilaver")) != NULL) {
        run_isolated(scheme, "ilaver", ilaver_test, sym, w, NULL, 0);
    }
    if (width != 0) {
        if ((sym = lookup(scheme, "dgemm")) != NULL) {
            run_isolated(scheme, "dgemm", dgemm_test, sym, w, NULL, 0);
        }
        if ((sym = lookup(scheme, "sdot")) != NULL) {
            run_isolated(scheme, "sdot_float", sdot_float, sym, w, NULL, 0);
            run_isolated(scheme, "sdot_double", sdot_double, sym, w, NULL, 0);
        }
        if ((sym = lookup(scheme, "cdotc")) != NULL) {
            run_isolated(scheme, "cdotc_registers", cdotc_registers, sym, w, NULL, 0);
            run_isolated(scheme, "cdotc_hidden", cdotc_hidden, sym, w, NULL, 0);
        }
        if ((sym = lookup(scheme, "dgesv")) != NULL) {
            run_isolated(scheme, "dgesv", dgesv_test, sym, w, NULL, 0);
        }
    }
    if ((sym = lookup(scheme, "cblas_dgemm")) != NULL) {
        run_isolated(scheme, "cblas_dgemm", cblas_dgemm_test, sym, w, NULL, 0);
    }
    if ((sym = lookup(scheme, "lapacke_dgesv")) != NULL) {
        run_isolated(scheme, "lapacke_dgesv", lapacke_dgesv_test, sym, w, NULL, 0);
    }
    run_isolated(scheme, "info", info_child, NULL, w, NULL, 0);
}

/* Every isolated question by key: how a Win32 re-run ("--question <key> ...") finds it. */
static const struct {
    const char *key;
    question_fn fn;
} questions[] = {
    {"int_width", width_fortran}, {"cblas_int_width", width_cblas}, {"ilaver", ilaver_test},
    {"dgemm", dgemm_test}, {"sdot_float", sdot_float}, {"sdot_double", sdot_double},
    {"cdotc_registers", cdotc_registers}, {"cdotc_hidden", cdotc_hidden}, {"dgesv", dgesv_test},
    {"cblas_dgemm", cblas_dgemm_test}, {"lapacke_dgesv", lapacke_dgesv_test}, {"info", info_child},
};

static void emit_loaded(const char *file)
{
    emit("L %s", file);
}

/* The first line "T <token> <ms>", then the entries; kept in input_text. */
static void read_input(FILE *in)
{
    char line[512];
    size_t used = 0;
    int first = 1;
    while (n_entries < MAX_LINES && fgets(line, sizeof line, in) != NULL) {
        size_t len = strlen(line);
        if (used + len < sizeof input_text) {
            memcpy(input_text + used, line, len + 1);
            used += len;
        }
        if (first) {
            first = 0;
            long ms = 0;
            if (sscanf(line, "T %63s %ld", token, &ms) == 2) {
                if (ms > 0) {
                    limit_ms = ms;
                }
                continue;
            }
        }
        entry_t *e = &entries[n_entries];
        if (sscanf(line, "%63s %63s %127s", e->scheme, e->role, e->symbol) == 3) {
            n_entries++;
        }
    }
}

/* A re-run for one isolated question (Win32):
 * --question <key> <scheme> <width> <entry> <answer channel> <input file> */
static int question_main(int argc, char **argv)
{
    if (argc != 8) {
        return 2;
    }
    probe_question_setup(argv[6]);
    FILE *in = fopen(argv[7], "r");
    if (in == NULL) {
        return 2;
    }
    read_input(in);
    fclose(in);
    for (int i = 0; i < n_entries; i++) {
        const char *file;
        entries[i].addr = probe_find_symbol(entries[i].symbol, &file);
    }
    int entry = atoi(argv[5]);
    void *sym = entry >= 0 && entry < n_entries ? entries[entry].addr : NULL;
    for (size_t i = 0; i < sizeof questions / sizeof questions[0]; i++) {
        if (strcmp(questions[i].key, argv[2]) == 0) {
            questions[i].fn(argv[3], sym, atoi(argv[4]));
            probe_question_exit();
        }
    }
    return 2;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--question") == 0) {
        return question_main(argc, argv);
    }
    read_input(stdin);
    /* from here on stdout carries only token lines written by emit() */
    for (int i = 0; i < n_entries; i++) {
        const char *file;
        entries[i].addr = probe_find_symbol(entries[i].symbol, &file);
        emit("S %s %s %s %d %s", entries[i].scheme, entries[i].role, entries[i].symbol, entries[i].addr != NULL,
             file);
    }
    probe_list_loaded(emit_loaded);
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
    emit("E done");
    return 0;
}
