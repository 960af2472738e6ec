"""`mesonbuild-blas report`, `bench`, `demo`, `options` and `meson-blas --version`: real runs of the
installed console scripts."""

from __future__ import annotations

import inspect
import json
import os
import re
from pathlib import Path

import pytest
from conftest import BIN, meson_blas, plain_meson, run, write_project

from mesonbuild_blas import __version__
from mesonbuild_blas.cli import OPTIONS_BLOCK
from mesonbuild_blas.meson import project_options
from mesonbuild_blas.names import THREADING_OPTIONS
from mesonbuild_blas.records import fields
from mesonbuild_blas.result import BlasInfo

pytestmark = pytest.mark.meson

CLI = str(BIN / "mesonbuild-blas")
FIELDS = {f.name for f in fields(BlasInfo)} | {"name", "compile_args", "link_args", "requested_threading",
                                                "plain_symbols"}  # derived from the prefix and suffix


@pytest.fixture(scope="module")
def report() -> dict[str, object]:
    result = run([CLI, "report", "--json"])
    assert result.returncode == 0, result.output
    # progress goes to stderr (one line per lookup when not on a terminal), JSON alone to stdout
    progress = result.stderr.splitlines()
    assert progress and all(re.match(r"report: \d+/\d+ lookups, ", line) for line in progress), result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    assert len(progress) == len(data["rows"]) + len(data["not_found"])  # type: ignore[arg-type]
    return data


def test_report_schema(report: dict[str, object]) -> None:
    assert report["schema_version"] == 1
    rows = report["rows"]
    assert isinstance(rows, list) and rows
    for row in rows:
        assert set(row) == FIELDS, set(row) ^ FIELDS
        assert row["verified_by"] == "run"
        assert row["dgemm_gflops"] is None  # not timed: null, not ""
        # the include dirs outlive the throw-away project: the generated header is there
        includes = [a[2:] for a in row["compile_args"] if a.startswith("-I")]
        assert any((Path(d) / "blas_mangling.h").is_file() for d in includes), row["compile_args"]
        assert all(Path(d).is_dir() for d in includes), row["compile_args"]
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


def test_report_is_quiet_fits_the_terminal_and_names_each_miss_once() -> None:
    result = run([CLI, "report"], env={"COLUMNS": "100"})
    assert result.returncode == 0, result.output
    # no Meson log: one progress line per lookup, nothing else
    assert "Run-time dependency" not in result.output and "found: NO" not in result.output
    assert all(line.startswith("report: ") for line in result.stderr.splitlines()), result.stderr
    table = result.stdout.splitlines()
    assert all(len(line) <= 100 for line in table), "\n".join(line for line in table if len(line) > 100)
    assert table[0].split() == ["vendor", "iface", "version", "threading", "features", "library"]
    text = result.stdout
    assert text.count("atlas (ilp64)") == 1 and "flexiblas (lp64, ilp64)" in text
    wide = run([CLI, "report", "--wide"], env={"COLUMNS": "100"})
    assert wide.returncode == 0, wide.output
    assert wide.stdout.splitlines()[0].split()[:5] == ["vendor", "iface", "version", "method", "prefix"]
    assert "atlas (ilp64): atlas (no ilp64 build of atlas is known: not found)" in wide.stdout
    assert max(len(line) for line in wide.stdout.splitlines()) > 100
    verbose = run([CLI, "report", "--vendor", "netlib", "--verbose"])
    assert "Run-time dependency netlib found: YES" in verbose.stderr, verbose.output
    # piped (no terminal, no COLUMNS), the CLI fits 100 columns as well
    piped = run([CLI, "report"], env={"COLUMNS": ""})
    assert piped.returncode == 0 and all(len(line) <= 100 for line in piped.output.splitlines()), piped.output


@pytest.mark.parametrize("args", [["report", "--vendor", "nosuch"], ["bench", "--sizes", "0"],
                                  ["bench", "--threads", "two"], ["report", "--interface", "64"]])
def test_bad_arguments_are_clean(args: list[str]) -> None:
    result = run([CLI, *args])
    assert result.returncode == 2
    assert "Traceback" not in result.output
    assert "error:" in result.stderr


