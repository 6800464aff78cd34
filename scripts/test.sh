#!/usr/bin/env bash
# Sets up, builds, fetches the Linux guest, and runs every test suite (unit, differential,
# guest, golden, system) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
scripts/fetch-linux-guest.sh build/linux-guest
ctest --test-dir build --output-on-failure "$@"
