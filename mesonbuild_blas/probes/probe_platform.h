/*
 * mesonbuild-blas probe: the operating-system parts, POSIX and Win32.
 *
 * Included once by blas_probe.c (header-only: the probe stays one compile).
 * Each service is one small function per system:
 *
 *   probe_find_symbol(name, &file)
 *       the address of an exported symbol anywhere in the program (NULL when
 *       undefined) and the file that defines it ("-" when unknown).  POSIX:
 *       dlsym(RTLD_DEFAULT) + dladdr.  Win32: every loaded module (Toolhelp
 *       snapshot), GetProcAddress, then GetModuleFileName.
 *
 *   probe_list_loaded(fn)
 *       fn(file) for every shared object loaded into the process (not the
 *       program itself).  POSIX: dl_iterate_phdr (macOS: dyld images).  Win32:
 *       the Toolhelp module list.
 *
 *   probe_isolate(scheme, key, fn, sym, width, limit_ms, buf, cap, &len, &outcome)
 *       run fn(scheme, sym, width) so that neither a crash nor a hang nor
 *       output of the library can take the probe down or forge an answer: the
 *       question's stdout is the null device, its answers (answer() in
 *       blas_probe.c, through probe_answer_write) come back through a pipe
 *       into buf, and it gets at most limit_ms milliseconds (then it is
 *       killed).  POSIX: fork + poll + kill.  Win32: there is no fork, so the
 *       probe executable is started again for that one question
 *       ("--question <key> <scheme> <width> <entry> <answer handle> <input file>",
 *       answered by question_main() in blas_probe.c); an unhandled exception
 *       ends that process with the exception code (no error dialog, no
 *       debugger), reported as crash:0x<code>; an overrun ends it with
 *       TerminateProcess.
 *
 *   probe_question_setup(channel) / probe_question_exit()
 *       in a Win32 question re-run: attach the answer pipe, no error boxes;
 *       end without running the libraries' unload code.
 *
 * blas_probe.c provides, for the Win32 re-run: probe_entry_index(sym) (which
 * stdin entry an address came from) and probe_input_text() (the probe's
 * stdin, written to a temporary file the re-run reads, so that it resolves
 * the same symbols).
 *
 * Tested with mingw-w64 (run under Wine); written for MSVC and clang-cl too
 * (untested there: see docs/vendors.md, "Platforms").
 */
#ifndef MESONBUILD_BLAS_PROBE_PLATFORM_H
#define MESONBUILD_BLAS_PROBE_PLATFORM_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*question_fn)(const char *scheme, void *sym, int width);

/* How an isolated question ended. */
typedef struct {
    int timed_out;       /* overran the limit and was killed */
    int crashed;         /* died from a signal / an exception */
    char how[32];        /* the signal number, or the exception code 0x... */
    int exited;          /* ended normally */
    int status;          /* its exit status then */
    const char *error;   /* could not be run at all (pipe, fork, spawn, ...) */
} probe_outcome;

/* provided by blas_probe.c (used by the Win32 re-run) */
static int probe_entry_index(const void *sym);
static const char *probe_input_text(void);

#ifdef _WIN32
/* ---------------------------------------------------------------- Win32 --- */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <tlhelp32.h>

#define PROBE_DEVNULL "NUL"

static HANDLE probe_answer_handle = INVALID_HANDLE_VALUE; /* in a question re-run: the pipe to the probe */

static int probe_answering(void)
{
    return probe_answer_handle != INVALID_HANDLE_VALUE;
}

static void probe_answer_write(const char *buf, size_t n)
{
    while (n > 0) {
        DWORD w = 0;
        if (!WriteFile(probe_answer_handle, buf, (DWORD)n, &w, NULL) || w == 0) {
            return;
        }
        buf += w;
        n -= w;
    }
}

static long probe_now_ms(void)
{
    return (long)GetTickCount64();
}

static char probe_input_path[MAX_PATH + 1];

static void probe_remove_input(void)
{
    DeleteFileA(probe_input_path);
}

