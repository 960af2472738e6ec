"""What a benchmark is about (:class:`BenchTarget`) and what it measured (:class:`BenchRow`).

:func:`make_target` is the one place a target is built: it attaches what the
vendor table knows (the library functions worth asking, how to read a version
and a kernel set out of their answers), so nothing later reaches back into it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .. import names, vendors
from ..naming import Scheme
from ..records import record
from ..result import BlasInfo

THREADING_LAYERS = ("pthreads", "openmp", "sequential", "tbb")


class BenchError(RuntimeError):
    """The benchmark could not be built or run (message says why)."""


def library_label(vendor: str, interface: str, variant: str = "", version: str = "") -> str:
    """How ``report`` and ``bench`` name a library: ``mkl 2024.2 (lp64, seq)``."""
    head = f"{vendor} {version}".strip()
    return f"{head} ({interface}{f', {variant}' if variant else ''})"


@record
class BenchTarget:
    vendor: str
    interface: str
    library: str  #: the library file expected to serve dgemm
    compile_args: tuple[str, ...]
    link_args: tuple[str, ...]
    dgemm_symbol: str  #: Fortran dgemm symbol, e.g. dgemm_, scipy_dgemm_64_
    int_size: int  #: 4 or 8
    threading: str  #: pthreads | openmp | sequential | tbb | unknown
    #: the linker's default dirs (other dirs of absolute library paths get an rpath);
    #: empty: ask the compiler
    system_lib_dirs: tuple[str, ...] = ()
    #: the link-time threading variant asked for (MKL's seq/iomp/...), "" for the default
    variant: str = ""
    #: the version the lookup found (rows use the library's own answer when it gives one)
    version: str = ""
    #: stdin of the benchmark program: "<kind> <key> <symbol> [<arg>]" lines (vendor functions)
    facts_input: str = ""
    #: (fact, regular expression) extracting the version from the program's answers
    version_from: tuple[str, str] | None = None
    #: fact naming the kernel set the library selected, and the fact mapping numeric ids to names
    kernel_fact: str = ""
    kernel_ids: str = ""

    @property
    def label(self) -> str:
        return library_label(self.vendor, self.interface, self.variant)

    def version_of(self, facts: Mapping[str, str]) -> str:
        """The library's version from its own answers, else the lookup's."""
        if self.version_from is not None:
            key, regex = self.version_from
            match = re.search(regex, facts.get(key, ""))
            if match:
                return match.group(1)
        return self.version

    def kernel_of(self, facts: Mapping[str, str]) -> str:
        """The kernel set the library says it selected ("" when it does not say)."""
        value = facts.get(self.kernel_fact, "") if self.kernel_fact else ""
        if self.kernel_ids and value:
            ids = dict(pair.split(":", 1) for pair in facts.get(self.kernel_ids, "").split(",") if ":" in pair)
            value = ids.get(value, value)
        return value.split(":", 1)[1] if ":" in value else value


def make_target(
    vendor: str,
    interface: str,
    library: str,
    compile_args: Sequence[str],
    link_args: Sequence[str],
    *,
    symbol_prefix: str = "",
    symbol_suffix: str = "",
    dgemm_symbol: str = "",
    int_size: int = 0,
    threading: str = "unknown",
    version: str = "",
    variant: str = "",
    system_lib_dirs: Sequence[str] = (),
) -> BenchTarget:
    """A target for ``vendor``'s library, with everything the vendor table knows about timing it."""
    scheme = Scheme(symbol_prefix, symbol_suffix)
    entry = vendors.lookup(vendor)
    lines: list[str] = []
    version_from = None
    kernel_fact = kernel_ids = ""
    if entry is not None:
        for call in (*entry.info, *entry.bench_info):
            # the library's own spelling first, then the plain one (e.g. MKL's ILP64 _64 builds)
            for symbol in dict.fromkeys((scheme.c(call.symbol), call.symbol)):
                lines.append(" ".join(x for x in (call.kind, call.key, symbol, call.arg) if x))
        version_from = entry.version_from
        if entry.bench_advice is not None:
            kernel_fact, kernel_ids = entry.bench_advice.kernel_fact, entry.bench_advice.numeric_ids
    return BenchTarget(
        vendor=vendor, interface=interface, library=library,
        compile_args=tuple(compile_args), link_args=tuple(link_args),
        dgemm_symbol=dgemm_symbol or scheme.fortran("dgemm"),
        int_size=int_size or names.INT_SIZE.get(interface, 4),
        threading=threading if threading in THREADING_LAYERS else "unknown",
        system_lib_dirs=tuple(system_lib_dirs), variant=variant, version=version,
        facts_input="".join(f"{line}\n" for line in lines), version_from=version_from,
        kernel_fact=kernel_fact, kernel_ids=kernel_ids,
    )


def target_from_info(info: BlasInfo, compile_args: Sequence[str], link_args: Sequence[str],
                     system_lib_dirs: Sequence[str] = (), variant: str = "") -> BenchTarget:
    """The bench target for a dependency the plugin found."""
    return make_target(info.vendor, info.interface, info.library, compile_args, link_args,
                       symbol_prefix=info.symbol_prefix, symbol_suffix=info.symbol_suffix,
                       dgemm_symbol=info.fortran_symbol_dgemm, int_size=info.int_size,
                       threading=info.threading, version=info.version, variant=variant,
                       system_lib_dirs=system_lib_dirs)


@record
class BenchRow:
    vendor: str
    interface: str
    library: str  #: the file that served dgemm (dladdr), as the loader named it
    n: int
    threads: int
    gflops: float
    peak_fraction: float
    seconds: float  #: best of the timed calls
    check: str  #: ok | wrong
    target_library: str = ""
    all_seconds: tuple[float, ...] = ()
    checksum: float = 0.0
    abs_checksum: float = 0.0
    dgemm_symbol: str = ""
    int_size: int = 0
    threading: str = "unknown"
    #: what the library said about itself: config, corename, lib_threads, ... (vendor functions)
    facts: tuple[tuple[str, str], ...] = ()
    variant: str = ""
    version: str = ""  #: the library's version, from its own answers when it gives one
    kernel: str = ""  #: the kernel set the library selected at run time, when it says

    def fact(self, key: str) -> str:
        return dict(self.facts).get(key, "")

    @property
    def label(self) -> str:
        return library_label(self.vendor, self.interface, self.variant, self.version)

    def as_json(self) -> dict[str, object]:
        return {
            "vendor": self.vendor, "interface": self.interface, "variant": self.variant,
            "library": self.library, "target_library": self.target_library, "n": self.n,
            "threads": self.threads, "gflops": self.gflops, "peak_fraction": self.peak_fraction,
            "seconds": self.seconds, "all_seconds": list(self.all_seconds), "check": self.check,
            "checksum": self.checksum, "dgemm_symbol": self.dgemm_symbol, "int_size": self.int_size,
            "threading": self.threading, "version": self.version, "kernel": self.kernel, "facts": dict(self.facts),
        }
