"""Plan, generate, build and prove a Fortran adapter (no Meson here).

A Fortran program calls ``dgemm`` as the symbol its compiler emits
(``dgemm_`` for gfortran) with the compiler's function-result conventions.
When the library differs — a symbol prefix/suffix (``scipy_dgemm_64_``), or
complex results through a hidden argument (MKL's ``intel_*`` layers), or REAL
results as ``double`` (f2c) — :func:`plan_adapter` lists what to define, from
the library's own exports; :func:`render_adapter` turns the plan into C
(``adapter.c.in``); :func:`build_adapter` compiles it into an object for the
consumer's link line and proves it with ``adapter_check.c``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from ..naming import Scheme
from ..probes import Toolchain, build_rpath_dirs
from ..records import field, record
from .conventions import Convention
from .functions import AbiFunction, sensitive
from .symbols import Library, SymbolReadError

TEMPLATE = Path(__file__).with_name("adapter.c.in")
CHECK_SOURCE = Path(__file__).with_name("adapter_check.c")
AdapterKind = Literal["none", "names", "abi", "names+abi"]
ADAPTER_KINDS: tuple[AdapterKind, ...] = ("none", "names", "abi", "names+abi")
#: a Fortran routine name as compilers see it (the part between prefix and suffix)
_ROUTINE = re.compile(r"[a-z][a-z0-9_]*\Z")
#: a C identifier (a renamed library's plain name)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: routines the self-test calls, when the adapter defines them or the library has them
CHECKED = ("dgemm", "sdot", "cdotc", "zdotu", "zladiv")


class AdapterError(Exception):
    """The adapter cannot be planned, built or proven (the message says why)."""


@record
class Trampoline:
    """``symbol`` jumps to the library's ``target`` (same function, other name)."""

    routine: str
    symbol: str
    target: str


@record
class Wrapper:
    """``symbol`` calls ``target`` translating the function-result convention."""

    function: AbiFunction
    symbol: str
    target: str


@record
class AdapterPlan:
    consumer: Convention
    library: Convention
    names: bool  #: the library's symbols are spelled differently (prefix/suffix)
    trampolines: tuple[Trampoline, ...] = ()
    wrappers: tuple[Wrapper, ...] = ()
    #: ABI-sensitive functions the library exports that cannot be adapted (reported, never silenced)
    unadapted: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    #: the library's exported function installing its parameter-error handler ("" when there is none): a
    #: renamed library calls its own xerbla, so the adapter routes the errors to the program's XERBLA
    xerbla_hook: str = ""

    @property
    def kind(self) -> AdapterKind:
        names = self.names and bool(self.trampolines or self.wrappers)
        abi = any(self.library_symbol_differs(w) for w in self.wrappers)
        if names and abi:
            return "names+abi"
        if names:
            return "names"
        return "abi" if abi else "none"

    def library_symbol_differs(self, wrapper: Wrapper) -> bool:
        """True when ``wrapper`` translates a result convention (not only a name)."""
        return wrapper.function.result_class in self.consumer.differs(self.library)

    def routines(self) -> dict[str, str]:
        """routine → the symbol the adapter defines for it."""
        out = {t.routine: t.symbol for t in self.trampolines}
        out.update({w.function.name: w.symbol for w in self.wrappers})
        return out

    def describe(self) -> str:
        parts = []
        if self.trampolines:
            parts.append(f"{len(self.trampolines)} renamed routines")
        if self.wrappers:
            classes = "/".join(self.consumer.differs(self.library)) or "renamed"
            parts.append(f"{len(self.wrappers)} {classes}-valued functions wrapped "
                         f"({', '.join(w.function.name for w in self.wrappers[:6])}"
                         f"{', ...' if len(self.wrappers) > 6 else ''})")
        if self.xerbla_hook:
            parts.append("parameter errors routed to the program's XERBLA")
        return "; ".join(parts) or "nothing to adapt"