/* the probe's stdin in a temporary file, written on first use and removed at exit */
static const char *probe_input_file(void)
{
    if (probe_input_path[0] != '\0') {
        return probe_input_path;
    }
    char dir[MAX_PATH + 1];
    DWORD n = GetTempPathA((DWORD)sizeof dir, dir);
    if (n == 0 || n > sizeof dir || GetTempFileNameA(dir, "bpq", 0, probe_input_path) == 0) {
        probe_input_path[0] = '\0';
        return NULL;
    }
    FILE *f = fopen(probe_input_path, "wb");
    if (f == NULL) {
        probe_input_path[0] = '\0';
        return NULL;
    }
    const char *text = probe_input_text();
    fwrite(text, 1, strlen(text), f);
    fclose(f);
    atexit(probe_remove_input);
    return probe_input_path;
}

static const char *probe_module_file(HMODULE module)
{
    static char path[MAX_PATH * 4];
    DWORD n = GetModuleFileNameA(module, path, (DWORD)sizeof path);
    return n > 0 && n < sizeof path ? path : NULL;
}

static void *probe_find_symbol(const char *name, const char **file)
{
    void *addr = NULL;
    *file = "-";
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, GetCurrentProcessId());
    if (snap == INVALID_HANDLE_VALUE) {
        /* no snapshot: at least the program and what it imports directly */
        addr = (void *)GetProcAddress(GetModuleHandleA(NULL), name);
        return addr;
    }
    MODULEENTRY32 me;
    me.dwSize = sizeof me;
    for (BOOL ok = Module32First(snap, &me); ok && addr == NULL; ok = Module32Next(snap, &me)) {
        FARPROC p = GetProcAddress(me.hModule, name);
        if (p != NULL) {
            addr = (void *)p;
            const char *path = probe_module_file(me.hModule);
            if (path != NULL) {
                *file = path;
            }
        }
    }
    CloseHandle(snap);
    return addr;
}

static void probe_list_loaded(void (*fn)(const char *file))
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, GetCurrentProcessId());
    if (snap == INVALID_HANDLE_VALUE) {
        return; /* reported as nothing: the runtime list is unknown */
    }
    HMODULE self = GetModuleHandleA(NULL);
    MODULEENTRY32 me;
    me.dwSize = sizeof me;
    for (BOOL ok = Module32First(snap, &me); ok; ok = Module32Next(snap, &me)) {
        const char *path = me.hModule != self ? probe_module_file(me.hModule) : NULL;
        if (path != NULL) {
            fn(path);
        }
    }
    CloseHandle(snap);
}

static LONG WINAPI probe_crash_filter(EXCEPTION_POINTERS *info)
{
    /* end this question's process with the exception code, without WER or a debugger */
    TerminateProcess(GetCurrentProcess(), (UINT)info->ExceptionRecord->ExceptionCode);
    return EXCEPTION_EXECUTE_HANDLER;
}

/* In the question re-run: answers go to the inherited pipe handle `channel`; no
 * error boxes; crashes end the process with their code. */
static void probe_question_setup(const char *channel)
{
    probe_answer_handle = (HANDLE)(uintptr_t)strtoull(channel, NULL, 10);
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    SetUnhandledExceptionFilter(probe_crash_filter);
}

/* End the question re-run at once (no DLL unload code: a thread pool that hangs there
 * must not turn an answer into a timeout). */
static void probe_question_exit(void)
{
    fflush(stdout);
    fflush(stderr);
    TerminateProcess(GetCurrentProcess(), 0);
}

/* Move what the question wrote so far from the pipe into buf (never blocks). */
static void probe_drain(HANDLE rd, char *buf, size_t cap, size_t *len)
{
    for (;;) {
        DWORD avail = 0, got = 0;
        if (!PeekNamedPipe(rd, NULL, 0, NULL, &avail, NULL) || avail == 0 || *len + 1 >= cap) {
            return;
        }
        DWORD want = (DWORD)(cap - 1 - *len) < avail ? (DWORD)(cap - 1 - *len) : avail;
        if (!ReadFile(rd, buf + *len, want, &got, NULL) || got == 0) {
            return;
        }
        *len += got;
    }
}

