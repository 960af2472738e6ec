"""Plain-text terminal output for the command line: tables that fit, progress that stays on one line.

Widths come from ``$COLUMNS`` when set, else from the terminal when the stream
is one; output to a pipe or a file is not cut (``None`` width).
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
import time
from collections.abc import Sequence
from typing import TextIO

from .records import record


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


#: what the CLI prints fits this many columns (fewer on a narrower terminal) unless --wide
MAX_WIDTH = 100


def output_width(stream: TextIO | None = None) -> int:
    """Columns to fit on ``stream`` (default stdout): the terminal's (or ``COLUMNS``), at most
    :data:`MAX_WIDTH`; a pipe or file gets :data:`MAX_WIDTH` too (``--wide`` lifts the limit)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return min(int(columns), MAX_WIDTH)
    if is_terminal(stream or sys.stdout):
        return min(shutil.get_terminal_size().columns, MAX_WIDTH)
    return MAX_WIDTH


def wrap(text: str, width: int | None, indent: str = "") -> str:
    """``text`` wrapped to ``width`` (unchanged when unlimited), continuation lines indented."""
    if width is None:
        return text
    return textwrap.fill(text, width=max(width, 20), subsequent_indent=indent, break_on_hyphens=False)


def shorten_middle(text: str, width: int) -> str:
    """``/usr/lib/x86_64-linux-gnu/…/libopenblas.so.0``: keep both ends."""
    if len(text) <= width:
        return text
    if width < 5:
        return text[:width]
    head = (width - 1) // 3
    tail = width - 1 - head
    return f"{text[:head]}…{text[-tail:]}"


def shorten_distinct(values: Sequence[str], width: int) -> tuple[dict[str, str], int]:
    """Each value shortened in the middle to ``width`` so that different values never print alike
    (ATLAS's and Netlib's ``.../libblas.so.3``); where the middle cut makes two alike, the cut moves to the
    head (``…atlas/libblas.so.3``), and only where that is not enough either does the width grow.
    Returns value → shown text, and the width used."""
    distinct = list(dict.fromkeys(values))
    while True:
        shown = {v: shorten_middle(v, width) for v in distinct}
        clashing = {v for v in distinct if sum(1 for o in distinct if shown[o] == shown[v]) > 1}
        for v in clashing:
            shown[v] = f"…{v[-(width - 1):]}" if len(v) > width else v
        if len(set(shown.values())) == len(distinct) or width >= max(map(len, distinct), default=0):
            return shown, width
        width += 1


@record
class Column:
    title: str
    right: bool = False  #: right-aligned (numbers)
    priority: int = 0  #: columns of the lowest priority are dropped first when the table is too wide
    shrink: bool = False  #: may be shortened in the middle (paths)


def format_columns(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int | None,
                   gap: str = "  ") -> list[str]:
    """Aligned lines; when wider than ``width``: drop low-priority columns, then shorten paths."""
    keep = list(range(len(columns)))

    def widths(indices: list[int]) -> dict[int, int]:
        return {i: max([len(columns[i].title), *(len(r[i]) for r in rows)]) for i in indices}

    def total(w: dict[int, int]) -> int:
        return sum(w.values()) + len(gap) * (len(w) - 1)

    w = widths(keep)

    def shrink(floor: int) -> None:
        over = total(w) - (width or 0)
        for i in keep:
            if over > 0 and columns[i].shrink:
                new = max(len(columns[i].title), floor, w[i] - over)
                over -= w[i] - new
                w[i] = min(w[i], new)

    if width is not None:
        shrink(20)  # paths give way first, down to a readable length
        while total(w) > width:
            droppable = [i for i in keep if columns[i].priority > 0]
            if not droppable:
                break
            keep.remove(min(droppable, key=lambda i: (columns[i].priority, -i)))
            w = {i: w[i] for i in keep}
        shrink(12)

    shown: dict[int, dict[str, str]] = {}
    for i in keep:
        if columns[i].shrink:
            shown[i], w[i] = shorten_distinct([r[i] for r in rows], w[i])

    def line(cells: Sequence[str], title: bool = False) -> str:
        parts = []
        for i in keep:
            cell = shown[i].get(cells[i], cells[i]) if i in shown and not title else shorten_middle(cells[i], w[i])
            parts.append(cell.rjust(w[i]) if columns[i].right else cell.ljust(w[i]))
        return gap.join(parts).rstrip()

    return [line([c.title for c in columns], title=True), *(line(r) for r in rows)]


class Progress:
    """One status line on a terminal, rewritten in place; one line per step elsewhere."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.live = enabled and is_terminal(self.stream)
        self.started = time.monotonic()
        self._shown = False

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def update(self, text: str) -> None:
        """Show ``text`` as the current status (terminals only; nothing is logged elsewhere)."""
        if self.live:
            width = shutil.get_terminal_size().columns - 1
            self.stream.write("\r\033[K" + shorten_middle(text, max(width, 10)))
            self.stream.flush()
            self._shown = True

    def step(self, text: str) -> None:
        """A step done: the status line on a terminal, a log line elsewhere."""
        if self.live:
            self.update(text)
        elif self.enabled:
            print(text, file=self.stream, flush=True)

    def note(self, text: str) -> None:
        """A line that stays (warnings, skipped items), above the status line."""
        self.clear()
        print(text, file=self.stream, flush=True)

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False


def format_duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"
