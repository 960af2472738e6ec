"""Wheels fetched by pip at test time, cached between runs (never committed).

``MESONBUILD_BLAS_WHEEL_CACHE`` names the cache (default
``~/.cache/mesonbuild-blas-tests/wheels``); an entry is complete once its
``.complete`` marker exists, so an interrupted fetch is redone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path


def cache_base() -> Path:
    return Path(os.environ.get("MESONBUILD_BLAS_WHEEL_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mesonbuild-blas-tests", "wheels"))


def _pip(args: Sequence[str]) -> str:
    """Run pip; "" on success, else its last error line."""
    proc = subprocess.run([sys.executable, "-m", "pip", "-q", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=900)
    if proc.returncode == 0:
        return ""
    return (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]


def pip_target(key: str, requirements: Sequence[str], platform: str) -> tuple[Path, str]:
    """``pip install --target`` of ``requirements`` for ``platform`` (no dependencies): (directory, error)."""
    where = cache_base() / key
    if (where / ".complete").exists():
        return where, ""
    shutil.rmtree(where, ignore_errors=True)
    error = _pip(["install", "--target", str(where), "--platform", platform, "--only-binary=:all:", "--no-deps",
                  *requirements])
    if not error:
        (where / ".complete").write_text("")
    return where, error


def wheel_data(key: str, requirements: Sequence[str], platform: str, keep: Callable[[str], bool]) -> tuple[Path, str]:
    """The data files (``<name>.data/data/<path>``) of the wheels of ``requirements`` for ``platform`` whose
    ``<path>`` ``keep`` accepts, laid out below one prefix directory as an installer would: (prefix, error)."""
    where = cache_base() / key
    if (where / ".complete").exists():
        return where, ""
    shutil.rmtree(where, ignore_errors=True)
    with tempfile.TemporaryDirectory(dir=cache_base().parent if cache_base().parent.is_dir() else None) as tmp:
        error = _pip(["download", "-d", tmp, "--platform", platform, "--only-binary=:all:", "--no-deps",
                      *requirements])
        if error:
            return where, error
        for wheel in sorted(Path(tmp).glob("*.whl")):
            with zipfile.ZipFile(wheel) as z:
                for item in z.infolist():
                    m = re.match(r"[^/]+\.data/data/(.+)", item.filename)
                    if not m or item.is_dir() or not keep(m.group(1)):
                        continue
                    dest = where / m.group(1)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    with z.open(item) as src, open(dest, "wb") as out:
                        shutil.copyfileobj(src, out, 1 << 20)
                    if (item.external_attr >> 16) & 0o111:
                        dest.chmod(0o755)
    where.mkdir(parents=True, exist_ok=True)
    (where / ".complete").write_text("")
    return where, ""
