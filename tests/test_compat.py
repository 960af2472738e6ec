"""mesonbuild_blas.meson.compat: the Meson-version helpers that need no Meson run."""

from __future__ import annotations

import pytest

from mesonbuild_blas.meson.compat import version_tuple


@pytest.mark.parametrize(("text", "expected"), [
    ("1.12.1", (1, 12, 1)), ("1.3", (1, 3)), ("1.13.0rc1", (1, 13, 0)), ("1.13.0.dev1", (1, 13, 0)),
    ("1.10rc2", (1, 10)), ("10.0.0", (10, 0, 0)), ("", ()), ("dev", ()), ("1.x.2", (1,)),
])
def test_version_tuple(text: str, expected: tuple[int, ...]) -> None:
    assert version_tuple(text) == expected
