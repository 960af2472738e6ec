"""The benchmark program ``probes/dgemm_bench.c``: its source and how to read its answers."""

from __future__ import annotations

import shlex
from pathlib import Path

BENCH_SOURCE = Path(__file__).resolve().parent.parent / "probes" / "dgemm_bench.c"
#: prefix of the answers of vendor functions (the stdin lines)
FACT_PREFIX = "info."


def parse_bench_output(text: str) -> dict[str, str]:
    """``key=value`` lines (the value runs to the end of the line) → dict; later lines win."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key and " " not in key:
            out[key] = value.strip()
    return out


def facts_of(answers: dict[str, str]) -> dict[str, str]:
    """What the library said about itself: the ``info.<key>`` answers, keyed by ``<key>``."""
    return {k[len(FACT_PREFIX):]: v for k, v in answers.items() if k.startswith(FACT_PREFIX)}


def compiler_command(cc: str) -> list[str]:
    """A compiler given as one string (``"ccache gcc"``) → its argv."""
    return shlex.split(cc) or ["cc"]
