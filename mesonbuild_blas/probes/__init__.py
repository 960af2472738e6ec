"""Run-time probes: build one C program per candidate, run it, read its answers.

Nothing here imports Meson: the integration layer hands over a
:class:`Toolchain` (compiler command, whether host binaries can run) and the
candidate's compile/link arguments.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PROBE_SOURCE = Path(__file__).with_name("blas_probe.c")
#: the operating-system layer blas_probe.c includes (POSIX / Win32)
PLATFORM_HEADER = Path(__file__).with_name("probe_platform.h")
CACHE_FORMAT = 2  #: bump when how a probe is built or what it reports changes
#: the "library file" of symbols linked statically into the probe program
STATIC = "(static)"
#: environment variables that change which library a program loads: part of the cache key
LOADER_ENV = ("LD_LIBRARY_PATH", "LD_PRELOAD", "DYLD_LIBRARY_PATH", "DYLD_FALLBACK_LIBRARY_PATH",
              "DYLD_INSERT_LIBRARIES")



@dataclass(frozen=True)
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


@dataclass
class ProbeData:
    """Parsed probe output."""

    #: (scheme, role) → (symbol, found, file that defines it or "")
    symbols: dict[tuple[str, str], tuple[str, bool, str]] = field(default_factory=dict)
    #: scheme → key → value
    results: dict[str, dict[str, str]] = field(default_factory=dict)
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
    """The probe did not compile/link: the candidate's flags do not work."""


def parse_output(text: str) -> ProbeData:
    data = ProbeData()
    for line in text.splitlines():
        parts = line.split(" ")
        if parts[0] == "S" and len(parts) >= 6:
            file = " ".join(parts[5:])
            data.symbols[(parts[1], parts[2])] = (parts[3], parts[4] == "1", "" if file == "-" else file)
        elif parts[0] == "R" and len(parts) >= 3:
            data.results.setdefault(parts[1], {})[parts[2]] = " ".join(parts[3:])
        elif parts[0] == "E":
            data.complete = True
    return data


def _library_stats(data: ProbeData) -> dict[str, list[int]]:
    stats: dict[str, list[int]] = {}
    for _symbol, found, file in data.symbols.values():
        if found and file and file != STATIC and file not in stats:
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


def probe_sources_text() -> str:
    """The probe's C sources, as they are compiled (part of every cache key)."""
    return PROBE_SOURCE.read_text() + PLATFORM_HEADER.read_text()


def cache_key(toolchain: Toolchain, compile_args: list[str], link_args: list[str], stdin: str) -> str:
    h = hashlib.sha256()
    loader_env = [os.environ.get(var, "") for var in LOADER_ENV]
    payload = [CACHE_FORMAT, list(toolchain.cc), toolchain.identity, toolchain.run_wrapper,
               toolchain.system_lib_dirs, compile_args, link_args, stdin, probe_sources_text(), loader_env]
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


def _write_cache(path: Path, output: str, data: ProbeData) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump({"format": CACHE_FORMAT, "output": output, "libraries": _library_stats(data)}, f)
        os.chmod(tmp, 0o644)  # a cache shared between users stays readable
        os.replace(tmp, path)  # atomic: concurrent readers see old or new, never torn
    except OSError:
        pass  # the cache is an optimisation only


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


def object_flags(compile_args: list[str]) -> list[str]:
    """The compile flags that can matter to the probe object.

    The probe includes no BLAS header, so include dirs and macros cannot change
    it; machine flags (``-m64``, ``-pthread``, ...) can.
    """
    out: list[str] = []
    skip = False
    for arg in compile_args:
        if skip:
            skip = False
            continue
        if arg in ("-I", "-D", "-isystem", "-idirafter"):
            skip = True
            continue
        if not arg.startswith(("-I", "-D", "-isystem", "-idirafter")):
            out.append(arg)
    return out


