/*
 * mesonbuild-blas probe: the operating-system parts, POSIX and Win32.
 *
 * Included once by blas_probe.c (header-only: the probe stays one compile).
 * Three services, each one small function per system:
 *
 *   probe_find_symbol(name, &file)
 *       the address of an exported symbol anywhere in the program, and the
 *       file that defines it.  POSIX: dlsym(RTLD_DEFAULT) + dladdr.  Win32:
 *       every loaded module (Toolhelp snapshot), GetProcAddress, then
 *       GetModuleFileName.
 *
 *   probe_run_isolated(scheme, key, fn, sym, width)
 *       run fn(scheme, sym, width) so that a crash cannot take the probe
 *       down; returns the child's exit status, or -1 after printing
 *       "R <scheme> <key> crash:<how>".  POSIX: fork + waitpid.  Win32: there
 *       is no fork, so the probe executable is started again for that one
 *       question ("--question <key> <scheme> <width> <entry> <input file>",
 *       answered by probe_question_main() in blas_probe.c) with the same
 *       stdout; an unhandled exception ends that process with the exception
 *       code (no error dialog, no debugger), reported as crash:0x<code>.
 *
 *   PROBE_DEVNULL
 *       the null device for silencing library output.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*child_fn)(const char *scheme, void *sym, int width);

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
#include <io.h>

#define PROBE_DEVNULL "NUL"

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

static void *probe_find_symbol(const char *name, const char **file)
{
    static char path[MAX_PATH * 4];
    void *addr = NULL;
    *file = NULL;
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, GetCurrentProcessId());
    if (snap == INVALID_HANDLE_VALUE) {
        /* no snapshot: at least the program and what it imports directly */
        addr = (void *)GetProcAddress(GetModuleHandleA(NULL), name);
    } else {
        MODULEENTRY32 me;
        me.dwSize = sizeof me;
        for (BOOL ok = Module32First(snap, &me); ok && addr == NULL; ok = Module32Next(snap, &me)) {
            FARPROC p = GetProcAddress(me.hModule, name);
            if (p != NULL) {
                addr = (void *)p;
                DWORD n = GetModuleFileNameA(me.hModule, path, (DWORD)sizeof path);
                if (n > 0 && n < sizeof path) {
                    *file = path;
                }
            }
        }
        CloseHandle(snap);
    }
    return addr;
}

static LONG WINAPI probe_crash_filter(EXCEPTION_POINTERS *info)
{
    /* end this question's process with the exception code, without WER or a debugger */
    fflush(stdout);
    TerminateProcess(GetCurrentProcess(), (UINT)info->ExceptionRecord->ExceptionCode);
    return EXCEPTION_EXECUTE_HANDLER;
}

/* In the re-run process: no error boxes, crashes end the process with their code. */
static void probe_isolated_child_setup(void)
{
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    SetUnhandledExceptionFilter(probe_crash_filter);
}

static int probe_run_isolated(const char *scheme, const char *key, child_fn fn, void *sym, int width)
{
    (void)fn; /* the re-run finds it again by key */
    char self[MAX_PATH * 4];
    char cmd[MAX_PATH * 12];
    fflush(stdout);
    fflush(stderr);
    DWORD n = GetModuleFileNameA(NULL, self, (DWORD)sizeof self);
    const char *input = probe_input_file();
    if (n == 0 || n >= sizeof self || input == NULL) {
        printf("R %s %s error:self\n", scheme, key);
        return -1;
    }
    int written = snprintf(cmd, sizeof cmd, "\"%s\" --question %s %s %d %d \"%s\"", self, key, scheme, width,
                           probe_entry_index(sym), input);
    if (written < 0 || (size_t)written >= sizeof cmd) {
        printf("R %s %s error:cmdline\n", scheme, key);
        return -1;
    }
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    SetHandleInformation(out, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    SetHandleInformation(err, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    memset(&pi, 0, sizeof pi);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = NULL;
    si.hStdOutput = out;
    si.hStdError = err;
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        printf("R %s %s error:spawn\n", scheme, key);
        return -1;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 0;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    if (code >= 0xC0000000u) { /* NTSTATUS error: an exception ended the question */
        printf("R %s %s crash:0x%08lx\n", scheme, key, (unsigned long)code);
        return -1;
    }
    return (int)code;
}

#else
/* ---------------------------------------------------------------- POSIX --- */
#include <dlfcn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROBE_DEVNULL "/dev/null"

static void *probe_find_symbol(const char *name, const char **file)
{
    void *addr = dlsym(RTLD_DEFAULT, name);
    Dl_info dli;
    *file = NULL;
    if (addr != NULL && dladdr(addr, &dli) != 0 && dli.dli_fname) {
        *file = dli.dli_fname;
    }
    return addr;
}

static void probe_isolated_child_setup(void)
{
    /* nothing to set up; the Win32-only helpers of blas_probe.c count as used */
    (void)probe_entry_index;
    (void)probe_input_text;
}

static int probe_run_isolated(const char *scheme, const char *key, child_fn fn, void *sym, int width)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        printf("R %s %s error:fork\n", scheme, key);
        return -1;
    }
    if (pid == 0) {
        fn(scheme, sym, width);
        fflush(stdout);
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) {
        printf("R %s %s error:wait\n", scheme, key);
        return -1;
    }
    if (WIFSIGNALED(status)) {
        printf("R %s %s crash:%d\n", scheme, key, WTERMSIG(status));
        return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
#endif

#endif /* MESONBUILD_BLAS_PROBE_PLATFORM_H */
