"""``mesonbuild-blas report``: every BLAS/LAPACK installation a build could use.

The report runs the very detection a build runs: it configures a throw-away
Meson project with the ``meson-blas`` launcher of this Python (``runner.py``),
one ``dependency(<vendor>, interface: ..., required: false)`` per vendor x
interface (x link-time threading variant), and reads back each dependency's
``json`` variable.  Nothing here imports Meson.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from . import __version__, names, vendors
from .console import Column, format_columns, wrap
from .records import field, record
from .result import BlasInfo, ResultError
from .runner import RunnerError, ScratchProject

SCHEMA_VERSION = 1
ROW_TAG = "MESONBUILD_BLAS_ROW"
_NOT_FOUND = re.compile(r"^mesonbuild-blas: (\S+) \((.*?)\) not found; tried: (.*)$")

#: (query number, queries in all, the query, its row or None) → progress display
ProgressHandler = Callable[[int, int, "Query", "dict[str, object] | None"], None]


@record
class Query:
    vendor: str
    interface: str
    threading: str = ""  #: a link-time variant (MKL's seq/iomp/...), "" for the default

    @property
    def label(self) -> str:
        return "|".join((self.vendor, self.interface, self.threading or "-"))

    @property
    def title(self) -> str:
        """How the library is named on screen (bench names it the same way)."""
        return f"{self.vendor} ({self.interface}{f', {self.threading}' if self.threading else ''})"

    def meson_call(self) -> str:
        modules = f"['threading: {self.threading}']" if self.threading else "[]"
        return (f"dependency('{self.vendor}', interface: '{self.interface}', modules: {modules}, "
                f"required: false)")


@record(frozen=False)
class Report:
    rows: list[dict[str, object]] = field(default_factory=list)
    not_found: list[dict[str, str]] = field(default_factory=list)
    meson_version: str = ""

    def to_json(self) -> dict[str, object]:
        return {"schema_version": SCHEMA_VERSION, "mesonbuild_blas": __version__, "meson": self.meson_version,
                "rows": self.rows, "not_found": self.not_found}


def queries(vendor_filter: str | None, interfaces: tuple[str, ...]) -> list[Query]:
    out = []
    for vendor in vendors.VENDORS:
        if vendor_filter and vendor.name != vendor_filter:
            continue
        for interface in interfaces:
            variants = [t.names[0] for t in vendor.threadings] or [""]
            out += [Query(vendor.name, interface, threading) for threading in variants]
    return out


def project_text(qs: list[Query]) -> str:
    lines = ["project('mesonbuild-blas-report', 'c')"]
    for q in qs:
        lines.append(f"d = {q.meson_call()}")
        lines.append(f"message('{ROW_TAG}', '{q.label}', d.found() ? d.get_variable('json') : 'null')")
    return "\n".join(lines) + "\n"


def header_store() -> Path:
    """Where the report keeps the generated headers its rows' ``compile_args`` point to."""
    cache = os.environ.get("MESONBUILD_BLAS_CACHE_DIR")
    if cache:
        return Path(cache) / "headers"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mesonbuild-blas" / "headers"


def _keep_header_dir(directory: Path) -> Path:
    """A persistent copy of a generated header directory (named by its content digest)."""
    store = header_store()
    dest = store / directory.name
    if dest.is_dir() and any(dest.iterdir()):
        return dest  # same digest, same content
    store.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(dir=store, prefix=".tmp-"))
    for item in directory.iterdir():
        if item.is_file():
            shutil.copy2(item, staged / item.name)
    try:
        os.replace(staged, dest)
    except OSError:  # a concurrent report stored it first
        shutil.rmtree(staged, ignore_errors=True)
    return dest


def row_from_json(payload: Mapping[str, object], query: Query, scratch: Path | None = None) -> dict[str, object]:
    """A report row from a dependency's ``json`` variable: the one place the JSON is normalised.

    Include dirs inside the throw-away project (``scratch``) are replaced by
    persistent copies (``header_store()``).
    """
    row = dict(payload)
    row["requested_threading"] = query.threading
    args = row.get("compile_args")
    if scratch is not None and isinstance(args, list):
        root = os.path.realpath(scratch)
        fixed: list[object] = []
        for arg in args:
            if isinstance(arg, str) and arg.startswith("-I") and os.path.realpath(arg[2:]).startswith(root + os.sep):
                arg = f"-I{_keep_header_dir(Path(arg[2:]))}"
            fixed.append(arg)
        row["compile_args"] = fixed
    return row


def info_from_row(row: Mapping[str, object]) -> BlasInfo:
    """A report row (``report --json``) as a :class:`BlasInfo`; the one place a row is read back."""
    try:
        return BlasInfo.from_json(row)
    except ResultError as e:
        raise RunnerError(f"unexpected report row: {e}") from None