def _probe_object(toolchain: Toolchain, compile_args: list[str], cache_dir: Path, tmp: str,
                  timeout: float) -> Path:
    """The compiled probe, built once per toolchain and machine flags (cached)."""
    flags = object_flags(compile_args)
    h = hashlib.sha256(json.dumps([list(toolchain.cc), toolchain.identity, flags,
                                   probe_sources_text()]).encode()).hexdigest()[:24]
    obj = cache_dir / f"blas_probe-{h}.o"
    if obj.is_file():
        return obj
    built = Path(tmp) / "blas_probe.o"
    proc = subprocess.run([*toolchain.cc, *toolchain.source_flags, "-c", "-o", str(built), str(PROBE_SOURCE),
                           *flags], capture_output=True, timeout=timeout, encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        raise ProbeBuildError(_first_error(proc.stderr) or f"compiler exited with {proc.returncode}")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, staged = tempfile.mkstemp(dir=cache_dir, prefix=".tmp-", suffix=".o")
        os.close(fd)
        shutil.copyfile(built, staged)
        os.chmod(staged, 0o644)
        os.replace(staged, obj)  # atomic for concurrent configures
    except OSError:
        return built  # read-only cache: use it from the temporary directory
    return obj


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
        link_cmd = ["-o", exe]
        extra = ["-Wl,--no-as-needed"] if toolchain.gnu_ld else []
        if windows:  # the PE linker drops DLL imports nothing references: reference every spelling
            extra += pe_force_symbols(stdin)
        if toolchain.gnu_ld and any(a.endswith(".a") for a in link_args):
            # static archives only contribute objects something references: reference every
            # spelling the probe looks up, and export them so dlsym() finds them in the program
            symbols = sorted({line.split()[2] for line in stdin.splitlines() if len(line.split()) == 3})
            extra += [f"-Wl,-u,{sym}" for sym in symbols] + ["-Wl,--export-dynamic"]
        extra += link_args
        extra += [f"-Wl,-rpath,{d}" for d in build_rpath_dirs(link_args, toolchain.system_lib_dirs)]
        obj = _probe_object(toolchain, compile_args, cache_dir, tmp, timeout)
        build = subprocess.run([*toolchain.cc, *link_cmd, str(obj), *compile_args, *extra],
                               capture_output=True, timeout=timeout, encoding="utf-8", errors="replace")
        if build.returncode != 0 and obj.parent == cache_dir:
            # a damaged cached object must not poison every later configure: rebuild it once
            obj.unlink(missing_ok=True)
            obj = _probe_object(toolchain, compile_args, cache_dir, tmp, timeout)
            build = subprocess.run([*toolchain.cc, *link_cmd, str(obj), *compile_args, *extra],
                                   capture_output=True, timeout=timeout, encoding="utf-8", errors="replace")
        if build.returncode != 0:
            raise ProbeBuildError(_first_error(build.stderr) or f"compiler exited with {build.returncode}")
        env = dict(os.environ)
        env.update(dict(toolchain.extra_env))
        if windows:
            env.update(windows_dll_env(link_args, toolchain.run_wrapper, env))
        run = subprocess.run([*toolchain.run_wrapper, exe], input=stdin, capture_output=True,
                             timeout=timeout, env=env, encoding="utf-8", errors="replace")
        stdout = host_paths(run.stdout, toolchain.run_wrapper) if windows else run.stdout
        # symbols linked into the program itself (static archives) are reported as STATIC
        output = stdout.replace(f" {exe}\n", f" {STATIC}\n")
        data = parse_output(output)
        if not data.complete:
            detail = _first_error(run.stderr) or f"exit status {run.returncode}"
            raise ProbeBuildError(f"probe did not run to completion: {detail}")
    _write_cache(cache_file, output, data)
    return data


#: Meson's host_machine.system() values of Windows hosts
WINDOWS_SYSTEMS = ("windows", "cygwin")


def pe_force_symbols(stdin: str) -> list[str]:
    """GNU ld (MinGW) flags referencing every spelling the probe looks up.

    A PE program imports a DLL only when it references one of its symbols; the
    probe finds symbols at run time, so without these the candidate's DLL is
    never loaded.  A name no library defines stays an unused undefined symbol.
    (MSVC's ``/INCLUDE:`` would fail the link for such names: untested, not used.)
    """
    symbols = sorted({parts[2] for line in stdin.splitlines() if len(parts := line.split()) == 3})
    return [f"-Wl,--undefined={sym}" for sym in symbols]


def windows_dll_dirs(link_args: list[str]) -> list[str]:
    """Where the DLLs of a Windows link line are: Windows has no rpath.

    The directory of each absolute ``.dll`` / import library (``.lib``, ``.dll.a``)
    and each ``-L`` directory, when it holds DLLs, else its sibling ``bin``
    directory (MinGW/MSVC installs), as Meson does for its tests.
    """
    dirs: list[str] = []
    for arg in link_args:
        if arg.startswith("-L") and len(arg) > 2:
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
    """Probe output with Wine's ``Z:\\...`` file names turned back into this machine's paths."""
    if not _runs_under_wine(wrapper):
        return output
    lines = []
    for line in output.splitlines():
        parts = line.split(" ", 5)
        if parts[0] == "S" and len(parts) == 6 and parts[5][:3].upper() == "Z:\\":
            parts[5] = "/" + parts[5][3:].replace("\\", "/")
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
        after_source = ["-x", "none"] if toolchain.source_flags else []
        cmd = [*toolchain.cc, "-o", os.path.join(tmp, "link_probe"), *toolchain.source_flags, src, *after_source,
               *compile_args, *link_args]
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, encoding="utf-8", errors="replace")
    return proc.returncode == 0


def _first_error(text: str) -> str:
    for line in text.splitlines():
        if "error" in line.lower() or "undefined reference" in line or "cannot find" in line:
            return line.strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[0] if lines else ""
