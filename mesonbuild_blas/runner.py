"""Run ``meson-blas`` on a throw-away project: what ``report`` and ``demo`` share.

A :class:`ScratchProject` lives in a temporary directory (removed on exit
unless kept); its source is either generated (``files``) or an existing
project, and every Meson run streams its output line by line to a callback.
Nothing here imports Meson: it runs the launcher of this Python.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

from .records import record

LineHandler = Callable[[str], None]


class RunnerError(RuntimeError):
    """meson-blas could not be found or started (message says what to do)."""


def meson_blas_command() -> list[str]:
    """The ``meson-blas`` launcher of this Python (Meson records it for regeneration)."""
    beside = Path(sys.executable).parent / "meson-blas"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("meson-blas")
    if found:
        return [found]
    raise RunnerError("meson-blas launcher not found (hint: is mesonbuild-blas installed in this Python? "
                      f"{sys.executable} -m pip install mesonbuild-blas)")


@record(frozen=False)
class MesonRun:
    """One finished Meson command: its exit status and its output lines (stdout and stderr merged)."""

    args: tuple[str, ...]
    returncode: int
    lines: list[str]

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def error(self) -> str:
        """The line that says what went wrong: Meson's ERROR line, else the last line."""
        errors = [ln.strip() for ln in self.lines if "ERROR:" in ln]
        if errors:
            return errors[0]
        rest = [ln.strip() for ln in self.lines if ln.strip()]
        return rest[-1] if rest else f"exit status {self.returncode}"


class ScratchProject:
    """A Meson project in a temporary directory, configured and built with ``meson-blas``."""

    def __init__(self, *, files: Mapping[str, str] | None = None, source: Path | None = None,
                 prefix: str = "mesonbuild-blas-", keep: bool = False) -> None:
        if (files is None) == (source is None):
            raise ValueError("give either files or source")
        self._files = dict(files or {})
        self._source = source
        self._prefix = prefix
        self.keep = keep
        self._root: Path | None = None
        self.command = meson_blas_command()

    def __enter__(self) -> ScratchProject:
        self._root = Path(tempfile.mkdtemp(prefix=self._prefix))
        if self._files:
            for name, text in self._files.items():
                path = self.source_dir / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._root is not None and not self.keep:
            shutil.rmtree(self._root, ignore_errors=True)

    @property
    def root(self) -> Path:
        if self._root is None:
            raise RuntimeError("ScratchProject used outside its with block")
        return self._root

    @property
    def source_dir(self) -> Path:
        return self._source if self._source is not None else self.root / "src"

    def build_dir(self, name: str = "build") -> Path:
        return self.root / name

    def meson(self, *args: str, on_line: LineHandler | None = None) -> MesonRun:
        """``meson-blas ARGS``, output streamed to ``on_line`` as it comes."""
        try:
            proc = subprocess.Popen([*self.command, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True, errors="replace", stdin=subprocess.DEVNULL)
        except OSError as e:
            raise RunnerError(f"cannot run {self.command[0]}: {e}") from e
        assert proc.stdout is not None
        lines: list[str] = []
        for raw in proc.stdout:
            line = raw.rstrip("\n")
            lines.append(line)
            if on_line is not None:
                on_line(line)
        return MesonRun(tuple(args), proc.wait(), lines)

    def setup(self, build: str = "build", options: Sequence[str] = (), on_line: LineHandler | None = None) -> MesonRun:
        return self.meson("setup", str(self.build_dir(build)), str(self.source_dir), *options, on_line=on_line)

    def compile(self, build: str = "build", on_line: LineHandler | None = None) -> MesonRun:
        return self.meson("compile", "-C", str(self.build_dir(build)), on_line=on_line)
