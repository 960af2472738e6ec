"""Run-time probes: build one C program per candidate, run it, read its answers.

Nothing here imports Meson: the integration layer hands over a
:class:`Toolchain` (compiler command, whether host binaries can run) and the
candidate's compile/link arguments.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..names import LOADER_ENV
from ..records import field, record
from .commands import (
    ArgumentSyntax,
    compile_command,
    link_command,
    msvc_forced_symbols,
    msvc_library_files,
    msvc_link_inputs,
)
from .commands import object_flags as _object_flags

PROBE_SOURCE = Path(__file__).with_name("blas_probe.c")
#: the operating-system layer blas_probe.c includes (POSIX / Win32)
PLATFORM_HEADER = Path(__file__).with_name("probe_platform.h")
CACHE_FORMAT = 5  #: bump when how a probe is built or what it reports changes
#: the "library file" of symbols linked statically into the probe program
STATIC = "(static)"
#: seconds each risky probe question (one call into the library) may take; loading
#: the library gets twice as long (a Wine prefix is created on the first run)
TIMEOUT_ENV = "MESONBUILD_BLAS_PROBE_TIMEOUT"
DEFAULT_TIMEOUT = 10.0


def question_timeout() -> float:
    """The per-question time limit: ``$MESONBUILD_BLAS_PROBE_TIMEOUT`` seconds (default 10)."""
    text = os.environ.get(TIMEOUT_ENV, "")
    try:
        value = float(text) if text else DEFAULT_TIMEOUT
    except ValueError:
        value = DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


@record
class Toolchain:
    """How to build and run a probe for the host machine."""

    cc: tuple[str, ...]  #: C compiler command
    identity: str = ""  #: compiler id + version, part of the cache key
    can_run: bool = True
    run_wrapper: tuple[str, ...] = ()  #: exe wrapper for cross builds
    gnu_ld: bool = True  #: accepts -Wl,--no-as-needed
    extra_env: tuple[tuple[str, str], ...] = ()
    #: the linker's default search dirs; other dirs of absolute library paths get
    #: an rpath, as Meson gives programs in a build directory
    system_lib_dirs: tuple[str, ...] = ()
    #: flags that make the driver compile a .c file as C (``-x c`` for a C++ driver);
    #: used for compiling only, never in front of object files or libraries
    source_flags: tuple[str, ...] = ()
    #: the host machine's system (Meson's ``host_machine.system()``; "" = like the build machine)
    host_system: str = ""
    #: the driver's argument syntax (Meson's ``compiler.get_argument_syntax()``): "gcc" (gcc, clang,
    #: MinGW) or "msvc" (cl, clang-cl: written, untested; see docs/vendors.md, "Platforms")
    argument_syntax: ArgumentSyntax = "gcc"
    #: the project's own link flags (Meson's ``c_link_args``, which holds ``LDFLAGS``): the probe links
    #: as the project's programs do
    link_flags: tuple[str, ...] = ()


@record(frozen=False)
class ProbeData:
    """Parsed probe output."""

    #: (scheme, role) → (symbol, found, file that defines it or "")
    symbols: dict[tuple[str, str], tuple[str, bool, str]] = field(default_factory=dict)
    #: scheme → key → value
    results: dict[str, dict[str, str]] = field(default_factory=dict)
    #: files of the shared objects loaded into the probe process (in order, no repeats)
    loaded: list[str] = field(default_factory=list)
    #: what the library printed on stderr when a question got no answer (its own error message)
    stderr: str = ""
    #: symbol → the static archive the linker took its definition from (``A`` lines; static links only)
    archives: dict[str, str] = field(default_factory=dict)
    complete: bool = False
    cached: bool = False

    def found(self, scheme: str, role: str) -> bool:
        entry = self.symbols.get((scheme, role))
        return bool(entry and entry[1])

    def file_of(self, scheme: str, role: str) -> str:
        entry = self.symbols.get((scheme, role))
        return entry[2] if entry else ""

    def result(self, scheme: str, key: str) -> str | None:
        return self.results.get(scheme, {}).get(key)


class ProbeBuildError(Exception):
    """The probe did not compile/link/run: the candidate's flags or library do not work."""


class ProbeTimeout(ProbeBuildError):
    """The probe (loading the library, or one question) overran its time limit and was killed."""