class _LogReader:
    """Reads the report project's Meson output as it streams by."""

    def __init__(self, qs: list[Query], scratch: Path, progress: ProgressHandler | None) -> None:
        self.by_label = {q.label: q for q in qs}
        self.total = len(qs)
        self.scratch = scratch
        self.progress = progress
        self.report = Report()
        self.done = 0

    def __call__(self, line: str) -> None:
        if line.startswith("Version: ") and not self.report.meson_version:
            self.report.meson_version = line.split(":", 1)[1].strip()
        prefix = f"Message: {ROW_TAG} "
        if line.startswith(prefix):
            label, _, payload = line[len(prefix):].partition(" ")
            q = self.by_label.get(label)
            if q is None:
                return
            row = None
            if payload != "null":
                row = row_from_json(json.loads(payload), q, self.scratch)
                self.report.rows.append(row)
            self.done += 1
            if self.progress is not None:
                self.progress(self.done, self.total, q, row)
        match = _NOT_FOUND.match(line)
        if match:
            self.report.not_found.append({"vendor": match.group(1), "request": match.group(2),
                                          "tried": match.group(3)})


def parse_report_log(text: str, qs: list[Query]) -> Report:
    """The report in a finished Meson log of the report project."""
    reader = _LogReader(qs, Path(tempfile.gettempdir()) / "-none-", None)
    for line in text.splitlines():
        reader(line)
    return reader.report


def run_report(vendor: str | None = None, interface: str = "both", *, progress: ProgressHandler | None = None,
               log: Callable[[str], None] | None = None) -> Report:
    """Configure the report project; ``progress`` is told about each lookup, ``log`` gets Meson's every line."""
    interfaces = names.INTERFACES if interface == "both" else (interface,)
    qs = queries(vendor, interfaces)
    with ScratchProject(files={"meson.build": project_text(qs)}, prefix="mesonbuild-blas-report-") as project:
        reader = _LogReader(qs, project.root, progress)

        def on_line(line: str) -> None:
            if log is not None:
                log(line)
            reader(line)

        result = project.setup(on_line=on_line)
        if not result.ok:
            raise RuntimeError(f"meson-blas setup of the report project failed: {result.error()} "
                               "(hint: --verbose shows Meson's whole log)")
        return reader.report


#: (JSON key, title, column); the ``brief`` ones make the default table
TABLE_COLUMNS: tuple[tuple[str, Column, bool], ...] = (
    ("vendor", Column("vendor"), True),
    ("interface", Column("iface"), True),
    ("version", Column("version", priority=4), True),
    ("method", Column("method", priority=1), False),
    ("symbol_prefix", Column("prefix", priority=1), False),
    ("symbol_suffix", Column("suffix", priority=1), False),
    ("fortran_abi", Column("ABI", priority=1), False),
    ("threading", Column("threading", priority=3), True),
    ("features", Column("features", priority=2), True),
    ("lapack_version", Column("LAPACK", priority=1), False),
    ("verified_by", Column("verified", priority=1), False),
    ("library", Column("library", priority=5, shrink=True), True),
)


def format_report_table(report: Report, width: int | None = None, *, wide: bool = False) -> str:
    """The rows as a table, each miss once below it.

    By default the main columns, fitted to ``width`` (None: unlimited); ``wide``: every column in full.
    """
    chosen = [(key, col) for key, col, brief in TABLE_COLUMNS if wide or brief]
    fit = None if wide else width
    rows = []
    for r in report.rows:
        features = ",".join(f for f in ("cblas", "lapack", "lapacke") if r.get(f))
        cells = {**{k: str(v) for k, v in r.items()}, "features": features or "-"}
        if r.get("requested_threading"):
            cells["threading"] = f"{r['threading']} ({r['requested_threading']})"
        rows.append([cells.get(k, "") or "-" for k, _ in chosen])
    lines = format_columns([c for _, c in chosen], rows, fit)
    if report.not_found and wide:
        lines.append("")
        lines.append(f"not found ({len(report.not_found)}):")
        lines += [f"  {n['vendor']} ({n['request']}): {n['tried']}" for n in report.not_found]
    elif report.not_found:
        misses: dict[str, list[str]] = {}
        for n in report.not_found:
            misses.setdefault(n["vendor"], []).append(n["request"].replace(", threading ", " "))
        summary = "; ".join(f"{vendor} ({', '.join(requests)})" for vendor, requests in misses.items())
        lines.append("")
        lines.append(wrap(f"not found: {summary} (--wide says where each was looked for)", fit, "  "))
    return "\n".join(line.rstrip() for line in lines)


__all__ = ["Query", "Report", "format_report_table", "header_store", "info_from_row", "parse_report_log",
           "queries", "row_from_json", "run_report"]
