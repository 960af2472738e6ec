"""`mesonbuild-blas report` and `bench`: real runs of the installed console script."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BIN, meson_blas, run, write_project

from mesonbuild_blas.result import BlasInfo

pytestmark = pytest.mark.meson

CLI = str(BIN / "mesonbuild-blas")
FIELDS = set(BlasInfo.__dataclass_fields__) | {"name", "compile_args", "link_args", "requested_threading"}


@pytest.fixture(scope="module")
def report() -> dict[str, object]:
    result = run([CLI, "report", "--json"])
    assert result.returncode == 0, result.output
    assert "dependency" in result.stderr  # progress goes to stderr, JSON alone to stdout
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_report_schema(report: dict[str, object]) -> None:
    assert report["schema_version"] == 1
    rows = report["rows"]
    assert isinstance(rows, list) and rows
    for row in rows:
        assert set(row) == FIELDS, set(row) ^ FIELDS
        assert row["verified_by"] == "run"
    found = {(r["vendor"], r["interface"]) for r in rows}
    for expected in [("openblas", "lp64"), ("openblas", "ilp64"), ("scipy-openblas", "ilp64"), ("mkl", "ilp64"),
                     ("netlib", "ilp64"), ("blis", "lp64"), ("atlas", "lp64")]:
        assert expected in found
    # MKL appears once per link-time threading layer
    assert {r["requested_threading"] for r in rows if r["vendor"] == "mkl" and r["interface"] == "lp64"} == {
        "iomp", "seq", "gomp", "tbb"}
    not_found = report["not_found"]
    assert isinstance(not_found, list)
    assert {"vendor": "atlas", "request": "ilp64", "tried": "atlas (no ilp64 build of atlas is known: not found)"} in \
        not_found


def test_report_agrees_with_a_build(report: dict[str, object], tmp_path: Path) -> None:
    src = write_project(tmp_path, """project('agree', 'c')
foreach v : ['openblas', 'netlib', 'blis', 'scipy-openblas']
  message('J', dependency(v, interface: 'ilp64').get_variable('json'))
endforeach
""")
    result = meson_blas("setup", str(src / "build"), str(src))
    assert result.returncode == 0, result.output
    built = [json.loads(" ".join(m)) for m in result.messages("J")]
    rows = report["rows"]
    assert isinstance(rows, list)
    for dep in built:
        row = next(r for r in rows if (r["vendor"], r["interface"]) == (dep["vendor"], "ilp64"))
        for key in ("library", "symbol_prefix", "symbol_suffix", "int_size", "method", "fortran_abi", "lapack"):
            assert row[key] == dep[key], key


def test_report_table_and_filters() -> None:
    result = run([CLI, "report", "--vendor", "OpenBLAS", "--interface", "ilp64"])
    assert result.returncode == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["vendor", "iface", "version"]
    assert len(lines) == 2 and lines[1].split()[:3] == ["openblas", "ilp64", "0.3.21"]


@pytest.mark.parametrize("args", [["report", "--vendor", "nosuch"], ["bench", "--sizes", "0"],
                                  ["bench", "--threads", "two"], ["report", "--interface", "64"]])
def test_bad_arguments_are_clean(args: list[str]) -> None:
    result = run([CLI, *args])
    assert result.returncode == 2
    assert "Traceback" not in result.output
    assert "error:" in result.stderr


def test_bench_json_rows() -> None:
    result = run([CLI, "bench", "--vendor", "openblas", "--interface", "lp64", "--sizes", "128",
                  "--threads", "1", "--repeat", "1", "--json"])
    assert result.returncode == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    row = rows[0]
    for key in ("vendor", "interface", "library", "n", "threads", "gflops", "peak_fraction"):
        assert key in row
    assert (row["vendor"], row["interface"], row["n"], row["threads"]) == ("openblas", "lp64", 128, 1)
    assert row["gflops"] > 0 and row["check"] == "ok"
    assert row["library"].endswith("libopenblasp-r0.3.21.so") or "openblas-pthread" in row["library"]


def test_bench_plot_is_a_real_png(tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    result = run([CLI, "bench", "--vendor", "netlib", "--interface", "lp64", "--sizes", "64,128",
                  "--threads", "1", "--repeat", "1", "--plot", str(chart)])
    assert result.returncode == 0, result.output
    data = chart.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
