#!/usr/bin/env bash
# Installs what bt86 needs from Debian's packages (only what is missing) and builds it.
#   scripts/setup.sh run    packages to build and run bt86
#   scripts/setup.sh test   also the reference for whole-system tests: QEMU
set -euo pipefail
cd "$(dirname "$0")/.."

profile=${1:-run}
# gcc-multilib: the guests and the native half of the benchmark are 32-bit C.
packages=(cmake ninja-build g++ gcc-multilib pkg-config nasm binutils python3
          libzydis-dev libcapstone-dev libasmjit-dev libboost-container-dev catch2)
if [ "$profile" = test ]; then
  packages+=(qemu-system-x86)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "bt86 setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build_type=${BT86_BUILD_TYPE:-Release}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
cmake --build build