def test_bench_default_is_quick_and_fits_the_terminal() -> None:
    result = run([CLI, "bench", "--vendor", "openblas", "--repeat", "1"], env={"COLUMNS": "72"})
    assert result.returncode == 0, result.output
    out = result.stdout.splitlines()
    assert all(len(line) <= 72 for line in out), "\n".join(line for line in out if len(line) > 72)
    assert "quick run: n=1024, 1 thread(s)" in " ".join(out)
    # one row per interface: one size, one thread, each library once; named as report names them
    rows = [line.split() for line in out if line.startswith("openblas ")]
    assert sorted(r[1] for r in rows) == ["ilp64", "lp64"] and all("1024" in r for r in rows), result.stdout
    assert re.search(r"bench: 2/2 openblas \((lp64|ilp64)\) n=1024, 1 thread\(s\): .* left", result.stderr)


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


def test_options_block_is_what_the_plugin_reads(tmp_path: Path) -> None:
    result = run([CLI, "options"])
    assert result.returncode == 0, result.output
    assert result.stdout == OPTIONS_BLOCK
    note = " ".join(result.stderr.split())  # wrapped to 100 columns
    assert "meson_version: '>=1.1'" in note and "meson_options.txt" in note
    assert all(len(line) <= 100 for line in (result.stdout + result.stderr).splitlines())
    # every option project_options() reads, the vendors' threading options, and use-ilp64 (the
    # project's own switch: the plugin never reads it, a lookup without interface: is LP64)
    read = set(re.findall(r'(?:opt|text|order)\("([\w-]+)"\)', inspect.getsource(project_options)))
    assert set(re.findall(r"option\('([\w-]+)'", result.stdout)) == read | set(THREADING_OPTIONS) | {"use-ilp64"}
    assert "mkl-threading" in THREADING_OPTIONS
    # and the block is valid: a project declaring it configures with the conventional -D options
    src = write_project(tmp_path / "src", """project('opts', 'c', meson_version: '>=1.3.0')
blas = dependency('blas', interface: get_option('use-ilp64') ? 'ilp64' : 'lp64')
message('DEP', blas.get_variable('vendor'), blas.get_variable('interface'), blas.get_variable('threading'))
""", {"meson.options": result.stdout})
    setup = meson_blas("setup", str(src / "b1"), str(src), "-Dblas=openblas", "-Duse-ilp64=true",
                       "-Dblas-order=netlib", "-Dblas-symbol-suffix=auto", "-Dlapack=auto", "-Dlapack-order=netlib")
    assert setup.returncode == 0, setup.output
    assert setup.messages("DEP") == [["openblas", "ilp64", "pthreads"]]
    mkl = meson_blas("setup", str(src / "b2"), str(src), "-Dblas=mkl", "-Dmkl-threading=seq")
    assert mkl.returncode == 0, mkl.output
    assert mkl.messages("DEP") == [["mkl", "lp64", "sequential"]]


def test_options_block_is_the_documented_one() -> None:
    guide = (Path(__file__).resolve().parents[1] / "docs" / "user-guide.md").read_text()
    assert f"```meson\n{OPTIONS_BLOCK}```" in guide


def test_undeclared_option_and_plain_meson_symptoms(tmp_path: Path) -> None:
    """The messages docs/user-guide.md quotes for a project without the options / without the plugin."""
    src = write_project(tmp_path / "src", "project('p', 'c')\nblas = dependency('blas', interface: 'ilp64')\n")
    undeclared = meson_blas("setup", str(src / "b1"), str(src), "-Dblas=openblas")
    # Meson 1.12: 'Unknown option: "blas".'; 1.3: 'Unknown options: "blas"'
    assert undeclared.returncode != 0 and re.search(r'ERROR: Unknown options?: "blas"', undeclared.output)
    # ... with the fix: the block `mesonbuild-blas options` prints; other unknown options stay Meson's own
    assert ('hint: "blas" is a BLAS option that mesonbuild-blas reads when the project declares it: add the '
            'block `mesonbuild-blas options` prints to meson.options') in undeclared.output, undeclared.output
    other = meson_blas("setup", str(src / "b3"), str(src), "-Dfoo=1")
    assert other.returncode != 0 and re.search(r'ERROR: Unknown options?: "foo"', other.output)
    assert "mesonbuild-blas options" not in other.output, other.output
    plain = plain_meson("setup", "--wipe", str(src / "b2"), str(src))
    assert plain.returncode != 0
    # Meson 1.12: 'dependency got unknown ...'; 1.3: 'Got unknown ...'
    assert re.search(r'meson.build:2:7: ERROR: (dependency got|Got) unknown keyword arguments "interface"',
                     plain.output), plain.output
    assert (src / "b2" / "meson-private").is_dir() and not (src / "b2" / "build.ninja").exists()


