"""Everything mesonbuild-blas knows about each BLAS/LAPACK vendor, as data.

One :class:`Vendor` entry per vendor.  No other module names a vendor (but
:mod:`mesonbuild_blas.names`, whose index of dependency names is generated from
this table): the search, the probes and the renderings are driven by these
fields only.  Facts come from the libraries themselves (Debian 12 packages and
PyPI wheels) or, for vendors that cannot be installed on Linux x86-64, from
their public packaging; ``docs/vendors.md`` lists both.

pkg-config names may contain ``{threading}`` (a :class:`Threading` token) and
``{linkage}`` (``dynamic``/``static``); an entry holding several names
separated by spaces is one candidate made of all of them (ATLAS's separate BLAS
and LAPACK ``.pc`` files).
"""

from __future__ import annotations

from collections.abc import Mapping

from .names import ILP64, LP64, vendor_name
from .naming import Scheme
from .records import field, record, replace


@record
class WheelFiles:
    """The library files of a wheel on one host system, relative to the package directory."""

    link: str  #: what the linker is given (a shared library, or Windows' import library)
    #: the file loaded at run time when it is not ``link`` (the DLL next to an import library)
    runtime: str = ""


@record
class Wheel:
    """A BLAS library shipped inside a Python package (the ``python`` method)."""

    module: str  #: import name, located without importing it
    interface: str
    #: host system (Meson's ``host_machine.system()``) → its files in the wheel for that system
    files: Mapping[str, WheelFiles]
    include: str = "include"
    pkgconfig: str = ""  #: the wheel's own .pc file, relative to the package dir

    def files_for(self, system: str) -> WheelFiles | None:
        """The wheel's files when it is built for ``system`` (None: no such wheel is known)."""
        return self.files.get(system)


@record
class InfoCall:
    """A vendor C function the probe calls for version/threading facts.

    ``kind`` is how to call it: ``str`` (``const char *f(void)``), ``int``
    (``int f(void)``), ``verint`` (``int f(void)`` returning major·10000 +
    minor·100 + patch, reported as ``major.minor.patch``), ``buf``
    (``void f(char *, size_t)``), ``ver3`` (``void f(int *, int *, int *)``) or
    ``ver4`` (``void f(blas_int *, blas_int *, blas_int *, const char **)``,
    integers of the library's BLAS width).  The name is decorated with the
    library's prefix and C suffix.  The dgemm benchmark also knows ``names``
    (``const char *f(int)`` for ids 0, 1, ... up to NULL or the name ``arg``: an
    enumeration such as BLIS's kernel sets).
    """

    key: str
    kind: str
    symbol: str
    arg: str = ""  #: ``names``: the last name of the enumeration


@record
class Threading:
    """A threading variant chosen at link time (MKL's layers)."""

    names: tuple[str, ...]  #: spellings accepted in ``threading:`` / ``mkl-threading``
    token: str  #: replaces ``{threading}`` in pkg-config names
    layer: str  #: the ``threading`` variable it gives


@record
class FortranLayer:
    """A variant of the vendor's interface library built for one Fortran result convention.

    MKL's ``gf_lp64``/``gf_ilp64`` layers return complex function results the
    gfortran way; full MKL installs ship them next to the ``intel_*`` layers.
    Fortran consumers of that convention get the layer (proven again) instead
    of an adapter when its file sits next to the one the lookup found.
    """

    abi: str  #: the ``fortran_abi`` it gives (``gfortran``)
    #: (library name in the found link line, the layer's library name), e.g. ``mkl_intel_lp64`` → ``mkl_gf_lp64``
    replace: tuple[tuple[str, str], ...]


@record
class VendorAdvice:
    """What to tell the user when a vendor's library is slow on this machine."""

    display: str  #: name used in messages
    #: environment variable that overrides the library's own kernel choice ("" when none)
    env: str = ""
    #: probe fact naming the kernel set the library selected ("corename", "blis_arch")
    kernel_fact: str = ""
    #: kernel set (lower case) → vector width in bits its double-precision kernels use
    kernel_bits: Mapping[str, int] = field(default_factory=dict)
    #: CPU ISA level (see ``bench.ISA_BITS``) → kernel set to suggest, best first
    suggest: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: probe fact listing ``id:name`` pairs when ``env`` takes a numeric id (BLIS arch_t)
    numeric_ids: str = ""
    #: remedy when a kernel set can be suggested; fields {env} {value} {kernel}
    remedy: str = ""
    #: remedy otherwise; field {env}
    fallback: str = ""



