"""Shared helpers: run the real meson-blas launcher on generated projects."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


#: a cross file for this very machine that forbids running host binaries (no exe_wrapper)
CROSS_NO_EXE_WRAPPER = """[binaries]
c = 'cc'
pkg-config = 'pkg-config'

[host_machine]
system = 'linux'
cpu_family = 'x86_64'
cpu = 'x86_64'
endian = 'little'

[properties]
needs_exe_wrapper = true
"""


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def messages(self, tag: str) -> list[list[str]]:
        """``message('TAG', a, b, ...)`` lines as lists of fields."""
        out = []
        for line in self.stdout.splitlines():
            if line.startswith(f"Message: {tag} "):
                out.append(line[len(f"Message: {tag} "):].split(" "))
        return out


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 600) -> Run:
    full_env = dict(os.environ)
    full_env.update(env or {})
    p = subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)
    return Run(p.returncode, p.stdout, p.stderr)


def meson_blas(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    return run([str(BIN / "meson-blas"), *args], cwd=cwd, env=env)


def plain_meson(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    return run([str(BIN / "meson"), *args], cwd=cwd, env=env)


@pytest.fixture(scope="session", autouse=True)
def _isolated_probe_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test session starts with an empty probe cache (and never touches ~/.cache)."""
    old = os.environ.get("MESONBUILD_BLAS_CACHE_DIR")
    os.environ["MESONBUILD_BLAS_CACHE_DIR"] = str(tmp_path_factory.mktemp("probe-cache"))
    yield
    if old is None:
        os.environ.pop("MESONBUILD_BLAS_CACHE_DIR", None)
    else:
        os.environ["MESONBUILD_BLAS_CACHE_DIR"] = old


def write_project(where: Path, body: str, files: dict[str, str] | None = None) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    (where / "meson.build").write_text(body)
    for name, text in (files or {}).items():
        path = where / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return where


def assert_clean_error(result: Run, line: int, *fragments: str) -> str:
    """Exactly one Meson error line, at meson.build:<line>, no traceback."""
    assert result.returncode != 0, result.output
    assert "Traceback" not in result.output, result.output
    errors = [ln for ln in result.output.splitlines() if "ERROR:" in ln]
    assert len(errors) == 1, result.output
    location = errors[0].split(" ERROR:")[0]
    assert re.search(rf"(^|/)meson\.build:{line}:\d+:$", location), errors[0]
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]
