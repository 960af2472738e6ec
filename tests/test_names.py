"""mesonbuild_blas.names: the dependency-name facts kept apart from the vendor table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import names_index
import pytest

from mesonbuild_blas import names, vendors


def test_generated_part_matches_the_vendor_table() -> None:
    """names.py's generated block is what tests/names_index.py derives from vendors.VENDORS now
    (else: PYTHONPATH=. python tests/names_index.py --write)."""
    text = names_index.NAMES_PY.read_text(encoding="utf-8")
    assert names_index.current_block(text) == names_index.block()
    for name, value in names_index.derive().items():
        assert getattr(names, name) == value, name


def test_names_resolve_as_the_vendor_table_says() -> None:
    for vendor in vendors.VENDORS:
        for spelling in (vendor.name, vendor.name.upper(), *vendor.aliases):
            meaning = names.resolve_name(spelling)
            assert meaning is not None
            if spelling.lower() not in names.GENERIC:  # 'blas' is generic before it is netlib's alias
                assert meaning == names.DependencyName(vendor.name, False, None), spelling
                assert vendors.lookup(spelling) is vendor
        for spelling, interface in vendor.interface_names.items():
            assert names.resolve_name(spelling) == names.DependencyName(vendor.name, False, interface)
    assert names.resolve_name("blas64") == names.DependencyName("blas", True, "ilp64")
    assert names.resolve_name("zlib") is None


def test_names_module_does_not_load_the_vendor_table() -> None:
    code = "import sys, mesonbuild_blas.names, mesonbuild_blas.request; print('mesonbuild_blas.vendors' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_out_of_date_names_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself can fail: a names.py whose block differs is reported, and --write repairs it."""
    real = names_index.NAMES_PY.read_text(encoding="utf-8")
    copy = tmp_path / "names.py"
    copy.write_text(real.replace("'MKLROOT',", "'MKL_ROOT',"), encoding="utf-8")
    monkeypatch.setattr(names_index, "NAMES_PY", copy)
    monkeypatch.setattr(sys, "argv", ["names_index.py"])
    assert names_index.main() == 1
    monkeypatch.setattr(sys, "argv", ["names_index.py", "--write"])
    assert names_index.main() == 0
    assert copy.read_text(encoding="utf-8") == real