@record(eq=False, repr=False)  # one object per vendor: identity is equality
class Vendor:
    name: str
    description: str
    #: pkg-config names to try, per interface, in order
    pkgconfig: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: pkg-config names for ``sdl: true`` (single dynamic library), per interface
    sdl_pkgconfig: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: what ``sdl: true`` selects, for messages ("" when the vendor has no single dynamic library)
    sdl_description: str = ""
    #: link-time threading variants, in default order
    threadings: tuple[Threading, ...] = ()
    #: the project option choosing among ``threadings`` (applies to this vendor's lookups only)
    threading_option: str = ""
    #: library sets for the ``system`` method (``find_library``), per interface
    system: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    #: directories (relative to the system library dirs) searched first: layouts
    #: such as Debian's alternatives keep each implementation in its own dir
    system_subdirs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: the vendor ships no LAPACK: ``lapack`` requests pair it with a partner's
    #: stand-alone LAPACK library (``lapack_libraries``) from the search order
    blas_only: bool = False
    #: a stand-alone LAPACK library of this vendor that works on top of any BLAS,
    #: per interface (found like ``system`` libraries, ``system_subdirs`` included)
    lapack_libraries: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: the ``system`` method only accepts libraries from explicitly named dirs
    #: (machine file, env roots): generic file names (AOCL's libblis) would
    #: otherwise match another vendor's library in the default search path
    system_explicit_dirs_only: bool = False
    #: (library-name fragment, threading layer) for ``system`` candidates, first match wins
    library_threading: tuple[tuple[str, str], ...] = ()
    #: CMake package names for the ``cmake`` method, per interface
    cmake: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: framework names and extra compile args for the ``framework`` method, per interface
    frameworks: tuple[str, ...] = ()
    framework_args: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: libraries shipped in Python wheels (the ``python`` method)
    wheels: tuple[Wheel, ...] = ()
    #: the ``python`` method also looks for the pkg-config names below the prefix of the
    #: Python running Meson (``sys.prefix``, native builds) and below each ``blas_wheeldir``
    #: (``pip install --target`` dirs): host system → directory relative to that prefix
    #: (mkl-devel installs ``lib/pkgconfig``, on Windows ``Library/lib/pkgconfig``)
    prefix_pkgconfig: Mapping[str, str] = field(default_factory=dict)
    #: host system → the ``sdl:`` value a request that does not say gets (``auto``: the
    #: single dynamic library after the split layers, where some toolchains cannot link those)
    sdl_default: Mapping[str, str] = field(default_factory=dict)
    #: environment variables naming an install root, and where to look below it
    env_roots: tuple[str, ...] = ()
    #: environment variables choosing what the library runs at run time (a backend, a threading or
    #: interface layer): part of the probe cache key and of a dependency's reconfigure fingerprint
    runtime_env: tuple[str, ...] = ()
    root_pkgconfig_dirs: tuple[str, ...] = ("lib/pkgconfig",)
    #: library dirs below a root; ``{IFACE}`` is the interface in upper case
    root_lib_dirs: tuple[str, ...] = ("lib",)
    #: symbol prefixes / suffixes (numpy's BLAS_SYMBOL_PREFIX/SUFFIX) to try
    prefixes: tuple[str, ...] = ("",)
    suffixes: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: {LP64: ("",), ILP64: ("", "64_", "_64")}
    )
    #: Fortran names carry the Fortran underscore (False: numpy's NO_APPEND_FORTRAN)
    fortran_underscore: bool = True
    #: vendor C functions the probe calls
    info: tuple[InfoCall, ...] = ()
    #: (info key, regular expression) extracting the version; key ``ilaver`` reads
    #: the LAPACK version
    version_from: tuple[str, str] | None = None
    #: (info key, value, threading layer) rules, first match wins
    threading_rules: tuple[tuple[str, str, str], ...] = ()
    #: threading layer known without asking the library (reference BLAS: sequential)
    threading_default: str = ""
    #: lookup methods in the order they are tried
    methods: tuple[str, ...] = ("pkg-config", "system")
    #: only available on these systems (Meson ``host_machine.system()``); empty: any
    systems: tuple[str, ...] = ()
    #: why it is unavailable elsewhere
    systems_reason: str = ""
    #: in the built-in order only on these systems / CPU families (empty: all)
    auto_systems: tuple[str, ...] = ()
    auto_cpu_families: tuple[str, ...] = ()
    #: in the built-in order only when one of its wheels is installed
    auto_needs_wheel: bool = False
    #: header declaring the CBLAS prototypes
    cblas_header: str = "cblas.h"
    #: include guards of that header when it is not spelled like a plain ``cblas.h``
    #: (blas_mangling.h then leaves the CBLAS enums to it)
    cblas_header_guards: tuple[str, ...] = ()
    #: return type of cblas_i?amax (CBLAS_INDEX): size_t in reference CBLAS,
    #: OpenBLAS and MKL; int in ATLAS; the BLAS integer in BLIS
    cblas_index_type: str = "size_t"
    #: what to install, per interface, shown when nothing was found
    install_hint: Mapping[str, str] = field(default_factory=dict)
    #: what ``mesonbuild-blas bench`` says when this vendor's library is slow here
    bench_advice: VendorAdvice | None = None
    #: its best benchmark row is the yardstick other vendors are compared with
    bench_yardstick: bool = False
    #: functions the dgemm benchmark calls besides ``info`` (kernel set, thread count), after timing
    bench_info: tuple[InfoCall, ...] = ()
    #: environment variables setting the library's thread count (besides OMP_NUM_THREADS)
    thread_variables: tuple[str, ...] = ()
    #: project option values that mean this vendor (besides ``name``)
    aliases: tuple[str, ...] = ()
    #: how to avoid a second OpenMP runtime in a process when the library brings another one
    openmp_fix: str = ""
    #: an ILP64 build of this vendor whose names are its own (can share a process with an LP64 BLAS),
    #: as the clash warning proposes it ("" when the vendor has none); only where the vendor is available
    own_name_ilp64: str = ""
    #: compiler-matched interface layers preferred over a Fortran adapter
    fortran_layers: tuple[FortranLayer, ...] = ()
    #: C functions (spelled before the library's symbol scheme) installing the library's handler of
    #: parameter errors: a Fortran adapter that renames routines routes them to the program's own XERBLA
    #: through it, since the library calls its own (renamed, internal) xerbla
    xerbla_hooks: tuple[str, ...] = ()
    #: dependency names that mean this vendor *and* an interface (``openblas64`` → ilp64)
    interface_names: Mapping[str, str] = field(default_factory=dict)
    #: file names (without ``.pc``) ``mesonbuild-blas pkgconfig`` writes, per interface, as
    #: projects ask for them; ``{name}`` is the vendor, ``{threading}`` a link-time variant
    pkgconfig_export: Mapping[str, str] = field(
        default_factory=lambda: {LP64: "{name}", ILP64: "{name}64"})

    def __repr__(self) -> str:
        return f"Vendor({self.name!r})"

    @property
    def prefixed(self) -> bool:
        """Every name of the library carries a prefix: code calling ``dgemm_`` cannot link it."""
        return "" not in self.prefixes

    def schemes(self, interface: str, suffix_override: str | None = None) -> tuple[Scheme, ...]:
        suffixes = (suffix_override,) if suffix_override is not None else self.suffixes.get(interface, ("",))
        return tuple(Scheme(p, s, self.fortran_underscore) for p in self.prefixes for s in suffixes)

    def variant_names(self) -> dict[str, tuple[str, tuple[str, ...], bool]]:
        """The vendor's own pkg-config names of one variant, as dependency names (``mkl-dynamic-lp64-seq``,
        ``mkl-sdl``): name → (interface, the ``modules:`` entries it implies, static linkage)."""
        out: dict[str, tuple[str, tuple[str, ...], bool]] = {}
        for interface, templates in self.pkgconfig.items():
            for template in templates:
                if " " in template or ("{threading}" not in template and "{linkage}" not in template):
                    continue
                variants = self.threadings if "{threading}" in template else ()
                for linkage in ("dynamic", "static"):
                    for variant in variants or (None,):
                        token = variant.token if variant else ""
                        name = template.format(threading=token, linkage=linkage)
                        out.setdefault(name, (interface, (f"threading: {token}",) if token else (),
                                              linkage == "static"))
        for interface, names in self.sdl_pkgconfig.items():
            for name in names:
                out.setdefault(name, (interface, ("sdl: true",), False))
        return out

    def threading_for(self, requested: str | None) -> tuple[Threading, ...]:
        """The link-time variants to try for a ``threading:`` request (all when None)."""
        if requested is None:
            return self.threadings
        return tuple(t for t in self.threadings if requested in t.names)

    def pkgconfig_entries(self, interface: str, threading: str | None = None, sdl: str | None = None,
                          static: bool = False) -> list[tuple[tuple[str, ...], Threading | None]]:
        """pkg-config candidates, in order: (names used together, threading variant)."""
        templates: tuple[str, ...] = ()
        if sdl == "true":
            templates = self.sdl_pkgconfig.get(interface, ())
        else:
            templates = self.pkgconfig.get(interface, ())
            if sdl == "auto":
                templates += self.sdl_pkgconfig.get(interface, ())
        linkage = "static" if static else "dynamic"
        out: list[tuple[tuple[str, ...], Threading | None]] = []
        for template in templates:
            if "{threading}" in template:
                for variant in self.threading_for(threading):
                    names = template.format(threading=variant.token, linkage=linkage)
                    out.append((tuple(names.split()), variant))
            else:
                out.append((tuple(template.format(linkage=linkage).split()), None))
        return out


