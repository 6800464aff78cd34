#!/usr/bin/env bash
# Sets up what is missing, builds bt86, fetches Debian's i386 kernel and busybox
# (scripts/fetch-linux-guest.sh), and boots them to an interactive shell on this terminal.
# `exit` in the shell, or Ctrl-A x, ends the VM. Extra arguments go to bt86, e.g.
#   scripts/run-linux.sh -append "console=ttyS0 quiet bt86.workload=ci"
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
scripts/fetch-linux-guest.sh build/linux-guest >&2
append="console=ttyS0 quiet"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -append|--append) append="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
exec build/runtime/bt86 -m 256 -kernel build/linux-guest/vmlinuz \
  -initrd build/linux-guest/initrd.gz -append "$append" ${args[@]+"${args[@]}"}
