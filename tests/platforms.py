"""Cross toolchains for the platform tests: cross files, tool checks, host wheels.

Linux aarch64 / s390x run under qemu-user, Windows x86-64 under Wine; every
tool comes from ``ci/install-cross.sh``.  Locally a missing tool skips the test
with the reason; in CI (``CI=true``) it fails it, because there the tools are
required.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from wheelcache import pip_target

#: in CI the cross toolchains are installed by ci/install-cross.sh: missing ones are a failure
#: (ci/test.sh sets MESONBUILD_BLAS_REQUIRE_PLATFORMS=1; CI=true, as CI services set it, does too)
REQUIRED = os.environ.get("CI", "").lower() == "true" or os.environ.get("MESONBUILD_BLAS_REQUIRE_PLATFORMS") == "1"


def need(reason: str) -> None:
    """Skip (locally) or fail (CI) because something the test needs is missing."""
    if REQUIRED:
        pytest.fail(f"{reason} (CI=true: run ci/install-cross.sh)")
    pytest.skip(f"{reason} (install with ci/install-cross.sh)")


@dataclass(frozen=True)
class Target:
    """A host machine the tests build for."""

    name: str  #: test id
    system: str
    cpu_family: str
    endian: str
    triplet: str  #: GNU triplet of the cross tools
    wrapper: tuple[str, ...]  #: exe_wrapper
    #: pip --platform tag of its wheels ("" when none are tested)
    wheel_platform: str = ""
    #: the probe's Fortran ABI answer for gfortran-built libraries.  The s390x C ABI returns
    #: float _Complex through a hidden pointer, so the gfortran and g77 conventions are the same
    #: calls there and the probe cannot tell them apart: "unverified" is the honest answer
    fortran_abi: str = "gfortran"

    @property
    def tools(self) -> tuple[str, ...]:
        tools = [f"{self.triplet}-gcc", self.wrapper[0]]
        if self.system == "linux":
            tools.append(f"{self.triplet}-pkg-config")
        else:
            tools.append("wineserver")
        return tuple(tools)

    def check(self) -> None:
        missing = [t for t in self.tools if shutil.which(t) is None]
        if missing:
            need(f"{self.name}: {', '.join(missing)} not installed")

    def cross_file(self, properties: dict[str, str] | None = None) -> str:
        """A Meson cross file for this target, with ``properties`` (values written as Meson strings)."""
        binaries = {"c": f"{self.triplet}-gcc", "cpp": f"{self.triplet}-g++", "fortran": f"{self.triplet}-gfortran",
                    "ar": f"{self.triplet}-ar", "strip": f"{self.triplet}-strip"}
        if self.system == "linux":
            binaries["pkg-config"] = f"{self.triplet}-pkg-config"
        else:  # the build machine's pkg-config reads the .pc files of blas_wheeldir (mkl-devel's)
            binaries["pkg-config"] = "pkg-config"
            binaries["windres"] = f"{self.triplet}-windres"
        lines = ["[binaries]"]
        lines += [f"{k} = '{v}'" for k, v in binaries.items() if shutil.which(v) or k in ("c", "pkg-config")]
        lines.append("exe_wrapper = [" + ", ".join(f"'{w}'" for w in self.wrapper) + "]")
        lines += ["", "[host_machine]", f"system = '{self.system}'", f"cpu_family = '{self.cpu_family}'",
                  f"cpu = '{self.cpu_family}'", f"endian = '{self.endian}'"]
        if properties:
            lines += ["", "[properties]", *(f"{k} = '{v}'" for k, v in properties.items())]
        return "\n".join(lines) + "\n"

    @property
    def libdir(self) -> str:
        """Debian's multiarch library directory of this target."""
        return f"/usr/lib/{self.triplet}"


# Plain qemu-<arch> as the wrapper, never "-L /usr/<triplet>": mixing that cross loader with the
# multiarch libc hangs threaded OpenBLAS and aborts even hello-world on s390x.
AARCH64 = Target("aarch64", "linux", "aarch64", "little", "aarch64-linux-gnu", ("qemu-aarch64",),
                 wheel_platform="manylinux2014_aarch64")
S390X = Target("s390x", "linux", "s390x", "big", "s390x-linux-gnu", ("qemu-s390x",), fortran_abi="unverified")
WIN64 = Target("win64", "windows", "x86_64", "little", "x86_64-w64-mingw32", ("wine",), wheel_platform="win_amd64")

#: the wheels fetched for the host machines (never committed: fetched by pip at test time)
HOST_WHEELS = ("scipy-openblas32", "scipy-openblas64")


def host_wheel_dir(target: Target) -> Path:
    """A ``pip install --target`` directory with :data:`HOST_WHEELS` for ``target`` (fetched once, cached)."""
    where, error = pip_target(target.wheel_platform, HOST_WHEELS, target.wheel_platform)
    if error:
        need(f"pip could not fetch {', '.join(HOST_WHEELS)} for {target.wheel_platform}: {error}")
    return where


def wine_session(base: Path) -> dict[str, str]:
    """Environment for running Windows programs under Wine: a fresh prefix in ``base``, quiet.

    Creating the prefix costs ~10 s once; a persistent ``wineserver -p`` started here keeps later
    runs at 0.03-0.4 s.  Returns the variables to set; :func:`stop_wine` ends that server.
    """
    # KMP_AFFINITY=disabled: Wine 8 lacks GetNumaNodeProcessorMaskEx, which Intel's OpenMP runtime
    # (libiomp5md.dll, loaded by MKL) calls to set thread affinity, aborting with "OMP: Error #179"
    env = {"WINEPREFIX": str(base / "wineprefix"), "WINEDEBUG": "-all", "WINEDLLOVERRIDES": "mscoree,mshtml=",
           "KMP_AFFINITY": "disabled"}
    full = {**os.environ, **env}
    subprocess.run(["wineserver", "-p"], env=full, capture_output=True, timeout=60, check=False)
    subprocess.run(["wine", "cmd", "/c", "exit"], env=full, capture_output=True, timeout=300, check=False)
    return env


def stop_wine(env: dict[str, str]) -> None:
    """End the wineserver of :func:`wine_session`'s prefix (only that one)."""
    subprocess.run(["wineserver", "-k"], env={**os.environ, **env}, capture_output=True, timeout=60, check=False)