_OPENBLAS_INFO = (
    InfoCall("config", "str", "openblas_get_config"),
    InfoCall("parallel", "int", "openblas_get_parallel"),
)
_OPENBLAS_THREADING = (("parallel", "0", "sequential"), ("parallel", "1", "pthreads"),
                       ("parallel", "2", "openmp"))
_OPENBLAS_VERSION = ("config", r"OpenBLAS\s+(\S+)")
_BLIS_INFO = (
    InfoCall("version", "str", "bli_info_get_version_str"),
    InfoCall("openmp", "int", "bli_info_get_enable_openmp"),
    InfoCall("pthreads", "int", "bli_info_get_enable_pthreads"),
)
_BLIS_THREADING = (("openmp", "1", "openmp"), ("pthreads", "1", "pthreads"), ("openmp", "0", "sequential"))
_OPENBLAS_BENCH_INFO = (
    InfoCall("corename", "str", "openblas_get_corename"),
    InfoCall("lib_threads", "int", "openblas_get_num_threads"),
)
_OPENBLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS")
_BLIS_BENCH_INFO = (
    InfoCall("lib_threads", "int", "bli_thread_get_num_threads"),
    # the sub-configuration (kernel set) BLIS selected, and the numeric ids BLIS_ARCH_TYPE takes
    # in this very build (arch_t changes between releases; "generic" is always its last entry)
    InfoCall("blis_arch", "int", "bli_arch_query_id"),
    InfoCall("blis_archs", "names", "bli_arch_string", arg="generic"),
)

