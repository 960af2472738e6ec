"""The plugin's lines in Meson's log (a module of its own: cheap to import)."""

from __future__ import annotations

from mesonbuild import mlog

LOG_PREFIX = "mesonbuild-blas:"


def log(message: str) -> None:
    """A ``mesonbuild-blas:`` line in Meson's log."""
    mlog.log(LOG_PREFIX, message)


def debug(message: str) -> None:
    mlog.debug(f"{LOG_PREFIX} {message}")


def warn(message: str) -> None:
    mlog.warning(f"{LOG_PREFIX} {message}")
