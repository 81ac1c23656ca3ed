#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan) into build-fuzz/ and
# runs each one from its seeds: the scenario loader from scenarios/ and tests/data/scenarios/,
# the ELF image loader from the built guest images and the ELFs of tests/fuzz/elf_seeds.py.
#
#   scripts/fuzz.sh                 2000 runs per target, seed 1: the test command's stage
#   scripts/fuzz.sh --long [SECS]   SECS per target (default 600), random seed, the corpus kept
#                                   in build-fuzz/corpus/ across runs
#
# A finding is written to build-fuzz/artifacts/ and the script fails; replay one with
# build-fuzz/tests/fuzz/<target> FILE, and make it a unit test (tests/test_scenario.c,
# tests/test_machine.c).
set -euo pipefail
cd "$(dirname "$0")/.."
long=0
secs=600
if [ "${1:-}" = "--long" ]; then
  long=1
  secs=${2:-600}
fi
targets="fuzz_scenario_loader fuzz_image_loader"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang-14 -DPATCHCHECK_WERROR=ON \
      -DPATCHCHECK_FUZZ=ON >/dev/null
ninja -C build-fuzz $targets guest_images
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

rm -rf build-fuzz/seeds
python3 tests/fuzz/elf_seeds.py build-fuzz/seeds/elf
mkdir -p build-fuzz/artifacts
for t in $targets; do
  case $t in
    fuzz_scenario_loader) seeds="scenarios tests/data/scenarios" ;;
    fuzz_image_loader) seeds="build-fuzz/guest build-fuzz/seeds/elf" ;;
  esac
  corpus=build-fuzz/corpus/$t   # new inputs go here, never into the seed directories
  if [ $long = 1 ]; then
    limits="-max_total_time=$secs"
  else
    rm -rf "$corpus"
    limits="-runs=2000 -seed=1"
  fi
  mkdir -p "$corpus"
  echo "fuzz: $t $limits"
  build-fuzz/tests/fuzz/$t $limits -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix=build-fuzz/artifacts/$t- "$corpus" $seeds 2>build-fuzz/$t.log ||
    { tail -n 60 build-fuzz/$t.log; exit 1; }
  grep -E '^(Done|stat::number_of_executed_units)' build-fuzz/$t.log || true
done
