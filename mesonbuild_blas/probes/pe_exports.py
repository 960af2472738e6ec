"""The names a Windows library offers a linker: import libraries, static ``.lib`` archives, DLLs.

Used to force only spellings that exist with MSVC's ``/INCLUDE:`` (which fails
the link for a name no input defines).  Pure Python, no Meson:

* an ``ar`` archive (MSVC ``.lib`` import or static library, MinGW ``.dll.a`` /
  ``.a``): the names of its linker member (symbol index), or, when it has none,
  the names of its short import objects;
* a DLL: the names of its export table.
"""

from __future__ import annotations

import struct
from pathlib import Path

AR_MAGIC = b"!<arch>\n"
_IMPORT_SIG = (0, 0xFFFF)  #: Sig1, Sig2 of a short import object (IMPORT_OBJECT_HEADER)


class ExportsError(ValueError):
    """The file is not an archive or PE image this reader understands."""


def exported_names(path: str | Path) -> set[str]:
    """The symbol names ``path`` (archive or DLL) defines for a linker; :class:`ExportsError` if unreadable."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise ExportsError(f"cannot read {path}: {e.strerror or e}") from None
    if data.startswith(AR_MAGIC):
        return archive_symbols(data)
    if data.startswith(b"MZ"):
        return dll_exports(data)
    raise ExportsError(f"{path} is neither an ar archive (.lib/.a) nor a PE image (.dll)")


def _members(data: bytes) -> list[tuple[str, bytes]]:
    """(name field, contents) of each member of an ar archive."""
    out = []
    at = len(AR_MAGIC)
    while at + 60 <= len(data):
        header = data[at:at + 60]
        if header[58:60] != b"`\n":
            raise ExportsError("damaged ar member header")
        try:
            size = int(header[48:58].decode("ascii").strip() or "0")
        except ValueError:
            raise ExportsError("damaged ar member size") from None
        name = header[:16].decode("latin-1").rstrip()
        out.append((name, data[at + 60:at + 60 + size]))
        at += 60 + size + (size & 1)
    if data[at:].strip(b"\n"):
        raise ExportsError("truncated ar archive")
    return out


def _index_names(body: bytes, width: int) -> list[str]:
    """The names of a System V (GNU/MSVC first) linker member: big-endian count, offsets, names."""
    if len(body) < width:
        return []
    count = int.from_bytes(body[:width], "big")
    strings = body[width + count * width:]
    return [s.decode("latin-1") for s in strings.split(b"\0")[:count] if s]


def _short_import(body: bytes) -> tuple[str, str] | None:
    """(symbol, DLL name) of a short import object (what MSVC's lib.exe writes per export), else None."""
    if len(body) < 20 or struct.unpack_from("<HH", body) != _IMPORT_SIG:
        return None
    symbol, _, rest = body[20:].partition(b"\0")
    dll = rest.split(b"\0", 1)[0]
    return symbol.decode("latin-1"), dll.decode("latin-1")


def import_library_dll(path: str | Path) -> str:
    """The DLL an MSVC-style import library (short import objects) stands for ("" when it names none)."""
    try:
        data = Path(path).read_bytes()
        members = _members(data) if data.startswith(AR_MAGIC) else []
    except (OSError, ExportsError):
        return ""
    for _name, body in members:
        entry = _short_import(body)
        if entry is not None and entry[1]:
            return entry[1]
    return ""


def archive_symbols(data: bytes) -> set[str]:
    """The defined names of an ar archive: its linker member, else its short import objects."""
    names: set[str] = set()
    members = _members(data)
    for name, body in members:
        if name == "/":  # the first (GNU and MSVC) linker member; MSVC's second one has the same names
            names.update(_index_names(body, 4))
            break
        if name == "/SYM64/":
            names.update(_index_names(body, 8))
            break
    if names:
        return names
    for _name, body in members:
        entry = _short_import(body)
        if entry is not None and entry[0]:
            names.update((entry[0], f"__imp_{entry[0]}"))
    return names


def dll_exports(data: bytes) -> set[str]:
    """The names in a PE image's export table."""
    try:
        pe = struct.unpack_from("<I", data, 0x3C)[0]
        if data[pe:pe + 4] != b"PE\0\0":
            raise ExportsError("not a PE image")
        sections, opt_size = struct.unpack_from("<H12xH", data, pe + 6)
        opt = pe + 24
        magic = struct.unpack_from("<H", data, opt)[0]
        dirs = opt + {0x10B: 96, 0x20B: 112}.get(magic, -1)
        if dirs < opt:
            raise ExportsError("unknown PE optional header")
        export_rva, export_size = struct.unpack_from("<II", data, dirs)
        if not export_rva or not export_size:
            return set()
        table: list[tuple[int, int, int]] = []
        for i in range(sections):
            s = opt + opt_size + 40 * i
            vsize, vaddr, rawsize, rawptr = struct.unpack_from("<IIII", data, s + 8)
            table.append((int(vaddr), int(max(vsize, rawsize)), int(rawptr)))

        def offset(rva: int) -> int:
            for vaddr, size, rawptr in table:
                if vaddr <= rva < vaddr + size:
                    return rva - vaddr + rawptr
            raise ExportsError(f"RVA {rva:#x} outside every section")

        ed = offset(export_rva)
        count, names_rva = struct.unpack_from("<I4xI", data, ed + 24)
        names_at = offset(names_rva)
        out = set()
        for i in range(count):
            at = offset(struct.unpack_from("<I", data, names_at + 4 * i)[0])
            out.add(data[at:data.index(b"\0", at)].decode("latin-1"))
        return out
    except (struct.error, ValueError) as e:
        if isinstance(e, ExportsError):
            raise
        raise ExportsError(f"damaged PE image: {e}") from None
