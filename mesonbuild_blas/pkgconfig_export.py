"""``mesonbuild-blas pkgconfig``: what was proven, as pkg-config files.

One ``.pc`` file per found dependency, named as projects ask for them
(``scipy-openblas.pc``, ``scipy-openblas64.pc``, ``openblas64.pc``,
``mkl-dynamic-ilp64-seq.pc`` ...), with the exact compile and link arguments of
the dependency, numpy/SciPy's ``BLAS_SYMBOL_PREFIX`` / ``BLAS_SYMBOL_SUFFIX`` /
``HAVE_BLAS_ILP64`` macros in ``Cflags``, and every proven fact as a variable,
so CMake, autotools, Makefiles and SciPy's documented route consume the same
result as a Meson build. Nothing here imports Meson.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from . import __version__, vendors
from .probes import build_rpath_dirs
from .records import record
from .result import BlasInfo

#: BlasInfo fields written as .pc variables (everything but free text)
_SKIPPED = ("notes",)


@record
class PcFile:
    name: str  #: file name without ``.pc``
    text: str


def pc_name(info: BlasInfo, threading: str = "") -> str:
    """The name projects ask for this dependency by (``openblas64``, ``mkl-dynamic-lp64-seq``)."""
    vendor = vendors.BY_NAME[info.vendor]
    template = vendor.pkgconfig_export.get(info.interface, "{name}")
    variant = threading or next((t.token for t in vendor.threadings if t.layer == info.threading), "")
    return template.format(name=vendor.name, threading=variant)


def _quote(arg: str) -> str:
    """One argument as pkg-config reads it back (backslash-escaped spaces and quotes)."""
    return "".join("\\" + ch if ch in " \t\"'\\" else ch for ch in arg)


def macros(info: BlasInfo) -> list[str]:
    """numpy/SciPy's macros for this library (defined only when they say something)."""
    out = []
    if info.symbol_prefix:
        out.append(f"-DBLAS_SYMBOL_PREFIX={info.symbol_prefix}")
    if info.symbol_suffix:
        out.append(f"-DBLAS_SYMBOL_SUFFIX={info.symbol_suffix}")
    if info.int_size == 8:
        out.append("-DHAVE_BLAS_ILP64")
    return out


def render_pc(name: str, info: BlasInfo, compile_args: Sequence[str], link_args: Sequence[str],
              system_lib_dirs: Sequence[str] = ()) -> str:
    """The text of one ``.pc`` file.

    Absolute library paths outside ``system_lib_dirs`` get a run path, as the
    files the wheels ship do, so a plain ``cc $(pkg-config --cflags --libs X)``
    program runs where it was built.
    """
    lines = [f"# written by mesonbuild-blas {__version__} (`mesonbuild-blas pkgconfig`): every value below was",
             f"# established as verified_by / int_size_verified_by say ({info.verified_by} / "
             f"{info.int_size_verified_by})"]
    for key, value in info.variables().items():
        if key not in _SKIPPED:
            lines.append(f"{key}={value}")
    rpaths = [f"-Wl,-rpath,{d}" for d in build_rpath_dirs(list(link_args), tuple(system_lib_dirs))]
    cflags = [*compile_args, *(m for m in macros(info) if m not in compile_args)]
    vendor = vendors.BY_NAME[info.vendor]
    lines += [
        "",
        f"Name: {name}",
        f"Description: {vendor.description}, {info.interface}, proven by mesonbuild-blas",
        f"Version: {info.version or '0'}",
        f"Cflags: {' '.join(_quote(a) for a in cflags)}",
        f"Libs: {' '.join(_quote(a) for a in [*link_args, *rpaths])}",
        "",
    ]
    return "\n".join(lines)


def local_headers(name: str, compile_args: Sequence[str], store: Path, directory: Path) -> list[str]:
    """``compile_args`` with include dirs of the header store (the probe cache's ``headers/``) copied to
    ``directory/include/<name>`` and named relative to the ``.pc`` file (``${pcfiledir}``): the files work
    after the cache is deleted and wherever the directory is moved."""
    out = []
    root = store.resolve()
    for arg in compile_args:
        where = Path(arg[2:]).resolve() if arg.startswith("-I") else None
        if where is None or not where.is_dir() or root not in where.parents:
            out.append(arg)
            continue
        target = directory / "include" / name
        target.mkdir(parents=True, exist_ok=True)
        for header in where.iterdir():
            if header.is_file():
                tmp = target / f".{header.name}.tmp{os.getpid()}"
                tmp.write_bytes(header.read_bytes())
                os.replace(tmp, target / header.name)
        out.append(f"-I${{pcfiledir}}/include/{name}")
    return out


def write_pc_files(files: Sequence[PcFile], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for f in files:
        path = directory / f"{f.name}.pc"
        tmp = path.with_suffix(f".pc.tmp{os.getpid()}")
        tmp.write_text(f.text, encoding="utf-8")
        os.replace(tmp, path)
        written.append(path)
    return written