def _scheme_parts(scheme: Scheme) -> tuple[str, str]:
    head, _, tail = scheme.fortran("\0").partition("\0")
    return head, tail


def plan_adapter(scheme: Scheme, library: Convention, consumer: Convention,
                 libraries: Sequence[Library], xerbla_hooks: Sequence[str] = ()) -> AdapterPlan:
    """What the adapter must define so ``consumer``-compiled code calls ``libraries`` correctly.

    ``scheme`` is the library's proven prefix/suffix, ``library`` its proven result
    conventions; ``libraries`` are the shared libraries of the link line, in link order.
    Raises :class:`AdapterError` when their symbols cannot be read.
    """
    differs = consumer.differs(library)
    abi_functions = {f.name: f for f in sensitive(differs)}
    names = scheme.fortran("dgemm") != consumer.symbol("dgemm")
    trampolines: list[Trampoline] = []
    wrappers: list[Wrapper] = []
    unadapted: list[str] = []
    try:
        if names:
            head, tail = _scheme_parts(scheme)
            seen: set[str] = set()
            for lib in libraries:
                for symbol in sorted(lib.functions()):
                    if not (symbol.startswith(head) and symbol.endswith(tail)) or len(symbol) <= len(head + tail):
                        continue
                    routine = symbol[len(head):len(symbol) - len(tail)]
                    if not _ROUTINE.match(routine) or routine in seen:
                        continue
                    seen.add(routine)
                    plain = consumer.symbol(routine)
                    if routine in abi_functions:
                        wrappers.append(Wrapper(abi_functions[routine], plain, symbol))
                    elif plain != symbol:
                        trampolines.append(Trampoline(routine, plain, symbol))
            if not seen:
                files = ", ".join(lib.path for lib in libraries) or "the library"
                raise AdapterError(f"no exported function of {files} is spelled {head}<routine>{tail}")
        elif differs:
            defined = {consumer.symbol(f) for f in abi_functions}
            for function in abi_functions.values():
                symbol = scheme.fortran(function.name)
                owner = next((lib for lib in libraries if lib.address(symbol) is not None), None)
                if owner is None:
                    continue  # the library does not have it: nothing to adapt
                plain = consumer.symbol(function.name)
                if plain != symbol:
                    wrappers.append(Wrapper(function, plain, symbol))
                    continue
                # the library exports the very name the adapter must define: reach the
                # function through another name it exports for it (same address)
                alias = _alias(owner, symbol, function.name, defined)
                if alias is None:
                    unadapted.append(function.name)
                else:
                    wrappers.append(Wrapper(function, plain, alias))
        hook = _xerbla_hook(scheme, libraries, xerbla_hooks) if names else ""
    except SymbolReadError as e:
        raise AdapterError(str(e)) from None
    return AdapterPlan(consumer, library, names, tuple(trampolines), tuple(wrappers), tuple(unadapted),
                       xerbla_hook=hook)


def _xerbla_hook(scheme: Scheme, libraries: Sequence[Library], hooks: Sequence[str]) -> str:
    """The first of the vendor's error-handler hooks the libraries export, spelled in ``scheme`` ("" if none)."""
    return next((scheme.c(h) for h in hooks if any(lib.address(scheme.c(h)) is not None for lib in libraries)), "")


