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


def _coredata(error: BaseException) -> object:
    """A coredata whose option lookups raise ``error`` (every supported Meson's spelling of them)."""
    from types import SimpleNamespace

    def fail(*_args: object) -> object:
        raise error

    class Options(dict):  # type: ignore[type-arg]
        def __getitem__(self, key: object) -> object:
            raise error

    return SimpleNamespace(optstore=SimpleNamespace(get_value_for=fail, get_value=fail), options=Options())


def test_an_undeclared_option_is_none_and_anything_else_is_a_clear_error() -> None:
    """A KeyError means "not declared" on every supported Meson; any other exception is Meson drift:
    an error naming the Meson version, never a silently dropped -Dblas=... (#24)."""
    from mesonbuild import coredata

    from mesonbuild_blas.meson.compat import MesonDrift, project_option

    assert project_option(_coredata(KeyError("blas")), "blas", "") is None
    with pytest.raises(MesonDrift, match=rf"cannot read the project option 'blas' on Meson {coredata.version} "
                                         r"\(AttributeError: gone\)"):
        project_option(_coredata(AttributeError("gone")), "blas", "")


def test_an_unexpected_pkg_config_failure_is_not_reported_as_a_missing_program(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from mesonbuild.mesonlib import MesonException

    from mesonbuild_blas.meson import compat
    from mesonbuild_blas.meson.lookups import MesonLookups

    lookups = SimpleNamespace(env=None, for_machine=None)

    def unusable(*_args: object) -> object:
        raise MesonException("pkg-config is broken")

    monkeypatch.setattr(compat, "pkgconfig_interface", unusable)
    assert MesonLookups._pkgconfig_program_missing(lookups)  # type: ignore[arg-type]

    def drift(*_args: object) -> object:
        raise TypeError("instance() takes 4 positional arguments but 5 were given")

    monkeypatch.setattr(compat, "pkgconfig_interface", drift)
    with pytest.raises(compat.MesonDrift, match=r"cannot detect the pkg-config program on Meson .* \(TypeError"):
        MesonLookups._pkgconfig_program_missing(lookups)  # type: ignore[arg-type]
