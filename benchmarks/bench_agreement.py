"""Cross-check ``mesonbuild-blas bench`` against an independent ctypes timing of the same library.

    python benchmarks/bench_agreement.py [N] [REPEAT]

Times dgemm of Debian's OpenBLAS (pkg-config ``openblas``), one thread, with the
bench program and with ``benchmarks/independent_dgemm.py`` (which shares no code
with it), and prints both and their ratio. Exits 1 when they disagree by more
than 10 % on two tries in a row. A benchmark, not a unit test: run it on a quiet
machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mesonbuild_blas.bench import estimate_peak, make_target, run_bench

INDEPENDENT = Path(__file__).with_name("independent_dgemm.py")


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 512
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    link = subprocess.check_output(["pkg-config", "--libs", "openblas"], text=True).split()
    libdir = next(arg[2:] for arg in link if arg.startswith("-L"))
    target = make_target("openblas", "lp64", os.path.join(libdir, "libopenblas.so"), (), link, threading="pthreads")
    peak = estimate_peak(1)
    ratio = 0.0
    for attempt in (1, 2):
        row = run_bench(target, [n], [1], repeat, peak={1: peak})[0]
        out = subprocess.run([sys.executable, str(INDEPENDENT), row.library, "dgemm_", "4", str(n), str(repeat),
                              "--threads", "1"], capture_output=True, text=True, check=True, timeout=300).stdout
        fields = dict(tok.split("=", 1) for tok in out.split())
        independent = float(fields["gflops"])
        ratio = row.gflops / independent
        print(f"try {attempt}: bench {row.gflops:.1f} GFLOP/s ({row.check}), ctypes {independent:.1f} GFLOP/s "
              f"({fields['check']}), ratio {ratio:.3f}, library {row.library}")
        if 0.9 <= ratio <= 1.1 and row.check == "ok" and fields["check"] == "ok":
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