_BLIS_KERNEL_BITS = {
    "skx": 512, "knl": 512, "zen4": 512, "zen5": 512, "sapphirerapids": 512,
    "haswell": 256, "zen": 256, "zen2": 256, "zen3": 256, "sandybridge": 256,
    "excavator": 256, "steamroller": 256, "piledriver": 256, "bulldozer": 256,
    "penryn": 128, "cortexa57": 128, "cortexa53": 128, "firestorm": 128, "thunderx2": 128,
    "generic": 64,
}
_OPENBLAS_KERNEL_BITS = {
    "skylakex": 512, "cooperlake": 512, "sapphirerapids": 512,
    "haswell": 256, "zen": 256, "sandybridge": 256, "excavator": 256, "steamroller": 256,
    "piledriver": 256, "bulldozer": 256,
    "nehalem": 128, "core2": 128, "penryn": 128, "dunnington": 128, "prescott": 128, "atom": 128,
    "barcelona": 128, "opteron": 128, "neoversen1": 128, "cortexa57": 128, "armv8": 128,
}
_BLIS = VendorAdvice(
    display="BLIS",
    env="BLIS_ARCH_TYPE",
    kernel_fact="blis_arch",
    kernel_bits=_BLIS_KERNEL_BITS,
    suggest={"avx512": ("skx",), "avx2": ("haswell",), "avx": ("sandybridge",)},
    numeric_ids="blis_archs",
    remedy="set {env}={value} (its {kernel} kernels; the numeric arch_t id of this BLIS build) or upgrade BLIS",
    fallback="set {env} to the arch_t id of a kernel set matching this CPU, or upgrade BLIS",
)
_OPENBLAS = VendorAdvice(
    display="OpenBLAS",
    env="OPENBLAS_CORETYPE",
    kernel_fact="corename",
    kernel_bits=_OPENBLAS_KERNEL_BITS,
    suggest={"avx512": ("SkylakeX",), "avx2": ("Haswell",), "avx": ("SandyBridge",)},
    remedy="set {env}={value} (DYNAMIC_ARCH builds honour it) or upgrade OpenBLAS",
    fallback="check {env} (DYNAMIC_ARCH builds) and OPENBLAS_NUM_THREADS, or upgrade OpenBLAS",
)


