"""Compiler-matched interface layers (MKL's ``gf_*``) instead of an adapter (Meson-free).

When the library a lookup found returns Fortran function results in another
convention than the consumer's Fortran compiler, and the vendor ships a layer
built for that compiler (:class:`~mesonbuild_blas.vendors.FortranLayer`) next
to the found one, :func:`layer_candidate` rewrites the candidate's link line to
use it. The caller proves the new candidate with the probes like any other;
only a proven layer replaces the adapter.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from ..records import record, replace
from ..search import Candidate
from ..vendors import FortranLayer, Vendor
from ..verify import library_dirs, library_file

#: what a library file name may carry after ``lib<name>`` (``.so``, ``.so.3``, ``.a``, ``.dylib``)
_EXTENSIONS = re.compile(r"(\.so(\.\d+)*|\.a|(\.\d+)*\.dylib)\Z")


@record
class LayerChoice:
    """A candidate linking ``layer`` instead of the found interface library, or why there is none."""

    layer: FortranLayer | None
    candidate: Candidate | None
    note: str  #: for the configure log


def _swap_path(arg: str, old: str, new: str) -> str | None:
    """``/d/lib<old>.so.3`` → ``/d/lib<new>.so.3`` when that file exists; None when ``arg`` is not ``old``."""
    base = os.path.basename(arg)
    if not base.startswith(f"lib{old}") or not _EXTENSIONS.fullmatch(base[len(f"lib{old}"):]):
        return None
    return os.path.join(os.path.dirname(arg), f"lib{new}{base[len(f'lib{old}'):]}")


def _swap(link_args: Sequence[str], old: str, new: str, lib_dirs: Sequence[str]) -> tuple[list[str], str] | None:
    """The link line with library ``old`` replaced by ``new`` and the file it names; None when ``old`` is absent.

    The file is "" when ``new`` does not exist where ``old`` was found.
    """
    dirs = library_dirs(link_args, lib_dirs)
    out: list[str] = []
    file: str | None = None
    for arg in link_args:
        if os.path.isabs(arg) and (swapped := _swap_path(arg, old, new)) is not None:
            file = swapped if os.path.isfile(swapped) else ""
            out.append(swapped)
        elif arg == f"-l{old}":
            file = library_file(new, dirs)
            out.append(f"-l{new}")
        else:
            out.append(arg)
    return None if file is None else (out, file)


def layer_candidate(vendor: Vendor, candidate: Candidate, fortran_abi: str, consumer_abi: str,
                    lib_dirs: Sequence[str]) -> LayerChoice:
    """The candidate with ``vendor``'s layer for ``consumer_abi`` linked instead of its found interface library.

    ``fortran_abi`` is the found library's proven convention; nothing is swapped when it already matches.
    """
    layers = [layer for layer in vendor.fortran_layers if layer.abi == consumer_abi]
    if fortran_abi == consumer_abi or not layers:
        return LayerChoice(None, None, "")
    for layer in layers:
        for old, new in layer.replace:
            swapped = _swap(candidate.link_args, old, new, lib_dirs)
            if swapped is None:
                continue
            link_args, file = swapped
            if not file:
                return LayerChoice(layer, None, f"{vendor.name} ships no {new} layer next to its {old} "
                                                f"(for {consumer_abi} callers)")
            return LayerChoice(layer, replace(
                candidate, label=f"{candidate.label} with {new}", link_args=tuple(link_args),
                notes=(*candidate.notes, f"{new} (the {consumer_abi} interface layer) linked instead of {old}")),
                f"{new} ({file})")
    return LayerChoice(None, None, "")


__all__ = ["LayerChoice", "layer_candidate"]
