#!/usr/bin/env bash
# Install the Debian build tools and BLAS/LAPACK "zoo" the test suite runs against.
# Idempotent; needs root (or sudo). Package list: docs/vendors.md.
set -euo pipefail

PACKAGES=(
  gcc g++ gfortran pkg-config ninja-build cmake
  libopenblas-dev libopenblas-pthread-dev libopenblas64-dev libopenblas64-pthread-dev
  libblas-dev liblapack-dev liblapacke-dev libblas64-dev liblapack64-dev liblapacke64-dev
  libblis-dev libblis-pthread-dev libblis64-dev libblis64-pthread-dev
  libatlas-base-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-zoo: all ${#PACKAGES[@]} packages present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "install-zoo: installing ${missing[*]}"
$SUDO apt-get update -qq || echo "install-zoo: apt-get update reported a failing index (tolerated; a missing package still fails below)" >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
