"""Every ```meson example in README.md and docs/ configures for real with meson-blas."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, meson_blas, run, write_project

pytestmark = pytest.mark.meson

BLOCK = re.compile(r"```meson\n(.*?)```", re.S)
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = [(doc, i, text) for doc in DOCS for i, text in enumerate(BLOCK.findall(doc.read_text()))]
OPTIONS_SNIPPET = next(text for _, _, text in EXAMPLES if text.lstrip().startswith("option("))


def test_docs_have_examples() -> None:
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize(("doc", "index", "text"), EXAMPLES,
                         ids=[f"{d.name}-{i}" for d, i, _ in EXAMPLES])
def test_doc_example_configures(doc: Path, index: int, text: str, tmp_path: Path) -> None:
    files: dict[str, str] = {}
    if text.lstrip().startswith("option("):
        body = "project('options', 'c')\nmessage('OPT', get_option('blas'), get_option('use-ilp64'))\n"
        files["meson.options"] = text
        extra = ["-Dblas=openblas", "-Duse-ilp64=true", "-Dblas-order=openblas,netlib"]
    else:
        has_project = re.match(r"\s*(#.*\n\s*)*project\(", text) is not None
        body = text if has_project else "project('doc', 'c')\n" + text
        files["meson.options"] = OPTIONS_SNIPPET  # examples may rely on the documented options
        extra = []
        for source in re.findall(r"'([\w.]+\.(?:f90|c))'", text):
            files[source] = ("program main\nend program main\n" if source.endswith(".f90")
                             else "int main(void) { return 0; }\n")
    src = write_project(tmp_path / "src", body, files)
    result = meson_blas("setup", str(src / "build"), str(src), *extra)
    assert result.returncode == 0, f"{doc.name} example {index}:\n{text}\n{result.output}"
    assert "Traceback" not in result.output


C_BLOCK = re.compile(r"```c\n(.*?)```", re.S)
C_EXAMPLES = [(doc, i, text) for doc in DOCS for i, text in enumerate(C_BLOCK.findall(doc.read_text()))]


def test_docs_have_c_examples() -> None:
    assert C_EXAMPLES


@pytest.mark.parametrize(("doc", "index", "text"), C_EXAMPLES, ids=[f"{d.name}-c{i}" for d, i, _ in C_EXAMPLES])
@pytest.mark.parametrize("dep", ["dependency('blas')", "dependency('blas', interface: 'ilp64')",
                                 "dependency('mkl', interface: 'ilp64')"])
def test_doc_c_example_builds_and_runs(doc: Path, index: int, text: str, dep: str, tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", f"project('docc', 'c')\nexecutable('example', 'example.c', "
                        f"dependencies: {dep})\n", {"example.c": text})
    build = src / "build"
    assert meson_blas("setup", str(build), str(src)).returncode == 0
    compiled = meson_blas("compile", "-C", str(build))
    assert compiled.returncode == 0, compiled.output
    ran = run([str(build / "example")])
    assert ran.returncode == 0, ran.output
    assert "c[3] = 4, dot = " in ran.stdout