VENDORS: tuple[Vendor, ...] = (
    Vendor(
        name="scipy-openblas",
        description="OpenBLAS from the scipy-openblas32/64 wheels (symbols prefixed scipy_)",
        # both wheels ship scipy-openblas.pc; scipy-openblas32/64.pc as SciPy's docs (and
        # `mesonbuild-blas pkgconfig`) write them
        pkgconfig={LP64: ("scipy-openblas", "scipy-openblas32"), ILP64: ("scipy-openblas64", "scipy-openblas")},
        interface_names={"scipy-openblas32": LP64, "scipy-openblas64": ILP64},
        # manylinux / macosx / win_amd64 wheels: Windows ships the DLL (UCRT) plus an
        # ar-format import library that MinGW and MSVC linkers both read
        wheels=(
            Wheel("scipy_openblas32", LP64, {
                "linux": WheelFiles("lib/libscipy_openblas.so"),
                "darwin": WheelFiles("lib/libscipy_openblas.dylib"),
                "windows": WheelFiles("lib/libscipy_openblas.lib", runtime="lib/libscipy_openblas.dll"),
            }, pkgconfig="lib/pkgconfig/scipy-openblas.pc"),
            Wheel("scipy_openblas64", ILP64, {
                "linux": WheelFiles("lib/libscipy_openblas64_.so"),
                "darwin": WheelFiles("lib/libscipy_openblas64_.dylib"),
                "windows": WheelFiles("lib/libscipy_openblas64_.lib", runtime="lib/libscipy_openblas64_.dll"),
            }, pkgconfig="lib/pkgconfig/scipy-openblas.pc"),
        ),
        prefixes=("scipy_",),
        xerbla_hooks=("openblas_set_xerbla",),
        own_name_ilp64="scipy-openblas64 (scipy_*64_ names)",
        suffixes={LP64: ("",), ILP64: ("64_",)},
        info=_OPENBLAS_INFO,
        version_from=_OPENBLAS_VERSION,
        threading_rules=_OPENBLAS_THREADING,
        methods=("python", "pkg-config"),
        auto_needs_wheel=True,
        install_hint={LP64: "pip install scipy-openblas32", ILP64: "pip install scipy-openblas64"},
        bench_advice=replace(_OPENBLAS, display="scipy-openblas"),
        bench_yardstick=True,
        bench_info=_OPENBLAS_BENCH_INFO,
        thread_variables=_OPENBLAS_THREAD_VARIABLES,
    ),
    Vendor(
        name="accelerate",
        description="Apple Accelerate (macOS >= 13.3 NEWLAPACK interfaces)",
        frameworks=("Accelerate",),
        framework_args={LP64: ("-DACCELERATE_NEW_LAPACK",),
                        ILP64: ("-DACCELERATE_NEW_LAPACK", "-DACCELERATE_LAPACK_ILP64")},
        # NEWLAPACK entry points: dgemm$NEWLAPACK / cblas_dgemm$NEWLAPACK (Mach-O _dgemm$NEWLAPACK),
        # no Fortran underscore; numpy/SciPy: NO_APPEND_FORTRAN, BLAS_SYMBOL_SUFFIX=$NEWLAPACK$ILP64
        suffixes={LP64: ("$NEWLAPACK",), ILP64: ("$NEWLAPACK$ILP64",)},
        fortran_underscore=False,
        methods=("framework",),
        systems=("darwin",),
        systems_reason="Accelerate is part of macOS (its NEWLAPACK interfaces need macOS >= 13.3)",
        auto_systems=("darwin",),
        cblas_header="Accelerate/Accelerate.h",
        own_name_ilp64="Accelerate ILP64 ($NEWLAPACK$ILP64 names)",
        aliases=("veclib",),
        bench_advice=VendorAdvice(display="Accelerate"),
        thread_variables=("VECLIB_MAXIMUM_THREADS",),
    ),
    Vendor(
        name="mkl",
        description="Intel oneMKL (PyPI mkl-devel, oneAPI installs via MKLROOT)",
        pkgconfig={LP64: ("mkl-{linkage}-lp64-{threading}",), ILP64: ("mkl-{linkage}-ilp64-{threading}",)},
        sdl_pkgconfig={LP64: ("mkl-sdl",)},
        sdl_description="MKL's single dynamic library mkl_rt, LP64 unless MKL_INTERFACE_LAYER is set at run time",
        threadings=(
            Threading(("iomp", "openmp"), "iomp", "openmp"),
            Threading(("seq", "sequential"), "seq", "sequential"),
            Threading(("gomp",), "gomp", "openmp"),
            Threading(("tbb",), "tbb", "tbb"),
        ),
        threading_option="mkl-threading",
        openmp_fix="link MKL's GNU OpenMP layer for gcc projects (-Dmkl-threading=gomp, or modules: "
                   "['threading: gomp']) or its sequential one (seq); Intel compilers pair with iomp",
        pkgconfig_export={LP64: "mkl-dynamic-lp64-{threading}", ILP64: "mkl-dynamic-ilp64-{threading}"},
        prefix_pkgconfig={"linux": "lib/pkgconfig", "windows": "Library/lib/pkgconfig"},
        # mkl-devel's Windows interface layers (mkl_intel_lp64_dll.lib ...) are static MSVC code that
        # needs the MSVC runtime (/GS security cookie): MinGW links only mkl_rt.lib
        sdl_default={"windows": "auto"},
        env_roots=("MKLROOT",),
        runtime_env=("MKL_THREADING_LAYER", "MKL_INTERFACE_LAYER"),
        own_name_ilp64="MKL ILP64 (*_64 names)",
        root_lib_dirs=("lib/intel64", "lib"),
        # ILP64: the _64 names first (dgemm_64_, cblas_dgemm_64), as Meson's own MKL dependency and
        # numpy's report them: they can share a process with an LP64 BLAS; the probe proves their width
        suffixes={LP64: ("",), ILP64: ("_64", "")},
        info=(InfoCall("version", "buf", "MKL_Get_Version_String"),),
        version_from=("version", r"Version\s+(\d+(?:\.\d+)*)"),
        methods=("python", "pkg-config"),
        auto_cpu_families=("x86_64",),
        cblas_header="mkl_cblas.h",
        cblas_header_guards=("_MKL_CBLAS_H_", "__MKL_CBLAS_H__"),
        # full oneAPI installs and the PyPI mkl wheels 2026.0.0 and 2026.2.1 ship them; 2026.2.0 did not
        fortran_layers=(FortranLayer("gfortran", (("mkl_intel_lp64", "mkl_gf_lp64"),
                                                  ("mkl_intel_ilp64", "mkl_gf_ilp64"))),),
        install_hint={LP64: "pip install mkl-devel", ILP64: "pip install mkl-devel"},
        bench_advice=VendorAdvice(
            display="MKL", env="MKL_ENABLE_INSTRUCTIONS",
            fallback="MKL may take slow code paths on non-Intel CPUs; try {env}=AVX512 or AVX2, or another vendor",
        ),
        bench_info=(InfoCall("lib_threads", "int", "MKL_Get_Max_Threads"),),
        thread_variables=("MKL_NUM_THREADS",),
    ),
    Vendor(
        name="openblas",
        description="OpenBLAS (distribution packages, source builds)",
        interface_names={"openblas64": ILP64, "openblas_ilp64": ILP64, "openblas64_": ILP64},
        pkgconfig={LP64: ("openblas",), ILP64: ("openblas64", "openblas64_")},
        system={LP64: (("openblas",),), ILP64: (("openblas64",), ("openblas64_",))},
        # Debian's OpenBLAS64Config.cmake sets OpenBLAS_* variables (no targets), which
        # Meson's CMake dependency cannot map to the OpenBLAS64 package: LP64 only.
        cmake={LP64: ("OpenBLAS",)},
        info=_OPENBLAS_INFO,
        version_from=_OPENBLAS_VERSION,
        threading_rules=_OPENBLAS_THREADING,
        methods=("pkg-config", "cmake", "system"),
        openmp_fix="use the OpenBLAS build whose OpenMP matches the project's compiler, or its pthreads "
                   "(Debian: libopenblas0-pthread) or serial build",
        install_hint={LP64: "apt-get install libopenblas-dev",
                      ILP64: "apt-get install libopenblas64-dev"},
        bench_advice=_OPENBLAS,
        bench_yardstick=True,
        bench_info=_OPENBLAS_BENCH_INFO,
        thread_variables=_OPENBLAS_THREAD_VARIABLES,
    ),
    Vendor(
        name="flexiblas",
        description="FlexiBLAS (run-time switchable BLAS)",
        pkgconfig={LP64: ("flexiblas",), ILP64: ("flexiblas64",)},
        system={LP64: (("flexiblas",),), ILP64: (("flexiblas64",),)},
        suffixes={LP64: ("",), ILP64: ("64_", "")},
        info=(InfoCall("version", "ver3", "flexiblas_get_version"),
              InfoCall("backend", "buf", "flexiblas_current_backend")),
        version_from=("version", r"(\d+\.\d+\.\d+)"),
        install_hint={LP64: "apt-get install libflexiblas-dev", ILP64: "dnf install flexiblas-devel"},
        runtime_env=("FLEXIBLAS", "FLEXIBLAS64"),
        bench_advice=VendorAdvice(display="FlexiBLAS", env="FLEXIBLAS",
                                  fallback="select a faster backend with {env}=<backend>"),
    ),
    Vendor(
        name="blis",
        description="BLIS (BLAS only; no LAPACK)",
        pkgconfig={LP64: ("blis",), ILP64: ("blis64",)},
        system={LP64: (("blis",),), ILP64: (("blis64",),)},
        info=_BLIS_INFO,
        version_from=("version", r"(\d+\.\d+(?:\.\d+)?)"),
        threading_rules=_BLIS_THREADING,
        cblas_index_type="blas_int",
        blas_only=True,
        openmp_fix="use the BLIS build whose OpenMP matches the project's compiler, or its pthreads build "
                   "(Debian: update-alternatives --config libblis.so.4-<triplet>)",
        install_hint={LP64: "apt-get install libblis-dev", ILP64: "apt-get install libblis64-dev"},
        bench_advice=_BLIS,
        bench_info=_BLIS_BENCH_INFO,
        thread_variables=("BLIS_NUM_THREADS",),
    ),
    Vendor(
        name="atlas",
        description="ATLAS (Automatically Tuned Linear Algebra Software)",
        pkgconfig={LP64: ("blas-atlas lapack-atlas", "blas-atlas")},
        system={LP64: (("lapack", "blas"), ("lapack_atlas", "f77blas", "cblas", "atlas"))},
        system_subdirs={LP64: ("atlas",)},
        cblas_index_type="int",
        install_hint={LP64: "apt-get install libatlas-base-dev"},
        bench_advice=VendorAdvice(
            display="ATLAS",
            fallback="ATLAS is tuned when it is built and distribution builds are generic; rebuild it on this machine",
        ),
    ),
    Vendor(
        name="netlib",
        description="Netlib reference BLAS/CBLAS/LAPACK/LAPACKE",
        system={LP64: (("lapacke", "lapack", "blas"), ("lapack", "blas"), ("blas",)),
                ILP64: (("lapacke64", "lapack64", "blas64"), ("lapack64", "blas64"), ("blas64",))},
        system_subdirs={LP64: ("blas", "lapack"), ILP64: ("blas64", "lapack64")},
        pkgconfig={LP64: ("lapacke lapack-netlib blas-netlib", "lapack-netlib blas-netlib", "blas-netlib"),
                   ILP64: ("lapacke64 lapack64-netlib blas64-netlib", "lapack64-netlib blas64-netlib",
                           "blas64-netlib")},
        threading_default="sequential",
        lapack_libraries={LP64: ("lapack",), ILP64: ("lapack64",)},
        version_from=("ilaver", r"(\S+)"),  # the reference LAPACK's own version
        methods=("system", "pkg-config"),
        install_hint={LP64: "apt-get install libblas-dev liblapack-dev liblapacke-dev",
                      ILP64: "apt-get install libblas64-dev liblapack64-dev liblapacke64-dev"},
        # numpy/SciPy: the option values "blas" and "lapack" mean the generic system libblas/liblapack
        # (SciPy's docs: -Dblas=blas -Dlapack=lapack)
        aliases=("reference", "blas", "lapack"),
        bench_advice=VendorAdvice(display="reference BLAS",
                                  fallback="the reference BLAS is unoptimised; this is expected"),
    ),
    Vendor(
        name="armpl",
        description="Arm Performance Libraries",
        pkgconfig={LP64: ("armpl-{linkage}-lp64-{threading}",), ILP64: ("armpl-{linkage}-ilp64-{threading}",)},
        threadings=(
            Threading(("seq", "sequential"), "seq", "sequential"),
            Threading(("omp", "openmp", "gomp"), "omp", "openmp"),
        ),
        system={LP64: (("armpl_lp64",), ("armpl_lp64_mp",)), ILP64: (("armpl_ilp64",), ("armpl_ilp64_mp",))},
        library_threading=(("_mp", "openmp"), ("armpl_", "sequential")),
        env_roots=("ARMPL_DIR",),
        info=(InfoCall("version", "ver4", "armplversion"),),
        version_from=("version", r"(\d+\.\d+\.\d+)"),
        cblas_header="armpl.h",
        install_hint={LP64: "install Arm Performance Libraries and set ARMPL_DIR",
                      ILP64: "install Arm Performance Libraries and set ARMPL_DIR"},
        bench_advice=VendorAdvice(display="Arm PL"),
    ),
    Vendor(
        name="aocl",
        description="AMD AOCL (AOCL-BLAS = BLIS, AOCL-LAPACK = libFLAME)",
        system={LP64: (("flame", "blis-mt"), ("flame", "blis"), ("blis-mt",), ("blis",)),
                ILP64: (("flame", "blis-mt"), ("flame", "blis"), ("blis-mt",), ("blis",))},
        system_explicit_dirs_only=True,
        system_subdirs={LP64: ("LP64",), ILP64: ("ILP64",)},
        env_roots=("AOCL_ROOT",),
        root_lib_dirs=("lib_{IFACE}", "lib"),
        info=_BLIS_INFO,
        version_from=("version", r"(\d+\.\d+(?:\.\d+)?)"),
        threading_rules=_BLIS_THREADING,
        cblas_index_type="blas_int",
        methods=("system",),
        install_hint={LP64: "install AOCL and set aocl_librarydir in a machine file",
                      ILP64: "install AOCL (ILP64 build) and set aocl_librarydir in a machine file"},
        bench_advice=replace(_BLIS, display="AOCL-BLIS"),
        bench_info=_BLIS_BENCH_INFO,
        thread_variables=("BLIS_NUM_THREADS",),
    ),
    Vendor(
        name="nvpl",
        description="NVIDIA Performance Libraries (Arm64)",
        system={LP64: (("nvpl_lapack_lp64_gomp", "nvpl_blas_lp64_gomp"), ("nvpl_lapack_lp64_seq", "nvpl_blas_lp64_seq"),
                       ("nvpl_blas_lp64_gomp",), ("nvpl_blas_lp64_seq",)),
                ILP64: (("nvpl_lapack_ilp64_gomp", "nvpl_blas_ilp64_gomp"),
                        ("nvpl_lapack_ilp64_seq", "nvpl_blas_ilp64_seq"),
                        ("nvpl_blas_ilp64_gomp",), ("nvpl_blas_ilp64_seq",))},
        env_roots=("NVPL_ROOT",),
        library_threading=(("_gomp", "openmp"), ("_seq", "sequential")),
        info=(InfoCall("version", "verint", "nvpl_blas_get_version"),),
        version_from=("version", r"(\d+\.\d+\.\d+)"),
        methods=("system",),
        install_hint={LP64: "install NVPL (nvpl-blas, nvpl-lapack)", ILP64: "install NVPL (nvpl-blas, nvpl-lapack)"},
        bench_advice=VendorAdvice(display="NVPL"),
    ),
)

BY_NAME: Mapping[str, Vendor] = {v.name: v for v in VENDORS}

#: Built-in search order for the generic names; entries restrict themselves
#: further with ``auto_systems``, ``auto_cpu_families`` and ``auto_needs_wheel``.
#: The order chooses a library, never the names code calls: a generic request is
#: written for the plain reference names (``dgemm_``, ``cblas_ddot``), so vendors
#: whose every name carries a prefix (``scipy_dgemm_``) come last, after every
#: plain-named one (``tests/test_search.py`` checks this).
DEFAULT_ORDER = ("accelerate", "mkl", "openblas", "flexiblas", "blis", "atlas", "netlib", "scipy-openblas")


def lookup(name: str) -> Vendor | None:
    """The vendor called ``name`` (case-insensitive, aliases included: ``names.vendor_name``)."""
    canonical = vendor_name(name)
    return BY_NAME[canonical] if canonical is not None else None
