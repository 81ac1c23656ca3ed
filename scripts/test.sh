#!/usr/bin/env bash
# The test command: install what is missing, build, run every test with ctest; then every test
# again under ASan + UBSan (build-asan/), and each fuzz target for a fixed number of runs with
# a fixed seed (build-fuzz/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j 2   # the tests are independent; two at a time
scripts/sanitize.sh
scripts/fuzz.sh