def plan_renaming(scheme: Scheme, convention: Convention, libraries: Sequence[Library],
                  xerbla_hooks: Sequence[str] = ()) -> AdapterPlan:
    """Plain names for a library whose every name carries ``scheme``'s prefix, for C and Fortran callers
    alike: each exported ``<prefix>name`` (``scipy_dgemm_64_``, ``scipy_cblas_ddot64_``) also as ``name``.
    The suffix stays: callers apply it, as Meson's BLAS contract has it (``symbol_suffix``)."""
    _head, tail = _scheme_parts(Scheme("", scheme.suffix, scheme.fortran_underscore))
    trampolines: list[Trampoline] = []
    seen: set[str] = set()
    try:
        for lib in libraries:
            for symbol in sorted(lib.functions()):
                plain = symbol[len(scheme.prefix):]
                if not symbol.startswith(scheme.prefix) or not _IDENTIFIER.match(plain) or plain in seen:
                    continue
                if any(other.address(plain) is not None for other in libraries):
                    continue  # the library has the plain name itself
                seen.add(plain)
                routine = plain[:-len(tail)] if tail and plain.endswith(tail) else plain
                trampolines.append(Trampoline(routine if _ROUTINE.match(routine) else plain, plain, symbol))
        hook = _xerbla_hook(scheme, libraries, xerbla_hooks)
    except SymbolReadError as e:
        raise AdapterError(str(e)) from None
    if not trampolines:
        files = ", ".join(lib.path for lib in libraries) or "the library"
        raise AdapterError(f"no exported function of {files} starts with {scheme.prefix}")
    return AdapterPlan(convention, convention, True, tuple(trampolines), xerbla_hook=hook)


def _alias(lib: Library, symbol: str, routine: str, taken: set[str]) -> str | None:
    """Another exported name of function ``symbol`` in ``lib`` that the adapter does not define."""
    address = lib.address(symbol)
    spellings = [routine, routine.upper(), f"{routine.upper()}_", f"{routine}__"]
    for spelling in spellings:
        if spelling != symbol and spelling not in taken and lib.address(spelling) == address:
            return spelling
    return None


# ---- C source ---------------------------------------------------------------------------------
def _params(function: AbiFunction) -> tuple[list[str], list[str]]:
    """(parameter types, argument names) of ``function``'s Fortran arguments and hidden string lengths."""
    types = ["void *"] * function.args + ["size_t"] * function.strings
    names = [f"a{i}" for i in range(function.args)] + [f"l{i}" for i in range(function.strings)]
    return types, names


def _result_type(function: AbiFunction, convention: Convention) -> str:
    if function.result == "s" and convention.real_return == "double":
        return "double"
    return function.c_type


def _hidden(function: AbiFunction, convention: Convention) -> bool:
    return function.result_class == "complex" and convention.complex_return == "hidden"


def _wrapper_source(index: int, w: Wrapper, consumer: Convention, library: Convention) -> list[str]:
    f = w.function
    types, names = _params(f)
    decls = [f"{t} {n}" if t != "void *" else f"void *{n}" for t, n in zip(types, names, strict=True)]
    out_type = _result_type(f, consumer)
    lib_type = _result_type(f, library)
    # the library's function
    lib_decls = ([f"{lib_type} *"] if _hidden(f, library) else []) + types
    lib_ret = "void" if _hidden(f, library) else lib_type
    lines = [f"/* {f.name}: {_describe(f, library)} -> {_describe(f, consumer)} */",
             f'extern {lib_ret} mb_lib{index}({", ".join(lib_decls) or "void"}) __asm__(MB_SYM("{w.target}"));']
    own_decls = ([f"{out_type} *mb_result"] if _hidden(f, consumer) else []) + decls
    own_ret = "void" if _hidden(f, consumer) else out_type
    signature = f'{own_ret} mb_adapt{index}({", ".join(own_decls) or "void"})'
    lines.append(f'MB_HIDDEN {signature} __asm__(MB_SYM("{w.symbol}"));')
    lines.append(f"{signature}")
    lines.append("{")
    args = ", ".join(names)
    if _hidden(f, library):
        lines.append(f"    {lib_type} r;")
        lines.append(f"    mb_lib{index}(&r{', ' if args else ''}{args});")
    else:
        lines.append(f"    {lib_type} r = mb_lib{index}({args});")
    if _hidden(f, consumer):
        lines.append(f"    *mb_result = ({out_type})r;")
    else:
        lines.append(f"    return ({out_type})r;")
    lines.append("}")
    return lines


def _describe(f: AbiFunction, convention: Convention) -> str:
    if f.result_class == "complex":
        return "hidden result argument" if convention.complex_return == "hidden" else "result in registers"
    return f"result as {convention.real_return}"