def trusted_lines(text: str, token: str) -> list[str]:
    """The probe's own lines of ``text``: those carrying ``token`` (what follows it).

    A library that prints to stdout (from a constructor, say) cannot forge an
    answer: it does not know the per-run token.  Text a library left without a
    newline before a probe line is dropped with it.
    """
    out = []
    mark = f"{token} "
    for line in text.splitlines():
        at = line.find(mark)
        if at >= 0:
            out.append(line[at + len(mark):])
    return out


def parse_output(text: str, token: str | None = None) -> ProbeData:
    """Parse probe output; with ``token``, only lines carrying it (else: already trusted lines)."""
    data = ProbeData()
    lines = trusted_lines(text, token) if token is not None else text.splitlines()
    for line in lines:
        parts = line.split(" ")
        if parts[0] == "S" and len(parts) >= 6:
            file = " ".join(parts[5:])
            data.symbols[(parts[1], parts[2])] = (parts[3], parts[4] == "1", "" if file == "-" else file)
        elif parts[0] == "R" and len(parts) >= 3:
            data.results.setdefault(parts[1], {})[parts[2]] = " ".join(parts[3:])
        elif parts[0] == "L" and len(parts) >= 2:
            file = " ".join(parts[1:])
            if file not in data.loaded:
                data.loaded.append(file)
        elif parts[0] == "W" and len(parts) >= 2:
            data.stderr = " ".join(parts[1:])
        elif parts[0] == "A" and len(parts) >= 3:
            data.archives[parts[1]] = " ".join(parts[2:])
        elif parts[0] == "E":
            data.complete = True
    return data


def _library_stats(data: ProbeData) -> dict[str, list[int]]:
    stats: dict[str, list[int]] = {}
    files = [file for _symbol, found, file in data.symbols.values() if found] + list(data.archives.values())
    for file in files:
        if file and file != STATIC and file not in stats:
            try:
                st = os.stat(file)
            except OSError:
                continue
            stats[file] = [st.st_ino, st.st_size, st.st_mtime_ns]
    return stats


