#!/usr/bin/env bash
# Sets up, builds, and boots the demo guest (guests/demo) under bt86 with statistics.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
exec build/runtime/bt86 -kernel build/guests/demo.elf -append "console=ttyS0" --stats "$@"
