"""Thread counts: the environment each benchmark run gets."""

from __future__ import annotations

import os
from collections.abc import Mapping

from .. import vendors

#: OpenMP's own variable, honoured by every OpenMP-threaded library
OPENMP_THREADS = "OMP_NUM_THREADS"
#: every variable asking a library we know of for a thread count (vendors.py: thread_variables)
THREAD_VARIABLES: tuple[str, ...] = tuple(dict.fromkeys(
    (OPENMP_THREADS, *(var for vendor in vendors.VENDORS for var in vendor.thread_variables))))


def thread_env(threads: int) -> dict[str, str]:
    """Variables asking every BLAS we know of for ``threads`` threads.

    All of them, not just the target vendor's: a run-time switch such as
    FlexiBLAS may hand the call to any backend.
    """
    if threads < 1:
        raise ValueError(f"threads must be >= 1, not {threads}")
    return dict.fromkeys(THREAD_VARIABLES, str(threads))


def bench_env(threads: int, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment the program runs in: ``base`` (default os.environ) and thread counts.

    No loader path: the program carries the rpaths Meson would give a program in a
    build directory, so it runs the library a build would run (with Debian's
    alternatives, ``LD_LIBRARY_PATH`` would let a same-named library win).
    """
    env = dict(os.environ if base is None else base)
    env.update(thread_env(threads))
    return env