static int probe_isolate(const char *scheme, const char *key, question_fn fn, void *sym, int width, long limit_ms,
                         char *buf, size_t cap, size_t *len, probe_outcome *out)
{
    (void)fn; /* the re-run finds it again by key */
    char self[MAX_PATH * 4];
    char cmd[MAX_PATH * 12];
    memset(out, 0, sizeof *out);
    *len = 0;
    DWORD n = GetModuleFileNameA(NULL, self, (DWORD)sizeof self);
    const char *input = probe_input_file();
    if (n == 0 || n >= sizeof self || input == NULL) {
        out->error = "self";
        return -1;
    }
    SECURITY_ATTRIBUTES sa;
    memset(&sa, 0, sizeof sa);
    sa.nLength = sizeof sa;
    sa.bInheritHandle = TRUE;
    HANDLE rd = NULL, wr = NULL;
    if (!CreatePipe(&rd, &wr, &sa, 65536)) {
        out->error = "pipe";
        return -1;
    }
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    HANDLE nul = CreateFileA(PROBE_DEVNULL, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, OPEN_EXISTING, 0,
                             NULL);
    int written = snprintf(cmd, sizeof cmd, "\"%s\" --question %s %s %d %d %llu \"%s\"", self, key, scheme, width,
                           probe_entry_index(sym), (unsigned long long)(uintptr_t)wr, input);
    if (written < 0 || (size_t)written >= sizeof cmd) {
        CloseHandle(rd);
        CloseHandle(wr);
        if (nul != INVALID_HANDLE_VALUE) {
            CloseHandle(nul);
        }
        out->error = "cmdline";
        return -1;
    }
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    SetHandleInformation(err, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    memset(&pi, 0, sizeof pi);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = NULL;
    si.hStdOutput = nul != INVALID_HANDLE_VALUE ? nul : NULL; /* the library's prints go nowhere */
    si.hStdError = err;
    fflush(stdout);
    fflush(stderr);
    BOOL started = CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi);
    CloseHandle(wr); /* only the question holds the write end now */
    if (nul != INVALID_HANDLE_VALUE) {
        CloseHandle(nul);
    }
    if (!started) {
        CloseHandle(rd);
        out->error = "spawn";
        return -1;
    }
    long deadline = probe_now_ms() + limit_ms;
    for (;;) {
        probe_drain(rd, buf, cap, len);
        long left = deadline - probe_now_ms();
        if (left <= 0) {
            out->timed_out = 1;
            break;
        }
        if (WaitForSingleObject(pi.hProcess, (DWORD)(left < 10 ? left : 10)) == WAIT_OBJECT_0) {
            probe_drain(rd, buf, cap, len);
            break;
        }
    }
    if (out->timed_out) {
        TerminateProcess(pi.hProcess, 1);
        WaitForSingleObject(pi.hProcess, 5000);
    } else {
        DWORD code = 0;
        GetExitCodeProcess(pi.hProcess, &code);
        if (code >= 0xC0000000u) { /* NTSTATUS error: an exception ended the question */
            out->crashed = 1;
            snprintf(out->how, sizeof out->how, "0x%08lx", (unsigned long)code);
        } else {
            out->exited = 1;
            out->status = (int)code;
        }
    }
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    CloseHandle(rd);
    buf[*len] = '\0';
    return 0;
}

#else
/* ---------------------------------------------------------------- POSIX --- */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__APPLE__)
#include <mach-o/dyld.h>
#elif defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
#include <link.h>
#define HAVE_DL_ITERATE_PHDR 1
#endif

#define PROBE_DEVNULL "/dev/null"

static int probe_answer_fd = -1; /* in a child: the pipe to the parent */

static int probe_answering(void)
{
    return probe_answer_fd >= 0;
}