def test_launcher_version_shows_both() -> None:
    result = meson_blas("--version")
    assert result.returncode == 0, result.output
    meson = plain_meson("--version").stdout.strip()
    assert result.stdout.strip() == meson  # stdout stays what tools (meson-python) parse
    assert result.stderr.strip() == f"mesonbuild-blas {__version__} (Meson {meson})"


def test_demo_runs_the_packaged_project() -> None:
    result = run([CLI, "demo"], cwd=Path(os.sep))  # anywhere: the project ships in the package
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output
    for interface, size in (("lp64", 4), ("ilp64", 8)):
        assert re.search(rf"^  \S+ {interface}: \S+\(3x3\) trace\(C\) = 32, {size}-byte integers: OK$",
                         result.stdout, re.M), result.stdout
    assert result.stdout.rstrip().endswith("demo: all OK")


@pytest.mark.parametrize(("message", "hint"), [
    ('Unknown option: "blas".', '"blas" is a BLAS option'),  # Meson 1.10 - 1.12
    ('Unknown options: "blas, mkl-threading"', '"blas", "mkl-threading" are BLAS options'),  # Meson 1.3
    ('Unknown options: "sub:blas-order"', '"blas-order" is a BLAS option'),  # a subproject's
    ('Unknown options: "foo"', ""),
    ('Unknown option: "b_lto_mode".', ""),
    ("Dependency blas not found", ""),
])
def test_unknown_option_hint(message: str, hint: str) -> None:
    from mesonbuild_blas.meson import unknown_option_hint

    got = unknown_option_hint(message)
    assert (hint in got and "mesonbuild-blas options" in got) if hint else got == ""


def test_shortened_paths_never_print_alike() -> None:
    """ATLAS's and Netlib's libblas.so.3 differ only in a directory the middle cut would drop."""
    from mesonbuild_blas.console import shorten_distinct

    atlas = "/usr/lib/x86_64-linux-gnu/atlas/libblas.so.3"
    netlib = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"
    shown, width = shorten_distinct([atlas, netlib, atlas], 20)
    assert shown[atlas] != shown[netlib] and width == 20 and all(len(v) <= 20 for v in shown.values())
    assert shown[atlas].endswith("atlas/libblas.so.3") and shown[netlib].endswith("blas/libblas.so.3")
    short = "/a/libx.so"
    assert shorten_distinct([short], 20) == ({short: short}, 20)


def test_bench_table_fits_100_columns_and_names_files_apart() -> None:
    from mesonbuild_blas.bench import BenchRow
    from mesonbuild_blas.bench.output import format_bench_table

    rows = [BenchRow(vendor=v, interface="lp64", library=f"/usr/lib/x86_64-linux-gnu/{d}/very-long-directory-name"
                     f"-that-needs-shortening/libblas.so.3", n=1024, threads=1, gflops=g, peak_fraction=g / 60,
                     seconds=0.1, check="ok") for v, d, g in (("atlas", "atlas", 9.0), ("netlib", "blas", 2.0))]
    table = format_bench_table(rows, None, 100)
    assert all(len(line) <= 100 for line in table.splitlines()), table
    notes = [line for line in table.splitlines() if line.startswith("[")]
    assert len(notes) == 2 and notes[0][4:] != notes[1][4:], notes