def _xerbla_source(plan: AdapterPlan) -> list[str]:
    """Route the library's parameter errors to the program's own XERBLA, when the program has one."""
    return [
        "/* The library reports illegal arguments to its own, renamed xerbla; a program defining XERBLA",
        " * (Reference-LAPACK's testers do) gets them through the library's handler hook instead. */",
        f'extern void mb_program_xerbla(const char *, const void *, size_t) __asm__(MB_SYM("'
        f'{plan.consumer.symbol("xerbla")}")) __attribute__((weak));',
        f'extern void *mb_set_xerbla(void *) __asm__(MB_SYM("{plan.xerbla_hook}"));',
        "static void mb_forward_xerbla(const char *name, const void *info, long length)",
        "{",
        "    /* the length is the library's integer (4 or 8 bytes); its low 32 bits hold it either way */",
        "    mb_program_xerbla(name, info, (size_t)(unsigned int)length);",
        "}",
        "__attribute__((constructor)) static void mb_route_xerbla(void)",
        "{",
        "    if (mb_program_xerbla)",
        "        mb_set_xerbla((void *)mb_forward_xerbla);",
        "}",
    ]


def render_adapter(plan: AdapterPlan) -> str:
    """The adapter's C source (``adapter.c.in`` with the plan's definitions)."""
    body: list[str] = []
    if plan.trampolines:
        body += ["#ifndef MB_TRAMPOLINE",
                 '#error "mesonbuild-blas: no symbol trampolines for this platform (ELF/Mach-O x86-64, AArch64; '
                 'MinGW x86-64)"',
                 "#endif"]
        body += [f'MB_TRAMPOLINE("{t.symbol}", "{t.target}")' for t in plan.trampolines]
    for i, w in enumerate(plan.wrappers):
        body += ["", *_wrapper_source(i, w, plan.consumer, plan.library)]
    if plan.xerbla_hook:
        body += ["", *_xerbla_source(plan)]
    summary = f"{plan.kind}: {plan.describe()}"
    return TEMPLATE.read_text().replace("@PLAN@", summary).replace("@BODY@", "\n".join(body))


# ---- build and prove --------------------------------------------------------------------------
@record
class BuiltAdapter:
    object: Path
    verified_by: Literal["run", "link"]
    checked: tuple[str, ...]  #: routines the self-test called


def _check_defines(plan: AdapterPlan, scheme: Scheme, libraries: Sequence[Library], int_size: int) -> list[str]:
    defines = [f"-DMB_INT=int{8 * int_size}_t"]
    if plan.consumer.complex_return == "hidden":
        defines.append("-DMB_COMPLEX_HIDDEN")
    if plan.consumer.real_return == "double":
        defines.append("-DMB_REAL_DOUBLE")
    if plan.xerbla_hook:
        defines.append(f'-DSYM_XERBLA="{plan.consumer.symbol("xerbla")}"')
    adapted = plan.routines()
    for routine in CHECKED:
        if routine in plan.unadapted:
            continue  # known to be wrong from Fortran, and reported as such
        symbol = adapted.get(routine)
        if symbol is None and not plan.names and any(
                lib.address(scheme.fortran(routine)) is not None for lib in libraries):
            symbol = plan.consumer.symbol(routine)  # not adapted: the library's own name is right
        if symbol is not None:
            defines.append(f'-DSYM_{routine.upper()}="{symbol}"')
    return defines