def default_cache_dir() -> Path:
    env = os.environ.get("MESONBUILD_BLAS_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mesonbuild-blas" / "probes"


def remembered_dirs(key: list[object], compute: Callable[[], list[str]], cache_dir: Path | None = None) -> list[str]:
    """``compute()`` (a compiler's library search dirs), remembered across processes.

    Asking the compiler costs a process per configure; the answer depends only
    on the compiler (``key`` names its command, version and executable file)
    and ``LIBRARY_PATH``, which are part of the key.
    """
    digest = hashlib.sha256(json.dumps([*key, os.environ.get("LIBRARY_PATH", "")], default=str).encode())
    path = (cache_dir or default_cache_dir()) / "compilers" / f"{digest.hexdigest()[:24]}.json"
    try:
        dirs = json.loads(path.read_text())
        if isinstance(dirs, list) and all(isinstance(d, str) for d in dirs):
            return dirs
    except (OSError, ValueError):
        pass
    dirs = compute()
    write_cache_json(path, dirs)
    return dirs


def executable_identity(command: str) -> list[object]:
    """The file a command runs and its size and mtime (a reinstalled compiler is another key)."""
    found = shutil.which(command)
    if found is None:
        return [command]
    real = os.path.realpath(found)
    try:
        st = os.stat(real)
    except OSError:
        return [real]
    return [real, st.st_size, st.st_mtime_ns]


def probe_sources_text() -> str:
    """The probe's C sources, as they are compiled (part of every cache key)."""
    return PROBE_SOURCE.read_text() + PLATFORM_HEADER.read_text()


def cache_key(toolchain: Toolchain, compile_args: list[str], link_args: list[str], stdin: str) -> str:
    h = hashlib.sha256()
    loader_env = [os.environ.get(var, "") for var in LOADER_ENV]
    payload = [CACHE_FORMAT, list(toolchain.cc), toolchain.identity, toolchain.run_wrapper,
               toolchain.system_lib_dirs, compile_args, link_args, stdin, probe_sources_text(), loader_env,
               toolchain.link_flags]
    h.update(json.dumps(payload).encode())
    return h.hexdigest()[:32]


def _read_cache(path: Path) -> ProbeData | None:
    try:
        entry = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT:
        return None
    data = parse_output(str(entry.get("output", "")))
    if not data.complete or _library_stats(data) != entry.get("libraries"):
        return None  # a library file changed (or vanished) since: probe again
    data.cached = True
    return data


def write_cache_json(path: Path, value: object) -> None:
    """Store ``value`` as JSON in a cache file; a cache that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(value, f)
        os.chmod(tmp, 0o644)  # a cache shared between users stays readable
        os.replace(tmp, path)  # atomic: concurrent readers see old or new, never torn
    except OSError:
        pass  # the cache is an optimisation only


def _write_cache(path: Path, output: str, data: ProbeData) -> None:
    write_cache_json(path, {"format": CACHE_FORMAT, "output": output, "libraries": _library_stats(data)})


@functools.lru_cache(maxsize=8)
def compiler_library_dirs(cc: tuple[str, ...]) -> tuple[str, ...]:
    """The linker's default search dirs, from ``cc -print-search-dirs`` (gcc, clang)."""
    try:
        out = subprocess.run([*cc, "-print-search-dirs"], capture_output=True, timeout=60,
                             encoding="utf-8", errors="replace").stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    for line in out.splitlines():
        if line.startswith("libraries:"):
            paths = line.split("=", 1)[-1].split(os.pathsep)
            return tuple(dict.fromkeys(os.path.realpath(p) for p in paths if p and os.path.isdir(p)))
    return ()


def object_flags(compile_args: list[str], syntax: ArgumentSyntax = "gcc") -> list[str]:
    """The compile flags that can matter to the probe object.

    The probe includes no BLAS header, so include dirs and macros cannot change
    it; machine flags (``-m64``, ``-pthread``, ...) can.
    """
    return _object_flags(compile_args, syntax)


def _object_path(toolchain: Toolchain, flags: list[str], cache_dir: Path) -> Path:
    h = hashlib.sha256(json.dumps([list(toolchain.cc), toolchain.identity, flags,
                                   probe_sources_text()]).encode()).hexdigest()[:24]
    return cache_dir / f"blas_probe-{h}{'.obj' if toolchain.argument_syntax == 'msvc' else '.o'}"


def _object_command(toolchain: Toolchain, out: str, flags: list[str]) -> list[str]:
    return compile_command(toolchain.argument_syntax, toolchain.cc, str(PROBE_SOURCE), out, flags,
                           toolchain.source_flags)


#: probe objects being compiled in the background: object path → (compiler process, file it writes)
_PREBUILDS: dict[Path, tuple[subprocess.Popen[bytes], Path]] = {}


def prebuild_object(toolchain: Toolchain, cache_dir: Path | None = None) -> None:
    """Start compiling the probe object that candidates without machine flags use, in the background.

    The first configure on a machine (empty cache) compiles it while Meson and
    the lookups go on; :func:`run_probe` waits for it. Nothing starts when the
    object is cached, the cache is read-only, or host programs cannot run (a
    cross build without an exe wrapper only links). What nobody waited for is
    settled when the process exits (:func:`end_prebuilds`).
    """
    if not toolchain.can_run:
        return
    cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
    flags = object_flags([], toolchain.argument_syntax)
    obj = _object_path(toolchain, flags, cache_dir)
    if obj in _PREBUILDS or obj.is_file():
        return
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, staged = tempfile.mkstemp(dir=cache_dir, prefix=".tmp-", suffix=obj.suffix)
        os.close(fd)
    except OSError:
        return
    try:
        proc = subprocess.Popen(_object_command(toolchain, staged, flags), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        os.unlink(staged)
        return
    if not _PREBUILDS:
        atexit.register(end_prebuilds)
    _PREBUILDS[obj] = (proc, Path(staged))


def _install_object(staged: Path, obj: Path) -> bool:
    """Move a compiled object into the cache: readable by other users, atomic for concurrent configures.
    A staged file that cannot be moved is removed; False then."""
    try:
        os.chmod(staged, 0o644)
        os.replace(staged, obj)
        return True
    except OSError:
        staged.unlink(missing_ok=True)
        return False


def _take_prebuild(obj: Path, timeout: float) -> bool:
    """Wait for the background build of ``obj``, if one runs; True when it left ``obj`` in the cache."""
    entry = _PREBUILDS.pop(obj, None)
    if entry is None:
        return False
    proc, staged = entry
    try:
        if proc.wait(timeout=timeout) == 0:
            return _install_object(staged, obj)  # else compiled again in the foreground
    except subprocess.TimeoutExpired:
        _kill_group(proc)
    staged.unlink(missing_ok=True)
    return False  # the caller compiles in the foreground, and reports the compiler's error


def end_prebuilds() -> None:
    """Settle the background builds nobody waited for: a finished object goes into the cache, a
    running compiler is stopped (no process outlives the configure)."""
    while _PREBUILDS:
        obj, (proc, staged) = _PREBUILDS.popitem()
        if proc.poll() is None:
            _kill_group(proc)
        elif proc.returncode == 0 and _install_object(staged, obj):
            continue
        staged.unlink(missing_ok=True)


def _probe_object(toolchain: Toolchain, compile_args: list[str], cache_dir: Path, tmp: str,
                  timeout: float) -> Path:
    """The compiled probe, built once per toolchain and machine flags (cached)."""
    flags = object_flags(compile_args, toolchain.argument_syntax)
    obj = _object_path(toolchain, flags, cache_dir)
    if obj.is_file() or _take_prebuild(obj, timeout):
        return obj
    built = Path(tmp) / f"blas_probe{obj.suffix}"
    proc = _run_tool(_object_command(toolchain, str(built), flags), timeout)
    if proc.returncode != 0:
        raise ProbeBuildError(_tool_error(proc))
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, staged = tempfile.mkstemp(dir=cache_dir, prefix=".tmp-", suffix=obj.suffix)
        os.close(fd)
        shutil.copyfile(built, staged)
    except OSError:
        return built  # read-only cache: use it from the temporary directory
    return obj if _install_object(Path(staged), obj) else built


def _run_tool(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run the compiler/linker; overrunning ``timeout`` is a :class:`ProbeBuildError`, not a traceback."""
    try:
        return subprocess.run(cmd, capture_output=True, timeout=timeout, encoding="utf-8", errors="replace")
    except subprocess.TimeoutExpired:
        raise ProbeBuildError(f"{os.path.basename(cmd[0])} did not finish within {timeout:g} s") from None


def build_rpath_dirs(link_args: list[str], system_dirs: tuple[str, ...]) -> list[str]:
    """Directories of absolute library paths outside ``system_dirs`` (Meson's build rpaths)."""
    system = {os.path.realpath(d) for d in system_dirs}
    dirs: list[str] = []
    for arg in link_args:
        name = os.path.basename(arg)
        if os.path.isabs(arg) and (name.endswith((".so", ".dylib")) or ".so." in name):
            d = os.path.dirname(arg)
            if os.path.realpath(d) not in system and d not in dirs:
                dirs.append(d)
    return dirs


def run_probe(
    toolchain: Toolchain,
    compile_args: list[str],
    link_args: list[str],
    stdin: str,
    cache_dir: Path | None = None,
    timeout: float = 120.0,
) -> ProbeData:
    """Build the probe against a candidate and run it (or reuse a cached run)."""
    cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
    key = cache_key(toolchain, compile_args, link_args, stdin)
    cache_file = cache_dir / f"{key}.json"
    cached = _read_cache(cache_file)
    if cached is not None:
        return cached
    windows = toolchain.host_system in WINDOWS_SYSTEMS
    with tempfile.TemporaryDirectory(prefix="mesonbuild-blas-probe-") as tmp:
        exe = os.path.join(tmp, "blas_probe.exe" if windows else "blas_probe")
        # --export-dynamic (ELF): the probe's own xerbla_/LAPACKE_xerbla win over the library's.
        # A PE program cannot interpose on a DLL's internal calls: see "xerbla" in blas_probe.c.
        extra = list(toolchain.link_flags)
        extra += ["-Wl,--no-as-needed", "-Wl,--export-dynamic"] if toolchain.gnu_ld else []
        if windows:  # the PE linker drops DLL imports nothing references: reference every spelling
            extra += pe_force_symbols(stdin)
        if toolchain.gnu_ld and any(a.endswith(".a") for a in link_args):
            # static archives only contribute objects something references: reference every
            # spelling the probe looks up, and export them so dlsym() finds them in the program
            symbols = sorted({line.split()[2] for line in stdin.splitlines() if len(line.split()) == 3})
            extra += [f"-Wl,-u,{sym}" for sym in symbols]
            # and ask the linker which archive defines dgemm's spellings (the first .a of the line
            # need not: -llapacke -llapack -lblas)
            extra += [f"-Wl,--trace-symbol={sym}" for sym in traced_symbols(stdin)]
        extra += link_args
        extra += [f"-Wl,-rpath,{d}" for d in build_rpath_dirs(link_args, toolchain.system_lib_dirs)]
        if toolchain.argument_syntax == "msvc":
            forced = msvc_forced_symbols(probe_symbols(stdin), msvc_exports(link_args))

            def command(obj: Path) -> list[str]:
                return link_command("msvc", toolchain.cc, [str(obj)], exe, compile_args, link_args, forced=forced)
        else:
            def command(obj: Path) -> list[str]:
                return link_command("gcc", toolchain.cc, [str(obj)], exe, compile_args, [], gnu_extra=extra)
        obj = _probe_object(toolchain, compile_args, cache_dir, tmp, timeout)
        build = _run_tool(command(obj), timeout)
        if build.returncode != 0 and obj.parent == cache_dir:
            # a damaged cached object must not poison every later configure: rebuild it once
            obj.unlink(missing_ok=True)
            obj = _probe_object(toolchain, compile_args, cache_dir, tmp, timeout)
            build = _run_tool(command(obj), timeout)
        if build.returncode != 0:
            raise ProbeBuildError(_tool_error(build))
        env = dict(os.environ)
        env.update(dict(toolchain.extra_env))
        if windows:
            env.update(windows_dll_env(link_args, toolchain.run_wrapper, env))
        token = os.urandom(8).hex()  # (secrets.token_hex, without loading hmac on every configure)
        limit = question_timeout()
        stdout, stderr, returncode = _run_probe_process(
            [*toolchain.run_wrapper, exe], f"T {token} {int(limit * 1000)}\n{stdin}", env, token, limit)
        data = parse_output(stdout, token)
        if not data.complete:
            detail = _first_error(stderr) or (f"killed by {_signal_name(-returncode)}" if returncode < 0
                                              else f"exit status {returncode}")
            raise ProbeBuildError(f"probe did not run to completion: {detail}")
        # the trusted lines, token removed (Wine's Z:\ file names mapped back); symbols linked
        # into the program itself (static archives) are reported as STATIC
        output = "".join(f"{line}\n" for line in trusted_lines(stdout, token))
        if windows:
            output = host_paths(output, toolchain.run_wrapper)
        output = output.replace(f" {exe}\n", f" {STATIC}\n")
        output += "".join(f"A {sym} {archive}\n" for sym, archive in archive_definitions(build.stdout + build.stderr))
        message = _first_error(stderr)
        if message and (" noanswer:" in output or " crash:" in output):  # the library saying why
            output += f"W {message[:300]}\n"
        data = parse_output(output)
    # a timeout may be a loaded machine, and a library that failed saying why (W) may depend on the
    # environment (MKL_THREADING_LAYER, KMP_AFFINITY ...): ask again next time
    if ":timeout" not in output and " timeout:" not in output and "\nW " not in output:
        _write_cache(cache_file, output, data)
    return data


def _run_probe_process(cmd: list[str], stdin: str, env: dict[str, str], token: str,
                       limit: float) -> tuple[str, str, int]:
    """Run the probe in its own session: (stdout, stderr, exit status).

    It must print its first line within ``2 * limit + 2`` seconds (loading the
    library) and each further line within ``limit + 2`` seconds (each question
    has ``limit`` inside the probe); otherwise its whole process group is killed
    and :class:`ProbeTimeout` is raised.
    """
    mark = token.encode()
    out = bytearray()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, env=env,
                                start_new_session=True)
        assert proc.stdin is not None and proc.stdout is not None
        try:
            try:
                proc.stdin.write(stdin.encode())
                proc.stdin.close()
            except OSError:
                pass  # it died early: its output says why
            seen = 0
            deadline = time.monotonic() + 2 * limit + 2
            with selectors.DefaultSelector() as sel:
                sel.register(proc.stdout, selectors.EVENT_READ)
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        if seen:
                            raise ProbeTimeout(f"the probe gave no answer for {limit + 2:g} s and was killed "
                                               f"(raise {TIMEOUT_ENV} if the library is only slow)")
                        raise ProbeTimeout(f"the library did not finish loading within {2 * limit + 2:g} s and "
                                           f"was killed (a constructor that never returns?); raise "
                                           f"{TIMEOUT_ENV} if it is only slow")
                    if not sel.select(left):
                        continue
                    chunk = os.read(proc.stdout.fileno(), 65536)
                    if not chunk:
                        break
                    out += chunk
                    if len(out) > 16 * 1024 * 1024:
                        raise ProbeBuildError("the probe printed more than 16 MiB (a library writing to stdout?)")
                    count = out.count(mark)
                    if count > seen:
                        seen = count
                        deadline = time.monotonic() + limit + 2
            try:
                returncode = proc.wait(timeout=limit + 2)
            except subprocess.TimeoutExpired:
                raise ProbeTimeout(f"the probe did not exit within {limit + 2:g} s after answering") from None
        finally:
            if proc.poll() is None:
                _kill_group(proc)
            proc.stdout.close()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return out.decode("utf-8", "replace"), stderr, returncode


def _signal_name(number: int) -> str:
    try:
        return f"signal {number} ({signal.Signals(number).name})"
    except ValueError:
        return f"signal {number}"


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the probe and everything it started (its own session and process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, AttributeError):  # Windows: no process groups
        proc.kill()
    proc.wait()


#: Meson's host_machine.system() values of Windows hosts
WINDOWS_SYSTEMS = ("windows", "cygwin")


def traced_symbols(stdin: str) -> list[str]:
    """The spellings of dgemm the probe input asks for: whose archive defines them is asked of the linker."""
    return sorted({parts[2] for line in stdin.splitlines() if len(parts := line.split()) == 3 and parts[1] == "dgemm"})


def archive_definitions(linker_output: str) -> list[tuple[str, str]]:
    """(symbol, archive) from GNU ld's ``--trace-symbol`` lines (``/d/liblapack.a(dgemm.o): definition of
    dgemm_``): which static archive the link took each traced definition from."""
    out = []
    for line in linker_output.splitlines():
        head, sep, symbol = line.rpartition(": definition of ")
        if not sep or "(" not in head or not head.endswith(")"):
            continue
        archive = head[:head.rindex("(")]
        archive = archive.rsplit(": ", 1)[-1]  # "/usr/bin/ld: " before it
        if archive.endswith(".a"):
            out.append((symbol.strip(), os.path.realpath(archive)))
    return out


def probe_symbols(stdin: str) -> list[str]:
    """Every spelling the probe input asks to look up (sorted, no repeats)."""
    return sorted({parts[2] for line in stdin.splitlines() if len(parts := line.split()) == 3})


def pe_force_symbols(stdin: str) -> list[str]:
    """GNU ld (MinGW) flags referencing every spelling the probe looks up.

    A PE program imports a DLL only when it references one of its symbols; the
    probe finds symbols at run time, so without these the candidate's DLL is
    never loaded.  A name no library defines stays an unused undefined symbol.
    MSVC's ``/INCLUDE:`` would fail the link for such names: there only the
    names the import libraries export are forced (:func:`msvc_exports`).
    """
    return [f"-Wl,--undefined={sym}" for sym in probe_symbols(stdin)]


def msvc_exports(link_args: list[str]) -> set[str]:
    """The names the import (and static) libraries of an MSVC link line define.

    A library this cannot read contributes nothing: its spellings are not forced
    (the probe then reports them missing) rather than failing the link.
    """
    from .pe_exports import ExportsError, exported_names  # MSVC links only

    names: set[str] = set()
    for path in msvc_library_files(msvc_link_inputs(link_args)):
        try:
            names |= exported_names(path)
        except ExportsError:
            continue
    return names


def windows_dll_dirs(link_args: list[str]) -> list[str]:
    """Where the DLLs of a Windows link line are: Windows has no rpath.

    The directory of each absolute ``.dll`` / import library (``.lib``, ``.dll.a``)
    and each ``-L`` directory, when it holds DLLs, else its sibling ``bin``
    directory (MinGW/MSVC installs), as Meson does for its tests.
    """
    dirs: list[str] = []
    for arg in link_args:
        if arg.upper().startswith(("/LIBPATH:", "-LIBPATH:")):
            base = arg.split(":", 1)[1]
        elif arg.startswith("-L") and len(arg) > 2:
            base = arg[2:]
        elif os.path.isabs(arg) and arg.lower().endswith((".dll", ".lib", ".dll.a", ".a")):
            base = os.path.dirname(arg)
        else:
            continue
        for d in (base, os.path.join(os.path.dirname(base), "bin")):
            if os.path.isdir(d) and any(n.lower().endswith(".dll") for n in os.listdir(d)) and d not in dirs:
                dirs.append(d)
                break
    return dirs


def _runs_under_wine(wrapper: tuple[str, ...]) -> bool:
    return bool(wrapper) and os.path.basename(wrapper[0]).startswith("wine")


def windows_dll_env(link_args: list[str], wrapper: tuple[str, ...], env: dict[str, str]) -> dict[str, str]:
    """Environment for running a Windows probe: its DLL directories on ``PATH``, or ``WINEPATH`` under Wine."""
    dirs = windows_dll_dirs(link_args)
    if not dirs:
        return {}
    if _runs_under_wine(wrapper):  # Wine maps the Unix root to drive Z:
        wine = ["Z:" + d.replace("/", "\\") for d in dirs]
        return {"WINEPATH": ";".join([*wine, *filter(None, env.get("WINEPATH", "").split(";"))])}
    return {"PATH": os.pathsep.join([*dirs, env.get("PATH", "")])}


def host_paths(output: str, wrapper: tuple[str, ...]) -> str:
    """Trusted probe lines (token removed) with Wine's ``Z:\\...`` file names turned back into
    this machine's paths: the file of ``S`` lines and of ``L`` (loaded object) lines."""
    if not _runs_under_wine(wrapper):
        return output
    lines = []
    for line in output.splitlines():
        parts = line.split(" ", 5)
        at = 5 if parts[0] == "S" and len(parts) == 6 else 1 if parts[0] == "L" and len(parts) >= 2 else -1
        if at == 1:
            parts = line.split(" ", 1)
        if at >= 0 and parts[at][:3].upper() == "Z:\\":
            parts[at] = "/" + parts[at][3:].replace("\\", "/")
            line = " ".join(parts)
        lines.append(line)
    return "\n".join(lines) + ("\n" if output.endswith("\n") else "")


def link_probe(
    toolchain: Toolchain,
    compile_args: list[str],
    link_args: list[str],
    symbols: list[str],
    timeout: float = 120.0,
) -> bool:
    """True when a program referencing every symbol in ``symbols`` links.

    Used when host binaries cannot run (cross builds without an exe wrapper):
    it proves spellings exist, nothing about integer width or ABI.
    """
    decls = "".join(f"extern char {s}(void);\n" for s in symbols)
    refs = "".join(f"  (void *)&{s},\n" for s in symbols)
    source = f"{decls}void *volatile refs[] = {{\n{refs}}};\nint main(void) {{ return refs[0] == 0; }}\n"
    with tempfile.TemporaryDirectory(prefix="mesonbuild-blas-link-") as tmp:
        src = os.path.join(tmp, "link_probe.c")
        Path(src).write_text(source)
        exe = os.path.join(tmp, "link_probe.exe" if toolchain.host_system in WINDOWS_SYSTEMS else "link_probe")
        if toolchain.argument_syntax == "msvc":  # cl compiles a .c file as C; the source references every symbol
            cmd = link_command("msvc", toolchain.cc, [src], exe, compile_args, link_args, obj_dir=tmp)
        else:
            after_source = ["-x", "none"] if toolchain.source_flags else []
            cmd = link_command("gcc", toolchain.cc, [*toolchain.source_flags, src, *after_source], exe,
                               compile_args, link_args)
        try:
            proc = _run_tool(cmd, timeout)
        except ProbeBuildError:
            return False
    return proc.returncode == 0


#: link errors whose cause the linker does not say: (text in the error, explanation)
LINK_ERROR_CAUSES = (
    ("__security_cookie", "the library holds static code compiled by MSVC, which needs MSVC's C runtime (/GS): "
                          "link it with MSVC or clang-cl, or use the vendor's DLL through its import library"),
)


def _tool_error(proc: subprocess.CompletedProcess[str]) -> str:
    """The compiler's first error (cl writes its diagnostics to stdout), with its cause when known."""
    error = _first_error(proc.stderr) or _first_error(proc.stdout) or f"compiler exited with {proc.returncode}"
    cause = next((why for text, why in LINK_ERROR_CAUSES if text in error), "")
    return f"{error} ({cause})" if cause else error


def _first_error(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("collect2:") and "ld returned" in line:
            continue  # the driver's summary: the linker said why on a line of its own
        if "error" in line.lower() or "undefined reference" in line or "cannot find" in line:
            return line.strip()
    linker = [ln.strip() for ln in text.splitlines() if "/ld: " in ln or ln.startswith("ld: ")]
    if linker:
        return linker[0]
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[0] if lines else ""
