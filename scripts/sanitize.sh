#!/usr/bin/env bash
# The sanitizer stage of the test command: builds the host code under AddressSanitizer and
# UndefinedBehaviorSanitizer into build-asan/ and runs every test with ctest there (ctest sets
# ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS; tests/lsan.supp suppresses only Unicorn's
# known leak, so any other leak, memory error or undefined behaviour fails the test).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -G Ninja -DPATCHCHECK_WERROR=ON -DPATCHCHECK_SANITIZE=ON >/dev/null
ninja -C build-asan
ctest --test-dir build-asan --output-on-failure -j 2