static void probe_answer_write(const char *buf, size_t n)
{
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(probe_answer_fd, buf + off, n - off);
        if (w <= 0) {
            if (w < 0 && errno == EINTR) {
                continue;
            }
            return;
        }
        off += (size_t)w;
    }
}

static long probe_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *probe_find_symbol(const char *name, const char **file)
{
    void *addr = dlsym(RTLD_DEFAULT, name);
    Dl_info dli;
    *file = "-";
    if (addr != NULL && dladdr(addr, &dli) != 0 && dli.dli_fname != NULL && dli.dli_fname[0] != '\0') {
        *file = dli.dli_fname;
    }
    return addr;
}

#if defined(HAVE_DL_ITERATE_PHDR)
static int probe_loaded_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    if (info->dlpi_name != NULL && info->dlpi_name[0] != '\0') {
        (*(void (**)(const char *))data)(info->dlpi_name);
    }
    return 0;
}
#endif

static void probe_list_loaded(void (*fn)(const char *file))
{
#if defined(HAVE_DL_ITERATE_PHDR)
    dl_iterate_phdr(probe_loaded_cb, (void *)&fn);
#elif defined(__APPLE__)
    for (uint32_t i = 0; i < _dyld_image_count(); i++) {
        const char *name = _dyld_get_image_name(i);
        if (name != NULL) {
            fn(name);
        }
    }
#else
    (void)fn;
#endif
}

static void probe_question_setup(const char *channel)
{
    /* POSIX questions are forked children, never re-runs; the Win32-only helpers
     * of blas_probe.c count as used */
    probe_answer_fd = atoi(channel);
    (void)probe_entry_index;
    (void)probe_input_text;
}

static void probe_question_exit(void)
{
    _exit(0);
}

static int probe_isolate(const char *scheme, const char *key, question_fn fn, void *sym, int width, long limit_ms,
                         char *buf, size_t cap, size_t *len, probe_outcome *out)
{
    (void)key;
    int pfd[2];
    memset(out, 0, sizeof *out);
    *len = 0;
    fflush(stdout);
    fflush(stderr);
    if (pipe(pfd) != 0) {
        out->error = "pipe";
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        out->error = "fork";
        return -1;
    }
    if (pid == 0) {
        close(pfd[0]);
        probe_answer_fd = pfd[1];
        int devnull = open(PROBE_DEVNULL, O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 1);
            close(devnull);
        }
        fn(scheme, sym, width);
        _exit(0);
    }
    close(pfd[1]);
    long deadline = probe_now_ms() + limit_ms;
    int eof = 0;
    while (!eof) {
        long left = deadline - probe_now_ms();
        if (left <= 0) {
            out->timed_out = 1;
            break;
        }
        struct pollfd p = {pfd[0], POLLIN, 0};
        int r = poll(&p, 1, (int)(left > INT_MAX ? INT_MAX : left));
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            out->timed_out = r == 0;
            break;
        }
        ssize_t n = read(pfd[0], buf + *len, cap - 1 - *len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0 || *len + (size_t)n >= cap - 1) {
            *len += n > 0 ? (size_t)n : 0;
            eof = 1;
        } else {
            *len += (size_t)n;
        }
    }
    close(pfd[0]);
    int status = 0, reaped = 0;
    while (!out->timed_out && !reaped) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            reaped = 1;
        } else if (w < 0 && errno != EINTR) {
            break;
        } else if (probe_now_ms() >= deadline) {
            out->timed_out = 1;
        } else {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
    }
    if (!reaped) {
        kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    buf[*len] = '\0';
    if (!out->timed_out && reaped && WIFSIGNALED(status)) {
        out->crashed = 1;
        snprintf(out->how, sizeof out->how, "%d", WTERMSIG(status));
    } else if (!out->timed_out && reaped && WIFEXITED(status)) {
        out->exited = 1;
        out->status = WEXITSTATUS(status);
    } else if (!out->timed_out) {
        out->status = -1;
    }
    return 0;
}
#endif

#endif /* MESONBUILD_BLAS_PROBE_PLATFORM_H */
