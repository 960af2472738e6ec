"""The functions a library file exports, read with pyelftools (ELF shared libraries).

The adapter takes its names from the library itself: every exported function
whose symbol carries the proven prefix/suffix, and, to reach a function whose
plain name the adapter takes over, another exported name at the same address.
Single names are looked up through the library's hash table (fast even for
MKL's 37 000 exports); the full list (for prefixed/suffixed libraries) is
cached on disk per file state.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile
from elftools.elf.hash import ELFHashSection, GNUHashSection
from elftools.elf.sections import SymbolTableSection

from ..probes import write_cache_json

CACHE_FORMAT = 1
_FUNCTION_TYPES = ("STT_FUNC", "STT_GNU_IFUNC")


class SymbolReadError(Exception):
    """The file's exported symbols cannot be read (not an ELF shared library, unreadable...)."""


def _exported_function(sym: Any) -> bool:
    return bool(sym["st_shndx"] != "SHN_UNDEF" and sym["st_info"]["type"] in _FUNCTION_TYPES
                and sym["st_info"]["bind"] in ("STB_GLOBAL", "STB_WEAK")
                and sym["st_other"]["visibility"] in ("STV_DEFAULT", "STV_PROTECTED"))


class Library:
    """One shared library file, opened on first use."""

    def __init__(self, path: str, cache_dir: Path | None = None) -> None:
        self.path = os.path.realpath(path)
        self.cache_dir = cache_dir
        try:
            st = os.stat(self.path)
        except OSError as e:
            raise SymbolReadError(f"cannot read the symbols of {path}: {e}") from None
        self._stamp = [st.st_ino, st.st_size, st.st_mtime_ns]
        self._elf: Any = None
        self._hash: Any = None
        self._functions: dict[str, int] | None = None

    def _open(self) -> Any:
        if self._elf is None:
            try:
                f = open(self.path, "rb")  # kept open for the lookups, closed by close()
                elf = ELFFile(f)
            except (OSError, ELFError) as e:
                raise SymbolReadError(f"cannot read the symbols of {self.path}: {e}") from None
            if elf.header["e_type"] != "ET_DYN":
                f.close()
                raise SymbolReadError(f"{self.path} is not a shared library")
            self._elf = elf
            for name in (".gnu.hash", ".hash"):
                section = elf.get_section_by_name(name)
                if isinstance(section, (GNUHashSection, ELFHashSection)):
                    self._hash = section
                    break
        return self._elf

    def close(self) -> None:
        if self._elf is not None:
            self._elf.stream.close()
            self._elf = None
            self._hash = None

    def address(self, symbol: str) -> int | None:
        """The address of exported function ``symbol``, None when it exports no such function."""
        if self._functions is not None:
            return self._functions.get(symbol)
        self._open()
        if self._hash is None:
            return self.functions().get(symbol)
        try:
            sym = self._hash.get_symbol(symbol)
        except ELFError as e:
            raise SymbolReadError(f"cannot read the symbols of {self.path}: {e}") from None
        return int(sym["st_value"]) if sym is not None and _exported_function(sym) else None

    def functions(self) -> dict[str, int]:
        """Every exported function: symbol → address."""
        if self._functions is None:
            self._functions = self._cached() or self._scan()
        return self._functions

    def _cache_file(self) -> Path | None:
        if self.cache_dir is None:
            return None
        import hashlib
        key = hashlib.sha256(json.dumps([CACHE_FORMAT, self.path]).encode()).hexdigest()[:24]
        return self.cache_dir / f"exports-{key}.json"

    def _cached(self) -> dict[str, int] | None:
        file = self._cache_file()
        if file is None:
            return None
        try:
            entry = json.loads(file.read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("stamp") != self._stamp:
            return None
        functions = entry.get("functions")
        return functions if isinstance(functions, dict) else None

    def _scan(self) -> dict[str, int]:
        elf = self._open()
        table = elf.get_section_by_name(".dynsym")
        if not isinstance(table, SymbolTableSection):
            raise SymbolReadError(f"{self.path} has no dynamic symbol table")
        functions: dict[str, int] = {}
        try:
            for sym in table.iter_symbols():
                if _exported_function(sym):
                    functions.setdefault(sym.name, int(sym["st_value"]))
        except ELFError as e:
            raise SymbolReadError(f"cannot read the symbols of {self.path}: {e}") from None
        file = self._cache_file()
        if file is not None:
            write_cache_json(file, {"stamp": self._stamp, "functions": functions})
        return functions


@functools.lru_cache(maxsize=16)
def _library(path: str, stamp: tuple[int, int, int], cache_dir: Path | None) -> Library:
    return Library(path, cache_dir)


def open_library(path: str, cache_dir: Path | None = None) -> Library:
    """A :class:`Library` for ``path``, shared within this process while the file is unchanged."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError as e:
        raise SymbolReadError(f"cannot read the symbols of {path}: {e}") from None
    return _library(real, (st.st_ino, st.st_size, st.st_mtime_ns), cache_dir)
