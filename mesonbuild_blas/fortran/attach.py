"""Decide, for one accepted library and one Fortran compiler, which adapter consumers get.

The Meson layer calls :func:`attach_adapter` and applies the outcome (link the
object first, log, warn); everything here is Meson-free.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..naming import Scheme
from ..probes import Toolchain
from ..records import field, record, replace
from ..result import BlasInfo
from ..vendors import BY_NAME
from ..verify import linked_libraries
from .adapter import AdapterError, AdapterPlan, BuiltAdapter, build_adapter, plan_adapter, plan_renaming
from .conventions import Convention, compiler_convention, library_convention
from .functions import sensitive
from .symbols import Library, SymbolReadError, open_library

#: result conventions → the ``fortran_abi`` label blas_mangling.h describes
_ABI_LABEL = {("registers", "float"): "gfortran", ("hidden", "float"): "g77", ("hidden", "double"): "f2c"}


@record
class Attached:
    """What the dependency hands consumers."""

    info: BlasInfo  #: with ``fortran_adapter`` set
    link_args: tuple[str, ...] = ()  #: to put in front of the library's link arguments
    #: the conventions of the library's Fortran-named functions *in consumers* (the header's view)
    header_info: BlasInfo | None = None
    warnings: tuple[str, ...] = ()
    logs: tuple[str, ...] = ()
    #: how to build the adapter again (a wiped scratch dir); picklable, as Meson stores dependencies
    build: AdapterBuild | None = field(default=None, compare=False)


@record
class AdapterBuild:
    plan: AdapterPlan
    scheme: Scheme
    libraries: tuple[str, ...]
    int_size: int
    toolchain: Toolchain
    compile_args: tuple[str, ...]
    link_args: tuple[str, ...]
    directory: Path
    cache_dir: Path | None

    def build(self) -> BuiltAdapter:
        return build_adapter(self.plan, self.scheme, [open_library(p, self.cache_dir) for p in self.libraries],
                             self.int_size, self.toolchain, self.compile_args, self.link_args, self.directory)


def _affected(classes: tuple[str, ...]) -> str:
    names = [f.name for f in sensitive(classes)]
    return ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")


def _readable(files: Sequence[str], library: str, cache_dir: Path | None) -> list[Library]:
    """The ELF shared libraries among ``files`` (system libraries may be linker scripts); ``library``
    (where dgemm runs) must be one of them."""
    out: list[Library] = []
    for file in files:
        try:
            lib = open_library(file, cache_dir)
            lib.address("dgemm_")  # opens it: raises for what is not an ELF shared library
        except SymbolReadError:
            if file == library:
                raise
            continue
        out.append(lib)
    if not any(lib.path == library for lib in out):
        out.insert(0, open_library(library, cache_dir))
    return out


def attach_adapter(info: BlasInfo, compiler_id: str, toolchain: Toolchain | None, compile_args: Sequence[str],
                   link_args: Sequence[str], directory: Path, cache_dir: Path | None = None) -> Attached:
    """The adapter for Fortran code compiled by ``compiler_id`` calling the library ``info`` describes."""
    consumer = compiler_convention(compiler_id)
    scheme = Scheme(info.symbol_prefix, info.symbol_suffix)
    if consumer is None:
        return Attached(info, warnings=(
            f"mesonbuild-blas does not know which symbols and function-result conventions Fortran compiler "
            f"{compiler_id!r} emits: Fortran calls go to {info.vendor} unadapted (its dgemm is "
            f"{info.fortran_symbol_dgemm}, fortran_abi {info.fortran_abi})",))
    warnings: list[str] = []
    library = library_convention(info.fortran_abi)
    if library is None:
        # the result convention was not proven: adapt the names only, and say which calls are at risk
        library = replace(consumer)
        warnings.append(f"the Fortran ABI of {info.vendor} is {info.fortran_abi}: complex- and REAL-valued "
                        f"functions ({_affected(('complex', 'real'))}) may return garbage when called from Fortran")
    names = scheme.fortran("dgemm") != consumer.symbol("dgemm")
    differs = consumer.differs(library)
    if not names and not differs:
        return Attached(info, warnings=tuple(warnings))
    at_risk = _affected(differs) if differs else ""
    what = " and ".join(filter(None, [f"its symbols are spelled {info.fortran_symbol_dgemm} instead of "
                                      f"{consumer.symbol('dgemm')}" if names else "",
                                      f"its {'/'.join(differs)}-valued functions ({at_risk}) return results "
                                      f"differently" if differs else ""]))
    if toolchain is None:
        return Attached(info, warnings=(*warnings, f"cannot build a Fortran adapter without a C compiler, yet "
                                        f"{info.vendor} needs one for Fortran callers: {what}"))
    files = linked_libraries(link_args, toolchain.system_lib_dirs)
    try:
        if info.library.endswith(".a") or not info.library:
            raise AdapterError("adapters for static libraries are not supported (link the shared library)")
        libraries = _readable([f for f in files if not f.endswith(".a")], info.library, cache_dir)
        vendor = BY_NAME.get(info.vendor)
        plan = plan_adapter(scheme, library, consumer, libraries, vendor.xerbla_hooks if vendor else ())
        if plan.unadapted:
            warnings.append(f"{info.vendor} exports {', '.join(plan.unadapted)} only under the name Fortran code "
                            f"calls, with another result convention, and under no other name: Fortran calls of "
                            f"them return garbage (call them from C through blas_mangling.h instead)")
        if plan.kind == "none":
            return Attached(info, warnings=tuple(warnings))
        build = AdapterBuild(plan, scheme, tuple(lib.path for lib in libraries), info.int_size, toolchain,
                             tuple(compile_args), tuple(link_args), directory, cache_dir)
        built = build.build()
    except (AdapterError, SymbolReadError) as e:
        return Attached(info, warnings=(*warnings, f"no Fortran adapter for {info.vendor} ({e}), yet Fortran "
                                        f"callers need one: {what}"))
    kind = plan.kind
    adapted = replace(info, fortran_adapter=kind,
                                  notes=(*info.notes, f"Fortran adapter ({kind}): {plan.describe()}"))
    header_info = adapted
    if "abi" in kind:
        # blas_mangling.h describes the adapter's convention: complex results through a hidden argument
        # (BLAS_FORTRAN_ABI_G77) or in registers (REAL results as double have no macro of their own)
        header_info = replace(adapted, fortran_abi="g77" if consumer.complex_return == "hidden" else "gfortran")
    checked = f" ({', '.join(built.checked)} called and correct)" if built.checked else ""
    log = (f"Fortran adapter for {info.vendor} ({kind}): {plan.describe()}; proven by "
           f"{'running' if built.verified_by == 'run' else 'linking'} its self-test{checked}")
    return Attached(adapted, (str(built.object),), header_info, tuple(warnings), (log,), build)


def attach_renaming(info: BlasInfo, toolchain: Toolchain | None, compile_args: Sequence[str],
                    link_args: Sequence[str], directory: Path, cache_dir: Path | None = None) -> Attached:
    """Plain names (``dgemm_64_``, ``cblas_ddot64_``) for consumers of a prefixed library that a generic
    request found: code written for Meson's BLAS contract knows no prefix. Warns when none can be made."""
    scheme = Scheme(info.symbol_prefix, info.symbol_suffix)
    convention = library_convention(info.fortran_abi) or compiler_convention("gcc")
    assert convention is not None
    try:
        if toolchain is None:
            raise AdapterError("no C compiler to build it")
        if info.library.endswith(".a") or not info.library:
            raise AdapterError("the library is static")
        files = linked_libraries(link_args, toolchain.system_lib_dirs)
        libraries = _readable([f for f in files if not f.endswith(".a")], info.library, cache_dir)
        vendor = BY_NAME.get(info.vendor)
        plan = plan_renaming(scheme, convention, libraries, vendor.xerbla_hooks if vendor else ())
        build = AdapterBuild(plan, scheme, tuple(lib.path for lib in libraries), info.int_size, toolchain,
                             tuple(compile_args), tuple(link_args), directory, cache_dir)
        built = build.build()
    except (AdapterError, SymbolReadError) as e:
        return Attached(info, warnings=(f"no plain names for {info.vendor} ({e}): calls of plain names "
                                        f"(dgemm_, cblas_ddot) will not link; call through blas_mangling.h "
                                        f"(BLAS_FUNC, CBLAS_FUNC) or symbol_prefix, or install a BLAS with plain "
                                        f"names",))
    note = f"plain names ({plan.describe()}) generated for the {info.symbol_prefix} names"
    checked = f" ({', '.join(built.checked)} called and correct)" if built.checked else ""
    log = (f"plain names for {info.vendor} (prefix {info.symbol_prefix}): {plan.describe()}; proven by "
           f"{'running' if built.verified_by == 'run' else 'linking'} its self-test{checked}")
    return Attached(replace(info, notes=(*info.notes, note)), (str(built.object),), None, (), (log,), build)


def describe_convention(convention: Convention) -> str:
    return _ABI_LABEL.get((convention.complex_return, convention.real_return), "unknown")


__all__ = ["AdapterBuild", "Attached", "attach_adapter", "attach_renaming", "describe_convention"]
