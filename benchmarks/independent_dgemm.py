"""Time dgemm in a BLAS library through ctypes, independently of mesonbuild_blas.bench.

Used to cross-check the numbers of ``mesonbuild-blas bench`` (they should agree within
about 10 %): nothing here shares code with the benchmark probe.  No numpy: the matrices
are ``array.array('d')`` buffers handed to the library as ctypes pointers.

    python benchmarks/independent_dgemm.py LIBRARY SYMBOL INT_SIZE N REPEAT [--threads T]

Prints one line: ``n=N best_seconds=S gflops=G check=ok|wrong library=PATH``.
"""

from __future__ import annotations

import argparse
import array
import ctypes
import os
import sys
import time

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
               "GOTO_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def fill(count: int, mul: int, add: int) -> array.array[float]:
    return array.array("d", (((i * mul + add) % 1000) / 1000.0 - 0.5 for i in range(count)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("library", help="path of the shared library to load")
    parser.add_argument("symbol", help="Fortran dgemm symbol, e.g. dgemm_ or scipy_dgemm_64_")
    parser.add_argument("int_size", type=int, choices=(4, 8), help="bytes per BLAS integer")
    parser.add_argument("n", type=int, help="matrix order")
    parser.add_argument("repeat", type=int, help="timed calls; the best one counts")
    parser.add_argument("--threads", type=int, default=0, help="set the usual *_NUM_THREADS variables first")
    args = parser.parse_args(argv)
    if args.n < 1 or args.repeat < 1:
        parser.error("N and REPEAT must be positive")
    if args.threads:
        # before loading: libraries read these when they initialise
        for var in THREAD_VARS:
            os.environ[var] = str(args.threads)

    lib = ctypes.CDLL(args.library, mode=ctypes.RTLD_GLOBAL)
    dgemm = getattr(lib, args.symbol)
    blas_int = ctypes.c_int64 if args.int_size == 8 else ctypes.c_int32
    pint = ctypes.POINTER(blas_int)
    pdouble = ctypes.POINTER(ctypes.c_double)
    # transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, then gfortran's hidden string lengths
    dgemm.argtypes = [ctypes.c_char_p, ctypes.c_char_p, pint, pint, pint, pdouble, pdouble, pint,
                      pdouble, pint, pdouble, pdouble, pint, ctypes.c_size_t, ctypes.c_size_t]
    dgemm.restype = None

    n = args.n
    a = fill(n * n, 7919, 0)
    b = fill(n * n, 104729, 13)
    c = array.array("d", bytes(8 * n * n))

    def ptr(buf: array.array[float]) -> ctypes._Pointer[ctypes.c_double]:
        return ctypes.cast(buf.buffer_info()[0], pdouble)

    pa, pb, pc = ptr(a), ptr(b), ptr(c)
    dim = blas_int(n)
    alpha, beta = ctypes.c_double(1.0), ctypes.c_double(0.0)
    call_args = (b"N", b"N", ctypes.byref(dim), ctypes.byref(dim), ctypes.byref(dim), ctypes.byref(alpha),
                 pa, ctypes.byref(dim), pb, ctypes.byref(dim), ctypes.byref(beta), pc, ctypes.byref(dim), 1, 1)

    dgemm(*call_args)  # warm-up: thread pool, page faults, caches
    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        dgemm(*call_args)
        best = min(best, time.perf_counter() - t0)

    # spot-check two entries against a plain dot product (column-major: C[i,j] = c[i + j*n])
    ok = True
    for i, j in ((0, 0), (n - 1, n - 1), (n // 2, n // 3)):
        want = sum(a[i + p * n] * b[p + j * n] for p in range(n))
        ok = ok and abs(c[i + j * n] - want) <= 1e-9 * max(1.0, sum(abs(a[i + p * n] * b[p + j * n]) for p in range(n)))

    best = max(best, 1e-9)
    gflops = 2.0 * n**3 / best / 1e9
    print(f"n={n} best_seconds={best:.9f} gflops={gflops:.4f} check={'ok' if ok else 'wrong'}"
          f" library={os.path.realpath(args.library)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
