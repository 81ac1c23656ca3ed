#!/usr/bin/env bash
# Configures and builds patchcheck and its guest images into build/ (warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DPATCHCHECK_WERROR=ON >/dev/null
ninja -C build
