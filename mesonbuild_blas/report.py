"""``mesonbuild-blas report``: every BLAS/LAPACK installation a build could use.

The report runs the very detection a build runs: it configures a throw-away
Meson project with the ``meson-blas`` launcher of this Python, one
``dependency(<vendor>, interface: ..., required: false)`` per vendor x interface
(x link-time threading variant), and reads back each dependency's ``json``
variable.  Nothing here imports Meson.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, vendors
from .demo import meson_blas_command

SCHEMA_VERSION = 1
ROW_TAG = "MESONBUILD_BLAS_ROW"
_NOT_FOUND = re.compile(r"^mesonbuild-blas: (\S+) \((.*?)\) not found; tried: (.*)$")


@dataclass(frozen=True)
class Query:
    vendor: str
    interface: str
    threading: str = ""  #: a link-time variant (MKL's seq/iomp/...), "" for the default

    @property
    def label(self) -> str:
        return "|".join((self.vendor, self.interface, self.threading or "-"))

    def meson_call(self) -> str:
        modules = f"['threading: {self.threading}']" if self.threading else "[]"
        return (f"dependency('{self.vendor}', interface: '{self.interface}', modules: {modules}, "
                f"required: false)")


@dataclass
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


def parse_output(stdout: str, qs: list[Query]) -> Report:
    report = Report()
    by_label = {q.label: q for q in qs}
    for line in stdout.splitlines():
        if line.startswith("The Meson build system"):
            continue
        if line.startswith("Version: ") and not report.meson_version:
            report.meson_version = line.split(":", 1)[1].strip()
        prefix = f"Message: {ROW_TAG} "
        if line.startswith(prefix):
            label, _, payload = line[len(prefix):].partition(" ")
            q = by_label.get(label)
            if q is not None and payload != "null":
                row = json.loads(payload)
                row["requested_threading"] = q.threading
                report.rows.append(row)
        match = _NOT_FOUND.match(line)
        if match:
            report.not_found.append({"vendor": match.group(1), "request": match.group(2),
                                     "tried": match.group(3)})
    return report


def run_report(vendor: str | None = None, interface: str = "both", progress: bool = True) -> Report:
    interfaces = vendors.INTERFACES if interface == "both" else (interface,)
    qs = queries(vendor, interfaces)
    meson = meson_blas_command()
    work = Path(tempfile.mkdtemp(prefix="mesonbuild-blas-report-"))
    try:
        (work / "meson.build").write_text(project_text(qs))
        proc = subprocess.Popen([*meson, "setup", str(work / "build"), str(work)], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if progress and (("dependency" in line and "found:" in line) or line.startswith("mesonbuild-blas:")):
                print(line.rstrip("\n"), file=sys.stderr, flush=True)
        if proc.wait() != 0:
            tail = "\n".join(lines[-20:])
            raise RuntimeError(f"meson-blas setup of the report project failed:\n{tail}")
        return parse_output("\n".join(lines), qs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


TABLE_COLUMNS = (("vendor", "vendor"), ("interface", "iface"), ("version", "version"), ("method", "method"),
                 ("symbol_prefix", "prefix"), ("symbol_suffix", "suffix"), ("fortran_abi", "ABI"),
                 ("threading", "threads"), ("features", "features"), ("lapack_version", "LAPACK"),
                 ("verified_by", "verified"), ("library", "library"))


def format_table(report: Report) -> str:
    rows = []
    for r in report.rows:
        features = ",".join(f for f in ("cblas", "lapack", "lapacke") if r.get(f))
        cells = {**{k: str(v) for k, v in r.items()}, "features": features or "-"}
        if r.get("requested_threading"):
            cells["threading"] = f"{r['threading']} ({r['requested_threading']})"
        rows.append([cells.get(k, "") or "-" for k, _ in TABLE_COLUMNS])
    head = [title for _, title in TABLE_COLUMNS]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    if report.not_found:
        lines.append("")
        lines.append(f"not found ({len(report.not_found)}):")
        lines += [f"  {n['vendor']} ({n['request']}): {n['tried']}" for n in report.not_found]
    return "\n".join(line.rstrip() for line in lines)
