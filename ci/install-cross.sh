#!/usr/bin/env bash
# Install what the cross-platform tests (tests/test_platforms.py) need:
#   - Linux aarch64 and s390x: Debian multiarch BLAS packages, cross gcc/gfortran,
#     pkgconf for the host (gives <triplet>-pkg-config) and qemu-user as exe_wrapper;
#   - Windows x86-64: mingw-w64 gcc/g++/gfortran and Wine (64-bit).
# Idempotent; needs root (or sudo). The Windows and aarch64 wheels are not packages:
# the tests fetch them with pip (tests/platforms.py, cached in ~/.cache/mesonbuild-blas-tests).
# ppc64el is deliberately absent: its index has failed the mirror's size check, and a
# failing foreign index must not stop CI (apt-get update's exit status is tolerated;
# a package that is really missing still fails the install).
set -euo pipefail

ARCHES=(arm64 s390x)
declare -A TRIPLET=([arm64]=aarch64-linux-gnu [s390x]=s390x-linux-gnu)
# zlib1g: the manylinux scipy-openblas wheels need libz.so.1 (tests use the aarch64 ones)
HOST_LIBS=(libopenblas-dev libopenblas64-dev libblas-dev libblas64-dev liblapack-dev liblapack64-dev
           liblapacke-dev liblapacke64-dev libblis-dev pkgconf zlib1g)

PACKAGES=(qemu-user gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 gfortran-mingw-w64-x86-64 wine wine64)
for a in "${ARCHES[@]}"; do
  PACKAGES+=("gcc-${TRIPLET[$a]}" "gfortran-${TRIPLET[$a]}")
  for p in "${HOST_LIBS[@]}"; do PACKAGES+=("$p:$a"); done
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-cross: all ${#PACKAGES[@]} packages present"
  exit 0
fi

for a in "${ARCHES[@]}"; do
  if ! dpkg --print-foreign-architectures | grep -qx "$a"; then
    $SUDO dpkg --add-architecture "$a"
  fi
done
echo "install-cross: installing ${missing[*]}"
if ! $SUDO apt-get update -qq; then
  echo "install-cross: apt-get update reported a failing index (tolerated; a missing package still fails below)" >&2
fi
# A Multi-Arch: same library must have one version on every architecture. The
# foreign indexes can lag the native one (measured 2026-12: zlib1g's security
# update is in the amd64 and arm64 indexes, not in s390x's), so apt's candidates
# can disagree and the install "generates breaks". Ask for the version installed
# natively wherever the foreign index has it.
pinned=()
for p in "${missing[@]}"; do
  name="${p%%:*}"
  if [ "$name" = "$p" ]; then pinned+=("$p"); continue; fi
  native="$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null || true)"
  if [ -n "$native" ] && apt-cache madison "$p" | awk -F'|' '{gsub(/ /,"",$2); print $2}' | grep -qxF "$native"; then
    pinned+=("$p=$native")
  else
    pinned+=("$p")
  fi
done
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${pinned[@]}"