def build_adapter(plan: AdapterPlan, scheme: Scheme, libraries: Sequence[Library], int_size: int,
                  toolchain: Toolchain, compile_args: Sequence[str], link_args: Sequence[str], directory: Path,
                  timeout: float = 300.0) -> BuiltAdapter:
    """Compile the adapter into ``directory`` and prove it: the self-test calls the adapted
    routines as the consumer's compiler does and checks the results (link only when host
    binaries cannot run).  Reuses an earlier build of the same source.  Raises :class:`AdapterError`."""
    source = render_adapter(plan)
    defines = _check_defines(plan, scheme, libraries, int_size)
    stamps = [(lib.path, os.stat(lib.path).st_mtime_ns) for lib in libraries if os.path.exists(lib.path)]
    key = hashlib.sha256(json.dumps([source, list(toolchain.cc), toolchain.identity, list(compile_args),
                                     list(link_args), defines, stamps, CHECK_SOURCE.read_text()]).encode())
    out = directory / f"fortran-adapter-{key.hexdigest()[:12]}"
    obj = out / "blas_fortran_adapter.o"
    proof = out / "proven.json"
    try:
        record = json.loads(proof.read_text())
        if obj.is_file() and isinstance(record, dict):
            return BuiltAdapter(obj, "run" if record.get("verified_by") == "run" else "link",
                                tuple(record.get("checked", ())))
    except (OSError, ValueError):
        pass
    out.mkdir(parents=True, exist_ok=True)
    (out / "blas_fortran_adapter.c").write_text(source)
    flags = [*_machine_flags(compile_args), "-O2"] + ([] if _windows(toolchain) else ["-fPIC"])
    _run([*toolchain.cc, *toolchain.source_flags, "-c", "-o", str(obj), str(out / "blas_fortran_adapter.c"),
          *flags], "compiling the Fortran adapter", timeout)
    with tempfile.TemporaryDirectory(prefix="mesonbuild-blas-adapter-") as tmp:
        exe = os.path.join(tmp, "adapter_check")
        after = ["-x", "none"] if toolchain.source_flags else []
        rpaths = [f"-Wl,-rpath,{d}" for d in build_rpath_dirs(list(link_args), toolchain.system_lib_dirs)]
        _run([*toolchain.cc, *toolchain.source_flags, "-o", exe, str(CHECK_SOURCE), *after, *defines,
              *_machine_flags(compile_args), str(obj), *link_args, *(rpaths if toolchain.gnu_ld else [])],
             "linking the Fortran adapter's self-test", timeout)
        verified_by: Literal["run", "link"] = "link"
        checked: tuple[str, ...] = ()
        if toolchain.can_run:
            env = dict(os.environ)
            env.update(dict(toolchain.extra_env))
            proc = subprocess.run([*toolchain.run_wrapper, exe], capture_output=True, timeout=timeout, env=env,
                                  encoding="utf-8", errors="replace")
            lines = proc.stdout.splitlines()
            wrong = [ln for ln in lines if ln.startswith("wrong ")]
            if proc.returncode != 0 or wrong or not lines or not lines[-1].startswith("end "):
                stderr = proc.stderr.strip().splitlines()
                detail = "; ".join([*wrong, *([] if proc.returncode in (0, 1) else [f"exit status {proc.returncode}"])])
                detail = detail or (stderr or [f"exit status {proc.returncode}"])[-1]
                raise AdapterError(f"the Fortran adapter's self-test failed: {detail}")
            checked = tuple(ln.split()[1] for ln in lines if ln.startswith("ok "))
            verified_by = "run"
    proof.write_text(json.dumps({"verified_by": verified_by, "checked": list(checked)}))
    return BuiltAdapter(obj, verified_by, checked)


def _windows(toolchain: Toolchain) -> bool:
    return not toolchain.gnu_ld and any("mingw" in part or part.endswith(".exe") for part in toolchain.cc)


def _machine_flags(compile_args: Sequence[str]) -> list[str]:
    from ..probes import object_flags
    return object_flags(list(compile_args))


def _run(cmd: list[str], what: str, timeout: float) -> None:
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, encoding="utf-8", errors="replace")
    except (OSError, subprocess.SubprocessError) as e:
        raise AdapterError(f"{what} failed: {e}") from None
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.splitlines() if "error" in ln.lower()] or proc.stderr.splitlines()
        raise AdapterError(f"{what} failed: {(lines or [f'exit status {proc.returncode}'])[0].strip()}")
