"""The one user-facing error type of mesonbuild-blas."""

from __future__ import annotations


class BlasError(Exception):
    """A problem the user can fix; rendered as one Meson error line plus a hint."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} (hint: {self.hint})"
        return self.message
