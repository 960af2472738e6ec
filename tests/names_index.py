"""The generated part of ``mesonbuild_blas/names.py``, derived from the vendor table.

``names.py`` keeps the facts about dependency names that every configure needs,
so that loading a build directory does not build the vendor table.  Run after
changing a vendor's name, aliases, interface names, pkg-config variant names,
threading spellings, threading option, install-root or run-time variables::

    PYTHONPATH=. python tests/names_index.py --write

Without ``--write`` it exits non-zero when ``names.py`` is out of date
(``tests/test_names.py`` runs the same check).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAMES_PY = Path(__file__).resolve().parents[1] / "mesonbuild_blas" / "names.py"
BEGIN = "# --- generated from vendors.VENDORS by tests/names_index.py: do not edit ---\n"
END = "# --- end of generated part ---\n"

#: (name in names.py, its comment)
COMMENTS = {
    "VENDOR_NAMES": "canonical vendor names (``Vendor.name``), in table order",
    "ALIASES": "``Vendor.aliases`` → vendor (the first vendor in table order that lists it)",
    "INTERFACE_NAMES": "``Vendor.interface_names`` → (vendor, interface) (the first vendor in table order that "
                       "lists it)",
    "VARIANT_NAMES": "``Vendor.variant_names()`` → (vendor, interface, implied ``modules:``, static)",
    "VENDOR_THREADING": "the vendors' ``Threading.names`` → ``Threading.layer`` (a later vendor's spelling wins)",
    "THREADING_OPTIONS": "project options that choose a vendor's threading variant (``Vendor.threading_option``)",
    "ENV_ROOTS": "environment variables naming a vendor's install root (``Vendor.env_roots``)",
    "RUNTIME_ENV": "environment variables choosing what a vendor's library runs (``Vendor.runtime_env``)",
}


def derive() -> dict[str, object]:
    """The values of the generated names, from the vendor table."""
    from mesonbuild_blas.vendors import VENDORS

    aliases: dict[str, str] = {}
    interface_names: dict[str, tuple[str, str]] = {}
    for v in VENDORS:
        for alias in v.aliases:
            aliases.setdefault(alias, v.name)
        for name, interface in v.interface_names.items():
            interface_names.setdefault(name, (v.name, interface))
    variant_names: dict[str, tuple[str, str, tuple[str, ...], bool]] = {}
    for v in VENDORS:
        for name, (interface, modules, static) in v.variant_names().items():
            variant_names.setdefault(name, (v.name, interface, modules, static))
    return {
        "VENDOR_NAMES": tuple(v.name for v in VENDORS),
        "ALIASES": aliases,
        "INTERFACE_NAMES": interface_names,
        "VARIANT_NAMES": variant_names,
        "VENDOR_THREADING": {name: t.layer for v in VENDORS for t in v.threadings for name in t.names},
        "THREADING_OPTIONS": tuple(dict.fromkeys(v.threading_option for v in VENDORS if v.threading_option)),
        "ENV_ROOTS": tuple(dict.fromkeys(root for v in VENDORS for root in v.env_roots)),
        "RUNTIME_ENV": tuple(dict.fromkeys(var for v in VENDORS for var in v.runtime_env)),
    }


def block() -> str:
    """The generated block's text, markers included."""
    lines = [BEGIN.rstrip("\n")]
    for name, value in derive().items():
        lines.append(f"#: {COMMENTS[name]}")
        if isinstance(value, dict):
            lines += [f"{name} = {{", *(f"    {k!r}: {v!r}," for k, v in value.items()), "}"]
        else:
            assert isinstance(value, tuple)
            lines += [f"{name} = (", *(f"    {v!r}," for v in value), ")"]
    lines.append(END.rstrip("\n"))
    return "\n".join(lines) + "\n"


def current_block(text: str) -> str:
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[start:end]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite the generated block of names.py")
    args = parser.parse_args()
    text = NAMES_PY.read_text(encoding="utf-8")
    if current_block(text) == block():
        print("names.py is up to date")
        return 0
    if args.write:
        NAMES_PY.write_text(text.replace(current_block(text), block()), encoding="utf-8")
        print("names.py rewritten")
        return 0
    print("names.py is out of date: run PYTHONPATH=. python tests/names_index.py --write", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
