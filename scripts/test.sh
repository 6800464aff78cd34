#!/usr/bin/env bash
# Sets up, builds, and runs every test suite (unit, differential, guest) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
ctest --test-dir build --output-on-failure "$@"
